// Two coordinator instances on one Redis, and a disposition sent twice under one Idempotency-Key (a retry,
// a double click, the reliability suite's duplicate sends): the repeat is answered from the key's record,
// and the instance that answered it must still hear the other instance's later changes of that lead, or
// its card shows the lead as it was (an AttemptCount behind the sheet) until its next full refresh.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DispositionResponse } from '../../../src-shared/contracts/http.js';
import { runIdempotentInScript } from '../../src/idempotency/in-script.js';
import { RedisIdempotencyStore } from '../../src/idempotency/store.js';
import { ANN, eventually, leadRow, phoneOf, startWorld, testRules, type World } from './world.js';

let world: World;
beforeAll(async () => {
  // One lead, one number, no retry delay: every disposition dials the same lead again at once.
  world = await startWorld({
    leads: [leadRow('R1', [phoneOf(1)])],
    rules: testRules({ retryDelaysEnabled: false, maxAttempts: 50 }),
  });
});
afterAll(async () => {
  await world?.close();
});

describe('a disposition repeated under its Idempotency-Key', () => {
  it("leaves the instance that answered it following the other instance's changes of that lead", async () => {
    const a = world.makeService();
    const b = world.makeService();
    const idemStore = new RedisIdempotencyStore(world.connect());
    const t = Date.now();
    await a.service.startSession(ANN, t);
    const play = await a.service.setSessionState(ANN, 'PLAY', t);
    if (play.next.kind !== 'call') throw new Error(`expected a call, got ${play.next.kind}`);
    const first = play.next.call.callId;
    const input = { callId: first, code: 'NO_ANSWER' as const };
    const send = () =>
      runIdempotentInScript(idemStore, { email: ANN.email, key: 'k-1', hash: 'h-1' }, async (idem) => ({
        status: 200,
        body: JSON.stringify(await a.service.dispose(ANN, input, t + 1, idem)),
      }));
    const [once, twice] = await Promise.all([send(), send()]);
    expect([once.replayed, twice.replayed].sort()).toEqual([false, true]);
    const answer = JSON.parse(once.response.body) as DispositionResponse;
    if (answer.next.kind !== 'call') throw new Error(`expected the chained call, got ${answer.next.kind}`);
    expect(answer.next.preview.lead.attemptCount).toBe(1);
    await a.service.settled();

    // The other instance disposes that call: the lead is at 2 attempts and dialed again (by B).
    const onB = await b.service.dispose(ANN, { callId: answer.next.call.callId, code: 'NO_ANSWER' }, t + 2);
    if (onB.next.kind !== 'call') throw new Error(`expected the chained call, got ${onB.next.kind}`);
    expect(onB.next.preview.lead.attemptCount).toBe(2);
    await b.service.settled();

    // A shows the call B dialed with the lead as it is now, not as A last wrote it.
    await eventually(async () => {
      const snap = await a.service.currentSession(ANN, t + 3);
      return snap.preview?.lead.attemptCount === 2;
    }, "A's card of the lead B changed");
    const snap = await a.service.currentSession(ANN, t + 3);
    expect(snap.call?.callId).toBe(onB.next.call.callId);
  });
});
