// The Store contract of changing the last disposition (callAmend.lua over what callDispose kept), on a real
// redis-server and on a real three-master Redis Cluster: the lead, the call's code, the session counters,
// the do-not-call set and the sheet queue change together, and a refused change (window passed, not the
// last call, the lead written since, another agent) writes nothing at all.
import { type Cluster, Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { PreDisposition } from '../../../src-shared/domain/outcome.js';
import { SESSION_TRANSITIONS, type SessionState } from '../../../src-shared/domain/session.js';
import { startRedisServer, type RedisServerHandle } from '../../../test/support/redis-server.js';
import type { PatchQueue } from '../../src/ports.js';
import { RedisPatchQueue } from '../../src/queue/redis-patch-queue.js';
import { keys } from '../../src/redis/keys.js';
import { RedisStore } from '../../src/store/redis-store.js';
import type { AmendInput, Store } from '../../src/store/types.js';
import { type RedisClusterHandle, startRedisCluster } from '../support/redis-cluster.js';
import { call, leadWrite, newSession, owned, patch, TAG } from './store-fixtures.js';

const allowedTo = (to: SessionState): SessionState[] =>
  (Object.keys(SESSION_TRANSITIONS) as SessionState[]).filter((from) =>
    SESSION_TRANSITIONS[from].includes(to),
  );

const DISPOSED_AT = 20_000;
const WINDOW = 300_000;
const NUMBER = '+15555550100';
const { notes: _notes, callback: _callback, ...kept } = owned(['IN_PROGRESS', 'NEW']);
const pre: PreDisposition = kept;

interface Harness {
  store: Store;
  queue: PatchQueue;
  redis: Redis | Cluster;
}

function amendContract(name: string, make: () => Promise<Harness>) {
  describe(`callAmend: ${name}`, () => {
    let h: Harness;
    let store: Store;
    beforeEach(async () => {
      h = await make();
      store = h.store;
    });
    afterEach(async () => {
      await store.close();
    });

    /** s1 dials r1 (call c1) and disposes it DO_NOT_CALL (the number on the list), keeping the state before. */
    async function disposedCall(callId = 'c1', rowId = 'r1') {
      await store.createSession(newSession('s1', 'a@example.com'), 1_000);
      await store.setSessionState(TAG, 's1', 'PLAY', allowedTo('PLAY'), 1_001);
      expect(await store.acquireLock(TAG, 's1', 'tok', 5_000)).toBe(true);
      const dialed = await store.claimAndDial({
        tag: TAG,
        sessionId: 's1',
        lockToken: 'tok',
        previewId: null,
        lead: leadWrite(rowId, 0, 'IN_PROGRESS'),
        call: call(callId, 's1', rowId),
        leaseMs: 60_000,
        now: 5_000,
      });
      expect(dialed.ok).toBe(true);
      await store.releaseLock(TAG, 's1', 'tok');
      const done = await store.dispose({
        tag: TAG,
        agentEmail: 'a@example.com',
        callId,
        sessionId: 's1',
        code: 'DO_NOT_CALL',
        success: false,
        doNotCall: NUMBER,
        lead: leadWrite(rowId, 1, 'SKIPPED'),
        preDisposition: JSON.stringify(pre),
        now: DISPOSED_AT,
      });
      expect(done.ok && done.version).toBe(2);
    }

    const amendInput = (over: Partial<AmendInput> = {}): AmendInput => ({
      tag: TAG,
      callId: 'c1',
      sessionId: 's1',
      agentEmail: 'A@example.com',
      rowId: 'r1',
      phoneE164: NUMBER,
      expectedLeadVersion: 2,
      from: 'DO_NOT_CALL',
      to: 'CORRECT',
      state: owned(['CORRECT', 'SKIPPED'], 1),
      patch: patch('r1', 'CORRECT'),
      successDelta: 1,
      doNotCall: 'REMOVE',
      windowMs: WINDOW,
      now: DISPOSED_AT + 60_000,
      ...over,
    });

    /** Everything a refused change must leave alone. */
    async function state() {
      return {
        lead: await store.getLead(TAG, 'r1'),
        call: await h.redis.hgetall(keys.call(TAG, 'c1')),
        stats: await store.sessionStats(TAG, 's1'),
        dnc: await h.redis.smembers(keys.doNotCall(TAG)),
        queue: await h.queue.depth(),
      };
    }

    it('keeps what a change needs on the session: the state before and the lead version written', async () => {
      await disposedCall();
      expect(await store.amendBase(TAG, 's1', 'c1')).toEqual({
        code: 'DO_NOT_CALL',
        disposedAt: DISPOSED_AT,
        amends: 0,
        kept: { pre, leadVersion: 2 },
      });
      // One kept state per session: the call's hash carries none of it.
      expect(Object.keys(await h.redis.hgetall(keys.call(TAG, 'c1')))).not.toContain('lastPre');
    });

    it('changes lead, call, counters, do-not-call and sheet queue in one step; a second change follows', async () => {
      await disposedCall();
      const before = await state();
      const r = await store.amendDisposition(amendInput());
      expect(r).toEqual({ ok: true, version: 3, amends: 1 });
      const lead = await store.getLead(TAG, 'r1');
      expect(lead?.version).toBe(3);
      expect(lead?.state.slots[0]?.status).toBe('CORRECT');
      const c = await store.getCall(TAG, 'c1');
      expect(c?.disposition).toBe('CORRECT');
      expect(c?.disposedAt).toBe(DISPOSED_AT);
      expect(await h.redis.hget(keys.call(TAG, 'c1'), 'firstDisposition')).toBe('DO_NOT_CALL');
      const stats = await store.sessionStats(TAG, 's1');
      expect(stats.byCode.DO_NOT_CALL).toBe(0);
      expect(stats.byCode.CORRECT).toBe(1);
      expect(stats.successes).toBe(1);
      expect(stats.completed).toBe(before.stats.completed);
      expect(await h.redis.sismember(keys.doNotCall(TAG), NUMBER)).toBe(0);
      expect(await h.queue.depth()).toBe(before.queue + 1);
      expect((await store.amendBase(TAG, 's1', 'c1'))?.kept).toEqual({ pre, leadVersion: 3 });

      // Back to DO_NOT_CALL: the second change starts from the first's version.
      const again = await store.amendDisposition(
        amendInput({
          expectedLeadVersion: 3,
          from: 'CORRECT',
          to: 'DO_NOT_CALL',
          state: owned(['SKIPPED', 'SKIPPED'], 1),
          successDelta: -1,
          doNotCall: 'ADD',
        }),
      );
      expect(again).toEqual({ ok: true, version: 4, amends: 2 });
      expect(await h.redis.sismember(keys.doNotCall(TAG), NUMBER)).toBe(1);
      const s2 = await store.sessionStats(TAG, 's1');
      expect(s2.byCode.CORRECT).toBe(0);
      expect(s2.byCode.DO_NOT_CALL).toBe(1);
      expect(s2.successes).toBe(0);
    });

    it("moves the agent's figures once, whether the session still runs or has ended", async () => {
      await disposedCall();
      const agent = () => store.agentStats('a@example.com');
      expect((await store.amendDisposition(amendInput())).ok).toBe(true);
      expect(await agent()).toMatchObject({ successes: 1, byCode: { CORRECT: 1, DO_NOT_CALL: 0 } });
      // After STOP the session's counters are the agent's (folded once): a change moves both, once.
      expect((await store.endSession(TAG, 's1', allowedTo('STOP'), DISPOSED_AT + 61_000)).ok).toBe(true);
      expect(await agent()).toMatchObject({ completed: 1, successes: 1, byCode: { CORRECT: 1 } });
      const back = await store.amendDisposition(
        amendInput({
          expectedLeadVersion: 3,
          from: 'CORRECT',
          to: 'DO_NOT_CALL',
          state: owned(['SKIPPED', 'SKIPPED'], 1),
          successDelta: -1,
          doNotCall: 'ADD',
          now: DISPOSED_AT + 62_000,
        }),
      );
      expect(back.ok).toBe(true);
      expect(await agent()).toMatchObject({
        completed: 1,
        successes: 0,
        byCode: { CORRECT: 0, DO_NOT_CALL: 1 },
      });
      expect((await store.sessionStats(TAG, 's1')).byCode.DO_NOT_CALL).toBe(1);
    });

    it('refuses a change after the window, writing nothing', async () => {
      await disposedCall();
      const before = await state();
      expect(await store.amendDisposition(amendInput({ now: DISPOSED_AT + WINDOW + 1 }))).toEqual({
        ok: false,
        failure: 'AMEND_WINDOW_PASSED',
      });
      expect(await state()).toEqual(before);
      // The last instant of the window is still inside it.
      expect((await store.amendDisposition(amendInput({ now: DISPOSED_AT + WINDOW }))).ok).toBe(true);
    });

    it('refuses when the lead was written after the disposition (dialed again), writing nothing', async () => {
      await disposedCall();
      const w = await store.writeLead(
        TAG,
        { rowId: 'r1', expectedVersion: 2, state: owned(['IN_PROGRESS']), patch: null },
        30_000,
      );
      expect(w.ok).toBe(true);
      const before = await state();
      expect(await store.amendDisposition(amendInput())).toEqual({ ok: false, failure: 'LEAD_CHANGED' });
      expect(await state()).toEqual(before);
    });

    it('refuses a call that is not the last one its session disposed', async () => {
      await disposedCall('c1', 'r1');
      await h.redis.hset(keys.session(TAG, 's1'), 'lastCall', 'c2');
      expect((await store.amendBase(TAG, 's1', 'c1'))?.kept).toBe('NOT_LAST_CALL');
      const before = await state();
      expect(await store.amendDisposition(amendInput())).toEqual({ ok: false, failure: 'NOT_LAST_CALL' });
      expect(await state()).toEqual(before);
    });

    it("refuses another agent's call, a stale read, and a call that is not disposed", async () => {
      await disposedCall();
      const before = await state();
      expect(await store.amendDisposition(amendInput({ agentEmail: 'b@example.com' }))).toEqual({
        ok: false,
        failure: 'AMEND_FORBIDDEN',
      });
      expect(await store.amendDisposition(amendInput({ expectedLeadVersion: 1 }))).toEqual({
        ok: false,
        failure: 'VERSION_CONFLICT',
      });
      expect(await store.amendDisposition(amendInput({ from: 'NO_ANSWER' }))).toEqual({
        ok: false,
        failure: 'VERSION_CONFLICT',
      });
      expect(await state()).toEqual(before);
      expect(await store.amendDisposition(amendInput({ callId: 'nope' }))).toEqual({
        ok: false,
        failure: 'CALL_NOT_FOUND',
      });
      // A live call (not disposed yet) has nothing to change.
      expect(await store.acquireLock(TAG, 's1', 'tok2', 5_000)).toBe(true);
      const live = await store.claimAndDial({
        tag: TAG,
        sessionId: 's1',
        lockToken: 'tok2',
        previewId: null,
        lead: leadWrite('r2', 0, 'IN_PROGRESS'),
        call: { ...call('c2', 's1', 'r2'), phoneE164: '+15555550199' },
        leaseMs: 60_000,
        now: 25_000,
      });
      expect(live).toMatchObject({ ok: true, version: 1 });
      expect(await store.amendBase(TAG, 's1', 'c2')).toBeNull();
      expect(await store.amendDisposition(amendInput({ callId: 'c2', rowId: 'r2' }))).toEqual({
        ok: false,
        failure: 'AMEND_UNAVAILABLE',
      });
    });
  });
}

let redisServer: RedisServerHandle;
let cluster: RedisClusterHandle;
const clients: (Redis | Cluster)[] = [];

beforeAll(async () => {
  [redisServer, cluster] = await Promise.all([startRedisServer(), startRedisCluster()]);
});
afterAll(async () => {
  for (const c of clients) c.disconnect();
  await redisServer?.stop();
  await cluster?.stop();
});

amendContract('RedisStore', async () => {
  const redis = new Redis(redisServer.url);
  clients.push(redis);
  await redis.flushall();
  return { store: new RedisStore({ redis }), queue: new RedisPatchQueue(redis), redis };
});

amendContract('RedisStore on Redis Cluster', async () => {
  await cluster.flushAll();
  const redis = cluster.client();
  clients.push(redis);
  return { store: new RedisStore({ redis }), queue: new RedisPatchQueue(redis), redis };
});
