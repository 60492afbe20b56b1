// The Store contract: the only store's suite, run against RedisStore on a real redis-server and on a real
// three-master Redis Cluster.
// It proves the rules the dialer relies on: one active session per agent, lock ownership, lead version
// compare-and-set, claims that keep two sessions off one lead, calls that never move backwards, and
// disposition + sheet patch written together (or not at all).
import { type Cluster, Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SESSION_TRANSITIONS, type SessionState } from '../../../src-shared/domain/session.js';
import { startRedisServer, type RedisServerHandle } from '../../../test/support/redis-server.js';
import type { PatchQueue } from '../../src/ports.js';
import { RedisPatchQueue } from '../../src/queue/redis-patch-queue.js';
import { RedisStore } from '../../src/store/redis-store.js';
import {
  CALL_TIMEOUT_BAND,
  callIdIn,
  callTimeoutMember,
  callTimeoutScore,
  keys,
  tabCode,
} from '../../src/redis/keys.js';
import { type LeadChange, RETAIN_FINISHED_MS, type Store } from '../../src/store/types.js';
import { type RedisClusterHandle, startRedisCluster } from '../support/redis-cluster.js';
import { call, leadWrite, newSession, owned, patch, SPREADSHEET, TAG } from './store-fixtures.js';

interface Harness {
  store: Store;
  queue: PatchQueue;
  /** A key's PTTL (-1 = no expiry). */
  pttl: (key: string) => Promise<number>;
  /** The raw connection (to set up or inspect what the Store port does not expose). */
  redis: Redis | Cluster;
}

const allowedTo = (to: SessionState): SessionState[] =>
  (Object.keys(SESSION_TRANSITIONS) as SessionState[]).filter((from) =>
    SESSION_TRANSITIONS[from].includes(to),
  );

/** When the claims are read: before every lease the tests take (60 s from a `now` of at most 20 s) ends. */
const CLAIMS_AT = 30_000;

async function until(check: () => Promise<boolean> | boolean, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}

function storeContract(name: string, make: () => Promise<Harness>) {
  describe(`Store contract: ${name}`, () => {
    let h: Harness;
    let store: Store;
    beforeEach(async () => {
      h = await make();
      store = h.store;
    });
    afterEach(async () => {
      await store.close();
    });

    async function playingSession(id: string, email = `${id}@example.com`) {
      await store.createSession(newSession(id, email), 1_000);
      const r = await store.setSessionState(TAG, id, 'PLAY', allowedTo('PLAY'), 1_001);
      expect(r.ok).toBe(true);
      return id;
    }

    async function dial(sessionId: string, rowId: string, callId: string, expectedVersion = 0, now = 5_000) {
      const token = `tok-${callId}`;
      expect(await store.acquireLock(TAG, sessionId, token, 5_000)).toBe(true);
      try {
        return await store.claimAndDial({
          tag: TAG,
          sessionId,
          lockToken: token,
          previewId: null,
          lead: leadWrite(rowId, expectedVersion, 'IN_PROGRESS'),
          call: call(callId, sessionId, rowId, now),
          leaseMs: 60_000,
          now,
        });
      } finally {
        await store.releaseLock(TAG, sessionId, token);
      }
    }

    it('keeps one active session per agent, even when two starts race', async () => {
      const results = await Promise.all([
        store.createSession(newSession('s1', 'a@example.com'), 1),
        store.createSession(newSession('s2', 'A@example.com'), 1),
      ]);
      expect(results.filter((r) => r.created)).toHaveLength(1);
      const winner = results.find((r) => r.created)?.session.id;
      expect(results.every((r) => r.session.id === winner)).toBe(true);
      expect((await store.activeSessionOf('a@example.com'))?.id).toBe(winner);
    });

    it('lets the agent start again after STOP', async () => {
      await store.createSession(newSession('s1', 'a@example.com'), 1);
      const end = await store.endSession(TAG, 's1', allowedTo('STOP'), 2);
      expect(end.ok && end.session.state).toBe('STOP');
      expect(await store.activeSessionOf('a@example.com')).toBeNull();
      const again = await store.createSession(newSession('s2', 'a@example.com'), 3);
      expect(again.created).toBe(true);
      expect((await store.activeSessionOf('a@example.com'))?.id).toBe('s2');
      expect(await store.activeTabs()).toContain(TAG);
    });

    it('applies session transitions from the allowed list only, bumping the version', async () => {
      const { session } = await store.createSession(newSession('s1', 'a@example.com'), 1);
      const play = await store.setSessionState(TAG, 's1', 'PLAY', allowedTo('PLAY'), 2);
      expect(play.ok && play.session.state).toBe('PLAY');
      expect(play.ok && play.session.version).toBeGreaterThan(session.version);
      await store.endSession(TAG, 's1', allowedTo('STOP'), 3);
      const back = await store.setSessionState(TAG, 's1', 'PLAY', allowedTo('PLAY'), 4);
      expect(back).toEqual({ ok: false, failure: 'INVALID_STATE' });
      expect(await store.setSessionState(TAG, 'nope', 'PLAY', allowedTo('PLAY'), 4)).toEqual({
        ok: false,
        failure: 'SESSION_NOT_FOUND',
      });
    });

    it('locks: one owner, renew and release by the owner only, expiry frees it', async () => {
      expect(await store.acquireLock(TAG, 's1', 'A', 5_000)).toBe(true);
      expect(await store.acquireLock(TAG, 's1', 'B', 5_000)).toBe(false);
      expect(await store.renewLock(TAG, 's1', 'B', 5_000)).toBe(false);
      expect(await store.renewLock(TAG, 's1', 'A', 5_000)).toBe(true);
      expect(await store.releaseLock(TAG, 's1', 'B')).toBe(false);
      expect(await store.acquireLock(TAG, 's1', 'B', 5_000)).toBe(false);
      expect(await store.releaseLock(TAG, 's1', 'A')).toBe(true);
      expect(await store.acquireLock(TAG, 's1', 'B', 100)).toBe(true);
      // B's short lease runs out without a renewal: another owner gets in, and B can no longer release.
      await until(() => store.acquireLock(TAG, 's1', 'C', 5_000), 'the lock to expire');
      expect(await store.releaseLock(TAG, 's1', 'B')).toBe(false);
      expect(await store.renewLock(TAG, 's1', 'B', 5_000)).toBe(false);
    });

    it('writes a lead by compare-and-set and queues its patch in the same step', async () => {
      const first = await store.writeLead(TAG, leadWrite('r1', 0, 'WRONG'), 10);
      expect(first).toEqual({ ok: true, version: 1 });
      const stale = await store.writeLead(TAG, leadWrite('r1', 0, 'CORRECT'), 11);
      expect(stale).toEqual({ ok: false, failure: 'VERSION_CONFLICT' });
      const lead = await store.getLead(TAG, 'r1');
      expect(lead?.version).toBe(1);
      expect(lead?.state.slots[0]?.status).toBe('WRONG');
      const queued = await h.queue.peek(SPREADSHEET, 10);
      expect(queued.map((q) => q.patch.values[0]?.value)).toEqual(['WRONG']);
      expect((await store.getLeads(TAG)).map((l) => l.rowId)).toEqual(['r1']);
      expect(await store.unflushedCells(TAG)).toEqual(new Map([['r1', new Set([12])]]));
      // Once Google acknowledged the patch, the cell is no longer unflushed (the sheet is the truth again).
      await h.queue.ack(
        SPREADSHEET,
        queued.map((q) => q.id),
      );
      expect(await store.unflushedCells(TAG)).toEqual(new Map());
    });

    it("reads the overlays written since a time: the index is scored by each overlay's last write", async () => {
      await store.writeLead(TAG, leadWrite('r1', 0, 'NO_ANSWER'), 10_000);
      await store.writeLead(TAG, leadWrite('r2', 0, 'WRONG'), 20_000);
      await store.writeLead(TAG, leadWrite('r3', 0, 'WRONG'), 25_000);
      await h.redis.zadd(keys.leadIndex(TAG), 1, 'r3'); // an index entry from before scores were times
      const since = async (t: number) =>
        (await store.getLeadsWrittenSince(TAG, t)).map((l) => l.rowId).sort();
      expect(await since(15_000)).toEqual(['r2']);
      await store.writeLead(TAG, leadWrite('r1', 1, 'WRONG'), 30_000); // a second write moves r1 forward
      expect(await since(15_000)).toEqual(['r1', 'r2']);
      expect(await since(30_000)).toEqual([]); // exclusive
      expect(await since(0)).toEqual(['r1', 'r2', 'r3']);
      expect((await store.getLeads(TAG)).map((l) => l.rowId).sort()).toEqual(['r1', 'r2', 'r3']);
      const some = await store.getLeadsOf(TAG, ['r3', 'nobody', 'r1']);
      expect(some.map((l) => [l.rowId, l.version])).toEqual([
        ['r3', 1],
        ['r1', 2],
      ]);
    });

    it('announces lead changes', async () => {
      const seen: LeadChange[] = [];
      const off = await store.onLeadChange((c) => seen.push(c));
      await store.writeLead(TAG, leadWrite('r9', 0, 'WRONG'), 10);
      await until(() => seen.some((c) => c.rowId === 'r9' && c.tag === TAG), 'a lead-change notice');
      await off();
    });

    it('dials: claim + IN_PROGRESS + call + patch, and a second dial of the session is refused', async () => {
      await playingSession('s1');
      const r = await dial('s1', 'r1', 'c1');
      // The dial answers the session's counters with it (the live STATS needs no read).
      expect(r.ok && r.version).toBe(1);
      expect(r.ok && [r.stats.initiated, r.stats.since]).toEqual([1, 5_000]);
      expect((await store.getLead(TAG, 'r1'))?.state.slots[0]?.status).toBe('IN_PROGRESS');
      expect((await store.getSession(TAG, 's1'))?.callId).toBe('c1');
      expect((await store.getCall(TAG, 'c1'))?.state).toBe('DIALING');
      expect((await store.claimsOf(TAG, ['r1', 'r2'], CLAIMS_AT)).get('r1')).toBe('s1');
      expect(await h.queue.depth()).toBe(1);
      expect((await store.sessionStats(TAG, 's1')).initiated).toBe(1);
      expect(await dial('s1', 'r2', 'c2')).toEqual({ ok: false, failure: 'CALL_IN_PROGRESS' });
    });

    it('treats a claim as a lease: live it refuses others, ended it is free, only its owner releases it', async () => {
      await playingSession('s1', 'a@example.com');
      await playingSession('s2', 'b@example.com');
      expect((await dial('s1', 'r1', 'c1', 0, 5_000)).ok).toBe(true); // leased until 65 000
      // While the lease lasts another session cannot dial the lead, whatever its index believed.
      expect(await dial('s2', 'r1', 'c2', 1, 64_999)).toEqual({ ok: false, failure: 'LEAD_CLAIMED' });
      expect((await store.claimsOf(TAG, ['r1'], 64_999)).get('r1')).toBe('s1');
      // Once it ended (no command needed: the time in the claim says so) the lead is free.
      expect((await store.claimsOf(TAG, ['r1'], 65_000)).size).toBe(0);
      expect(await dial('s2', 'r1', 'c2', 1, 65_000)).toMatchObject({ ok: true, version: 2 });
      expect((await store.claimsOf(TAG, ['r1'], 65_001)).get('r1')).toBe('s2');
      // s1's late disposition is still accepted (never lose what the agent recorded), but the claim is
      // s2's now: it stays.
      const late = await store.dispose({
        tag: TAG,
        agentEmail: 'a@example.com',
        callId: 'c1',
        sessionId: 's1',
        code: 'NO_ANSWER',
        success: false,
        doNotCall: null,
        lead: leadWrite('r1', 2, 'IN_PROGRESS'),
        now: 66_000,
      });
      expect(late.ok && late.call.state).toBe('DISPOSED');
      expect((await store.claimsOf(TAG, ['r1'], 66_001)).get('r1')).toBe('s2');
      // Its owner's disposition releases it.
      const own = await store.dispose({
        tag: TAG,
        agentEmail: 'b@example.com',
        callId: 'c2',
        sessionId: 's2',
        code: 'NO_ANSWER',
        success: false,
        doNotCall: null,
        lead: leadWrite('r1', 3, 'NO_ANSWER'),
        now: 67_000,
      });
      expect(own.ok).toBe(true);
      expect((await store.claimsOf(TAG, ['r1'], 67_001)).size).toBe(0);
      expect(await h.redis.hget(keys.lead(TAG, 'r1'), 'c')).toBe('');
    });

    it("finds a call's tab from its id alone (callIdIn), and an older call's through its locator", async () => {
      await playingSession('s1'); // registers the tab (keys.dialerTabs)
      expect(await store.locateCall(callIdIn(TAG, 's1', 'u1'))).toBe(TAG);
      expect(await store.locateCall(callIdIn('{t:sheet-never:1}', 's1', 'u2'))).toBeNull();
      // A tab another instance registers right after that miss is found at once, also by requests that
      // arrive together (a miss must never make a real call 404 for a while).
      const others = ['{t:sheet-other:2}', '{t:sheet-other:3}'];
      await h.redis.sadd(keys.dialerTabs(), ...others);
      expect(
        await Promise.all(others.map((t, i) => store.locateCall(callIdIn(t, 's1', `u${3 + i}`)))),
      ).toEqual(others);
      // An id of the layout before (`<tabCode>.<unique>`, no session) still names its tab.
      expect(await store.locateCall(`${tabCode(TAG)}.0b9c2f`)).toBe(TAG);
      await h.redis.set(keys.callLocator('older-call'), TAG);
      expect(await store.locateCall('older-call')).toBe(TAG);
      expect(await store.locateCall('unknown-call')).toBeNull();
    });

    it('refuses a dial without the lock, outside PLAY, or to a do-not-call number', async () => {
      await store.createSession(newSession('s1', 'a@example.com'), 1);
      expect(await dial('s1', 'r1', 'c1')).toEqual({ ok: false, failure: 'NOT_PLAYING' });
      await store.setSessionState(TAG, 's1', 'PLAY', allowedTo('PLAY'), 2);
      const noLock = await store.claimAndDial({
        tag: TAG,
        sessionId: 's1',
        lockToken: 'not-held',
        previewId: null,
        lead: leadWrite('r1', 0, 'IN_PROGRESS'),
        call: call('c1', 's1', 'r1'),
        leaseMs: 60_000,
        now: 5,
      });
      expect(noLock).toEqual({ ok: false, failure: 'LOCK_NOT_OWNED' });
      await h.redis.sadd(keys.doNotCall(TAG), '+15555550100'); // the tab's do-not-call list (Redis SET)
      expect(await dial('s1', 'r1', 'c1')).toEqual({ ok: false, failure: 'DO_NOT_CALL' });
      expect(await h.queue.depth()).toBe(0);
      expect(await store.getLead(TAG, 'r1')).toBeNull();
    });

    it('never gives one lead to two sessions, even when their dials race', async () => {
      await playingSession('s1');
      await playingSession('s2');
      const results = await Promise.all([dial('s1', 'r1', 'c1'), dial('s2', 'r1', 'c2')]);
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      const loser = results.find((r) => !r.ok);
      expect(loser?.ok === false && ['VERSION_CONFLICT', 'LEAD_CLAIMED']).toContain(
        loser?.ok === false ? loser.failure : '',
      );
      // Even with the current version in hand, the other session is kept off by the claim.
      const winner = results[0]?.ok ? 's1' : 's2';
      const other = winner === 's1' ? 's2' : 's1';
      expect(await dial(other, 'r1', 'c3', 1)).toEqual({ ok: false, failure: 'LEAD_CLAIMED' });
    });

    it('moves calls forward only; the sweeper drops an ended call; the disposition counts talk time once', async () => {
      await playingSession('s1');
      await dial('s1', 'r1', 'c1');
      expect(await store.dueCalls(TAG, 5_000 + 60_000, 10)).toEqual(['c1']);
      const suggest = { connected: 'VM_SAME_NAME', notConnected: 'NO_ANSWER' } as const;
      const adv = (state: 'RINGING' | 'CONNECTED' | 'ENDED' | 'DIALING', fields = {}, sweep = false) =>
        store.advanceCall({ tag: TAG, callId: 'c1', state, fields, suggest, sweep, now: 9 });
      const ringing = await adv('RINGING', { ringingAt: 6_000 });
      expect(ringing.ok && ringing.advanced).toBe(true);
      const connected = await adv('CONNECTED', { connectedAt: 7_000 });
      expect(connected.ok && connected.call.connectedAt).toBe(7_000);
      const late = await adv('RINGING', { ringingAt: 1 });
      expect(late.ok && late.advanced).toBe(false);
      expect(late.ok && late.call.state).toBe('CONNECTED');
      const repeat = await adv('CONNECTED', { connectedAt: 8_000 });
      expect(repeat.ok && repeat.advanced).toBe(false);
      const ended = await adv('ENDED', { endedAt: 10_000, endReason: 'HANGUP' });
      expect(ended.ok && ended.call).toMatchObject({
        state: 'ENDED',
        connectedAt: 7_000,
        endReason: 'HANGUP',
        suggested: 'VM_SAME_NAME', // it was connected
      });
      const again = await adv('ENDED', { endedAt: 20_000 });
      expect(again.ok && again.advanced).toBe(false);
      // A webhook leaves the deadline alone (one write per webhook); the sweeper, once it is due, drops
      // the ended call from the timeouts without touching it.
      expect(await store.dueCalls(TAG, Number.MAX_SAFE_INTEGER, 10)).toEqual(['c1']);
      const swept = await adv('ENDED', { endedAt: 99_000, endReason: 'TIMEOUT' }, true);
      expect(swept.ok && [swept.advanced, swept.call.endReason, swept.call.endedAt]).toEqual([
        false,
        'HANGUP',
        10_000,
      ]);
      expect(await store.dueCalls(TAG, Number.MAX_SAFE_INTEGER, 10)).toEqual([]);
      // Nothing is counted before the disposition, which counts the whole call once.
      expect((await store.sessionStats(TAG, 's1')).connects).toBe(0);
      const done = await store.dispose({
        tag: TAG,
        agentEmail: 'a@example.com',
        callId: 'c1',
        sessionId: 's1',
        code: 'NO_ANSWER',
        success: false,
        doNotCall: null,
        lead: leadWrite('r1', 1, 'NO_ANSWER'),
        now: 30_000,
      });
      expect(done.ok && [done.stats.connects, done.stats.talkMs, done.stats.completed]).toEqual([
        1, 3_000, 1,
      ]);
      const stats = await store.sessionStats(TAG, 's1');
      expect([stats.connects, stats.talkMs, stats.byCode.NO_ANSWER]).toEqual([1, 3_000, 1]);
      expect(await store.advanceCall({ tag: TAG, callId: 'zz', state: 'ENDED', fields: {}, now: 1 })).toEqual(
        { ok: false, failure: 'CALL_NOT_FOUND' },
      );
    });

    it('writes a step and its events in one script; a stale memory is decided again, never written', async () => {
      await playingSession('s1', 'a@example.com');
      await dial('s1', 'r1', 'c1');
      const stream = keys.agentEvents(TAG, 'a@example.com'); // the call's agent (store-fixtures)
      const dialed = await store.getCall(TAG, 'c1');
      const told: string[] = [];
      const announce = async (next: { state: string; ringingAt: number | null }) => {
        told.push(`${next.state}@${next.ringingAt}`);
        return [
          { type: 'ERROR', code: 'NOTHING_TO_DIAL', message: `${next.state}@${next.ringingAt}` },
        ] as const;
      };
      const step = (state: 'RINGING' | 'CONNECTED', fields: object, known = dialed) =>
        store.advanceCall({ tag: TAG, callId: 'c1', state, fields, now: 9, known, announce });
      const ringing = await step('RINGING', { ringingAt: 6_000 });
      expect(ringing.ok && [ringing.advanced, ringing.call.ringingAt]).toEqual([true, 6_000]);
      const entries = await h.redis.xrange(stream, '-', '+');
      expect(entries).toHaveLength(1);
      expect(entries[0]?.[1]).toContain(
        '[{"type":"ERROR","code":"NOTHING_TO_DIAL","message":"RINGING@6000"}]',
      );
      // The same step from a memory that is now stale (DIALING): the script refuses it, the store decides
      // again on what it answers (RINGING with 6_000): nothing to write, nothing told twice.
      const again = await step('RINGING', { ringingAt: 6_000 });
      expect(again.ok && [again.advanced, again.call.state]).toEqual([false, 'RINGING']);
      // A later step from the stale memory: decided again on the current call, written once.
      const connected = await step('CONNECTED', { connectedAt: 7_000 });
      expect(
        connected.ok && [connected.advanced, connected.call.ringingAt, connected.call.connectedAt],
      ).toEqual([true, 6_000, 7_000]);
      // Events are built for each attempt (from the call it decides on); only the written one is told.
      expect(told.at(-1)).toBe('CONNECTED@6000');
      const all = await h.redis.xrange(stream, '-', '+');
      expect(all.map(([, f]) => f[f.indexOf('es') + 1])).toEqual([
        '[{"type":"ERROR","code":"NOTHING_TO_DIAL","message":"RINGING@6000"}]',
        '[{"type":"ERROR","code":"NOTHING_TO_DIAL","message":"CONNECTED@6000"}]',
      ]);
      const stored = await store.getCall(TAG, 'c1');
      expect(stored && [stored.state, stored.ringingAt, stored.connectedAt]).toEqual([
        'CONNECTED',
        6_000,
        7_000,
      ]);
      // A memory already past the step answers without a write or a read.
      const late = await step('RINGING', { ringingAt: 1 }, stored);
      expect(late.ok && [late.advanced, late.call.state]).toEqual([false, 'CONNECTED']);
      expect(await h.redis.xlen(stream)).toBe(2);
    });

    it('sweeps: a connected call whose deadline moved is re-filed, not ended; an unanswered one ends', async () => {
      await playingSession('s1');
      await dial('s1', 'r1', 'c1'); // deadline 5_000 + 60_000 (store-fixtures' call)
      const connected = await store.advanceCall({
        tag: TAG,
        callId: 'c1',
        state: 'CONNECTED',
        fields: { connectedAt: 6_000 },
        connectedTimeoutMs: 3_600_000,
        now: 6_000,
      });
      expect(connected.ok && connected.call.timeoutAt).toBe(3_606_000);
      const sweepAt = (now: number) =>
        store.advanceCall({
          tag: TAG,
          callId: 'c1',
          state: 'ENDED',
          fields: { endedAt: now, endReason: 'TIMEOUT' },
          sweep: true,
          now,
        });
      expect(await store.dueCalls(TAG, 70_000, 10)).toEqual(['c1']);
      const early = await sweepAt(70_000);
      expect(early.ok && [early.advanced, early.call.state]).toEqual([false, 'CONNECTED']);
      expect(await store.dueCalls(TAG, 70_000, 10)).toEqual([]);
      expect(await store.dueCalls(TAG, 3_606_000, 10)).toEqual(['c1']);
      const late = await sweepAt(3_606_000);
      expect(late.ok && [late.advanced, late.call.state, late.call.endReason]).toEqual([
        true,
        'ENDED',
        'TIMEOUT',
      ]);
      expect(await store.dueCalls(TAG, Number.MAX_SAFE_INTEGER, 10)).toEqual([]);
    });

    it('keeps one deadline per session: a chained dial re-files it, a sweep of an older call never drops it', async () => {
      await playingSession('s1');
      await playingSession('s2');
      await dial('s1', 'r1', 'c1');
      await dial('s2', 'r3', 'c3');
      const timeouts = keys.callTimeoutIndex(TAG); // the lead index's band (keys.CALL_TIMEOUT_BAND)
      expect((await h.redis.zrangebyscore(timeouts, CALL_TIMEOUT_BAND, '+inf')).sort()).toEqual([
        callTimeoutMember('s1'),
        callTimeoutMember('s2'),
      ]); // one member per session
      const dispose = (callId: string, rowId: string, v: number, next?: { rowId: string; callId: string }) =>
        store.dispose({
          tag: TAG,
          agentEmail: 'a@example.com',
          callId,
          sessionId: 's1',
          code: 'NO_ANSWER',
          success: false,
          doNotCall: null,
          lead: leadWrite(rowId, v, 'NO_ANSWER'),
          ...(next
            ? {
                chainLock: { token: 'chain', ttlMs: 5_000 },
                next: {
                  lead: leadWrite(next.rowId, 0, 'IN_PROGRESS'),
                  call: call(next.callId, 's1', next.rowId, 9_000),
                  leaseMs: 60_000,
                },
              }
            : {}),
          now: 9_000,
        });
      const chained = await dispose('c1', 'r1', 1, { rowId: 'r2', callId: 'c2' });
      expect(chained.ok && chained.chained).toEqual({ ok: true, version: 1 });
      expect(await h.redis.zscore(timeouts, callTimeoutMember('s1'))).toBe(callTimeoutScore(9_000 + 60_000)); // c2's
      expect((await store.dueCalls(TAG, Number.MAX_SAFE_INTEGER, 10)).sort()).toEqual(['c2', 'c3']);
      // A late sweep of the disposed call (another instance's, decided before the disposition) leaves the
      // session's member alone: c2 still times out.
      const late = await store.advanceCall({
        tag: TAG,
        callId: 'c1',
        state: 'ENDED',
        fields: { endedAt: 99_000, endReason: 'TIMEOUT' },
        sweep: true,
        now: 99_000,
      });
      expect(late.ok && late.advanced).toBe(false);
      expect((await store.dueCalls(TAG, Number.MAX_SAFE_INTEGER, 10)).sort()).toEqual(['c2', 'c3']);
      // A member named by its call id (the layout before, moved to the band) is still found, swept and dropped.
      await h.redis.zadd(timeouts, callTimeoutScore(1), callTimeoutMember('c1'));
      expect((await store.dueCalls(TAG, Number.MAX_SAFE_INTEGER, 10)).sort()).toEqual(['c1', 'c2', 'c3']);
      await store.advanceCall({
        tag: TAG,
        callId: 'c1',
        state: 'ENDED',
        fields: {},
        sweep: true,
        now: 99_000,
      });
      expect((await store.dueCalls(TAG, Number.MAX_SAFE_INTEGER, 10)).sort()).toEqual(['c2', 'c3']);
      // The disposition with nothing chained takes the session's call out of the timeouts.
      const last = await dispose('c2', 'r2', 1);
      expect(last.ok).toBe(true);
      expect(await store.dueCalls(TAG, Number.MAX_SAFE_INTEGER, 10)).toEqual(['c3']);
    });

    it('disposes: lead + call + claim + stats + do-not-call + patch together, exactly once', async () => {
      await playingSession('s1');
      await dial('s1', 'r1', 'c1');
      const input = {
        tag: TAG,
        agentEmail: 'a@example.com',
        callId: 'c1',
        sessionId: 's1',
        code: 'DO_NOT_CALL' as const,
        success: false,
        doNotCall: '+15555550100',
        now: 20_000,
      };
      const stale = await store.dispose({ ...input, lead: leadWrite('r1', 0, 'SKIPPED') });
      expect(stale).toEqual({ ok: false, failure: 'VERSION_CONFLICT' });
      expect(await h.queue.depth()).toBe(1); // only the IN_PROGRESS patch: nothing of the refused one
      const done = await store.dispose({ ...input, lead: leadWrite('r1', 1, 'SKIPPED') });
      expect(done.ok && done.call).toMatchObject({
        state: 'DISPOSED',
        disposition: 'DO_NOT_CALL',
        endedAt: 20_000,
      });
      expect((await store.getLead(TAG, 'r1'))?.state.slots[0]?.status).toBe('SKIPPED');
      expect((await store.claimsOf(TAG, ['r1'], CLAIMS_AT)).size).toBe(0);
      expect((await store.getSession(TAG, 's1'))?.callId).toBeNull();
      // It answers the session as it left it (what comes next needs no read), counters included.
      expect(done.ok && done.session).toMatchObject({ id: 's1', state: 'PLAY', callId: null, version: 4 });
      expect(done.ok && [done.stats.completed, done.stats.byCode.DO_NOT_CALL]).toEqual([1, 1]);
      expect(await h.redis.sismember(keys.doNotCall(TAG), '+15555550100')).toBe(1);
      expect(await h.queue.depth()).toBe(2);
      const stats = await store.sessionStats(TAG, 's1');
      expect(stats.completed).toBe(1);
      expect(stats.byCode.DO_NOT_CALL).toBe(1);
      expect(await store.dispose({ ...input, lead: leadWrite('r1', 2, 'SKIPPED') })).toEqual({
        ok: false,
        failure: 'CALL_FINISHED',
      });
      expect(await h.queue.depth()).toBe(2);
    });

    it('takes the session lock for the chained dial only in PLAY and only when it is free', async () => {
      await playingSession('s1');
      const disposeWith = (callId: string, rowId: string) =>
        store.dispose({
          tag: TAG,
          agentEmail: 'a@example.com',
          callId,
          sessionId: 's1',
          code: 'NO_ANSWER',
          success: false,
          doNotCall: null,
          lead: leadWrite(rowId, 1, 'NO_ANSWER'),
          chainLock: { token: 'chain', ttlMs: 5_000 },
          now: 9_000,
        });
      // Another request holds the lock: the disposition commits, the chain will wait for the lock.
      await dial('s1', 'r1', 'c1');
      expect(await store.acquireLock(TAG, 's1', 'other', 5_000)).toBe(true);
      const busy = await disposeWith('c1', 'r1');
      expect(busy.ok && [busy.chainLocked, busy.call.state]).toEqual([false, 'DISPOSED']);
      expect(await store.releaseLock(TAG, 's1', 'chain')).toBe(false);
      expect(await store.releaseLock(TAG, 's1', 'other')).toBe(true);
      // Free: taken with the chain's token, in the same step.
      await dial('s1', 'r2', 'c2');
      const free = await disposeWith('c2', 'r2');
      expect(free.ok && free.chainLocked).toBe(true);
      expect(await store.acquireLock(TAG, 's1', 'other', 5_000)).toBe(false);
      expect(await store.releaseLock(TAG, 's1', 'chain')).toBe(true);
      // Not in PLAY: nothing to chain, no lock.
      await dial('s1', 'r3', 'c3');
      expect((await store.setSessionState(TAG, 's1', 'PAUSE', allowedTo('PAUSE'), 9_500)).ok).toBe(true);
      const paused = await disposeWith('c3', 'r3');
      expect(paused.ok && [paused.chainLocked, paused.session?.state]).toEqual([false, 'PAUSE']);
      expect(await store.acquireLock(TAG, 's1', 'other', 5_000)).toBe(true);
    });

    it('keeps a callback with its lead: scheduled by the disposition with its cells, cancelled by CAS', async () => {
      await playingSession('s1');
      await dial('s1', 'r1', 'c1');
      const cb = { at: 3_600_000, agent: 's1@example.com', zone: 'America/New_York' };
      const cells = (at: string, agent: string) => ({
        ...patch('r1', 'CORRECT'),
        values: [
          { row: 2, col: 12, value: 'CORRECT' },
          { row: 2, col: 26, value: at, header: 'CallbackAt' as const },
          { row: 2, col: 27, value: agent, header: 'CallbackAgent' as const },
        ],
      });
      const done = await store.dispose({
        tag: TAG,
        agentEmail: 'a@example.com',
        callId: 'c1',
        sessionId: 's1',
        code: 'CORRECT',
        success: true,
        doNotCall: null,
        now: 20_000,
        lead: {
          rowId: 'r1',
          expectedVersion: 1,
          state: { ...owned(['CORRECT'], 1), callback: cb },
          patch: cells('1970-01-01T00:00:00Z', 's1@example.com'),
        },
      });
      expect(done.ok).toBe(true);
      expect((await store.getLead(TAG, 'r1'))?.state.callback).toEqual(cb);
      // The callback cells after Z count as unflushed like any other: the merge keeps the overlay's callback.
      expect(await store.unflushedCells(TAG)).toEqual(new Map([['r1', new Set([12, 26, 27])]]));
      // Cancelled: only by the version it was read at; the cells are cleared in the same step.
      const stale = await store.writeLead(
        TAG,
        { rowId: 'r1', expectedVersion: 1, state: owned(['CORRECT'], 1), patch: cells('', '') },
        21_000,
      );
      expect(stale).toEqual({ ok: false, failure: 'VERSION_CONFLICT' });
      const cancelled = await store.writeLead(
        TAG,
        {
          rowId: 'r1',
          expectedVersion: 2,
          state: { ...owned(['CORRECT'], 1), callback: null },
          patch: cells('', ''),
        },
        21_000,
      );
      expect(cancelled).toEqual({ ok: true, version: 3 });
      expect((await store.getLead(TAG, 'r1'))?.state.callback).toBeNull();
      const queued = await h.queue.peek(SPREADSHEET, 10);
      expect(queued.at(-1)?.patch.values.filter((v) => v.col >= 26)).toEqual([
        { row: 2, col: 26, value: '', header: 'CallbackAt' },
        { row: 2, col: 27, value: '', header: 'CallbackAgent' },
      ]);
    });

    it('reverts a failed dial: number back, call DIAL_FAILED (not disposable), claim released', async () => {
      await playingSession('s1');
      await dial('s1', 'r1', 'c1');
      const r = await store.revertDial({
        tag: TAG,
        agentEmail: 'a@example.com',
        sessionId: 's1',
        callId: 'c1',
        lead: leadWrite('r1', 1, 'NEW'),
        now: 6,
      });
      expect(r).toEqual({ ok: true, version: 2 });
      expect((await store.getCall(TAG, 'c1'))?.endReason).toBe('DIAL_FAILED');
      expect((await store.getSession(TAG, 's1'))?.callId).toBeNull();
      expect((await store.claimsOf(TAG, ['r1'], CLAIMS_AT)).size).toBe(0);
      expect((await store.sessionStats(TAG, 's1')).initiated).toBe(0);
      expect(await store.dueCalls(TAG, Number.MAX_SAFE_INTEGER, 10)).toEqual([]); // nothing left to time out
      const dispose = await store.dispose({
        tag: TAG,
        agentEmail: 'a@example.com',
        callId: 'c1',
        sessionId: 's1',
        code: 'NO_ANSWER',
        success: false,
        doNotCall: null,
        lead: leadWrite('r1', 2, 'NO_ANSWER'),
        now: 7,
      });
      expect(dispose).toEqual({ ok: false, failure: 'CALL_FINISHED' });
    });

    it('previews: claim without dialing, then dial or skip it; STOP releases a preview claim', async () => {
      await playingSession('s1');
      await playingSession('s2');
      const preview = (previewId: string, rowId: string) => ({
        previewId,
        rowId,
        numberIndex: 0,
        claimedAt: 1,
        dialAt: 2,
      });
      const claim = async (sessionId: string, previewId: string, rowId: string) => {
        await store.acquireLock(TAG, sessionId, 'T', 5_000);
        try {
          return await store.claimPreview({
            tag: TAG,
            sessionId,
            lockToken: 'T',
            rowId,
            expectedVersion: 0,
            phoneE164: '+15555550100',
            preview: preview(previewId, rowId),
            leaseMs: 60_000,
            now: 1,
          });
        } finally {
          await store.releaseLock(TAG, sessionId, 'T');
        }
      };
      expect(await claim('s1', 'p1', 'r1')).toEqual({ ok: true, version: 0 });
      expect((await store.getSession(TAG, 's1'))?.preview?.previewId).toBe('p1');
      expect(await claim('s2', 'p2', 'r1')).toEqual({ ok: false, failure: 'LEAD_CLAIMED' });
      expect(await claim('s1', 'p3', 'r2')).toEqual({ ok: false, failure: 'PREVIEW_MISMATCH' });
      // Who claimed a preview is known (a foreign request is 403, not 404); refused claims leave no trace.
      expect(await store.locatePreview('p1')).toEqual({ tag: TAG, sessionId: 's1' });
      expect(await store.locatePreview('p2')).toBeNull();
      expect(await store.locatePreview('p3')).toBeNull();
      // A plain dial while a preview is pending is refused; dialing the preview keeps the claim.
      expect(await dial('s1', 'r2', 'c0')).toEqual({ ok: false, failure: 'PREVIEW_MISMATCH' });
      await store.acquireLock(TAG, 's1', 'T', 5_000);
      const dialed = await store.claimAndDial({
        tag: TAG,
        sessionId: 's1',
        lockToken: 'T',
        previewId: 'p1',
        lead: leadWrite('r1', 0, 'IN_PROGRESS'),
        call: call('c1', 's1', 'r1'),
        leaseMs: 60_000,
        now: 5,
      });
      await store.releaseLock(TAG, 's1', 'T');
      expect(dialed.ok).toBe(true);
      expect((await store.getSession(TAG, 's1'))?.preview).toBeNull();

      // s2 previews r2 and skips it.
      expect(await claim('s2', 'p4', 'r2')).toEqual({ ok: true, version: 0 });
      await store.acquireLock(TAG, 's2', 'T', 5_000);
      const wrong = await store.manualSkip({
        tag: TAG,
        agentEmail: 'a@example.com',
        sessionId: 's2',
        lockToken: 'T',
        previewId: 'nope',
        lead: leadWrite('r2', 0, 'SKIPPED'),
        now: 6,
      });
      expect(wrong).toEqual({ ok: false, failure: 'PREVIEW_MISMATCH' });
      const skipped = await store.manualSkip({
        tag: TAG,
        agentEmail: 'a@example.com',
        sessionId: 's2',
        lockToken: 'T',
        previewId: 'p4',
        lead: leadWrite('r2', 0, 'SKIPPED'),
        now: 6,
      });
      await store.releaseLock(TAG, 's2', 'T');
      expect(skipped).toEqual({ ok: true, version: 1 });
      expect((await store.claimsOf(TAG, ['r2'], CLAIMS_AT)).size).toBe(0);
      expect((await store.sessionStats(TAG, 's2')).skips).toBe(1);

      // s2 previews r3, then STOPs: the claim goes with it.
      expect(await claim('s2', 'p5', 'r3')).toEqual({ ok: true, version: 0 });
      const end = await store.endSession(TAG, 's2', allowedTo('STOP'), 7);
      expect(end.ok && end.session.preview).toBeNull();
      expect((await store.claimsOf(TAG, ['r3'], CLAIMS_AT)).size).toBe(0);
    });

    it("drops a stale preview: clears it from the session, never releasing another session's claim", async () => {
      await playingSession('s1');
      await playingSession('s2');
      const claim = async (
        sessionId: string,
        previewId: string,
        rowId: string,
        leaseMs: number,
        now: number,
      ) => {
        await store.acquireLock(TAG, sessionId, 'T', 5_000);
        try {
          return await store.claimPreview({
            tag: TAG,
            sessionId,
            lockToken: 'T',
            rowId,
            expectedVersion: 0,
            phoneE164: '+15555550100',
            preview: { previewId, rowId, numberIndex: 0, claimedAt: 1, dialAt: 2 },
            leaseMs,
            now,
          });
        } finally {
          await store.releaseLock(TAG, sessionId, 'T');
        }
      };
      const drop = async (sessionId: string, previewId: string, rowId: string, lock = true) => {
        if (lock) await store.acquireLock(TAG, sessionId, 'T', 5_000);
        try {
          return await store.dropPreview({ tag: TAG, sessionId, lockToken: 'T', previewId, rowId, now: 3 });
        } finally {
          if (lock) await store.releaseLock(TAG, sessionId, 'T');
        }
      };
      // s1's preview claim on r1 lapses (a long PAUSE) and s2 claims r1 meanwhile.
      expect(await claim('s1', 'p1', 'r1', 50, 1)).toEqual({ ok: true, version: 0 });
      expect((await store.claimsOf(TAG, ['r1'], 50)).get('r1')).toBe('s1');
      expect(await claim('s2', 'p2', 'r1', 60_000, 50)).toEqual({ ok: false, failure: 'LEAD_CLAIMED' });
      expect((await store.claimsOf(TAG, ['r1'], 51)).size).toBe(0); // leased until 1 + 50
      expect(await claim('s2', 'p2', 'r1', 60_000, 100)).toEqual({ ok: true, version: 0 });

      // Without the lock, or naming another preview: nothing changes.
      expect(await drop('s1', 'p1', 'r1', false)).toEqual({ ok: false, failure: 'LOCK_NOT_OWNED' });
      expect(await drop('s1', 'other', 'r1')).toEqual({ ok: true, dropped: false });
      expect((await store.getSession(TAG, 's1'))?.preview?.previewId).toBe('p1');

      // Dropping s1's stale preview clears it and leaves s2's claim alone.
      expect(await drop('s1', 'p1', 'r1')).toEqual({ ok: true, dropped: true });
      expect((await store.getSession(TAG, 's1'))?.preview).toBeNull();
      expect((await store.claimsOf(TAG, ['r1'], CLAIMS_AT)).get('r1')).toBe('s2');
      expect(await drop('s1', 'p1', 'r1')).toEqual({ ok: true, dropped: false });

      // Dropping a preview whose claim is still its own releases that claim.
      expect(await drop('s2', 'p2', 'r1')).toEqual({ ok: true, dropped: true });
      expect((await store.claimsOf(TAG, ['r1'], CLAIMS_AT)).size).toBe(0);
      expect((await store.getSession(TAG, 's2'))?.preview).toBeNull();
    });

    it('keeps a live call disposable after STOP', async () => {
      await playingSession('s1', 'a@example.com');
      await dial('s1', 'r1', 'c1');
      const connectedAt = 7_500;
      const connected = await store.advanceCall({
        tag: TAG,
        callId: 'c1',
        state: 'CONNECTED',
        fields: { connectedAt },
        now: connectedAt,
      });
      expect(connected.ok && connected.advanced).toBe(true);
      await store.endSession(TAG, 's1', allowedTo('STOP'), 8);
      expect((await store.claimsOf(TAG, ['r1'], CLAIMS_AT)).get('r1')).toBe('s1');
      const done = await store.dispose({
        tag: TAG,
        agentEmail: 'a@example.com',
        callId: 'c1',
        sessionId: 's1',
        code: 'CORRECT',
        success: true,
        doNotCall: null,
        lead: leadWrite('r1', 1, 'CORRECT'),
        now: 9_000,
      });
      expect(done.ok).toBe(true);
      // Disposed while still connected: the talk time so far is counted with the disposition.
      const stats = await store.sessionStats(TAG, 's1');
      expect([stats.successes, stats.talkMs]).toEqual([1, 1_500]);
    });

    it('expires finished calls and stopped sessions (with their counters) after RETAIN_FINISHED_MS', async () => {
      await playingSession('s1', 'a@example.com');
      await dial('s1', 'r1', 'c1');
      const ttl = (key: string) => h.pttl(key);
      expect(await ttl(keys.call(TAG, 'c1'))).toBe(-1); // live: kept
      const done = await store.dispose({
        tag: TAG,
        agentEmail: 'a@example.com',
        callId: 'c1',
        sessionId: 's1',
        code: 'NO_ANSWER',
        success: false,
        doNotCall: null,
        lead: leadWrite('r1', 1, 'NO_ANSWER'),
        now: 9,
      });
      expect(done.ok).toBe(true);
      await store.endSession(TAG, 's1', allowedTo('STOP'), 10);
      for (const k of [keys.call(TAG, 'c1'), keys.session(TAG, 's1')]) {
        const left = await ttl(k);
        expect(left, k).toBeGreaterThan(RETAIN_FINISHED_MS - 60_000);
        expect(left, k).toBeLessThanOrEqual(RETAIN_FINISHED_MS);
      }
      // No locator key: the call id names its tab (keys.callIdIn).
      expect(await h.redis.exists(keys.callLocator('c1'))).toBe(0);
    });

    it('keeps agent lifetime counters beside its sessions, summed over its tabs and the counters from before', async () => {
      // The agent's own hash (the counters from before they moved to the tabs) still counts, read only.
      await h.redis.hset(keys.agentStats('a@example.com'), {
        initiated: '3',
        completed: '3',
        'd:WRONG': '3',
        since: '50',
      });
      await playingSession('s1', 'a@example.com');
      await dial('s1', 'r1', 'c1');
      const done = await store.dispose({
        tag: TAG,
        agentEmail: 'A@example.com',
        callId: 'c1',
        sessionId: 's1',
        code: 'CORRECT',
        success: true,
        doNotCall: null,
        lead: leadWrite('r1', 1, 'CORRECT'),
        now: 9_000,
      });
      expect(done.ok).toBe(true);
      const s = await store.agentStats('a@example.com');
      expect(s).toMatchObject({ initiated: 4, completed: 4, successes: 1, since: 50 });
      expect(s.byCode).toMatchObject({ WRONG: 3, CORRECT: 1, NO_ANSWER: 0 });
      // Another tab the agent worked on adds up (named by the caller before it is registered).
      const other = '{t:sheet-other:1}';
      await h.redis.hset(keys.agentTabStats(other, 'a@example.com'), { initiated: '2', since: '40' });
      expect(await store.agentStats('a@example.com')).toMatchObject({ initiated: 4, since: 50 });
      expect(await store.agentStats('a@example.com', [other])).toMatchObject({ initiated: 6, since: 40 });
    });

    it("counts a running session in the agent's figures live, folds it in once at STOP, and counts what comes after", async () => {
      const agentTab = keys.agentTabStats(TAG, 'a@example.com');
      await playingSession('s1', 'a@example.com');
      await dial('s1', 'r1', 'c1');
      const dispose = (callId: string, rowId: string, version: number, now: number) =>
        store.dispose({
          tag: TAG,
          agentEmail: 'a@example.com',
          callId,
          sessionId: 's1',
          code: 'CORRECT',
          success: true,
          doNotCall: null,
          lead: leadWrite(rowId, version, 'CORRECT'),
          now,
        });
      expect((await dispose('c1', 'r1', 1, 9_000)).ok).toBe(true);
      // While it runs, the session's counters are the only ones written; the lifetime figures add them.
      expect(await h.redis.hgetall(agentTab)).toEqual({});
      expect(await store.agentStats('a@example.com')).toMatchObject({
        initiated: 1,
        completed: 1,
        since: 5_000,
      });
      expect((await dial('s1', 'r2', 'c2', 0, 9_500)).ok).toBe(true); // a call still live at STOP
      const end = await store.endSession(TAG, 's1', allowedTo('STOP'), 10_000);
      expect(end.ok).toBe(true);
      expect(await store.agentStats('a@example.com')).toMatchObject({
        initiated: 2,
        completed: 1,
        successes: 1,
      });
      // A second end folds nothing again.
      expect(await store.endSession(TAG, 's1', allowedTo('STOP'), 10_001)).toEqual({
        ok: false,
        failure: 'INVALID_STATE',
      });
      // The live call disposed after STOP counts once, in the agent's figures too.
      expect((await dispose('c2', 'r2', 1, 11_000)).ok).toBe(true);
      const after = await store.agentStats('a@example.com');
      expect(after).toMatchObject({ initiated: 2, completed: 2, successes: 2, since: 5_000 });
      expect(after.byCode.CORRECT).toBe(2);
      expect((await store.sessionStats(TAG, 's1')).completed).toBe(2);
    });

    it('disposes and dials the next lead in one step, or commits the disposition alone when the dial is refused', async () => {
      await playingSession('s1', 'a@example.com');
      await dial('s1', 'r1', 'c1');
      const disposeAndDial = (
        callId: string,
        rowId: string,
        v: number,
        next: string,
        nextV: number,
        nextCall: string,
      ) =>
        store.dispose({
          tag: TAG,
          agentEmail: 'a@example.com',
          callId,
          sessionId: 's1',
          code: 'NO_ANSWER',
          success: false,
          doNotCall: null,
          lead: leadWrite(rowId, v, 'NO_ANSWER'),
          chainLock: { token: 'chain', ttlMs: 5_000 },
          next: {
            lead: leadWrite(next, nextV, 'IN_PROGRESS'),
            call: call(nextCall, 's1', next),
            leaseMs: 60_000,
          },
          now: 9_000,
        });
      const depth = await h.queue.depth();
      const done = await disposeAndDial('c1', 'r1', 1, 'r2', 0, 'c2');
      expect(done.ok && [done.call.state, done.chainLocked, done.chained]).toEqual([
        'DISPOSED',
        true,
        { ok: true, version: 1 },
      ]);
      // Both leads, both patches (one queue entry: the step's), the new call with its claim and deadline,
      // the session on the new call.
      expect(await h.queue.depth()).toBe(depth + 1);
      expect((await h.queue.peek(SPREADSHEET, 100)).slice(-2).map((p) => p.patch.rowId)).toEqual([
        'r1',
        'r2',
      ]);
      // Both leads' cells count as unflushed (the merge rule reads every patch of an entry).
      expect([...(await store.unflushedCells(TAG)).keys()]).toEqual(expect.arrayContaining(['r1', 'r2']));
      expect((await store.getLead(TAG, 'r2'))?.state.slots[0]?.status).toBe('IN_PROGRESS');
      expect((await store.claimsOf(TAG, ['r1', 'r2'], CLAIMS_AT)).get('r2')).toBe('s1');
      expect((await store.claimsOf(TAG, ['r1'], CLAIMS_AT)).size).toBe(0);
      expect((await store.getCall(TAG, 'c2'))?.state).toBe('DIALING');
      expect(await store.dueCalls(TAG, Number.MAX_SAFE_INTEGER, 10)).toEqual(['c2']);
      // Both leads are in the tab's index as written at the step's time (one ZADD): a refresh reads them.
      expect((await store.getLeadsWrittenSince(TAG, 8_999)).map((o) => o.rowId).sort()).toEqual(['r1', 'r2']);
      expect(done.ok && done.session).toMatchObject({ callId: 'c2', state: 'PLAY' });
      expect(done.ok && [done.stats.initiated, done.stats.completed]).toEqual([2, 1]);
      const agent = await store.agentStats('a@example.com');
      expect([agent.initiated, agent.completed, agent.byCode.NO_ANSWER]).toEqual([2, 1, 1]);
      // The lock is the chain's (the caller releases it after Dialpad answered).
      expect(await store.releaseLock(TAG, 's1', 'chain')).toBe(true);
      // A refused dial (the next lead is another session's) writes nothing of it; the disposition stands.
      await h.redis.hset(keys.lead(TAG, 'r3'), 'c', 'other|x|99000');
      const refused = await disposeAndDial('c2', 'r2', 1, 'r3', 0, 'c3');
      expect(refused.ok && [refused.call.state, refused.chainLocked, refused.chained]).toEqual([
        'DISPOSED',
        true,
        { ok: false, failure: 'LEAD_CLAIMED' },
      ]);
      expect(refused.ok && refused.session?.callId).toBeNull();
      expect(await store.getCall(TAG, 'c3')).toBeNull();
      expect(await store.getLead(TAG, 'r3')).toBeNull();
      expect(await h.queue.depth()).toBe(depth + 2);
      expect((await store.agentStats('a@example.com')).initiated).toBe(2);
      expect(await store.releaseLock(TAG, 's1', 'chain')).toBe(true);
    });

    it("checks and keeps the request's Idempotency-Key in the disposition's own step", async () => {
      await playingSession('s1', 'a@example.com');
      await dial('s1', 'r1', 'c1');
      const recordOf = (key: string) => keys.idemIn(TAG, 'a@example.com', key);
      const idem = (key: string, owner: string, answer: string | null) => ({
        recordKey: recordOf(key),
        bodyHash: 'h1',
        owner,
        pendingTtlMs: 30_000,
        ttlMs: 60_000,
        answer,
      });
      const base = {
        tag: TAG,
        agentEmail: 'a@example.com',
        sessionId: 's1',
        code: 'NO_ANSWER' as const,
        success: false,
        doNotCall: null,
        now: 9_000,
      };
      const chained = {
        ...base,
        callId: 'c1',
        lead: leadWrite('r1', 1, 'NO_ANSWER'),
        chainLock: { token: 'chain', ttlMs: 5_000 },
        next: { lead: leadWrite('r2', 0, 'IN_PROGRESS'), call: call('c2', 's1', 'r2'), leaseMs: 60_000 },
      };
      // The chained dial made: the answer (known before the script) is stored as the key's final answer.
      const done = await store.dispose({ ...chained, idem: idem('k1', 'o1', '{"answer":1}') });
      expect(done.ok && [done.chained, done.idemStored]).toEqual([{ ok: true, version: 1 }, true]);
      const stored = await h.redis.get(recordOf('k1'));
      expect(JSON.parse(stored ?? 'null')).toEqual({ h: 'h1', o: 'o1', d: 1, s: 200, b: '{"answer":1}' });
      expect(await h.pttl(recordOf('k1'))).toBeGreaterThan(30_000);
      // A repeat of that request (another run, another owner) changes nothing and gets the record back.
      const depth = await h.queue.depth();
      expect(await store.dispose({ ...chained, idem: idem('k1', 'o2', '{"answer":2}') })).toEqual({
        ok: false,
        failure: 'IDEM_HELD',
        record: stored,
      });
      expect(await h.queue.depth()).toBe(depth);
      expect((await store.getCall(TAG, 'c2'))?.state).toBe('DIALING');
      expect(await store.releaseLock(TAG, 's1', 'chain')).toBe(true);
      // No chained dial: the key is reserved for its run (pending), which completes it after the script.
      const alone = await store.dispose({
        ...base,
        callId: 'c2',
        lead: leadWrite('r2', 1, 'NO_ANSWER'),
        idem: idem('k2', 'o3', null),
      });
      expect(alone.ok && alone.idemStored).toBe(false);
      expect(JSON.parse((await h.redis.get(recordOf('k2'))) ?? 'null')).toEqual({ h: 'h1', o: 'o3' });
      expect(await h.pttl(recordOf('k2'))).toBeLessThanOrEqual(30_000);
      // The answer was known but the chained dial is refused (the next lead moved): the key is reserved
      // (pending) for its run, never left holding an answer that did not happen.
      await dial('s1', 'r3', 'c3');
      const refusedDial = await store.dispose({
        ...base,
        callId: 'c3',
        lead: leadWrite('r3', 1, 'NO_ANSWER'),
        chainLock: { token: 'chain2', ttlMs: 5_000 },
        next: { lead: leadWrite('r4', 7, 'IN_PROGRESS'), call: call('c4', 's1', 'r4'), leaseMs: 60_000 },
        idem: idem('k4', 'o5', '{"answer":4}'),
      });
      expect(refusedDial.ok && [refusedDial.chained, refusedDial.idemStored]).toEqual([
        { ok: false, failure: 'VERSION_CONFLICT' },
        false,
      ]);
      expect(JSON.parse((await h.redis.get(recordOf('k4'))) ?? 'null')).toEqual({ h: 'h1', o: 'o5' });
      expect(await h.pttl(recordOf('k4'))).toBeLessThanOrEqual(30_000);
      expect(await store.releaseLock(TAG, 's1', 'chain2')).toBe(true);
      // A refused disposition (the call is disposed already) reserves nothing: a retry answers the same.
      const refused = await store.dispose({
        ...base,
        callId: 'c2',
        lead: leadWrite('r2', 2, 'NO_ANSWER'),
        idem: idem('k3', 'o4', null),
      });
      expect(refused.ok).toBe(false);
      expect(await h.redis.get(recordOf('k3'))).toBeNull();
    });

    it("a disposition refused for its held Idempotency-Key hides no other instance's later change", async () => {
      // This instance hears lead changes (as every service does) and skips only the notices its own
      // transitions published. A duplicate of a disposition (the same key, a retry or a double click)
      // publishes nothing: if it were still counted as "own", the next notice of that lead from the other
      // instance (its next dial or disposition) would be dropped here, and this instance would keep showing
      // the lead as it was (an AttemptCount behind) until its next full refresh.
      const seen: LeadChange[] = [];
      const off = await store.onLeadChange((c) => seen.push(c));
      const other = new RedisStore({ redis: h.redis });
      try {
        await playingSession('s1', 'a@example.com');
        await dial('s1', 'r1', 'c1');
        const disposal = {
          tag: TAG,
          agentEmail: 'a@example.com',
          sessionId: 's1',
          callId: 'c1',
          code: 'NO_ANSWER' as const,
          success: false,
          doNotCall: null,
          lead: leadWrite('r1', 1, 'NO_ANSWER'),
          chainLock: { token: 'chain', ttlMs: 5_000 },
          next: { lead: leadWrite('r2', 0, 'IN_PROGRESS'), call: call('c2', 's1', 'r2'), leaseMs: 60_000 },
          now: 9_000,
        };
        const idem = (owner: string) => ({
          recordKey: keys.idemIn(TAG, 'a@example.com', 'k1'),
          bodyHash: 'h1',
          owner,
          pendingTtlMs: 30_000,
          ttlMs: 60_000,
          answer: '{"answer":1}',
        });
        const done = await store.dispose({ ...disposal, idem: idem('o1') });
        expect(done.ok && done.chained).toEqual({ ok: true, version: 1 });
        const again = await store.dispose({ ...disposal, idem: idem('o2') });
        expect(again.ok ? 'committed' : again.failure).toBe('IDEM_HELD');
        // The other instance writes r1, then r3 (notices arrive in order: once r3's is here, r1's was).
        expect((await other.writeLead(TAG, leadWrite('r1', 2, 'WRONG'), 10_000)).ok).toBe(true);
        expect((await other.writeLead(TAG, leadWrite('r3', 0, 'WRONG'), 10_001)).ok).toBe(true);
        await until(() => seen.some((c) => c.rowId === 'r3'), "the other instance's notice of r3");
        // With the leftover count, both r1 notices (ours, the other's) were taken as our own: none seen.
        // At least one, not exactly one: on a cluster, notices published through different nodes arrive in
        // no fixed order, so our own can come after its count was spent on the other's (seen twice).
        expect(seen.filter((c) => c.rowId === 'r1').length).toBeGreaterThanOrEqual(1);
      } finally {
        await off();
        await other.close();
      }
    });

    it('disposes and dials the same lead again in one step (its next number)', async () => {
      await playingSession('s1', 'a@example.com');
      await dial('s1', 'r1', 'c1');
      const done = await store.dispose({
        tag: TAG,
        agentEmail: 'a@example.com',
        callId: 'c1',
        sessionId: 's1',
        code: 'WRONG',
        success: false,
        doNotCall: null,
        lead: leadWrite('r1', 1, 'WRONG'),
        chainLock: { token: 'chain', ttlMs: 5_000 },
        next: { lead: leadWrite('r1', 2, 'IN_PROGRESS'), call: call('c2', 's1', 'r1'), leaseMs: 60_000 },
        now: 9_000,
      });
      expect(done.ok && [done.version, done.chained]).toEqual([2, { ok: true, version: 3 }]);
      expect((await store.getLead(TAG, 'r1'))?.version).toBe(3);
      expect((await store.claimsOf(TAG, ['r1'], CLAIMS_AT)).get('r1')).toBe('s1');
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

storeContract('RedisStore', async () => {
  const redis = new Redis(redisServer.url);
  clients.push(redis);
  await redis.flushall();
  return {
    store: new RedisStore({ redis }),
    queue: new RedisPatchQueue(redis),
    pttl: (k) => redis.pttl(k),
    redis,
  };
});

// The same store on a three-master Redis Cluster (REDIS_CLUSTER_NODES): scripts, MULTI and pub/sub keep to
// one hash tag, SCAN walks every master.
storeContract('RedisStore on Redis Cluster', async () => {
  await cluster.flushAll();
  const redis = cluster.client();
  clients.push(redis);
  return {
    store: new RedisStore({ redis }),
    queue: new RedisPatchQueue(redis),
    pttl: (k) => redis.pttl(k),
    redis,
  };
});
