// The session view carries the last disposition while it can be changed (issue 10), so a reloaded screen or
// a restarted app shows the receipt and its Change control again: against real Redis and the emulators, a
// new service instance (a restarted coordinator: empty tab caches) sees it too; a change shows the new code;
// it is gone after the window and when a later call becomes the last one. It counts the numbers the
// disposition skipped, as the receipt said before the reload ("Lead L1 → Correct person, 1 number skipped").
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { NextStep } from '../../../src-shared/contracts/views.js';
import { ANN, leadRow, phoneOf, startWorld, type World } from './world.js';

const MIN = 60_000;

let world: World;
beforeEach(async () => {
  world = await startWorld({
    leads: [
      leadRow('L1', [phoneOf(1), phoneOf(11)]),
      leadRow('L2', [phoneOf(2)]),
      leadRow('L3', [phoneOf(3)]),
    ],
  });
});
afterEach(async () => {
  await world?.close();
});

const callOf = (step: NextStep) => {
  if (step.kind !== 'call') throw new Error(`expected a call, got ${step.kind}`);
  return step.call;
};

describe('the session view carries the last disposition', () => {
  it('after a disposition: code, time, lead and window end, also for a restarted coordinator', async () => {
    const t0 = Date.now();
    const { service } = world.makeService({ tabReadSpacingMs: 0 });
    const started = await service.startSession(ANN, t0);
    expect(started.session.lastDisposition).toBeNull();
    const first = callOf((await service.setSessionState(ANN, 'PLAY', t0)).next);
    await service.dispose(ANN, { callId: first.callId, code: 'CORRECT' }, t0);

    const expected = {
      callId: first.callId,
      code: 'CORRECT',
      disposedAt: t0,
      leadRowId: 'L1',
      leadName: 'Lead L1',
      amendableUntil: t0 + 5 * MIN,
      skipped: 1, // L1's second number, open until Correct person finished the lead
    };
    expect((await service.currentSession(ANN, t0 + MIN)).session.lastDisposition).toEqual(expected);
    const restarted = world.makeService({ tabReadSpacingMs: 0 }).service;
    expect((await restarted.currentSession(ANN, t0 + MIN)).session.lastDisposition).toEqual(expected);

    // A change: the view shows the new code, the window still runs from the disposition.
    await service.amendDisposition(ANN, { callId: first.callId, code: 'WRONG' }, t0 + 2 * MIN);
    // Wrong number finishes only the dialed number: the second one is open again, nothing skipped.
    expect((await restarted.currentSession(ANN, t0 + 2 * MIN)).session.lastDisposition).toEqual({
      ...expected,
      code: 'WRONG',
      skipped: 0,
    });
    // Do not call skips the dialed number too, but that one was being dialed, not open: 1, not 2.
    await service.amendDisposition(ANN, { callId: first.callId, code: 'DO_NOT_CALL' }, t0 + 3 * MIN);
    expect((await restarted.currentSession(ANN, t0 + 3 * MIN)).session.lastDisposition).toEqual({
      ...expected,
      code: 'DO_NOT_CALL',
      skipped: 1,
    });

    // After the window it is gone (the change would be refused).
    expect((await service.currentSession(ANN, t0 + 5 * MIN)).session.lastDisposition).not.toBeNull();
    expect((await service.currentSession(ANN, t0 + 5 * MIN + 1)).session.lastDisposition).toBeNull();
  });

  it('a later disposition replaces it; a call with no disposition yet leaves it as it was', async () => {
    const t0 = Date.now();
    const { service } = world.makeService({ tabReadSpacingMs: 0 });
    await service.startSession(ANN, t0);
    const first = callOf((await service.setSessionState(ANN, 'PLAY', t0)).next);
    const second = callOf((await service.dispose(ANN, { callId: first.callId, code: 'WRONG' }, t0)).next);
    // The next call is live: the last disposition is still the first call's.
    const live = await service.currentSession(ANN, t0 + MIN);
    expect(live.call?.callId).toBe(second.callId);
    expect(live.session.lastDisposition).toMatchObject({ callId: first.callId, code: 'WRONG' });

    await service.dispose(ANN, { callId: second.callId, code: 'NO_ANSWER' }, t0 + 2 * MIN);
    expect((await service.currentSession(ANN, t0 + 2 * MIN)).session.lastDisposition).toEqual({
      callId: second.callId,
      code: 'NO_ANSWER',
      disposedAt: t0 + 2 * MIN,
      leadRowId: 'L2',
      leadName: 'Lead L2',
      amendableUntil: t0 + 7 * MIN,
      skipped: 0,
    });
  });
});
