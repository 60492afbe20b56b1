// The write path end to end: patches queued in a REAL Redis (streams), flushed by SheetsFlusher through the
// real googleapis world.client into the Sheets world.emulator. Proves: N patches → ONE row re-check read + ONE
// spreadsheets.batchUpdate (counted by the emulator), later writes win, values are RAW, purple backgrounds
// land; 429 storms and 5xx outages are ridden out with every cell ending exactly as last intended; a
// coordinator restart (and a redis-server crash) mid-queue loses nothing; a person inserting or deleting
// rows never makes us write to another lead's row.
import type { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { AGENT_COL } from '../../../src-shared/domain/sheet-codec.js';
import { SKIPPED_RGB } from '../../../src-shared/domain/sheet-patch.js';
import type { RedisPatchQueue } from '../../src/queue/redis-patch-queue.js';
import { RedisQuotaBudget } from '../../src/queue/redis-quota-budget.js';
import { keys } from '../../src/redis/keys.js';
import type { BreakerState } from '../../src/resilience/breakers.js';
import { patchFor } from './fixtures.js';
import {
  AGENT_SS,
  agentRows,
  eventually,
  type FlusherExtra,
  leadRow,
  makeFlusher as makeFlusherOver,
  OTHER_TAB,
  OTHER_TAB_ID,
  flusherWorldForFile,
  TAB,
  TAB_ID,
} from './sheets-fixtures.js';

const S1 = AGENT_COL.status(0); // column M
const S2 = AGENT_COL.status(1);
const NOTES = AGENT_COL.notes;
const LAST = AGENT_COL.lastOutcome;
const ATTEMPTS = AGENT_COL.attemptCount;

const world = flusherWorldForFile({ leads: 8 });
const { connect } = world;

const tabPatch = (rowId: string, row: number, cells: Record<number, string>, purple: number[] = []) =>
  patchFor(rowId, row, cells, { spreadsheetId: AGENT_SS, sheetId: TAB_ID, tabTitle: TAB, purple });

const makeFlusher = (redis: Redis, extra: FlusherExtra = {}) => makeFlusherOver(world.client, redis, extra);

const cell = (row: number, col: number, title = TAB) =>
  world.emulator.state.getCell(AGENT_SS, title, row, col);
const log = () => world.emulator.state.requestLog;

describe('coalesced writes', () => {
  it('flushes N patches as ONE row re-check read + ONE spreadsheets.batchUpdate; the later write wins', async () => {
    const { queue, flusher } = makeFlusher(connect());
    await queue.enqueue(tabPatch('L1', 2, { [S1]: 'NO_ANSWER', [ATTEMPTS]: '1' }), 1);
    await queue.enqueue(tabPatch('L2', 3, { [S1]: 'WRONG', [ATTEMPTS]: '1' }), 2);
    await queue.enqueue(tabPatch('L1', 2, { [S1]: 'CORRECT', [LAST]: 'CORRECT', [ATTEMPTS]: '2' }, [S2]), 3);
    await queue.enqueue(tabPatch('L3', 4, { [NOTES]: '=HYPERLINK("http://x")' }), 4);
    await queue.enqueue(
      patchFor(
        'L1',
        2,
        { [S1]: 'VOICEMAIL' },
        { spreadsheetId: AGENT_SS, sheetId: OTHER_TAB_ID, tabTitle: OTHER_TAB },
      ),
      5,
    );
    log().clear();
    const report = await flusher.flushNow();
    expect(report).toMatchObject({ written: 5, deadLettered: 0, deferred: [] });
    expect(log().count('values.batchGetByDataFilter')).toBe(1);
    expect(log().count('spreadsheets.batchUpdate')).toBe(1);
    expect(log().entries).toHaveLength(2); // no tab-titles read: everything is addressed by tab id
    expect([cell(2, S1), cell(2, LAST), cell(2, ATTEMPTS)]).toEqual(['CORRECT', 'CORRECT', '2']);
    expect([cell(3, S1), cell(3, ATTEMPTS)]).toEqual(['WRONG', '1']);
    expect(cell(2, S1, OTHER_TAB)).toBe('VOICEMAIL');
    // RAW: the text is stored as typed, never evaluated as a formula
    expect(world.emulator.state.getCellValue(AGENT_SS, TAB, 4, NOTES)).toBe('=HYPERLINK("http://x")');
    // purple (#8E7CC3) background on the SKIPPED sibling, read back from the emulator
    const bg = world.emulator.state.getBackground(AGENT_SS, TAB_ID, 2, S2);
    expect(bg?.red).toBeCloseTo(SKIPPED_RGB.red, 5);
    expect(bg?.green).toBeCloseTo(SKIPPED_RGB.green, 5);
    expect(bg?.blue).toBeCloseTo(SKIPPED_RGB.blue, 5);
    expect(world.emulator.state.getFormat(AGENT_SS, TAB_ID, 2, S2)).toHaveProperty(
      'backgroundColorStyle.rgbColor',
    );
    expect(world.emulator.state.getBackground(AGENT_SS, TAB_ID, 2, S1)).toBeNull();
    expect(await queue.depth()).toBe(0);
    // a person's cells we never meant to write are untouched
    expect(cell(2, 1)).toBe('Lead 1');
    expect(cell(5, S1)).toBe('');
  });

  it('a null background clears a purple cell', async () => {
    const { queue, flusher } = makeFlusher(connect());
    world.emulator.state.setBackground(AGENT_SS, TAB_ID, 3, S2, SKIPPED_RGB);
    await queue.enqueue(
      { ...tabPatch('L2', 3, { [S2]: '' }), backgrounds: [{ row: 3, col: S2, color: null }] },
      1,
    );
    await flusher.flushNow();
    expect(world.emulator.state.getBackground(AGENT_SS, TAB_ID, 3, S2)).toBeNull();
  });

  it('takes its requests from the shared write budget and waits when it is spent', async () => {
    const redis = connect();
    const quota = new RedisQuotaBudget(redis, {
      'sheets-read': { perUserPerMinute: 60, perProjectPerMinute: 300 },
      'sheets-write': { perUserPerMinute: 3, perProjectPerMinute: 300 },
    });
    // another coordinator instance already spent the 3 write requests of this minute
    const now = 1_700_000_070_000; // mid-window, fixed: the test cannot straddle a minute boundary
    expect(await quota.take('sheets-write', 3, now)).toEqual({ ok: true });
    const { queue, flusher } = makeFlusher(redis, { quota, now: () => now });
    await queue.enqueue(tabPatch('L1', 2, { [S1]: 'WRONG' }, [S2]), 1);
    const report = await flusher.flushNow();
    expect(report.deferred).toEqual([AGENT_SS]);
    expect(flusher.blockedUntil(AGENT_SS)).toBe(1_700_000_100_000); // the next window
    expect(log().count('spreadsheets.batchUpdate')).toBe(0);
    expect(await queue.depth()).toBe(1);
  });
});

describe("pacing under the minute's shared budget", () => {
  it("keeps the sheet within 5 s when a start storm spent part of the minute's reads first", async () => {
    const redis = connect();
    const quota = new RedisQuotaBudget(redis); // Google's: 60 reads and 60 writes a minute
    const minute = 1_700_000_040_000; // a window's start: the clock below is fake, whole minutes
    let now = minute;
    const { queue, flusher } = makeFlusher(redis, { quota, now: () => now, intervalMs: 2_000 });
    const waiting: number[] = []; // enqueue times of the patches not yet in the sheet
    let worstLagMs = 0;
    let flushes = 0;
    // 90 s in 250-ms steps (the loop's tick): a patch a second; others' reads: 17 in the first 25 s (500
    // session starts) and 3 at once 52 s in (the minute's tab refresh); the flusher runs whenever the loop
    // would (its cooldown over, no backoff).
    for (let t = 0; t < 90_000; t += 250) {
      now = minute + t;
      const others = (t < 25_000 && t % 1_500 === 0 ? 1 : 0) + (t === 52_000 ? 3 : 0);
      if (others > 0) expect(await quota.take('sheets-read', others, now)).toEqual({ ok: true });
      if (t % 1_000 === 0) {
        const row = 2 + ((t / 1_000) % 8);
        await queue.enqueue(tabPatch(`L${row - 1}`, row, { [ATTEMPTS]: String(t) }), now);
        waiting.push(now);
      }
      if (now < flusher.nextFlushAt(AGENT_SS) || now < flusher.blockedUntil(AGENT_SS)) continue;
      await flusher.flushNow();
      flushes += 1;
      if ((await queue.depth()) > 0) continue;
      for (const at of waiting.splice(0)) worstLagMs = Math.max(worstLagMs, now - at);
    }
    // Leaving people a fixed 20 of the minute, it ran dry at 40 reads and stopped until the minute's end
    // (15 s behind); leaving them 20 a minute of what is left of the minute, it keeps its pace.
    expect(worstLagMs).toBeLessThanOrEqual(5_000);
    expect(flusher.blockedUntil(AGENT_SS)).toBe(0);
    expect(await quota.used('sheets-read', minute)).toBeLessThanOrEqual(60);
    expect(flushes).toBeLessThanOrEqual(46); // never more often than every 2 s
    await flusher.flushNow();
    expect(cell(2 + (89 % 8), ATTEMPTS)).toBe('89000');
  });
});

describe('several coordinator instances', () => {
  it('two flushers on one queue never both write a spreadsheet (flush lock)', async () => {
    const a = makeFlusher(connect());
    const b = makeFlusher(connect());
    for (let i = 1; i <= 4; i++) await a.queue.enqueue(tabPatch(`L${i}`, i + 1, { [S1]: 'WRONG' }), i);
    log().clear();
    const reports = await Promise.all([a.flusher.flushNow(), b.flusher.flushNow()]);
    expect(reports.map((r) => r.written).sort()).toEqual([0, 4]);
    expect(log().count('spreadsheets.batchUpdate')).toBe(1);
    expect(await a.queue.depth()).toBe(0);
  });
});

describe('the flush lock: short TTL, renewed while flushing, taken over after a crash', () => {
  const LOCK = keys.sheetFlushLock(AGENT_SS);
  const TTL = 1_000;
  const enqueueFour = async (queue: RedisPatchQueue) => {
    for (let i = 1; i <= 4; i++)
      await queue.enqueue(tabPatch(`L${i}`, i + 1, { [S1]: 'WRONG', [NOTES]: `n${i}` }, [S2]), i);
  };
  const landedOnce = async (queue: RedisPatchQueue) => {
    expect(log().count('spreadsheets.batchUpdate')).toBe(1);
    for (let i = 1; i <= 4; i++) {
      expect([cell(i + 1, S1), cell(i + 1, NOTES)]).toEqual(['WRONG', `n${i}`]);
      expect(world.emulator.state.getBackground(AGENT_SS, TAB_ID, i + 1, S2)).not.toBeNull();
    }
    expect(await queue.depth()).toBe(0);
  };

  it('a flush that takes longer than the TTL keeps its lock: no other flusher writes meanwhile', async () => {
    const redis = connect();
    const a = makeFlusher(redis, { lockTtlMs: TTL });
    const b = makeFlusher(connect(), { lockTtlMs: TTL });
    await enqueueFour(a.queue);
    log().clear();
    // Google answers A's read of the RowIDs only after four TTLs.
    world.emulator.state.addFault({ route: 'values.batchGetByDataFilter', latencyMs: 4 * TTL, times: 1 });
    let aDone = false;
    const aRun = a.flusher.flushNow().finally(() => {
      aDone = true;
    });
    await eventually(async () => (await redis.get(LOCK)) !== null, 'A holding the flush lock');
    const lockedAt = Date.now();
    let triedPastTtl = 0;
    while (!aDone) {
      const r = await b.flusher.flushNow();
      expect(r.written).toBe(0);
      if (!aDone && Date.now() - lockedAt > 2 * TTL) triedPastTtl += 1;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(triedPastTtl).toBeGreaterThan(0); // B did try long after an unrenewed lock would have expired
    expect(await aRun).toMatchObject({ written: 4, deferred: [] });
    await landedOnce(a.queue);
  });

  it("a crashed holder's lock is taken over within about one TTL, and everything lands exactly once", async () => {
    const redisA = connect();
    // Default 30 s request timeout: the old lock (5 × that, unrenewed) would have blocked B for 150 s.
    const a = makeFlusher(redisA, { lockTtlMs: TTL });
    await enqueueFour(a.queue);
    log().clear();
    world.emulator.state.addFault({ route: 'values.batchGetByDataFilter', latencyMs: 3 * TTL, times: 1 });
    const aRun = a.flusher.flushNow().then(
      () => 'finished',
      () => 'failed',
    );
    await eventually(async () => (await redisA.get(LOCK)) !== null, 'A holding the flush lock');
    // A's process dies mid-flush: it never renews again, its Redis connection is gone.
    redisA.disconnect();
    const b = makeFlusher(connect(), { lockTtlMs: TTL });
    await eventually(async () => {
      await b.flusher.flushNow();
      return (await b.queue.depth()) === 0;
    }, 'B taking over the lock and draining the queue');
    // A's read answers at last: with no lock to confirm, it writes nothing.
    await aRun;
    await landedOnce(b.queue);
  });

  it('a flusher that lost its lock to another owner mid-flush writes and acks nothing', async () => {
    const redis = connect();
    const a = makeFlusher(redis, { lockTtlMs: TTL });
    await enqueueFour(a.queue);
    log().clear();
    world.emulator.state.addFault({ route: 'values.batchGetByDataFilter', latencyMs: 3 * TTL, times: 1 });
    const aRun = a.flusher.flushNow();
    await eventually(async () => (await redis.get(LOCK)) !== null, 'A holding the flush lock');
    // As if A had stalled past its TTL and another instance had taken the lock over meanwhile.
    await redis.set(LOCK, 'flusher-b', 'PX', 60_000);
    expect(await aRun).toMatchObject({ written: 0, deferred: [AGENT_SS] });
    expect(log().count('spreadsheets.batchUpdate')).toBe(0);
    const pending = await a.queue.peek(AGENT_SS, 10);
    expect(pending.map((p) => [p.patch.rowId, p.attempts])).toEqual([
      ['L1', 0],
      ['L2', 0],
      ['L3', 0],
      ['L4', 0],
    ]);
    expect(await redis.get(LOCK)).toBe('flusher-b'); // A did not release someone else's lock
    // B finishes; A's next flush writes everything, once.
    await redis.del(LOCK);
    await eventually(async () => {
      await a.flusher.flushNow();
      return (await a.queue.depth()) === 0;
    }, 'A flushing again once the lock is free');
    await landedOnce(a.queue);
  });
});

describe('riding out failures', () => {
  it('a 429 storm: every patch is eventually written exactly as last intended, and only acked after 2xx', async () => {
    const { queue, flusher } = makeFlusher(connect());
    world.emulator.state.addFault({ route: 'write', status: 429, retryAfterSec: 0, probability: 0.7 });
    const intended = new Map<string, string>();
    for (let i = 0; i < 30; i++) {
      const lead = (i % 6) + 1;
      const value = `note ${i}`;
      intended.set(`L${lead}`, value);
      await queue.enqueue(tabPatch(`L${lead}`, lead + 1, { [NOTES]: value }), i);
      if (i % 5 === 4) await flusher.flushNow(); // new patches keep arriving during the storm
    }
    await eventually(async () => {
      await flusher.flushNow();
      return (await queue.depth()) === 0;
    }, 'queue drained through the 429 storm');
    expect(log().entries.some((e) => e.status === 429)).toBe(true);
    for (const [rowId, value] of intended) expect(cell(Number(rowId.slice(1)) + 1, NOTES)).toBe(value);
  });

  it('a 5xx outage: the breaker opens, nothing is lost, everything lands once Google is back', async () => {
    const { queue, flusher, breaker } = makeFlusher(connect());
    const states: BreakerState[] = [];
    breaker.onStateChange((s) => states.push(s));
    world.emulator.state.addFault({ route: '*', status: 503 });
    await queue.enqueue(tabPatch('L1', 2, { [S1]: 'NO_ANSWER' }), 1);
    await queue.enqueue(tabPatch('L2', 3, { [S1]: 'WRONG' }, [S2]), 2);
    await eventually(async () => {
      await flusher.flushNow();
      return breaker.state() === 'open';
    }, 'breaker open');
    expect(await queue.depth()).toBe(2);
    expect((await queue.peek(AGENT_SS, 10))[0]?.attempts).toBeGreaterThan(0);
    await queue.enqueue(tabPatch('L1', 2, { [S1]: 'VOICEMAIL' }), 3);
    world.emulator.state.clearFaults();
    await eventually(async () => {
      await flusher.flushNow();
      return (await queue.depth()) === 0;
    }, 'queue drained after the outage');
    expect(states).toContain('open');
    expect(breaker.state()).toBe('closed');
    expect([cell(2, S1), cell(3, S1)]).toEqual(['VOICEMAIL', 'WRONG']);
    expect(world.emulator.state.getBackground(AGENT_SS, TAB_ID, 3, S2)).not.toBeNull();
  });
});

describe('restart mid-queue', () => {
  it('a crashed coordinator and a crashed redis-server lose nothing: a new flusher writes it all', async () => {
    const redis1 = connect();
    const first = makeFlusher(redis1);
    for (let i = 1; i <= 5; i++)
      await first.queue.enqueue(tabPatch(`L${i}`, i + 1, { [S1]: 'NO_ANSWER' }), i);
    world.emulator.state.addFault({ route: 'spreadsheets.batchUpdate', status: 503 });
    await first.flusher.flushNow(); // attempted, failed, nothing acked
    await first.flusher.stop();
    redis1.disconnect(); // the coordinator process is gone
    await world.server.restart(); // and redis-server crashed (SIGKILL) and came back from its AOF
    world.emulator.state.clearFaults();
    const second = makeFlusher(connect());
    expect(await second.queue.depth()).toBe(5);
    second.flusher.start();
    await eventually(async () => (await second.queue.depth()) === 0, 'queue drained by the new flusher');
    await second.flusher.stop();
    for (let i = 1; i <= 5; i++) expect(cell(i + 1, S1)).toBe('NO_ANSWER');
  });
});

describe('the sheet changed under us', () => {
  it('a person inserted a row above: the patch lands on the row where its lead now is', async () => {
    const { queue, flusher } = makeFlusher(connect());
    await queue.enqueue(tabPatch('L3', 4, { [S1]: 'CORRECT', [NOTES]: 'call back' }, [S2]), 1);
    // insert a new lead at row 2: everything below shifts down one row
    const rows = agentRows(8);
    rows.splice(1, 0, leadRow('NEW', 'Inserted by hand'));
    world.emulator.state.setRows(AGENT_SS, TAB, rows, 1);
    await flusher.flushNow();
    expect(cell(5, 0)).toBe('L3');
    expect([cell(5, S1), cell(5, NOTES)]).toEqual(['CORRECT', 'call back']);
    expect(world.emulator.state.getBackground(AGENT_SS, TAB_ID, 5, S2)).not.toBeNull();
    // row 4, where L3 used to be, now holds L2: untouched
    expect([cell(4, 0), cell(4, S1), cell(4, NOTES)]).toEqual(['L2', '', '']);
    expect(world.emulator.state.getBackground(AGENT_SS, TAB_ID, 4, S2)).toBeNull();
  });

  it('a lead deleted from the sheet: its patch is dead-lettered, never written to another row', async () => {
    const { queue, flusher } = makeFlusher(connect());
    await queue.enqueue(tabPatch('L4', 5, { [S1]: 'WRONG' }), 1);
    await queue.enqueue(tabPatch('L5', 6, { [S1]: 'NO_ANSWER' }), 2);
    const rows = agentRows(8).filter((r) => r[0] !== 'L4');
    rows.push(Array<string>(26).fill(''));
    world.emulator.state.setRows(AGENT_SS, TAB, rows, 1);
    const before = world.emulator.state.getValues(AGENT_SS, TAB);
    const report = await flusher.flushNow();
    expect(report).toMatchObject({ written: 1, deadLettered: 1 });
    expect(await queue.depth()).toBe(0);
    const dead = await queue.deadLetters(AGENT_SS, 10);
    expect(dead.map((d) => [d.patch.rowId, d.reason])).toEqual([['L4', 'RowID no longer in the tab']]);
    // L5 moved up to row 5 (where L4 was) and got ITS write; nothing else changed
    const after = world.emulator.state.getValues(AGENT_SS, TAB);
    expect(after[4]?.[0]).toBe('L5');
    expect(after[4]?.[S1]).toBe('NO_ANSWER');
    after[4] = before[4] as string[];
    expect(after).toEqual(before);
  });
});
