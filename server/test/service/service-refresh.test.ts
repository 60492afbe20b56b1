// The periodic tab refresh (issue 3 "Re-sync"): while a session sits in PAUSE a person edits the sheet; one
// refresh tick (driven by an explicit refreshTabs(now), no timers) makes the policy see the edit, while the
// coordinator's own unflushed write keeps its cell. A tab shared by two sessions costs one read per tick,
// a stopped session's tab is no longer read (at once when it stopped here, at the next liveness check when
// through another instance), a failed read keeps the cached tab, and two ticks never read
// the same tab at once. An unchanged tab's refresh reads only the overlays written lately (not the day's),
// still picks up a write whose notice was lost, and reads them all after a failed read. Real Redis, the
// Sheets emulator (its request log counts the reads).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AGENT_COL } from '../../../src-shared/domain/sheet-codec.js';
import { keys, tabTag } from '../../src/redis/keys.js';
import { OVERLAY_READ_MARGIN_MS, SNAPSHOT_CHANGED_RESAVE_MS } from '../../src/service/tab-cache.js';
import { PACE_MS, paceMs, SESSION_CHECK_EVERY } from '../../src/service/tab-refresh.js';
import { RedisStore } from '../../src/store/redis-store.js';
import type { LeadChange, LeadOverlay } from '../../src/store/types.js';
import { AGENT_SS, ANN, BOB, leadRow, phoneOf, startWorld, TAB, TAB_ID, type World } from './world.js';

// A fresh world per test: each one edits the sheet and dials, so none may see another's leftovers.
let world: World;
beforeEach(async () => {
  world = await startWorld({
    leads: [leadRow('P1', [phoneOf(1)]), leadRow('P2', [phoneOf(2)]), leadRow('P3', [phoneOf(3)])],
  });
});
afterEach(async () => {
  await world?.close();
});

const DAY = 24 * 3600_000;
// The lazy "older than tabRefreshMs" reload is pushed out of reach, so only refreshTabs can read the tab.
const lazyOff = { tabRefreshMs: DAY };
const setRow = (row: number, cells: string[]) => world.sheetsEm.state.setRows(AGENT_SS, TAB, [cells], row);
const withStatus = (rowId: string, n: number, status: string) => {
  const row = leadRow(rowId, [phoneOf(n)]);
  row[AGENT_COL.status(0)] = status;
  return row;
};
const reads = () => {
  const log = world.sheetsEm.state.requestLog;
  // a tab read is one values.batchGetByDataFilter by tab id (no titles read)
  return { titles: log.count('spreadsheets.get'), values: log.count('values.batchGetByDataFilter') };
};

describe('periodic tab refresh', () => {
  it('shows a paused session the edits a person made, and keeps our unflushed write', async () => {
    const { service } = world.makeService(lazyOff);
    const t0 = Date.now();
    await service.startSession(ANN, t0);
    const c1 = (await service.setSessionState(ANN, 'PLAY', t0)).next;
    if (c1.kind !== 'call') throw new Error('expected a call');
    expect(c1.preview.lead.rowId).toBe('P1');
    await service.setSessionState(ANN, 'PAUSE', t0);
    await service.dispose(ANN, { callId: c1.call.callId, code: 'NO_ANSWER' }, t0);
    await world.flush(); // P1 = NO_ANSWER is in the sheet: a person's later edit of it wins
    const c2 = (await service.setSessionState(ANN, 'PLAY', t0)).next;
    if (c2.kind !== 'call') throw new Error('expected a call');
    expect(c2.preview.lead.rowId).toBe('P2');
    await service.setSessionState(ANN, 'PAUSE', t0);
    await service.dispose(ANN, { callId: c2.call.callId, code: 'NO_ANSWER' }, t0); // P2: still queued

    const remaining = async (at: number) => (await service.stats(ANN, at)).session?.leadsRemaining;
    expect(await remaining(t0 + 500)).toBe(3); // P1, P2 wait for their retry; P3 is new

    // A person, while the session is paused: P1 is a wrong number, P2 and P3 were reached (CORRECT).
    setRow(2, withStatus('P1', 1, 'WRONG'));
    setRow(3, withStatus('P2', 2, 'CORRECT'));
    setRow(4, withStatus('P3', 3, 'CORRECT'));
    expect(await remaining(t0 + 600)).toBe(3); // nothing has read the sheet yet

    const before = reads();
    const report = await service.refreshTabs(t0 + 1_000);
    expect(report).toMatchObject({ tabs: 1, refreshed: 1, busy: 0, failed: 0 });
    expect(report.changedLeads).toBeGreaterThanOrEqual(2);
    expect(reads()).toEqual({ titles: before.titles, values: before.values + 1 });

    // P1 and P3 are finished (the person's edits); P2 is still ours (the queued NO_ANSWER won its cell).
    expect(await remaining(t0 + 1_500)).toBe(1);
    const resumed = (await service.setSessionState(ANN, 'PLAY', t0 + 2_000)).next;
    expect(resumed.kind).toBe('nothing'); // without the refresh P3 would be dialed now
    if (resumed.kind !== 'nothing') return;
    expect(resumed.nothing.nextDialableAt).toBeGreaterThan(t0 + 2_000); // P2's retry, not "all done"

    const later = t0 + 61 * 60_000;
    await service.setSessionState(ANN, 'PAUSE', later);
    const retry = (await service.setSessionState(ANN, 'PLAY', later)).next;
    if (retry.kind !== 'call') throw new Error('expected the retry of P2');
    expect(retry.preview.lead.rowId).toBe('P2');
    const after = (await service.dispose(ANN, { callId: retry.call.callId, code: 'WRONG' }, later)).next;
    expect(after.kind).toBe('nothing');
    await service.setSessionState(ANN, 'STOP', later);

    await world.flush();
    expect(world.cell(2, AGENT_COL.status(0))).toBe('WRONG'); // the person's
    expect(world.cell(3, AGENT_COL.status(0))).toBe('WRONG'); // ours, written over the person's CORRECT
    expect(world.cell(4, AGENT_COL.status(0))).toBe('CORRECT'); // never written by the coordinator
  });

  it('reads a tab shared by two sessions once per tick, and not at all once they stop', async () => {
    const { service } = world.makeService(lazyOff);
    const now = Date.now() + 2 * 3600_000;
    await service.startSession(ANN, now);
    await service.startSession(BOB, now);

    const before = reads();
    const report = await service.refreshTabs(now + 1_000);
    expect(report).toMatchObject({ tabs: 1, refreshed: 0, unchanged: 1, failed: 0 }); // nobody edited it
    expect(reads()).toEqual({ titles: before.titles, values: before.values + 1 });

    await service.setSessionState(ANN, 'STOP', now + 2_000);
    expect(await service.refreshTabs(now + 3_000)).toMatchObject({ tabs: 1, unchanged: 1 }); // Bob's
    await service.setSessionState(BOB, 'STOP', now + 4_000);
    const idle = reads();
    expect(await service.refreshTabs(now + 5_000)).toMatchObject({ tabs: 0, refreshed: 0 });
    expect(reads()).toEqual(idle);
  });

  it('forgets a session stopped through another instance at its next liveness check, not before', async () => {
    const a = world.makeService(lazyOff).service;
    const b = world.makeService(lazyOff).service;
    const now = Date.now() + 4 * 3600_000;
    await a.startSession(ANN, now);
    await b.setSessionState(ANN, 'STOP', now + 1_000); // A hears of it only through Redis
    // Only every SESSION_CHECK_EVERY-th tick checks liveness (one HGETALL per served session).
    for (let i = 1; i < SESSION_CHECK_EVERY; i++)
      expect(await a.refreshTabs(now + 1_000 + i * 1_000)).toMatchObject({ tabs: 1, failed: 0 });
    const before = reads();
    expect(await a.refreshTabs(now + 60_000)).toMatchObject({ tabs: 0 }); // the check: ANN's ended
    expect(await a.refreshTabs(now + 61_000)).toMatchObject({ tabs: 0 });
    expect(reads()).toEqual(before);
  });

  it('keeps the cached tab when a read fails, and catches up on the next tick', async () => {
    const { service } = world.makeService(lazyOff);
    const now = Date.now() + 4 * 3600_000;
    await service.startSession(ANN, now);
    const total = async (at: number) => (await service.stats(ANN, at)).session?.leadsTotal;
    expect(await total(now)).toBe(3);

    setRow(5, leadRow('P4', [phoneOf(4)])); // a person adds a lead
    world.sheetsEm.state.faults.add({ route: 'values.batchGetByDataFilter', status: 403, times: 1 });
    const failed = await service.refreshTabs(now + 1_000);
    expect(failed).toMatchObject({ tabs: 1, refreshed: 0, failed: 1 });
    expect(await total(now + 1_500)).toBe(3); // the old read still serves the session

    expect(await service.refreshTabs(now + 2_000)).toMatchObject({ refreshed: 1, failed: 0 });
    expect(await total(now + 2_500)).toBe(4);
    await service.setSessionState(ANN, 'STOP', now + 3_000);
  });

  it('never reads one tab twice at once: a tick that finds a read running leaves it alone', async () => {
    const { service } = world.makeService(lazyOff);
    const now = Date.now() + 6 * 3600_000;
    await service.startSession(BOB, now);
    // The first tick's read is held long enough that the second tick surely finds it running.
    world.sheetsEm.state.faults.add({ route: 'values.batchGetByDataFilter', latencyMs: 1_500, times: 1 });
    const before = reads();
    const [a, b] = await Promise.all([service.refreshTabs(now + 1_000), service.refreshTabs(now + 1_000)]);
    expect([a.refreshed + a.unchanged, b.refreshed + b.unchanged].sort()).toEqual([0, 1]);
    expect([a.busy, b.busy].sort()).toEqual([0, 1]);
    expect(reads()).toEqual({ titles: before.titles, values: before.values + 1 });
    await service.setSessionState(BOB, 'STOP', now + 2_000);
  });

  it('starts no reload of its own for a tab waiting for its turn in a tick: one read', async () => {
    const { service } = world.makeService({ tabRefreshMs: 60_000 });
    const now = Date.now() + 8 * 3600_000;
    await service.startSession(ANN, now);
    const before = reads();
    // The tick comes a minute later, its read held on the way; a request lands meanwhile, when the index is
    // older than the refresh interval: the tab is queued for the tick, so the request starts no read.
    world.sheetsEm.state.faults.add({ route: 'values.batchGetByDataFilter', latencyMs: 1_000, times: 1 });
    const tick = service.refreshTabs(now + 61_000);
    await vi.waitFor(() => expect(world.sheetsEm.state.faults.list()).toEqual([]), { timeout: 5_000 }); // read sent
    await service.currentSession(ANN, now + 61_500);
    // Nobody edited the sheet: the tick reconciled the index it had, no reload replaced it meanwhile.
    expect(await tick).toMatchObject({ tabs: 1, unchanged: 1, refreshed: 0, failed: 0 });
    expect(reads()).toEqual({ titles: before.titles, values: before.values + 1 });
    await service.setSessionState(ANN, 'STOP', now + 62_000);
  });

  it('spreads a tick over at most a quarter of the refresh interval, one tab every 20 ms at most', () => {
    expect(paceMs(500, 60_000)).toBe(PACE_MS); // 500 tabs over ~10 s
    expect(paceMs(3_000, 60_000)).toBe(5); // 3,000 tabs over 15 s
    expect(paceMs(0, 60_000)).toBe(0);
  });

  it('does not rebuild a tab whose sheet is unchanged, and picks up an edited cell at the next tick', async () => {
    const { service } = world.makeService({ ...lazyOff, tabSnapshots: true });
    const redis = world.connect();
    const snapshot = async () => {
      const raw = await redis.get(keys.tabSnapshot(tabTag(AGENT_SS, TAB_ID)));
      return raw ? (JSON.parse(raw) as { readStartedAt: number }).readStartedAt : null;
    };
    try {
      const now = Date.now() + 8 * 3600_000;
      await service.startSession(ANN, now);
      const total = async (at: number) => (await service.stats(ANN, at)).session?.leadsTotal;
      const remaining = async (at: number) => (await service.stats(ANN, at)).session?.leadsRemaining;
      expect(await total(now)).toBe(3);
      await vi.waitFor(async () => expect(await snapshot()).toBe(now)); // saved by the first load

      const before = reads();
      const quiet = await service.refreshTabs(now + 1_000);
      expect(quiet).toMatchObject({ tabs: 1, refreshed: 0, unchanged: 1, failed: 0, changedLeads: 0 });
      expect(reads().values).toBe(before.values + 1); // the sheet is still read every tick
      await new Promise((r) => setTimeout(r, 50));
      expect(await snapshot()).toBe(now); // not rewritten: nothing changed

      setRow(4, withStatus('P3', 3, 'CORRECT')); // a person finishes P3
      const edited = await service.refreshTabs(now + 2_000);
      expect(edited).toMatchObject({ tabs: 1, refreshed: 1, unchanged: 0, failed: 0, changedLeads: 1 });
      expect(await remaining(now + 2_500)).toBe(2);
      await new Promise((r) => setTimeout(r, 50));
      expect(await snapshot()).toBe(now); // changed, but saved less than SNAPSHOT_CHANGED_RESAVE_MS ago

      expect(await service.refreshTabs(now + 3_000)).toMatchObject({ refreshed: 0, unchanged: 1 });
      expect(await remaining(now + 3_500)).toBe(2);

      const later = now + SNAPSHOT_CHANGED_RESAVE_MS;
      setRow(2, withStatus('P1', 1, 'CORRECT')); // a person finishes P1 too
      expect(await service.refreshTabs(later)).toMatchObject({ refreshed: 1, changedLeads: 1 });
      await vi.waitFor(async () => expect(await snapshot()).toBe(later));
      await service.setSessionState(ANN, 'STOP', later + 1_000);
    } finally {
      redis.disconnect();
    }
  });

  it('keeps our unflushed write across unchanged ticks, and a person editing it later still wins', async () => {
    const { service } = world.makeService(lazyOff);
    const t0 = Date.now() + 10 * 3600_000;
    await service.startSession(ANN, t0);
    const c1 = (await service.setSessionState(ANN, 'PLAY', t0)).next;
    if (c1.kind !== 'call') throw new Error('expected a call');
    expect(c1.preview.lead.rowId).toBe('P1');
    await service.setSessionState(ANN, 'PAUSE', t0);
    await service.dispose(ANN, { callId: c1.call.callId, code: 'WRONG' }, t0); // still queued
    const remaining = async (at: number) => (await service.stats(ANN, at)).session?.leadsRemaining;
    expect(await remaining(t0 + 100)).toBe(2);

    // The sheet is untouched (our write is queued): the index keeps our write.
    expect(await service.refreshTabs(t0 + 1_000)).toMatchObject({ refreshed: 0, unchanged: 1 });
    expect(await remaining(t0 + 1_100)).toBe(2);

    await world.flush(); // our WRONG lands in the sheet: its values changed, so the tab is rebuilt
    expect(world.cell(2, AGENT_COL.status(0))).toBe('WRONG');
    expect(await service.refreshTabs(t0 + 2_000)).toMatchObject({ refreshed: 1, unchanged: 0 });
    expect(await remaining(t0 + 2_100)).toBe(2);
    expect(await service.refreshTabs(t0 + 3_000)).toMatchObject({ refreshed: 0, unchanged: 1 });

    // A person re-opens P1 (clears its status): the edit wins at the next tick, as before.
    setRow(2, withStatus('P1', 1, ''));
    expect(await service.refreshTabs(t0 + 4_000)).toMatchObject({ refreshed: 1, changedLeads: 1 });
    expect(await remaining(t0 + 4_100)).toBe(3);
    const next = (await service.setSessionState(ANN, 'PLAY', t0 + 5_000)).next;
    if (next.kind !== 'call') throw new Error('expected a call');
    expect(next.preview.lead.rowId).toBe('P1');
    await service.setSessionState(ANN, 'PAUSE', t0 + 5_000);
    await service.dispose(ANN, { callId: next.call.callId, code: 'NO_ANSWER' }, t0 + 5_000);
    await service.setSessionState(ANN, 'STOP', t0 + 6_000);
  });

  it('re-reads only the overlays written lately, and picks up a write whose notice was lost', async () => {
    // Instance A hears no lead-change notice (as during a pub/sub reconnect) and counts the overlays it reads.
    const overlaysRead: string[] = [];
    class DeafCountingStore extends RedisStore {
      override async getLeadsOf(tag: string, rowIds: readonly string[]): Promise<LeadOverlay[]> {
        overlaysRead.push(...rowIds);
        return super.getLeadsOf(tag, rowIds);
      }
      override async onLeadChange(_listener: (change: LeadChange) => void): Promise<() => Promise<void>> {
        return async () => undefined;
      }
    }
    const a = world.makeService({ ...lazyOff, store: (x) => new DeafCountingStore(x) }).service;
    const b = world.makeService(lazyOff).service;
    const read = () => overlaysRead.splice(0).sort();
    const remaining = async (at: number) => (await a.stats(ANN, at)).session?.leadsRemaining;

    const t0 = Date.now() + 12 * 3600_000;
    await a.startSession(ANN, t0);
    const c1 = (await a.setSessionState(ANN, 'PLAY', t0)).next;
    if (c1.kind !== 'call') throw new Error('expected a call');
    await a.setSessionState(ANN, 'PAUSE', t0);
    await a.dispose(ANN, { callId: c1.call.callId, code: 'NO_ANSWER' }, t0); // P1's overlay, written at t0
    read();

    const t1 = t0 + 3600_000;
    expect(await a.refreshTabs(t1)).toMatchObject({ unchanged: 1, failed: 0 });
    // Written since the load (minus the margin), but by A's own disposition, whose index score and version
    // are still the ones A wrote: built from the write (TabCache.noteOwnWrite), not read.
    expect(read()).toEqual([]);
    expect(await a.refreshTabs(t1 + 60_000)).toMatchObject({ unchanged: 1, failed: 0 });
    expect(read()).toEqual([]); // P1 was written an hour ago: not read again
    expect(await remaining(t1 + 60_000)).toBe(3);

    // Instance B, its clock behind A's (within the margin), finishes P2 after A's last refresh: A hears no
    // notice, and B's write carries a time before that refresh.
    const tb = t1 + 60_000 - OVERLAY_READ_MARGIN_MS / 2;
    await b.startSession(BOB, tb);
    const c2 = (await b.setSessionState(BOB, 'PLAY', tb)).next;
    if (c2.kind !== 'call') throw new Error('expected a call');
    expect(c2.preview.lead.rowId).toBe('P2');
    await b.setSessionState(BOB, 'PAUSE', tb);
    await b.dispose(BOB, { callId: c2.call.callId, code: 'WRONG' }, tb);
    await b.setSessionState(BOB, 'STOP', tb);

    expect(await a.refreshTabs(t1 + 120_000)).toMatchObject({ unchanged: 1, failed: 0 });
    expect(read()).toEqual(['P2']);
    expect(await remaining(t1 + 120_000)).toBe(2); // P2 is finished for A too
    await a.setSessionState(ANN, 'STOP', t1 + 180_000);
  });

  it("reads the claims of claimed leads only (a written one's comes with its overlay), and sees another instance's release", async () => {
    // Instance A hears no lead-change notice; the claims it reads on their own are counted (one HGET each).
    const claimsRead: string[] = [];
    class DeafClaimCountingStore extends RedisStore {
      override async claimsOf(
        tag: string,
        rowIds: readonly string[],
        now: number,
      ): Promise<Map<string, string>> {
        claimsRead.push(...rowIds);
        return super.claimsOf(tag, rowIds, now);
      }
      override async onLeadChange(_listener: (change: LeadChange) => void): Promise<() => Promise<void>> {
        return async () => undefined;
      }
    }
    const a = world.makeService({ ...lazyOff, store: (x) => new DeafClaimCountingStore(x) }).service;
    const b = world.makeService(lazyOff).service;
    const read = () => claimsRead.splice(0).sort();
    const t0 = Date.now() + 16 * 3600_000;
    await a.startSession(ANN, t0);
    expect(read()).toEqual(['P1', 'P2', 'P3']); // the first load reads every lead's claim
    await b.startSession(BOB, t0);
    const c1 = (await b.setSessionState(BOB, 'PLAY', t0)).next;
    if (c1.kind !== 'call') throw new Error('expected a call');
    await b.setSessionState(BOB, 'PAUSE', t0);
    const rowId = c1.call.leadRowId;

    const t1 = t0 + 3600_000;
    await a.refreshTabs(t1);
    expect(read()).toEqual([]); // written since A's load: its claim came with the overlay read (same hash)
    await a.refreshTabs(t1 + 60_000);
    expect(read()).toEqual([rowId]); // old, but A holds it as claimed: its lease may end unannounced
    await b.dispose(BOB, { callId: c1.call.callId, code: 'NO_ANSWER' }, t1 + 90_000);
    await a.refreshTabs(t1 + 120_000);
    await a.refreshTabs(t1 + 600_000);
    expect(read()).toEqual([]); // B's release, unheard by A, came with the overlay it wrote
    await a.refreshTabs(t1 + 1_200_000);
    expect(read()).toEqual([]); // not claimed any more, not written lately: nothing to read
    await b.setSessionState(BOB, 'STOP', t1 + 1_200_000);
    await a.setSessionState(ANN, 'STOP', t1 + 1_200_000);
  });

  it('reads every overlay again after a refresh whose Redis read failed', async () => {
    const overlaysRead: string[] = [];
    let failNext = false;
    class FlakyCountingStore extends RedisStore {
      override async getLeadsOf(tag: string, rowIds: readonly string[]): Promise<LeadOverlay[]> {
        overlaysRead.push(...rowIds);
        return super.getLeadsOf(tag, rowIds);
      }
      override async getLeadsWrittenSince(tag: string, since: number): Promise<LeadOverlay[]> {
        if (failNext) {
          failNext = false;
          throw new Error('connection lost');
        }
        return super.getLeadsWrittenSince(tag, since);
      }
    }
    const { service } = world.makeService({ ...lazyOff, store: (x) => new FlakyCountingStore(x) });
    const read = () => overlaysRead.splice(0).sort();
    const t0 = Date.now() + 14 * 3600_000;
    await service.startSession(ANN, t0);
    const c1 = (await service.setSessionState(ANN, 'PLAY', t0)).next;
    if (c1.kind !== 'call') throw new Error('expected a call');
    await service.setSessionState(ANN, 'PAUSE', t0);
    await service.dispose(ANN, { callId: c1.call.callId, code: 'NO_ANSWER' }, t0);
    const t1 = t0 + 3600_000;
    await service.refreshTabs(t1);
    read();
    expect(await service.refreshTabs(t1 + 60_000)).toMatchObject({ unchanged: 1, failed: 0 });
    expect(read()).toEqual([]); // P1 is old: not read

    failNext = true;
    expect(await service.refreshTabs(t1 + 120_000)).toMatchObject({ failed: 1 });
    expect(await service.refreshTabs(t1 + 180_000)).toMatchObject({ unchanged: 1, failed: 0 });
    expect(read()).toEqual(['P1']); // a full read: every overlay of the tab
    expect(await service.refreshTabs(t1 + 240_000)).toMatchObject({ unchanged: 1, failed: 0 });
    expect(read()).toEqual([]);
    await service.setSessionState(ANN, 'STOP', t1 + 300_000);
  });
});
