// Changing the last disposition through the DialerService against real Redis and the Sheets and Dialpad
// emulators: the sheet (status cells, purple backgrounds, attempts, next index) ends as the right code
// makes it, the do-not-call list follows, retry timing runs from the original disposition, the Call log gets
// a correcting row, the next call already under way is not touched, and every refusal (window passed, lead
// dialed again or edited in the sheet, not the last call, another agent's call) writes nothing.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../../src-shared/contracts/errors.js';
import type { NextStep } from '../../../src-shared/contracts/views.js';
import { CALL_LOG_TAB } from '../../../src-shared/domain/call-log.js';
import { AGENT_COL } from '../../../src-shared/domain/sheet-codec.js';
import { SKIPPED_RGB } from '../../../src-shared/domain/sheet-patch.js';
import { keys, tabTag } from '../../src/redis/keys.js';
import { AGENT_SS, ANN, BOB, leadRow, phoneOf, startWorld, TAB, TAB_ID, type World } from './world.js';

const TAG = tabTag(AGENT_SS, TAB_ID);
const MIN = 60_000;

let world: World;
beforeEach(async () => {
  world = await startWorld({
    leads: [
      leadRow('L1', [phoneOf(1), phoneOf(11), phoneOf(21)]),
      leadRow('L2', [phoneOf(2)]),
      leadRow('L3', [phoneOf(3)]),
      leadRow('L4', [phoneOf(4)]),
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

async function apiError(p: Promise<unknown>): Promise<ApiError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ApiError);
  return e as ApiError;
}

/** Ann plays (L1 is dialed), disposes L1 with `code` at `t0`; the next call (L2) is chained and live. */
async function disposedFirst(code: 'CORRECT' | 'WRONG' | 'NO_ANSWER' | 'DO_NOT_CALL', t0 = Date.now()) {
  const made = world.makeService({ tabReadSpacingMs: 0 });
  const { service } = made;
  await service.startSession(ANN, t0);
  const first = callOf((await service.setSessionState(ANN, 'PLAY', t0)).next);
  expect(first.leadRowId).toBe('L1');
  const res = await service.dispose(ANN, { callId: first.callId, code, notes: 'said hi' }, t0);
  const second = callOf(res.next);
  expect(second.leadRowId).toBe('L2');
  await world.flush();
  return { ...made, first, second, t0 };
}

/** Everything a refused change must leave as it was. */
async function snapshot(redis = world.connect()) {
  return {
    lead: await redis.hgetall(keys.lead(TAG, 'L1')),
    queue: await redis.xlen(keys.sheetQueue(TAG)),
    dnc: await redis.smembers(keys.doNotCall(TAG)),
    row: [0, 1, 2].map((i) => world.cell(2, AGENT_COL.status(i))),
  };
}

describe('changing the last disposition', () => {
  it('CORRECT → WRONG: the skipped siblings come back (no purple) while the next call is live', async () => {
    const { service, store, first, second, t0 } = await disposedFirst('CORRECT');
    const bg = (slot: number) =>
      world.sheetsEm.state.getBackground(AGENT_SS, TAB_ID, 2, AGENT_COL.status(slot));
    expect([0, 1, 2].map((i) => world.cell(2, AGENT_COL.status(i)))).toEqual([
      'CORRECT',
      'SKIPPED',
      'SKIPPED',
    ]);
    expect(bg(1)).toEqual(SKIPPED_RGB);

    const r = await service.amendDisposition(ANN, { callId: first.callId, code: 'WRONG' }, t0 + 2 * MIN);
    expect(r).toMatchObject({
      callId: first.callId,
      code: 'WRONG',
      previousCode: 'CORRECT',
      amendableUntil: t0 + 5 * MIN,
      outcome: { rowId: 'L1', code: 'WRONG', skipped: 0, leadDone: false, nextNumber: 2, retryAt: null },
    });
    await world.flush();
    expect([0, 1, 2].map((i) => world.cell(2, AGENT_COL.status(i)))).toEqual(['WRONG', '', '']);
    expect(bg(1)).toBeNull();
    expect(bg(2)).toBeNull();
    expect(world.cell(2, AGENT_COL.lastOutcome)).toBe('WRONG');
    expect(world.cell(2, AGENT_COL.attemptCount)).toBe('1');
    expect(world.cell(2, AGENT_COL.nextIndex)).toBe('2');
    // The note is in the cell once.
    expect(world.cell(2, AGENT_COL.notes).match(/said hi/g)).toHaveLength(1);

    // The next call is untouched: still the session's call, still live, still claimed.
    const session = await store.activeSessionOf(ANN.email);
    expect(session?.callId).toBe(second.callId);
    expect((await store.getCall(TAG, second.callId))?.state).not.toBe('DISPOSED');
    expect((await store.getCall(TAG, first.callId))?.disposition).toBe('WRONG');
    // Counters: one call completed, now WRONG, no success.
    const stats = await service.stats(ANN, t0 + 2 * MIN);
    expect(stats.session).toMatchObject({ callsCompleted: 1, successRate: 0 });
    expect(stats.session?.dispositions).toMatchObject({ CORRECT: 0, WRONG: 1 });
    expect(stats.agent.dispositions).toMatchObject({ CORRECT: 0, WRONG: 1 });

    // The Call log: the call's row, then the correcting row (its own CallId).
    await world.flush();
    const log = world.sheetsEm.state.getValues(AGENT_SS, CALL_LOG_TAB);
    const rows = log.filter((row) => (row[8] ?? '').startsWith(first.callId));
    expect(rows.map((row) => [row[6], row[8]])).toEqual([
      ['CORRECT', first.callId],
      ['WRONG', `${first.callId}~fix1`],
    ]);
    expect(rows[1]?.[7]).toBe(`Correction of call ${first.callId}: CORRECT → WRONG`);
  });

  it('WRONG → CORRECT skips the open siblings (purple) and finishes the lead', async () => {
    const { service, first, t0 } = await disposedFirst('WRONG');
    expect([0, 1, 2].map((i) => world.cell(2, AGENT_COL.status(i)))).toEqual(['WRONG', '', '']);
    const r = await service.amendDisposition(ANN, { callId: first.callId, code: 'CORRECT' }, t0 + MIN);
    expect(r.outcome).toMatchObject({ skipped: 2, leadDone: true, nextNumber: null });
    await world.flush();
    expect([0, 1, 2].map((i) => world.cell(2, AGENT_COL.status(i)))).toEqual([
      'CORRECT',
      'SKIPPED',
      'SKIPPED',
    ]);
    expect(world.sheetsEm.state.getBackground(AGENT_SS, TAB_ID, 2, AGENT_COL.status(2))).toEqual(SKIPPED_RGB);
    expect((await service.stats(ANN, t0 + MIN)).session?.successRate).toBe(1);
  });

  it('NO_ANSWER → DO_NOT_CALL adds the number to the list; back to NO_ANSWER removes it, retry from the first time', async () => {
    const { service, store, first, t0 } = await disposedFirst('NO_ANSWER');
    const redis = world.connect();
    const r = await service.amendDisposition(ANN, { callId: first.callId, code: 'DO_NOT_CALL' }, t0 + MIN);
    expect(r.outcome).toMatchObject({ doNotCall: true, leadDone: true, skipped: 2 });
    expect(await redis.sismember(keys.doNotCall(TAG), phoneOf(1))).toBe(1);
    await world.flush();
    expect([0, 1, 2].map((i) => world.cell(2, AGENT_COL.status(i)))).toEqual([
      'SKIPPED',
      'SKIPPED',
      'SKIPPED',
    ]);
    expect(world.cell(2, AGENT_COL.lastOutcome)).toBe('DO_NOT_CALL');

    const back = await service.amendDisposition(
      ANN,
      { callId: first.callId, code: 'NO_ANSWER' },
      t0 + 3 * MIN,
    );
    expect(back).toMatchObject({
      previousCode: 'DO_NOT_CALL',
      outcome: { retryAt: t0 + 60 * MIN, nextNumber: 2 },
    });
    expect(await redis.sismember(keys.doNotCall(TAG), phoneOf(1))).toBe(0);
    expect((await store.getLead(TAG, 'L1'))?.state.slots[0]).toEqual({
      status: 'NO_ANSWER',
      skipReason: null,
      retryAt: t0 + 60 * MIN,
    });
    await world.flush();
    expect([0, 1, 2].map((i) => world.cell(2, AGENT_COL.status(i)))).toEqual(['NO_ANSWER', '', '']);
    expect(world.sheetsEm.state.getBackground(AGENT_SS, TAB_ID, 2, AGENT_COL.status(1))).toBeNull();
  });

  it('the same code again is a no-op answered as already saved', async () => {
    const { service, first, t0 } = await disposedFirst('WRONG');
    const before = await snapshot();
    const r = await service.amendDisposition(ANN, { callId: first.callId, code: 'WRONG' }, t0 + MIN);
    expect(r).toMatchObject({
      alreadySaved: true,
      code: 'WRONG',
      queuedCells: 0,
      outcome: { nextNumber: 2 },
    });
    expect(await snapshot()).toEqual(before);
  });

  it('refuses after the window (409 AMEND_WINDOW_PASSED) and writes nothing', async () => {
    const { service, first, t0 } = await disposedFirst('CORRECT');
    const before = await snapshot();
    const e = await apiError(
      service.amendDisposition(ANN, { callId: first.callId, code: 'WRONG' }, t0 + 5 * MIN + 1),
    );
    expect(e.code).toBe('AMEND_WINDOW_PASSED');
    expect(e.status).toBe(409);
    await world.flush();
    expect(await snapshot()).toEqual(before);
  });

  it('refuses once the lead was edited in the sheet (LEAD_CHANGED) and writes nothing', async () => {
    const { service, first, t0 } = await disposedFirst('WRONG');
    // A person marks Num2 CORRECT in the sheet, just now: the change re-reads the tab first.
    world.sheetsEm.state.setRows(
      AGENT_SS,
      TAB,
      [[null, null, null, null, null, null, null, null, null, null, null, null, null, 'CORRECT']],
      2,
    );
    const before = await snapshot();
    const e = await apiError(
      service.amendDisposition(ANN, { callId: first.callId, code: 'NO_ANSWER' }, t0 + MIN),
    );
    expect(e.code).toBe('LEAD_CHANGED');
    await world.flush();
    expect(await snapshot()).toEqual(before);
    expect(world.cell(2, AGENT_COL.status(1))).toBe('CORRECT');
  });

  it('refuses once the lead was dialed again (LEAD_CHANGED)', async () => {
    const { service, first, second, t0 } = await disposedFirst('WRONG');
    // L1 continues with Num2; make it the next lead dialed: L3 and L4 are finished by hand.
    world.sheetsEm.state.setRows(
      AGENT_SS,
      TAB,
      [[null, null, null, null, null, null, null, null, null, null, null, null, 'CORRECT']],
      4,
    );
    world.sheetsEm.state.setRows(
      AGENT_SS,
      TAB,
      [[null, null, null, null, null, null, null, null, null, null, null, null, 'CORRECT']],
      5,
    );
    await service.resync(ANN, t0);
    const next = callOf(
      (await service.dispose(ANN, { callId: second.callId, code: 'WRONG' }, t0 + MIN)).next,
    );
    expect(next.leadRowId).toBe('L1');
    // L1 dialed again: its first call is no longer the last disposed one either, but the lead check says why.
    const e = await apiError(
      service.amendDisposition(ANN, { callId: first.callId, code: 'CORRECT' }, t0 + MIN),
    );
    expect(['LEAD_CHANGED', 'NOT_LAST_CALL']).toContain(e.code);
  });

  it('refuses a call that is not the last one disposed (NOT_LAST_CALL), and changes the last one', async () => {
    const { service, first, second, t0 } = await disposedFirst('WRONG');
    await service.dispose(ANN, { callId: second.callId, code: 'NO_ANSWER' }, t0 + MIN);
    const before = await snapshot();
    const e = await apiError(
      service.amendDisposition(ANN, { callId: first.callId, code: 'CORRECT' }, t0 + MIN),
    );
    expect(e.code).toBe('NOT_LAST_CALL');
    expect(await snapshot()).toEqual(before);
    const ok = await service.amendDisposition(ANN, { callId: second.callId, code: 'WRONG' }, t0 + 2 * MIN);
    expect(ok).toMatchObject({
      previousCode: 'NO_ANSWER',
      code: 'WRONG',
      outcome: { rowId: 'L2', leadDone: true },
    });
  });

  it('after STOP the last call can still be changed, but not once a new session started', async () => {
    const { service, first, second, t0 } = await disposedFirst('WRONG');
    await service.dispose(ANN, { callId: second.callId, code: 'NO_ANSWER' }, t0);
    await service.setSessionState(ANN, 'STOP', t0);
    const ok = await service.amendDisposition(ANN, { callId: second.callId, code: 'WRONG' }, t0 + MIN);
    expect(ok.code).toBe('WRONG');
    await service.startSession(ANN, t0 + MIN);
    const e = await apiError(
      service.amendDisposition(ANN, { callId: second.callId, code: 'CORRECT' }, t0 + MIN),
    );
    expect(e.code).toBe('NOT_LAST_CALL');
    expect(first.callId).not.toBe(second.callId);
  });

  it("refuses another agent's call (403) and a call with no disposition yet (409)", async () => {
    const { service, first, second, t0 } = await disposedFirst('WRONG');
    const foreign = await apiError(
      service.amendDisposition(BOB, { callId: first.callId, code: 'CORRECT' }, t0),
    );
    expect(foreign.code).toBe('FORBIDDEN');
    const live = await apiError(
      service.amendDisposition(ANN, { callId: second.callId, code: 'CORRECT' }, t0),
    );
    expect(live.code).toBe('INVALID_STATE');
    const none = await apiError(service.amendDisposition(ANN, { callId: 'nope', code: 'CORRECT' }, t0));
    expect(none.code).toBe('CALL_NOT_FOUND');
  });
});
