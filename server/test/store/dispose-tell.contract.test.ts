// The disposition tells the agent in its own step (callDispose.lua `tell`), on a real redis-server and on a
// real three-master Redis Cluster: the step's events are appended to the agent's home stream by the script
// that commits the disposition and its chained dial, and their one notice carries the lead-change notice,
// which every lead-change listener (another instance's tab caches, the queue's flush hint) reads from it.
// Built on a call or counters that are no longer what the script reads, nothing is appended and the
// lead-change notice goes out on its own channel, as before: the caller tells the agent afterwards.
// The chained dial's lock, which its Dialpad leg lets expire when it has nothing to tell, is taken over by
// that call's own disposition once the call left DIALING, never while it is DIALING nor from another holder;
// any other request that needs the lock (acquireLock) takes it over by the same rule.
import { describe, expect, it } from 'vitest';
import type { AgentEvent } from '../../../src-shared/contracts/ws.js';
import { SESSION_TRANSITIONS, type SessionState } from '../../../src-shared/domain/session.js';
import { RedisAgentEventBus } from '../../src/events/redis-bus.js';
import type { LiveAgentEvent } from '../../src/ports.js';
import { RedisPatchQueue } from '../../src/queue/redis-patch-queue.js';
import { keys } from '../../src/redis/keys.js';
import { RedisStore } from '../../src/store/redis-store.js';
import { commandCalls, resetCommandStats } from '../support/command-stats.js';
import type { CallRecord, DisposeInput, LeadChange, StatsCounters } from '../../src/store/types.js';
import { redisTargetsForFile } from '../support/redis-targets.js';
import { call, leadWrite, newSession, SPREADSHEET, TAG } from './store-fixtures.js';

const EMAIL = 'a@example.com';
const ev = (what: string): AgentEvent => ({ type: 'ERROR', code: 'NOTHING_TO_DIAL', message: what });

async function until(check: () => Promise<boolean> | boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe.each(redisTargetsForFile())('callDispose tells the agent (%s)', (_name, connect) => {
  /** A session in PLAY with a dialed call c1 on r1: the store, the call and the counters the dial left. */
  async function dialed() {
    const redis = await connect();
    const store = new RedisStore({ redis });
    const bus = new RedisAgentEventBus(redis);
    await store.createSession(newSession('s1', EMAIL), 1_000);
    const from = (Object.keys(SESSION_TRANSITIONS) as SessionState[]).filter((s) =>
      SESSION_TRANSITIONS[s].includes('PLAY'),
    );
    expect((await store.setSessionState(TAG, 's1', 'PLAY', from, 1_001)).ok).toBe(true);
    expect(await store.acquireLock(TAG, 's1', 'dial', 5_000)).toBe(true);
    const c1 = call('c1', 's1', 'r1');
    const d = await store.claimAndDial({
      tag: TAG,
      sessionId: 's1',
      lockToken: 'dial',
      previewId: null,
      lead: leadWrite('r1', 0, 'IN_PROGRESS'),
      call: c1,
      leaseMs: 60_000,
      now: 5_000,
    });
    if (!d.ok) throw new Error(`dial refused: ${d.failure}`);
    expect(await store.releaseLock(TAG, 's1', 'dial')).toBe(true);
    const disposal = (c: CallRecord, counters: StatsCounters, nextVersion = 0): DisposeInput => ({
      tag: TAG,
      agentEmail: EMAIL,
      callId: 'c1',
      sessionId: 's1',
      code: 'NO_ANSWER',
      success: false,
      doNotCall: null,
      lead: leadWrite('r1', 1, 'NO_ANSWER'),
      chainLock: { token: 'chain', ttlMs: 5_000 },
      next: {
        lead: leadWrite('r2', nextVersion, 'IN_PROGRESS'),
        call: call('c2', 's1', 'r2', 9_000),
        leaseMs: 60_000,
      },
      tell: {
        call: c,
        counters,
        ifDialed: [ev('disposed'), ev('next call'), ev('stats')],
        otherwise: [ev('disposed alone'), ev('stats alone')],
      },
      now: 9_000,
    });
    return { redis, store, bus, c1, counters: d.stats, disposal };
  }

  const close = async (...xs: { close(): Promise<void> }[]) => {
    for (const x of xs) await x.close();
  };

  it('appends the events with the chained dial in the same step, their notice naming both leads', async () => {
    const { redis, store, bus, c1, counters, disposal } = await dialed();
    // Another instance: its tab caches hear lead changes, its queue takes flush hints from them.
    const other = new RedisStore({ redis });
    const heard: LeadChange[] = [];
    const offOther = await other.onLeadChange((c) => heard.push(c));
    let clock = 1_000_000;
    const queue = new RedisPatchQueue(redis, { sweepEveryMs: 3_600_000, now: () => clock });
    const unwatch = await queue.watch();
    const live: LiveAgentEvent[] = [];
    const offLive = await bus.subscribe(EMAIL, (e) => live.push(e));
    try {
      // The queue's start-up sweep finds the dial's patch; once acked, only a hint makes the tab pending.
      expect(await queue.spreadsheetsWithPending()).toEqual([SPREADSHEET]);
      const queued = await queue.peek(SPREADSHEET, 100);
      await queue.ack(
        SPREADSHEET,
        queued.map((p) => p.id),
      );
      clock += 1;
      expect(await queue.spreadsheetsWithPending()).toEqual([]);

      const done = await store.dispose(disposal(c1, counters));
      expect(done.ok && [done.told, done.chained]).toEqual([true, { ok: true, version: 1 }]);
      // One step on the agent's home stream: replayable after a crash, in order.
      const replay = await bus.readSince({ agentEmail: EMAIL, tag: TAG }, 0);
      expect(replay.events.map((e) => e.event)).toEqual([ev('disposed'), ev('next call'), ev('stats')]);
      const seqs = replay.events.map((e) => e.seq);
      expect(seqs).toEqual([seqs[0], (seqs[0] ?? 0) + 1, (seqs[0] ?? 0) + 2]);
      // Delivered live as one step, and both leads heard by the other instance from the same notice.
      await until(() => live.length === 3, 'the live events');
      expect(live.map((e) => [e.seq, e.stepEnd])).toEqual(seqs.map((s, i) => [s, i === 2]));
      await until(() => heard.length >= 2, "the other instance's lead changes");
      expect(heard.map((c) => c.rowId).sort()).toEqual(['r1', 'r2']);
      expect(heard.every((c) => c.tag === TAG)).toBe(true);
      await until(
        async () => (await queue.spreadsheetsWithPending()).includes(SPREADSHEET),
        "the queue's flush hint",
      );
      expect((await queue.peek(SPREADSHEET, 100)).map((p) => p.patch.rowId).sort()).toEqual(['r1', 'r2']);
    } finally {
      await offLive();
      await offOther();
      await unwatch();
      await close(other, store, bus);
    }
  });

  it('appends the other list when the chained dial is refused', async () => {
    const { store, bus, c1, counters, disposal } = await dialed();
    try {
      const done = await store.dispose(disposal(c1, counters, 7)); // r2 is not at version 7
      expect(done.ok && [done.told, done.chained]).toEqual([
        true,
        { ok: false, failure: 'VERSION_CONFLICT' },
      ]);
      const replay = await bus.readSince({ agentEmail: EMAIL, tag: TAG }, 0);
      expect(replay.events.map((e) => e.event)).toEqual([ev('disposed alone'), ev('stats alone')]);
    } finally {
      await close(store, bus);
    }
  });

  it("takes over its own chained dial's lock once the call left DIALING, nobody else's", async () => {
    const { redis, store, bus } = await dialed();
    const lock = keys.sessionLock(TAG, 's1');
    const disposeChaining = (callId: string, rowId: string, next: string) =>
      store.dispose({
        tag: TAG,
        agentEmail: EMAIL,
        callId,
        sessionId: 's1',
        code: 'NO_ANSWER',
        success: false,
        doNotCall: null,
        lead: leadWrite(rowId, 1, 'NO_ANSWER'),
        chainLock: { token: `c:${next}`, ttlMs: 5_000 },
        next: {
          lead: leadWrite(`r-${next}`, 0, 'IN_PROGRESS'),
          call: call(next, 's1', `r-${next}`, 9_000),
          leaseMs: 60_000,
        },
        now: 9_000,
      });
    const ring = (callId: string) =>
      store.advanceCall({ tag: TAG, callId, state: 'RINGING', fields: { ringingAt: 9_500 }, now: 9_500 });
    try {
      // c1's chained-dial lock while c1 is still DIALING (its Dialpad leg may still be asking): busy, the
      // disposition stands and chains nothing (the caller waits for the lock, the slow way).
      await redis.set(lock, 'c:c1', 'PX', 5_000);
      const early = await disposeChaining('c1', 'r1', 'c2');
      expect(early.ok && [early.chainLocked, early.chained]).toEqual([false, null]);
      expect(await redis.get(lock)).toBe('c:c1');
      // A call dialed under that lock, which then rang (Dialpad placed it): its disposition takes it over.
      await redis.set(lock, 'dial3', 'PX', 5_000);
      const d3 = await store.claimAndDial({
        tag: TAG,
        sessionId: 's1',
        lockToken: 'dial3',
        previewId: null,
        lead: leadWrite('r3', 0, 'IN_PROGRESS'),
        call: call('c3', 's1', 'r3', 9_100),
        leaseMs: 60_000,
        now: 9_100,
      });
      expect(d3.ok).toBe(true);
      await redis.set(lock, 'c:c3', 'PX', 5_000);
      expect((await ring('c3')).ok).toBe(true);
      await resetCommandStats(redis);
      const taken = await disposeChaining('c3', 'r3', 'c4');
      expect(taken.ok && [taken.chainLocked, taken.chained]).toEqual([true, { ok: true, version: 1 }]);
      expect(await redis.get(lock)).toBe('c:c4');
      expect((await commandCalls(redis)).set).toBe(1); // the takeover is the lock's one command
      // Another holder's lock is never taken, rung call or not, nor its lease shortened: it is put back in
      // the same step with the lock's TTL (every instance's), never less than it had left.
      expect((await ring('c4')).ok).toBe(true);
      for (const [holder, callId, rowId] of [
        ['c:someone-else', 'c4', 'r-c4'],
        ['pause-request', 'c6', 'r6'],
      ] as const) {
        if (callId === 'c6') {
          await redis.set(lock, 'dial6', 'PX', 5_000);
          const d6 = await store.claimAndDial({
            tag: TAG,
            sessionId: 's1',
            lockToken: 'dial6',
            previewId: null,
            lead: leadWrite(rowId, 0, 'IN_PROGRESS'),
            call: call(callId, 's1', rowId, 9_200),
            leaseMs: 60_000,
            now: 9_200,
          });
          expect(d6.ok).toBe(true);
          expect((await ring(callId)).ok).toBe(true);
        }
        await redis.set(lock, holder, 'PX', 1_000);
        const other = await disposeChaining(callId, rowId, 'c5');
        expect(other.ok && [other.chainLocked, other.chained]).toEqual([false, null]);
        expect(await redis.get(lock)).toBe(holder);
        expect(await redis.pttl(lock)).toBeGreaterThan(1_000); // lengthened (to the TTL), never shortened
        // Its owner still renews and releases it (the token is its own).
        expect(await store.renewLock(TAG, 's1', holder, 5_000)).toBe(true);
      }
      expect(await store.releaseLock(TAG, 's1', 'pause-request')).toBe(true);
    } finally {
      await close(store, bus);
    }
  });

  it("lets any request take a chained dial's lock once the call left DIALING, and only then", async () => {
    const { redis, store, bus } = await dialed(); // c1 on r1, DIALING
    const lock = keys.sessionLock(TAG, 's1');
    try {
      // The Dialpad leg of the chained dial that made c1 holds the lock; Dialpad may still be asked.
      await redis.set(lock, 'c:c1', 'PX', 5_000);
      expect(await store.acquireLock(TAG, 's1', 'pause', 5_000)).toBe(false);
      expect(await redis.get(lock)).toBe('c:c1');
      // c1 rang: Dialpad placed it, the leg has nothing left to do with the lock. A PAUSE takes it now.
      const rang = await store.advanceCall({
        tag: TAG,
        callId: 'c1',
        state: 'RINGING',
        fields: { ringingAt: 1_500 },
        now: 1_500,
      });
      expect(rang.ok).toBe(true);
      await resetCommandStats(redis);
      expect(await store.acquireLock(TAG, 's1', 'pause', 5_000)).toBe(true);
      expect(await redis.get(lock)).toBe('pause');
      // `SET NX GET` saw the holder; the takeover (lockTakeOver) checks the call and takes it in one SET.
      expect((await commandCalls(redis)).set).toBe(2);
      expect(await redis.pttl(lock)).toBeGreaterThan(4_000);
      // A request's own lock, or a chained dial's lock naming a call that does not exist, is never taken.
      expect(await store.acquireLock(TAG, 's1', 'next', 5_000)).toBe(false);
      await redis.set(lock, 'c:gone', 'PX', 5_000);
      expect(await store.acquireLock(TAG, 's1', 'next', 5_000)).toBe(false);
      expect(await redis.get(lock)).toBe('c:gone');
      // Free: taken as before.
      await redis.del(lock);
      expect(await store.acquireLock(TAG, 's1', 'next', 5_000)).toBe(true);
    } finally {
      await close(store, bus);
    }
  });

  it('tells nothing when the call or the counters are not what the events were built on', async () => {
    const { redis, store, bus, c1, counters, disposal } = await dialed();
    const other = new RedisStore({ redis });
    const heard: LeadChange[] = [];
    const offOther = await other.onLeadChange((c) => heard.push(c));
    try {
      // The call rang meanwhile (another instance's webhook): its view would be wrong.
      const stale = await store.dispose(disposal({ ...c1, ringingAt: 6_000, state: 'RINGING' }, counters));
      expect(stale.ok && [stale.told, stale.chained]).toEqual([false, { ok: true, version: 1 }]);
      expect((await bus.readSince({ agentEmail: EMAIL, tag: TAG }, 0)).events).toEqual([]);
      // The lead-change notice still goes out, on its own channel.
      await until(() => heard.length >= 2, "the other instance's lead changes");
      expect(heard.map((c) => c.rowId).sort()).toEqual(['r1', 'r2']);
      expect(await store.releaseLock(TAG, 's1', 'chain')).toBe(true);
      // The session's counters are not the ones the STATS was built on (e.g. a change of the last
      // disposition moved them meanwhile): nothing told.
      const base = disposal(call('c2', 's1', 'r2', 9_000), { ...counters, skips: counters.skips + 1 });
      const moved = await store.dispose({
        ...base,
        callId: 'c2',
        lead: leadWrite('r2', 1, 'NO_ANSWER'),
        chainLock: undefined,
        next: null,
      });
      expect(moved.ok && moved.told).toBe(false);
      expect((await bus.readSince({ agentEmail: EMAIL, tag: TAG }, 0)).events).toEqual([]);
    } finally {
      await offOther();
      await close(other, store, bus);
    }
  });
});
