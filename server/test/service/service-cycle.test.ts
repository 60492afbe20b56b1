// The agent's cycle through the DialerService against real Redis, the Sheets emulator and the Dialpad
// emulator: start → PLAY (the first call is dialed at once) → Dialpad's hangup webhook → SHOW_DISPO →
// disposition → the next call chained in the same response, and the sheet showing the result after a
// flush. Plus session-start validation, previews and skips, do-not-call, and a failing Dialpad.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../../src-shared/contracts/errors.js';
import type { NextStep } from '../../../src-shared/contracts/views.js';
import { AGENT_COL } from '../../../src-shared/domain/sheet-codec.js';
import {
  ANN,
  BOB,
  CAROL,
  DAVE,
  eventually,
  leadRow,
  phoneOf,
  startWorld,
  testRules,
  type World,
} from './world.js';

// A fresh world per test: each one dials and edits the sheet, so none may see another's leftovers.
let world: World;
beforeEach(async () => {
  world = await startWorld({
    leads: [
      leadRow('L1', [phoneOf(1), phoneOf(11)]),
      leadRow('L2', [phoneOf(2)]),
      leadRow('L3', [phoneOf(3)]),
      leadRow('L4', [phoneOf(1)]), // shares L1's first number (do-not-call test)
      leadRow('L5', [phoneOf(5)]),
      leadRow('L6', [phoneOf(6)]),
    ],
  });
});
afterEach(async () => {
  await world?.close();
});
beforeEach(() => {
  world.dialpadEm.state.apiFaults.clear();
});

async function apiError(p: Promise<unknown>): Promise<ApiError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ApiError);
  return e as ApiError;
}

const callOf = (step: NextStep) => {
  if (step.kind !== 'call') throw new Error(`expected a call, got ${step.kind}`);
  return step;
};

describe('DialerService: the agent cycle', () => {
  it('start → play → webhook hangup → SHOW_DISPO → disposition → chained call; the sheet shows it', async () => {
    const { service } = world.makeService();
    world.webhookTarget = service;
    const now = Date.now();
    const snap = await service.startSession(ANN, now);
    expect(snap.session.state).toBe('PAUSE');
    expect(snap.stats.leadsTotal).toBe(6);

    const play = await service.setSessionState(ANN, 'PLAY', now);
    expect(play.session.state).toBe('PLAY');
    const first = callOf(play.next);
    expect(first.preview.lead.rowId).toBe('L1');
    expect(first.call.phoneE164).toBe(phoneOf(1));

    // The emulator plays ringing → hangup (never connected): the agent gets the modal, NO_ANSWER suggested.
    await eventually(async () => {
      const events = await world.eventsOf(ANN.email);
      return events.some((e) => e.type === 'SHOW_DISPO' && e.call.callId === first.call.callId);
    }, 'SHOW_DISPO for the first call');
    const dispo = (await world.eventsOf(ANN.email)).find((e) => e.type === 'SHOW_DISPO');
    expect(dispo?.type === 'SHOW_DISPO' && dispo.call).toMatchObject({
      state: 'ENDED',
      endReason: 'HANGUP',
      suggestedDisposition: 'NO_ANSWER',
    });

    const res = await service.dispose(
      ANN,
      { callId: first.call.callId, code: 'NO_ANSWER', notes: 'no pickup' },
      Date.now(),
    );
    expect(res.queuedCells).toBeGreaterThan(0);
    const second = callOf(res.next);
    expect(second.preview.lead.rowId).toBe('L2');

    await world.flush();
    // L1 is sheet row 2: Status1, LastOutcome, AttemptCount, NextIndex (round robin to Num2), Notes.
    expect(world.cell(2, AGENT_COL.status(0))).toBe('NO_ANSWER');
    expect(world.cell(2, AGENT_COL.lastOutcome)).toBe('NO_ANSWER');
    expect(world.cell(2, AGENT_COL.attemptCount)).toBe('1');
    expect(world.cell(2, AGENT_COL.nextIndex)).toBe('2');
    expect(world.cell(2, AGENT_COL.notes)).toContain('no pickup');
    expect(world.cell(3, AGENT_COL.status(0))).toBe('IN_PROGRESS'); // L2 is being dialed

    const stats = await service.stats(ANN, Date.now());
    expect(stats.session).toMatchObject({ callsInitiated: 2, callsCompleted: 1 });
    expect(stats.session?.dispositions.NO_ANSWER).toBe(1);

    // STOP with a live call: the call can still be disposed afterwards.
    const stop = await service.setSessionState(ANN, 'STOP', Date.now());
    expect(stop.next).toEqual({ kind: 'idle', sessionState: 'STOP' });
    const late = await service.dispose(ANN, { callId: second.call.callId, code: 'WRONG' }, Date.now());
    expect(late.next).toEqual({ kind: 'idle', sessionState: 'STOP' });
    await world.flush();
    expect(world.cell(3, AGENT_COL.status(0))).toBe('WRONG');
    expect(await apiError(service.currentSession(ANN, Date.now()))).toMatchObject({
      code: 'NO_ACTIVE_SESSION',
    });
    world.webhookTarget = null;
  });

  it('refuses a session to an inactive agent, one absent from the router, and a tab with a bad header', async () => {
    const { service } = world.makeService();
    expect((await apiError(service.startSession(CAROL, Date.now()))).code).toBe('AGENT_INACTIVE');
    expect((await apiError(service.startSession({ email: 'zed@example.com' }, Date.now()))).code).toBe(
      'AGENT_NOT_IN_ROUTER',
    );
    const bad = await apiError(service.startSession(DAVE, Date.now()));
    expect(bad.code).toBe('SHEET_HEADER_MISMATCH');
    expect(bad.message).toContain('Status3');
  });

  it('previews with a countdown: next claims without dialing, skip marks SKIPPED, dial rings the preview', async () => {
    const { service } = world.makeService({ rules: testRules({ previewCountdownSeconds: 5 }) });
    const now = Date.now();
    await service.startSession(BOB, now);
    const play = await service.setSessionState(BOB, 'PLAY', now);
    expect(play.next.kind).toBe('preview');
    const before = world.dialpadEm.state.requestLog.count('initiate_call');
    if (play.next.kind !== 'preview') throw new Error('no preview');
    const first = play.next.preview;
    expect(first.dialAt).toBe(now + 5_000);
    expect(await service.next(BOB, now)).toEqual(play.next); // the same preview, not a second claim

    const afterSkip = await service.skip(BOB, first.previewId, now);
    expect(afterSkip.kind).toBe('preview');
    if (afterSkip.kind !== 'preview') throw new Error('no preview');
    const numberOf = (p: typeof first) => [p.preview.lead.rowId, p.preview.numberIndex];
    expect(numberOf(afterSkip.preview)).not.toEqual(numberOf(first)); // the skipped number is not offered again
    expect((await apiError(service.skip(BOB, first.previewId, now))).code).toBe('NOT_FOUND');

    const dialed = callOf(await service.dial(BOB, afterSkip.preview.previewId, now));
    expect(dialed.preview.lead.rowId).toBe(afterSkip.preview.preview.lead.rowId);
    await service.settled(); // Dialpad is asked after the answer
    expect(world.dialpadEm.state.requestLog.count('initiate_call')).toBe(before + 1);
    expect((await service.stats(BOB, now)).session?.skips).toBe(1);

    await world.flush();
    const skippedRow = Number(first.preview.lead.rowNumber);
    expect(world.cell(skippedRow, AGENT_COL.status(first.preview.numberIndex))).toBe('SKIPPED');
    await service.dispose(BOB, { callId: dialed.call.callId, code: 'WRONG' }, now);
    await service.setSessionState(BOB, 'STOP', now);
  });
});

describe('DialerService: Dialpad failures', () => {
  it('reverts IN_PROGRESS and releases the claim when Dialpad refuses; the lead is dialed once it recovers', async () => {
    const { service, store } = world.makeService();
    const now = Date.now();
    await service.startSession(BOB, now);
    world.dialpadEm.state.apiFaults.add({ route: 'initiate_call', status: 503, retryAfterSec: 5 });
    // The answer carries the call as soon as the dial is committed; Dialpad's refusal comes after it (a 503
    // with Retry-After: Dialpad shed the request before acting on it, docs/gateways.md).
    const failed = callOf((await service.setSessionState(BOB, 'PLAY', now)).next);
    await service.settled();
    const dialFailures = async () =>
      (await world.eventsOf(BOB.email)).filter((e) => e.type === 'DIAL_FAILED');
    expect(await dialFailures()).toEqual([
      expect.objectContaining({
        callId: failed.call.callId,
        code: 'DIALPAD_UNAVAILABLE',
        next: { kind: 'idle', sessionState: 'PLAY' },
      }),
    ]);
    const session = await store.activeSessionOf(BOB.email);
    expect(session?.callId).toBeNull(); // nothing is stuck IN_PROGRESS
    const undone = await store.getLead(session?.tag ?? '', failed.preview.lead.rowId);
    expect(undone?.state.slots[failed.call.numberIndex]?.status).not.toBe('IN_PROGRESS');
    expect((await service.stats(BOB, now)).session?.callsInitiated).toBe(0);
    callOf(await service.dial(BOB, undefined, now));
    await service.settled();
    expect(await dialFailures()).toHaveLength(2);

    world.dialpadEm.state.apiFaults.clear();
    const ok = callOf(await service.dial(BOB, undefined, now));
    const lead = await store.getLead(session?.tag ?? '', ok.preview.lead.rowId);
    expect(lead?.state.slots[ok.call.numberIndex]?.status).toBe('IN_PROGRESS');
    await service.dispose(BOB, { callId: ok.call.callId, code: 'WRONG' }, now);
    await service.setSessionState(BOB, 'STOP', now);
  });
});

describe('DialerService: do-not-call', () => {
  let dnc: World;
  beforeAll(async () => {
    dnc = await startWorld({
      leads: [
        leadRow('D1', [phoneOf(1)]),
        leadRow('D2', [phoneOf(2)]),
        leadRow('D3', [phoneOf(1), phoneOf(3)]),
      ],
    });
  });
  afterAll(async () => {
    await dnc?.close();
  });

  it('never dials a do-not-call number again, on any lead of the tab', async () => {
    const { service } = dnc.makeService();
    const now = Date.now();
    await service.startSession(ANN, now);
    const first = callOf((await service.setSessionState(ANN, 'PLAY', now)).next);
    expect(first.call.phoneE164).toBe(phoneOf(1));
    let step: NextStep = (await service.dispose(ANN, { callId: first.call.callId, code: 'DO_NOT_CALL' }, now))
      .next;
    const dialed: string[] = [];
    for (let i = 0; i < 10 && step.kind === 'call'; i++) {
      dialed.push(step.call.phoneE164);
      step = (await service.dispose(ANN, { callId: step.call.callId, code: 'WRONG' }, now)).next;
    }
    // D3's first number is the do-not-call one: it is skipped for good and its second number is dialed.
    expect(dialed).toEqual([phoneOf(2), phoneOf(3)]);
    expect(step.kind).toBe('nothing');
    await dnc.flush();
    expect(dnc.cell(4, AGENT_COL.status(0))).toBe('SKIPPED');
    expect(dnc.cell(4, AGENT_COL.status(1))).toBe('WRONG');
    await service.setSessionState(ANN, 'STOP', now);
  });
});
