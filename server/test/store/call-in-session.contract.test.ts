// The session's live call in the session hash (store/call-record.ts, includes/callRecord.lua), on a real
// redis-server and on a real three-master Redis Cluster: a call whose id names its session (keys.callIdIn)
// is written by the dial's session HSET, stepped in the session by its webhooks, read by the disposition's
// session read, kept as the session's last call (`l:` fields) when disposed, archived for 7 days when its
// dial failed. What a user would notice if it broke: a late or redelivered webhook of a disposed call (the
// last one, or an older one no longer kept) moving it or telling the agent twice, a retried disposition not
// answered or counted twice, a change of the last disposition lost, a Call log row without its duration, a
// call live across the upgrade (its own hash, an id of before) no longer disposable, a session's next call
// inheriting a field of the one before.
import { describe, expect, it } from 'vitest';
import type { AgentEvent } from '../../../src-shared/contracts/ws.js';
import { SESSION_TRANSITIONS, type SessionState } from '../../../src-shared/domain/session.js';
import { RedisAgentEventBus } from '../../src/events/redis-bus.js';
import { callIdIn, keys, tabCode } from '../../src/redis/keys.js';
import { callToHash } from '../../src/store/codec.js';
import { RedisStore } from '../../src/store/redis-store.js';
import { type CallRecord, type DisposeInput, RETAIN_FINISHED_MS } from '../../src/store/types.js';
import { redisTargetsForFile } from '../support/redis-targets.js';
import { call, leadWrite, newSession, owned, patch, TAG } from './store-fixtures.js';

const EMAIL = 'a@example.com';
const C1 = callIdIn(TAG, 's1', 'c1');
const C2 = callIdIn(TAG, 's1', 'c2');
const C3 = callIdIn(TAG, 's1', 'c3');
const ev = (what: string): AgentEvent => ({ type: 'ERROR', code: 'NOTHING_TO_DIAL', message: what });

describe.each(redisTargetsForFile())('the live call in the session hash (%s)', (_name, connect) => {
  /** A session s1 in PLAY with `callId` dialed on r1 (no call hash of its own). */
  async function dialed(callId = C1) {
    const redis = await connect();
    const store = new RedisStore({ redis });
    const bus = new RedisAgentEventBus(redis);
    await store.createSession(newSession('s1', EMAIL), 1_000);
    const from = (Object.keys(SESSION_TRANSITIONS) as SessionState[]).filter((s) =>
      SESSION_TRANSITIONS[s].includes('PLAY'),
    );
    expect((await store.setSessionState(TAG, 's1', 'PLAY', from, 1_001)).ok).toBe(true);
    expect(await store.acquireLock(TAG, 's1', 'dial', 5_000)).toBe(true);
    const c = { ...call(callId, 's1', 'r1'), callerId: '+15555550123' };
    const d = await store.claimAndDial({
      tag: TAG,
      sessionId: 's1',
      lockToken: 'dial',
      previewId: null,
      lead: leadWrite('r1', 0, 'IN_PROGRESS'),
      call: c,
      leaseMs: 600_000,
      now: 5_000,
    });
    expect(d.ok).toBe(true);
    await store.releaseLock(TAG, 's1', 'dial');
    return { redis, store, bus, call: c };
  }

  const step = (callId: string, state: 'RINGING' | 'CONNECTED' | 'ENDED', at: number, announce = false) => ({
    tag: TAG,
    callId,
    state,
    fields:
      state === 'RINGING'
        ? { ringingAt: at }
        : state === 'CONNECTED'
          ? { connectedAt: at }
          : { endedAt: at, endReason: 'HANGUP' as const },
    suggest: { connected: 'CORRECT' as const, notConnected: 'NO_ANSWER' as const },
    now: at,
    ...(announce ? { announce: async () => [ev(`${state} ${at}`)] } : {}),
  });

  const dispose = (over: Partial<DisposeInput> = {}): DisposeInput => ({
    tag: TAG,
    agentEmail: EMAIL,
    callId: C1,
    sessionId: 's1',
    code: 'NO_ANSWER',
    success: false,
    doNotCall: null,
    lead: leadWrite('r1', 1, 'NO_ANSWER'),
    preDisposition: JSON.stringify({ statuses: ['NEW'] }),
    now: 20_000,
    ...over,
  });

  it('keeps the live call in the session: no key of its own, stepped there, read back whole', async () => {
    const { redis, store, call: c } = await dialed();
    expect(await redis.exists(keys.call(TAG, C1), keys.callArchive(TAG, C1))).toBe(0);
    expect(await redis.hget(keys.session(TAG, 's1'), 'c:state')).toBe('DIALING');
    expect(await store.getCall(TAG, C1)).toEqual(c);
    expect((await store.advanceCall(step(C1, 'RINGING', 6_000))).ok).toBe(true);
    expect((await store.advanceCall({ ...step(C1, 'CONNECTED', 7_000), known: null })).ok).toBe(true);
    const live = await store.getCall(TAG, C1);
    expect(live).toMatchObject({ state: 'CONNECTED', ringingAt: 6_000, connectedAt: 7_000 });
    // The session view is not disturbed by the call's fields beside it.
    expect((await store.getSession(TAG, 's1'))?.callId).toBe(C1);
  });

  it("keeps a disposed call as the session's last call (no key); a late or redelivered webhook of it moves and tells nothing", async () => {
    const { redis, store, bus } = await dialed();
    await store.advanceCall(step(C1, 'CONNECTED', 7_000));
    const done = await store.dispose(dispose({ now: 20_000 }));
    expect(done.ok && done.call.state).toBe('DISPOSED');
    const archived = await store.getCall(TAG, C1);
    expect(archived).toMatchObject({ state: 'DISPOSED', disposition: 'NO_ANSWER', connectedAt: 7_000 });
    expect(archived?.endedAt).toBe(20_000);
    expect(await redis.exists(keys.callArchive(TAG, C1), keys.call(TAG, C1))).toBe(0);
    expect(await redis.hget(keys.session(TAG, 's1'), 'l:state')).toBe('DISPOSED');
    expect((await store.getSession(TAG, 's1'))?.callId).toBeNull();

    const seqBefore = await bus.lastSeq(EMAIL);
    for (const late of [step(C1, 'ENDED', 21_000, true), step(C1, 'CONNECTED', 8_000, true)]) {
      // With a memory of the call as it was (another instance's stale view) and without one.
      for (const known of [{ ...(archived as CallRecord), state: 'CONNECTED' as const }, null]) {
        const r = await store.advanceCall({ ...late, known });
        expect(r.ok && r.advanced).toBe(false);
      }
    }
    expect(await store.getCall(TAG, C1)).toEqual(archived);
    expect(await bus.lastSeq(EMAIL)).toBe(seqBefore);
  });

  it('answers a retried disposition of an archived call as already disposed, changing nothing', async () => {
    const { store } = await dialed();
    expect((await store.dispose(dispose())).ok).toBe(true);
    const lead = await store.getLead(TAG, 'r1');
    const again = await store.dispose(dispose({ now: 21_000 }));
    expect(again).toEqual({ ok: false, failure: 'CALL_FINISHED' });
    expect(await store.getLead(TAG, 'r1')).toEqual(lead);
    expect((await store.sessionStats(TAG, 's1')).completed).toBe(1);
  });

  it('fills the Call log duration in the queued patch: the flusher needs no record of the call', async () => {
    const { redis, store } = await dialed();
    await store.advanceCall(step(C1, 'CONNECTED', 7_000));
    const open = {
      ...patch('r1', 'NO_ANSWER'),
      callLog: {
        callId: C1,
        at: 20_000,
        agent: EMAIL,
        campaign: 'c',
        rowId: 'r1',
        numberLast4: '0100',
        durationS: null,
        disposition: 'NO_ANSWER',
        notes: 'said "durationS":null twice',
      },
    };
    expect(
      (
        await store.dispose(
          dispose({ now: 20_500, lead: { ...leadWrite('r1', 1, 'NO_ANSWER'), patch: open } }),
        )
      ).ok,
    ).toBe(true);
    const entries = await redis.xrange(keys.sheetQueue(TAG), '-', '+');
    // An entry holds one patch (`patch`) or a step's patches (`patches`, a JSON array).
    const queued = entries.flatMap(([, f]): { callLog?: { callId: string } }[] => {
      const at = (name: string) => (f.indexOf(name) % 2 === 0 ? f[f.indexOf(name) + 1] : undefined);
      const many = at('patches');
      const one = at('patch');
      return many ? JSON.parse(many) : one ? [JSON.parse(one)] : [];
    });
    const log = queued.find((p) => p.callLog?.callId === C1)?.callLog;
    // Connected at 7 s, ended at the disposition (20.5 s): 14 s (rounded); the notes untouched.
    expect(log).toMatchObject({ durationS: 14, notes: 'said "durationS":null twice' });
  });

  it('no longer keeps a call older than the last: its late webhook and retried disposition change nothing', async () => {
    const { redis, store, bus } = await dialed();
    await store.advanceCall(step(C1, 'CONNECTED', 7_000));
    const chain = (callId: string, rowId: string, now: number) => ({
      chainLock: { token: `c:${callId}`, ttlMs: 5_000 },
      next: {
        lead: leadWrite(rowId, 0, 'IN_PROGRESS'),
        call: call(callId, 's1', rowId, now),
        leaseMs: 600_000,
      },
    });
    const first = await store.dispose(dispose({ now: 20_000, ...chain(C2, 'r2', 20_000) }));
    expect(first.ok && first.chained).toEqual({ ok: true, version: 1 });
    await store.advanceCall(step(C2, 'CONNECTED', 21_000));
    const second = await store.dispose(
      dispose({ callId: C2, lead: leadWrite('r2', 1, 'NO_ANSWER'), now: 30_000, ...chain(C3, 'r3', 30_000) }),
    );
    expect(second.ok && second.chained).toEqual({ ok: true, version: 1 });
    // C2 is the last call now; C1 is no longer kept anywhere (the sheet's Call log has it).
    expect(await store.getCall(TAG, C2)).toMatchObject({ state: 'DISPOSED', connectedAt: 21_000 });
    expect(await store.getCall(TAG, C1)).toBeNull();
    expect(await redis.exists(keys.callArchive(TAG, C1), keys.callArchive(TAG, C2))).toBe(0);
    const lead = await store.getLead(TAG, 'r1');
    const stats = await store.sessionStats(TAG, 's1');
    const seqBefore = await bus.lastSeq(EMAIL);
    // A late webhook of C1: not found (the service answers it 200 and ignores it), nothing told.
    const late = await store.advanceCall({ ...step(C1, 'ENDED', 31_000, true), known: null });
    expect(late).toEqual({ ok: false, failure: 'CALL_NOT_FOUND' });
    // With another instance's stale memory of it: the script finds it gone, nothing written.
    const stale = await store.advanceCall({
      ...step(C1, 'ENDED', 31_000, true),
      known: { ...call(C1, 's1', 'r1'), state: 'CONNECTED', connectedAt: 7_000 },
    });
    expect(stale.ok).toBe(false);
    // A late webhook of C2 (the last call): nothing moves.
    const lastLate = await store.advanceCall({ ...step(C2, 'ENDED', 31_000, true), known: null });
    expect(lastLate.ok && lastLate.advanced).toBe(false);
    // A retried disposition of either (no Idempotency-Key): finished, nothing counted again.
    expect(await store.dispose(dispose({ now: 32_000 }))).toEqual({ ok: false, failure: 'CALL_FINISHED' });
    expect(
      await store.dispose(dispose({ callId: C2, lead: leadWrite('r2', 2, 'NO_ANSWER'), now: 32_000 })),
    ).toEqual({ ok: false, failure: 'CALL_FINISHED' });
    expect(await store.getLead(TAG, 'r1')).toEqual(lead);
    expect(await store.sessionStats(TAG, 's1')).toEqual(stats);
    expect(await bus.lastSeq(EMAIL)).toBe(seqBefore);
    expect(await store.getCall(TAG, C3)).toMatchObject({ state: 'DIALING' });
    // A call id naming no call of a session that does not exist stays unknown.
    const ghost = callIdIn(TAG, 'nosuch', 'c9');
    expect(await store.dispose(dispose({ callId: ghost, sessionId: 'nosuch' }))).toEqual({
      ok: false,
      failure: 'CALL_NOT_FOUND',
    });
  });

  it('chains: the next call replaces the live one in the session, none of its fields inherited', async () => {
    const { store } = await dialed();
    await store.advanceCall(step(C1, 'CONNECTED', 7_000));
    const next: CallRecord = { ...call(C2, 's1', 'r2', 20_000) };
    const done = await store.dispose(
      dispose({
        chainLock: { token: `c:${C2}`, ttlMs: 5_000 },
        next: { lead: leadWrite('r2', 0, 'IN_PROGRESS'), call: next, leaseMs: 600_000 },
      }),
    );
    expect(done.ok && done.chained).toEqual({ ok: true, version: 1 });
    // The chained call has no caller ID and was never connected: nothing of C1's shows through.
    expect(await store.getCall(TAG, C2)).toEqual({ ...next, callerId: null });
    expect(await store.getCall(TAG, C1)).toMatchObject({ state: 'DISPOSED', connectedAt: 7_000 });
    // A webhook of C1 arriving now finds it archived; C2 still steps.
    expect((await store.advanceCall(step(C1, 'ENDED', 21_000))).ok).toBe(true);
    expect((await store.getCall(TAG, C2))?.state).toBe('DIALING');
    expect((await store.advanceCall(step(C2, 'RINGING', 21_000))).ok).toBe(true);
    expect((await store.getCall(TAG, C2))?.state).toBe('RINGING');
    // The chained dial's lock is taken over once C2 left DIALING (it is read in the session).
    expect(await store.acquireLock(TAG, 's1', 'other', 5_000)).toBe(true);
  });

  it("sweeps the session's live call: re-filed when connected, ended when due, the next call's deadline kept", async () => {
    const { store } = await dialed(); // deadline 5_000 + 60_000 (store-fixtures' call)
    const connected = await store.advanceCall({
      ...step(C1, 'CONNECTED', 6_000),
      connectedTimeoutMs: 3_600_000,
    });
    expect(connected.ok && connected.call.timeoutAt).toBe(3_606_000);
    const sweepAt = (callId: string, now: number) =>
      store.advanceCall({
        tag: TAG,
        callId,
        state: 'ENDED',
        fields: { endedAt: now, endReason: 'TIMEOUT' },
        sweep: true,
        now,
      });
    expect(await store.dueCalls(TAG, 70_000, 10)).toEqual([C1]);
    const early = await sweepAt(C1, 70_000);
    expect(early.ok && [early.advanced, early.call.state]).toEqual([false, 'CONNECTED']);
    expect(await store.dueCalls(TAG, 70_000, 10)).toEqual([]);
    const late = await sweepAt(C1, 3_606_000);
    expect(late.ok && [late.advanced, late.call.state, late.call.endReason]).toEqual([
      true,
      'ENDED',
      'TIMEOUT',
    ]);
    expect((await store.getCall(TAG, C1))?.state).toBe('ENDED');
    // Disposed with a chained dial: a sweep of C1 that comes late never moves or drops C2's deadline.
    const next = call(C2, 's1', 'r2', 3_700_000);
    const done = await store.dispose(
      dispose({
        now: 3_700_000,
        chainLock: { token: `c:${C2}`, ttlMs: 5_000 },
        next: { lead: leadWrite('r2', 0, 'IN_PROGRESS'), call: next, leaseMs: 600_000 },
      }),
    );
    expect(done.ok && done.chained).toEqual({ ok: true, version: 1 });
    const stale = await sweepAt(C1, 3_800_000);
    expect(stale.ok && stale.advanced).toBe(false);
    expect(await store.dueCalls(TAG, next.timeoutAt, 10)).toEqual([C2]);
  });

  it.each([
    ['the session keeps as its last call', false],
    ['archived before the last-call fields (keeping its expiry)', true],
  ] as const)('changes the last disposition of a call %s', async (_what, archivedBefore) => {
    const { redis, store } = await dialed();
    expect((await store.dispose(dispose({ code: 'NO_ANSWER', now: 20_000 }))).ok).toBe(true);
    if (archivedBefore) {
      // As the version before left it: the call's archive, no `l:` fields.
      const h = await redis.hgetall(keys.session(TAG, 's1'));
      const last = Object.keys(h).filter((k) => k.startsWith('l:'));
      const rec = Object.fromEntries(last.filter((k) => h[k] !== '').map((k) => [k.slice(2), h[k]]));
      await redis.set(keys.callArchive(TAG, C1), JSON.stringify(rec), 'PX', RETAIN_FINISHED_MS);
      await redis.hdel(keys.session(TAG, 's1'), ...last);
    }
    const base = await store.amendBase(TAG, 's1', C1);
    expect(base).toMatchObject({ code: 'NO_ANSWER', disposedAt: 20_000, amends: 0 });
    const r = await store.amendDisposition({
      tag: TAG,
      callId: C1,
      sessionId: 's1',
      agentEmail: EMAIL,
      rowId: 'r1',
      phoneE164: '+15555550100',
      expectedLeadVersion: 2,
      from: 'NO_ANSWER',
      to: 'CORRECT',
      state: owned(['CORRECT']),
      patch: patch('r1', 'CORRECT'),
      successDelta: 1,
      doNotCall: null,
      windowMs: 300_000,
      now: 60_000,
    });
    expect(r).toEqual({ ok: true, version: 3, amends: 1 });
    expect(await store.getCall(TAG, C1)).toMatchObject({ state: 'DISPOSED', disposition: 'CORRECT' });
    expect(await store.amendBase(TAG, 's1', C1)).toMatchObject({ code: 'CORRECT', amends: 1 });
    if (archivedBefore) {
      expect(await redis.pttl(keys.callArchive(TAG, C1))).toBeGreaterThan(RETAIN_FINISHED_MS - 60_000);
    } else {
      expect(await redis.exists(keys.callArchive(TAG, C1))).toBe(0);
      expect(await redis.hmget(keys.session(TAG, 's1'), 'l:amends', 'l:firstDisposition')).toEqual([
        '1',
        'NO_ANSWER',
      ]);
    }
    expect((await store.sessionStats(TAG, 's1')).byCode.CORRECT).toBe(1);
  });

  it('reverts a failed dial into the archive: DIAL_FAILED, not disposable, the session free', async () => {
    const { redis, store } = await dialed();
    const r = await store.revertDial({
      tag: TAG,
      sessionId: 's1',
      agentEmail: EMAIL,
      callId: C1,
      lead: leadWrite('r1', 1, 'NEW'),
      now: 6_000,
    });
    expect(r.ok).toBe(true);
    expect(await store.getCall(TAG, C1)).toMatchObject({ state: 'ENDED', endReason: 'DIAL_FAILED' });
    expect(await redis.pttl(keys.callArchive(TAG, C1))).toBeGreaterThan(RETAIN_FINISHED_MS - 60_000);
    expect((await store.getSession(TAG, 's1'))?.callId).toBeNull();
    expect(await store.dispose(dispose({ lead: leadWrite('r1', 2, 'NO_ANSWER') }))).toEqual({
      ok: false,
      failure: 'CALL_FINISHED',
    });
  });

  it('keeps a call live across the upgrade (its own hash, an id of before) steppable and disposable', async () => {
    const redis = await connect();
    const store = new RedisStore({ redis });
    const old = `${tabCode(TAG)}.0b9c2f7e-4a11`; // the layout before: no session in the id
    await store.createSession(newSession('s1', EMAIL), 1_000);
    const from = (Object.keys(SESSION_TRANSITIONS) as SessionState[]).filter((s) =>
      SESSION_TRANSITIONS[s].includes('PLAY'),
    );
    await store.setSessionState(TAG, 's1', 'PLAY', from, 1_001);
    // As the version before left it: the call's hash, the session's callId naming it, the lead claimed.
    await redis.hset(keys.call(TAG, old), callToHash(call(old, 's1', 'r1')));
    await redis.hset(keys.session(TAG, 's1'), 'callId', old);
    await redis.hset(
      keys.lead(TAG, 'r1'),
      'v',
      '1',
      's',
      JSON.stringify(owned(['IN_PROGRESS'])),
      'c',
      `s1|${old}|999999`,
    );
    expect((await store.advanceCall(step(old, 'CONNECTED', 7_000))).ok).toBe(true);
    expect(await redis.hget(keys.call(TAG, old), 'state')).toBe('CONNECTED');
    // Its disposition chains a call of the new layout, in the session.
    const next = call(C2, 's1', 'r2', 20_000);
    const done = await store.dispose(
      dispose({
        callId: old,
        chainLock: { token: `c:${C2}`, ttlMs: 5_000 },
        next: { lead: leadWrite('r2', 0, 'IN_PROGRESS'), call: next, leaseMs: 600_000 },
      }),
    );
    expect(done.ok && done.chained).toEqual({ ok: true, version: 1 });
    expect(await redis.hget(keys.call(TAG, old), 'state')).toBe('DISPOSED');
    expect(await redis.pttl(keys.call(TAG, old))).toBeGreaterThan(RETAIN_FINISHED_MS - 60_000);
    expect(await redis.exists(keys.callArchive(TAG, old))).toBe(0);
    expect((await store.getCall(TAG, old))?.state).toBe('DISPOSED');
    expect((await store.getCall(TAG, C2))?.state).toBe('DIALING');
    expect((await store.getSession(TAG, 's1'))?.callId).toBe(C2);
  });
});
