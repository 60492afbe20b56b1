// "Change the last disposition" on the client: the dialog opens only while the receipt's window runs and
// never over the disposition modal; a change shows the new code at once ("was …"), then the coordinator's
// account of what happens next; a refusal puts back what is saved and withdraws the Change control.
import { describe, expect, it } from 'vitest';
import type { AmendResponse } from '../../src-shared/contracts/amend';
import { DEFAULT_DISPOSITIONS, type DispositionCode } from '../../src-shared/domain/disposition';
import { callView, leadPreview } from '../test/fixtures';
import { amendAnswered, amendOpen, amendRefused, amendSent, canAmend, openAmend, pickAmend } from './amend';
import { buildReceipt, outcomeText, receiptText } from './receipt';
import { initialState } from './reducers';
import type { StoreState } from './types';

const def = (code: DispositionCode) => DEFAULT_DISPOSITIONS.find((d) => d.code === code)!;
const T0 = Date.parse('2026-11-30T15:00:00Z');

function withReceipt(code: DispositionCode): StoreState {
  const s = initialState();
  const receipt = buildReceipt('call-1', callView(), leadPreview('L1', 'Aisha Chen'), def(code), {
    at: T0,
    windowSeconds: 300,
  });
  return { ...s, ui: { ...s.ui, receipt } };
}

const answer = (over: Partial<AmendResponse> = {}): AmendResponse => ({
  callId: 'call-1',
  code: 'WRONG',
  previousCode: 'CORRECT',
  queuedCells: 4,
  amendableUntil: T0 + 300_000,
  outcome: {
    rowId: 'L1',
    leadName: 'Aisha Chen',
    code: 'WRONG',
    skipped: 0,
    leadDone: false,
    nextNumber: 2,
    retryAt: null,
    exhausted: 0,
    doNotCall: false,
  },
  ...over,
});

describe('changing the last disposition (client)', () => {
  it('opens only inside the window and never over the disposition modal', () => {
    const s = withReceipt('CORRECT');
    expect(canAmend(s.ui.receipt, T0 + 299_000)).toBe(true);
    expect(amendOpen(openAmend(s, T0 + 299_000))).toBe(true);
    expect(amendOpen(openAmend(s, T0 + 300_001))).toBe(false);
    const dispoDue = {
      ...s,
      ui: { ...s.ui, dispo: { callId: 'call-2', code: null, notes: '', open: true } },
    };
    expect(amendOpen(openAmend(dispoDue, T0))).toBe(false);
    // Opened, then the next call's modal comes up: the dialog steps aside.
    const opened = openAmend(s, T0);
    expect(amendOpen({ ...opened, ui: { ...opened.ui, dispo: dispoDue.ui.dispo } })).toBe(false);
  });

  it('shows the new code at once, then what the coordinator says comes next', () => {
    let s = pickAmend(openAmend(withReceipt('CORRECT'), T0), 'WRONG');
    expect(s.ui.amend?.code).toBe('WRONG');
    s = amendSent(s, def('WRONG'));
    expect(s.ui.amend).toBeNull();
    expect(receiptText(s.ui.receipt!)).toBe('Aisha Chen → Wrong number (was Correct person)');
    expect(s.ui.receipt?.changing).toBe(true);
    expect(canAmend(s.ui.receipt, T0)).toBe(false); // one change at a time
    s = amendAnswered(s, answer(), 'Wrong number');
    expect(s.ui.receipt?.changing).toBe(false);
    expect(outcomeText(s.ui.receipt!.outcome!, () => 'at 16:00')).toBe('Next: number 2');
    expect(canAmend(s.ui.receipt, T0 + 60_000)).toBe(true);
  });

  it('a refusal puts back what is saved and withdraws the Change control', () => {
    let s = amendSent(openAmend(withReceipt('NO_ANSWER'), T0), def('DO_NOT_CALL'));
    s = amendRefused(s, 'call-1');
    expect(receiptText(s.ui.receipt!)).toBe(`Aisha Chen → ${def('NO_ANSWER').label}`);
    expect(canAmend(s.ui.receipt, T0)).toBe(false);
  });

  it('says what happens next in plain words', () => {
    const o = answer().outcome;
    const when = () => 'at 16:05';
    expect(outcomeText({ ...o, retryAt: 1, nextNumber: 1 }, when)).toBe(
      'Next: number 1 · this number again at 16:05',
    );
    expect(outcomeText({ ...o, leadDone: true, nextNumber: null }, when)).toBe(
      'This lead is not called again',
    );
    expect(outcomeText({ ...o, leadDone: true, doNotCall: true, nextNumber: null }, when)).toMatch(
      /do-not-call/,
    );
    expect(outcomeText({ ...o, leadDone: true, exhausted: 2, nextNumber: null }, when)).toMatch(
      /Max attempts/,
    );
  });
});
