// Issue 9 item 5: a restart during a Sheets outage does not stop work. One coordinator instance starts a
// session and dials (reading the tab from Google, which leaves the tab's last read in Redis); a new instance
// (cold cache, same Redis) then serves the agent while every Sheets request fails with 503: the current
// session, a disposition (with the chained next call) and a state change are answered from Redis, and the
// emulator sees no Sheets request at all. Without the snapshot, the same cold instance cannot answer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NextStep } from '../../../src-shared/contracts/views.js';
import { ApiError } from '../../../src-shared/contracts/errors.js';
import { ANN, startWorld, type World } from '../service/world.js';

let world: World;
beforeAll(async () => {
  world = await startWorld();
});
afterAll(async () => {
  await world?.close();
});

function callOf(next: NextStep) {
  if (next.kind !== 'call') throw new Error(`expected a call, got ${next.kind}`);
  return next;
}

describe('a restart during a Sheets outage', () => {
  it('the new instance answers current session, disposition and state change from Redis', async () => {
    const before = world.makeService({ tabSnapshots: true });
    const t0 = Date.now();
    await before.service.startSession(ANN, t0);
    const first = callOf((await before.service.setSessionState(ANN, 'PLAY', t0)).next);
    await before.service.close(); // the instance is gone (restart)

    world.sheetsEm.state.addFault({ route: '*', status: 503 }); // and Google Sheets is down
    world.sheetsEm.state.requestLog.clear();
    try {
      const after = world.makeService({ tabSnapshots: true });
      const now = Date.now();
      const cur = await after.service.currentSession(ANN, now);
      expect(cur.session.state).toBe('PLAY');
      expect(cur.call?.callId).toBe(first.call.callId);
      const res = await after.service.dispose(ANN, { callId: first.call.callId, code: 'NO_ANSWER' }, now);
      expect(res.queuedCells).toBeGreaterThan(0);
      const second = callOf(res.next);
      expect(second.preview.lead.rowId).not.toBe(first.preview.lead.rowId);
      expect((await after.service.setSessionState(ANN, 'PAUSE', now)).session.state).toBe('PAUSE');
      expect(world.sheetsEm.state.requestLog.entries).toEqual([]); // not one Sheets request waited on

      // The control: a cold instance without the tab's last read has to ask Google, and cannot answer.
      const blind = world.makeService({});
      const e = await blind.service.currentSession(ANN, Date.now()).then(
        () => null,
        (err: unknown) => err,
      );
      expect(e).toBeInstanceOf(ApiError);
      expect((e as ApiError).code).toBe('SHEETS_UNAVAILABLE');
    } finally {
      world.sheetsEm.state.clearFaults();
    }
  });
});
