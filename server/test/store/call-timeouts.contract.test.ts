// The open calls' deadlines in the tab's lead index (its timeout band: keys.CALL_TIMEOUT_BAND), on a real
// redis-server and on a real three-master Redis Cluster: a dial files its lead and its call's deadline with
// ONE ZADD, the sweeper finds a due call in the band, the readers of leads (a refresh's "written since", a
// restart's rebuild) never see a deadline, and a call live from before the band (the old timeouts ZSET) is
// moved into it and swept there, the old key never written again.
import type { Cluster, Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { SESSION_TRANSITIONS, type SessionState } from '../../../src-shared/domain/session.js';
import { CALL_TIMEOUT_BAND, callTimeoutMember, callTimeoutScore, keys } from '../../src/redis/keys.js';
import { RedisStore } from '../../src/store/redis-store.js';
import { commandCalls, resetCommandStats } from '../support/command-stats.js';
import { redisTargetsForFile } from '../support/redis-targets.js';
import { call, leadWrite, newSession, TAG } from './store-fixtures.js';

/** A realistic clock (epoch ms in 2026): the band's scores must stay exact integers at this size. */
const NOW = 1_796_000_000_123;
const DEADLINE = NOW + 60_000; // store-fixtures' call: startedAt + 60 s

describe.each(redisTargetsForFile())('call deadlines in the lead index (%s)', (_name, connect) => {
  const index = keys.callTimeoutIndex(TAG);
  const band = (redis: Redis | Cluster) => redis.zrangebyscore(index, CALL_TIMEOUT_BAND, '+inf');

  async function playing(redis: Redis | Cluster, ...ids: string[]) {
    const store = new RedisStore({ redis });
    const from = (Object.keys(SESSION_TRANSITIONS) as SessionState[]).filter((s) =>
      SESSION_TRANSITIONS[s].includes('PLAY'),
    );
    for (const id of ids) {
      await store.createSession(newSession(id, `${id}@example.com`), 1_000);
      expect((await store.setSessionState(TAG, id, 'PLAY', from, 1_001)).ok).toBe(true);
    }
    return store;
  }

  async function dial(store: RedisStore, sessionId: string, rowId: string, callId: string, now = NOW) {
    expect(await store.acquireLock(TAG, sessionId, `tok-${callId}`, 5_000)).toBe(true);
    const r = await store.claimAndDial({
      tag: TAG,
      sessionId,
      lockToken: `tok-${callId}`,
      previewId: null,
      lead: leadWrite(rowId, 0, 'IN_PROGRESS'),
      call: call(callId, sessionId, rowId, now),
      leaseMs: 60_000,
      now,
    });
    expect(r.ok).toBe(true);
    await store.releaseLock(TAG, sessionId, `tok-${callId}`);
  }

  const sweep = (store: RedisStore, callId: string, now: number) =>
    store.advanceCall({
      tag: TAG,
      callId,
      state: 'ENDED',
      fields: { endedAt: now, endReason: 'TIMEOUT' },
      sweep: true,
      now,
    });

  it("files the lead and its call's deadline with one ZADD; the sweeper ends the call when it is due", async () => {
    const redis = await connect();
    const store = await playing(redis, 's1');
    await store.acquireLock(TAG, 's1', 'tok', 5_000);
    await resetCommandStats(redis);
    const r = await store.claimAndDial({
      tag: TAG,
      sessionId: 's1',
      lockToken: 'tok',
      previewId: null,
      lead: leadWrite('r1', 0, 'IN_PROGRESS'),
      call: call('c1', 's1', 'r1', NOW),
      leaseMs: 60_000,
      now: NOW,
    });
    expect(r.ok).toBe(true);
    expect((await commandCalls(redis)).zadd).toBe(1);
    // The lead scored by its write, the deadline in the band, both exact.
    expect(await redis.zscore(index, 'r1')).toBe(String(NOW));
    expect(await redis.zscore(index, callTimeoutMember('s1'))).toBe(String(CALL_TIMEOUT_BAND + DEADLINE));
    expect(callTimeoutScore(DEADLINE)).toBe(String(CALL_TIMEOUT_BAND + DEADLINE));
    expect(await store.dueCalls(TAG, DEADLINE - 1, 10)).toEqual([]);
    expect(await store.dueCalls(TAG, DEADLINE, 10)).toEqual(['c1']);
    const swept = await sweep(store, 'c1', DEADLINE);
    expect(swept.ok && [swept.advanced, swept.call.state, swept.call.endReason]).toEqual([
      true,
      'ENDED',
      'TIMEOUT',
    ]);
    expect(await store.dueCalls(TAG, Number.MAX_SAFE_INTEGER, 10)).toEqual([]);
    expect(await band(redis)).toEqual([]);
    expect(await redis.zrange(index, '0', '-1')).toEqual(['r1']); // the lead stays
    await store.close();
  });

  it('writes both leads and the chained call’s deadline with one ZADD; a disposition alone drops it', async () => {
    const redis = await connect();
    const store = await playing(redis, 's1');
    await dial(store, 's1', 'r1', 'c1');
    const dispose = (callId: string, rowId: string, next?: { rowId: string; callId: string }) =>
      store.dispose({
        tag: TAG,
        agentEmail: 's1@example.com',
        callId,
        sessionId: 's1',
        code: 'NO_ANSWER',
        success: false,
        doNotCall: null,
        lead: leadWrite(rowId, 1, 'NO_ANSWER'),
        ...(next
          ? {
              chainLock: { token: `c:${next.callId}`, ttlMs: 5_000 },
              next: {
                lead: leadWrite(next.rowId, 0, 'IN_PROGRESS'),
                call: call(next.callId, 's1', next.rowId, NOW + 9_000),
                leaseMs: 60_000,
              },
            }
          : {}),
        now: NOW + 9_000,
      });
    await resetCommandStats(redis);
    const chained = await dispose('c1', 'r1', { rowId: 'r2', callId: 'c2' });
    expect(chained.ok && chained.chained).toEqual({ ok: true, version: 1 });
    expect((await commandCalls(redis)).zadd).toBe(1);
    expect(await redis.zscore(index, callTimeoutMember('s1'))).toBe(callTimeoutScore(DEADLINE + 9_000));
    expect((await store.getLeadsWrittenSince(TAG, NOW)).map((o) => o.rowId).sort()).toEqual(['r1', 'r2']);
    const alone = await dispose('c2', 'r2');
    expect(alone.ok).toBe(true);
    expect(await band(redis)).toEqual([]);
    expect(await store.dueCalls(TAG, Number.MAX_SAFE_INTEGER, 10)).toEqual([]);
    await store.close();
  });

  it("never hands a deadline to a refresh's written-since read nor to a restart's rebuild", async () => {
    const redis = await connect();
    const store = await playing(redis, 's1', 's2');
    await dial(store, 's1', 'r1', 'c1');
    await dial(store, 's2', 'r2', 'c2', NOW + 1_000);
    // A call id member (the layout before, moved into the band) is a deadline too.
    await redis.zadd(index, callTimeoutScore(NOW - 5_000), callTimeoutMember('c0'));
    expect(await redis.zcard(index)).toBe(5); // two leads, three deadlines, one ZSET
    const rows = (xs: { rowId: string }[]) => xs.map((o) => o.rowId).sort();
    expect(rows(await store.getLeadsWrittenSince(TAG, 0))).toEqual(['r1', 'r2']);
    expect(rows(await store.getLeadsWrittenSince(TAG, NOW))).toEqual(['r2']);
    // Every deadline scores above any time a refresh asks about: the band is out of the read by its bound.
    expect(rows(await store.getLeadsWrittenSince(TAG, NOW + 1_000))).toEqual([]);
    expect(rows(await store.getLeads(TAG))).toEqual(['r1', 'r2']);
    const restarted = new RedisStore({ redis });
    expect(rows(await restarted.getLeads(TAG))).toEqual(['r1', 'r2']);
    await restarted.close();
    await store.close();
  });

  it('moves the deadlines of calls live from before the band out of the old ZSET and sweeps them', async () => {
    const redis = await connect();
    const store = await playing(redis, 's1', 's2', 's3');
    const legacy = keys.legacyCallTimeouts(TAG);
    // s1's call c1 was dialed by the version before: its deadline is in the old ZSET, not in the band.
    await dial(store, 's1', 'r1', 'c1');
    await redis.zrem(index, callTimeoutMember('s1'));
    await redis.zadd(legacy, DEADLINE, 's1');
    // s2 was dialed by this version (its deadline in the band) after an older call of its own had left a
    // member in the old ZSET: the band's (the current call's) stays.
    await dial(store, 's2', 'r2', 'c2', NOW + 30_000);
    await redis.zadd(legacy, NOW - 1, 's2');
    const fresh = new RedisStore({ redis }); // an instance started after the upgrade
    expect(await fresh.dueCalls(TAG, DEADLINE - 1, 10)).toEqual([]);
    expect(await redis.exists(legacy)).toBe(0);
    expect(await redis.zscore(index, callTimeoutMember('s1'))).toBe(callTimeoutScore(DEADLINE));
    expect(await redis.zscore(index, callTimeoutMember('s2'))).toBe(callTimeoutScore(DEADLINE + 30_000));
    expect(await fresh.dueCalls(TAG, DEADLINE, 10)).toEqual(['c1']);
    const swept = await sweep(fresh, 'c1', DEADLINE);
    expect(swept.ok && swept.advanced).toBe(true);
    expect(await fresh.dueCalls(TAG, Number.MAX_SAFE_INTEGER, 10)).toEqual(['c2']);
    // Nothing writes the old ZSET again: a dial and a sweep of this version keep to the band.
    await sweep(fresh, 'c2', DEADLINE + 30_000);
    await dial(store, 's3', 'r3', 'c3', NOW + 40_000);
    expect(await redis.exists(legacy)).toBe(0);
    expect(await fresh.dueCalls(TAG, Number.MAX_SAFE_INTEGER, 10)).toEqual(['c3']);
    await fresh.close();
    await store.close();
  });
});
