import { describe, expect, it } from 'vitest';
import { amendDisposition, preDispositionOf } from './amend.js';
import { applyDisposition, type TabRef } from './apply.js';
import { type CampaignRules, DEFAULT_CAMPAIGN_RULES } from './campaign.js';
import { DEFAULT_DISPOSITIONS, DISPOSITION_CODES, type DispositionCode } from './disposition.js';
import type { Lead } from './lead.js';
import { makeLead } from './lead-fixtures.js';
import { SKIPPED_RGB } from './sheet-patch.js';

const TAB: TabRef = { spreadsheetId: 'ss-1', sheetId: 7, tabTitle: 'Agent A' };
const AT = Date.parse('2026-11-25T15:00:00Z');
const MIN = 60_000;
const rules: CampaignRules = { ...DEFAULT_CAMPAIGN_RULES, maxAttempts: 6 };
const catalog = DEFAULT_DISPOSITIONS;

/** Row 5, three numbers, the first being dialed (IN_PROGRESS), one earlier attempt. */
const dialed = () =>
  makeLead({
    rowId: 'L-5',
    rowNumber: 5,
    name: 'Aisha Chen',
    numbers: [{ status: 'IN_PROGRESS' }, {}, { status: 'NO_ANSWER' }],
    attemptCount: 1,
    notes: 'met at the fair',
  });

const dispose = (lead: Lead, code: DispositionCode, rulesIn = rules) =>
  applyDisposition({
    lead,
    numberIndex: 0,
    code,
    notes: 'said call back',
    now: AT,
    rules: rulesIn,
    catalog,
    tab: TAB,
  });

function amend(from: DispositionCode, to: DispositionCode, rulesIn = rules) {
  const before = dialed();
  const current = dispose(before, from, rulesIn).lead;
  return amendDisposition({
    current,
    pre: preDispositionOf(before),
    numberIndex: 0,
    from,
    to,
    disposedAt: AT,
    rules: rulesIn,
    catalog,
    tab: TAB,
  });
}

describe('amendDisposition: as if the right code had been chosen', () => {
  it('gives, for every pair of codes, the lead the right code gives, and a patch from the wrong one to it', () => {
    for (const from of DISPOSITION_CODES) {
      for (const to of DISPOSITION_CODES) {
        const r = amend(from, to);
        const right = dispose(dialed(), to);
        expect(r.lead, `${from} → ${to}`).toEqual(right.lead);
        // Applying the patch's cells over the wrong disposition's cells gives the right one's.
        const wrong = dispose(dialed(), from).lead;
        const cells = new Map<number, string>();
        for (const v of dispose(dialed(), from).patch.values) cells.set(v.col, v.value);
        for (const v of r.patch.values) cells.set(v.col, v.value);
        const expected = new Map<number, string>();
        for (const v of right.patch.values) expected.set(v.col, v.value);
        for (const [col, value] of expected) expect(cells.get(col), `${from} → ${to} col ${col}`).toBe(value);
        if (from === to) expect(r.patch.values).toEqual([]);
        expect(wrong.rowId).toBe('L-5');
      }
    }
  });

  it('CORRECT → WRONG: the skipped siblings are open again (no purple), the lead continues with number 2', () => {
    const r = amend('CORRECT', 'WRONG');
    expect(r.lead.numbers.slice(0, 3).map((n) => n.status)).toEqual(['WRONG', 'NEW', 'NO_ANSWER']);
    expect(r.patch.backgrounds).toEqual([
      { row: 5, col: 13, color: null },
      { row: 5, col: 14, color: null },
    ]);
    expect(r.outcome).toMatchObject({ code: 'WRONG', skipped: 0, leadDone: false, nextNumber: 2 });
    expect(r.successDelta).toBe(-1);
    expect(r.doNotCall).toBeNull();
  });

  it('WRONG → CORRECT: the open siblings are skipped (purple), the lead is done, one more success', () => {
    const r = amend('WRONG', 'CORRECT');
    expect(r.lead.numbers.slice(0, 3).map((n) => n.status)).toEqual(['CORRECT', 'SKIPPED', 'SKIPPED']);
    expect(r.patch.backgrounds).toEqual([
      { row: 5, col: 13, color: SKIPPED_RGB },
      { row: 5, col: 14, color: SKIPPED_RGB },
    ]);
    expect(r.outcome).toMatchObject({ skipped: 2, leadDone: true, nextNumber: null, retryAt: null });
    expect(r.successDelta).toBe(1);
  });

  it('NO_ANSWER → DO_NOT_CALL adds the number to the do-not-call list; back again removes it', () => {
    const add = amend('NO_ANSWER', 'DO_NOT_CALL');
    expect(add.doNotCall).toBe('ADD');
    expect(add.outcome).toMatchObject({ doNotCall: true, leadDone: true, skipped: 2 });
    const remove = amend('DO_NOT_CALL', 'NO_ANSWER');
    expect(remove.doNotCall).toBe('REMOVE');
    // The retry runs from the original disposition, not from the change.
    expect(remove.outcome.retryAt).toBe(AT + 60 * MIN);
    expect(remove.lead.numbers[0]?.retryAt).toBe(AT + 60 * MIN);
  });

  it('keeps the note once, with its original timestamp', () => {
    const r = amend('NO_ANSWER', 'VM_SAME_NAME');
    expect(r.lead.notes).toBe('met at the fair\n[2026-11-25 15:00Z] said call back');
    expect(r.patch.values.map((v) => v.col)).not.toContain(22);
  });

  it('applies max attempts as the right code would', () => {
    const last = { ...rules, maxAttempts: 2 };
    const r = amend('CORRECT', 'NO_ANSWER', last);
    expect(r.lead.numbers.slice(0, 3).map((n) => n.status)).toEqual(['EXHAUSTED', 'EXHAUSTED', 'EXHAUSTED']);
    expect(r.outcome).toMatchObject({ exhausted: 3, leadDone: true });
  });

  it('refuses a lead that is no longer what the disposition made of it (LEAD_CHANGED)', () => {
    const before = dialed();
    const current = dispose(before, 'WRONG').lead;
    const edited: Lead = {
      ...current,
      numbers: current.numbers.map((n, i) => (i === 1 ? { ...n, status: 'CORRECT' } : n)),
    };
    const input = {
      pre: preDispositionOf(before),
      numberIndex: 0,
      from: 'WRONG' as const,
      to: 'CORRECT' as const,
      disposedAt: AT,
      rules,
      catalog,
      tab: TAB,
    };
    expect(() => amendDisposition({ ...input, current: edited })).toThrow(
      expect.objectContaining({ code: 'LEAD_CHANGED' }),
    );
    // Dialed again: attempts moved on.
    const again = { ...current, attemptCount: current.attemptCount + 1 };
    expect(() => amendDisposition({ ...input, current: again })).toThrow(
      expect.objectContaining({ code: 'LEAD_CHANGED' }),
    );
    expect(amendDisposition({ ...input, current }).outcome.code).toBe('CORRECT');
  });

  describe('with callbacks', () => {
    const CB_TAB: TabRef = { ...TAB, callbackColumns: { at: 26, agent: 27 } };
    const scheduled = { at: AT + 24 * 60 * MIN, agent: 'ann@example.com', zone: 'America/New_York' };
    const answered = { at: AT - 60 * MIN, agent: 'ann@example.com', zone: 'America/New_York' };
    const disposeWith = (lead: Lead, code: DispositionCode, callback?: typeof scheduled) =>
      applyDisposition({ lead, numberIndex: 0, code, now: AT, rules, catalog, tab: CB_TAB, callback });
    const amendWith = (
      before: Lead,
      from: DispositionCode,
      to: DispositionCode,
      callback?: typeof scheduled,
    ) =>
      amendDisposition({
        current: disposeWith(before, from, callback).lead,
        pre: preDispositionOf(before, callback),
        numberIndex: 0,
        from,
        to,
        disposedAt: AT,
        rules,
        catalog,
        tab: CB_TAB,
      });

    it('keeps the callback scheduled with the disposition, and writes no callback cell', () => {
      const r = amendWith(dialed(), 'NO_ANSWER', 'VM_SAME_NAME', scheduled);
      expect(r.lead).toEqual(disposeWith(dialed(), 'VM_SAME_NAME', scheduled).lead);
      expect(r.lead.callback).toEqual(scheduled);
      expect(r.patch.values.map((v) => v.col)).not.toContain(26);
    });

    it('drops it when the right code is DO_NOT_CALL (a do-not-call lead is never called back)', () => {
      const r = amendWith(dialed(), 'NO_ANSWER', 'DO_NOT_CALL', scheduled);
      expect(r.lead.callback ?? null).toBeNull();
      expect(r.patch.values.filter((v) => v.col === 26 || v.col === 27).map((v) => v.value)).toEqual([
        '',
        '',
      ]);
    });

    it('a callback this call answered stays done', () => {
      const before = { ...dialed(), callback: answered };
      const r = amendWith(before, 'NO_ANSWER', 'WRONG');
      expect(r.lead.callback).toBeNull();
      expect(r.lead).toEqual(disposeWith(before, 'WRONG').lead);
    });

    it('a callback cancelled or moved since the disposition is a change of the lead (LEAD_CHANGED)', () => {
      const before = dialed();
      const current = { ...disposeWith(before, 'NO_ANSWER', scheduled).lead, callback: null };
      expect(() =>
        amendDisposition({
          current,
          pre: preDispositionOf(before, scheduled),
          numberIndex: 0,
          from: 'NO_ANSWER',
          to: 'WRONG',
          disposedAt: AT,
          rules,
          catalog,
          tab: CB_TAB,
        }),
      ).toThrow(expect.objectContaining({ code: 'LEAD_CHANGED' }));
    });
  });
});
