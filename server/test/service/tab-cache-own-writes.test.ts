// The minute's tab refresh does not re-read the overlays this instance wrote itself (TabCache.noteOwnWrite)
// while their index score and version are still the ones it wrote, and that changes nothing it merges: two
// caches of one tab over the same Redis and the same sheet reads, one told of its own writes (it skips
// them, or builds the overlay from the state it wrote), one not (it reads every overlay written lately, as before), hold the same leads, versions and
// claims after every refresh of a seeded random run of our writes (with and without sheet patches),
// another instance's writes (its notices lost, its clock behind), flushes of part of the queue and a
// person's edits of the sheet; and the first reads fewer overlays. Real redis-server, no timers.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Lead } from '../../../src-shared/domain/lead.js';
import { AGENT_COL, AGENT_TAB_HEADER, parseAgentRows } from '../../../src-shared/domain/sheet-codec.js';
import type { SheetPatch } from '../../../src-shared/domain/sheet-patch.js';
import { type RedisServerHandle, startRedisServer } from '../../../test/support/redis-server.js';
import type { AgentTab, SheetsGateway } from '../../src/ports.js';
import { RedisPatchQueue } from '../../src/queue/redis-patch-queue.js';
import { tabTag } from '../../src/redis/keys.js';
import { ownedOf } from '../../src/service/merge.js';
import { TabCache } from '../../src/service/tab-cache.js';
import { RedisStore } from '../../src/store/redis-store.js';
import type { LeadOverlay } from '../../src/store/types.js';
import { leadRow, phoneOf, silent, testRules } from './world.js';

const SS = 'ss-own-writes';
const SHEET_ID = 7;
const TITLE = 'Ann';
const TAG = tabTag(SS, SHEET_ID);
const LEADS = 12;
const ref = { tag: TAG, spreadsheetId: SS, sheetId: SHEET_ID, tabTitle: TITLE };

/** Counts the overlays a cache reads (one HGETALL each). */
class CountingStore extends RedisStore {
  overlaysRead = 0;
  override async getLeadsOf(tag: string, rowIds: readonly string[]): Promise<LeadOverlay[]> {
    this.overlaysRead += rowIds.length;
    return super.getLeadsOf(tag, rowIds);
  }
}

/** No Sheets read happens here: every read is handed to the caches. */
const noSheets = new Proxy(
  {},
  {
    get: () => () => {
      throw new Error('the caches are handed their reads in this test');
    },
  },
) as SheetsGateway;

/** mulberry32: a seeded PRNG, so a failing run can be replayed. */
function prng(seed: number): (n: number) => number {
  let a = seed >>> 0;
  return (n) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
  };
}

let server: RedisServerHandle;
let redis: Redis;
beforeAll(async () => {
  server = await startRedisServer();
  redis = new Redis(server.url);
});
afterAll(async () => {
  await redis.quit();
  await server.stop();
});
beforeEach(async () => {
  await redis.flushall();
});

async function run(seed: number): Promise<{ skipping: number; reading: number; refreshes: number }> {
  const rand = prng(seed);
  const rows: string[][] = [
    [...AGENT_TAB_HEADER],
    ...Array.from({ length: LEADS }, (_, i) => leadRow(`R${i}`, [phoneOf(i)])),
  ];
  let memo: ReturnType<typeof parseAgentRows>['memo'] | null = null;
  let tab: AgentTab | null = null;
  const decode = (): AgentTab => {
    const d = parseAgentRows(rows, { memo });
    memo = d.memo;
    tab = { spreadsheetId: SS, sheetId: SHEET_ID, tabTitle: TITLE, ...d };
    return tab;
  };
  const skippingStore = new CountingStore({ redis });
  const readingStore = new CountingStore({ redis });
  const skipping = new TabCache({ store: skippingStore, sheets: noSheets, logger: silent }, ref, testRules());
  const reading = new TabCache({ store: readingStore, sheets: noSheets, logger: silent }, ref, testRules());
  const other = new RedisStore({ redis }); // another instance: its notices reach neither cache
  const queue = new RedisPatchQueue(redis);
  let now = 1_800_000_000_000;
  await skipping.load(now, decode());
  await reading.load(now, tab ?? decode());
  skippingStore.overlaysRead = 0;
  readingStore.overlaysRead = 0;

  const rowIds = rows.slice(1).map((r) => r[AGENT_COL.rowId] as string);
  const patchOf = (lead: Lead, cells: [number, string][]): SheetPatch => ({
    spreadsheetId: SS,
    sheetId: SHEET_ID,
    tabTitle: TITLE,
    rowId: lead.rowId,
    values: cells.map(([col, value]) => ({ row: lead.rowNumber, col, value })),
    backgrounds: [],
  });
  const same = () => {
    for (const rowId of rowIds) {
      expect(skipping.get(rowId), `${rowId} (seed ${seed})`).toEqual(reading.get(rowId));
      expect(skipping.index.isClaimed(rowId)).toBe(reading.index.isClaimed(rowId));
    }
  };

  let refreshes = 0;
  for (let step = 0; step < 400; step++) {
    now += 10 * (100 + rand(1500)); // 1 to 16 s, in steps of 10 ms: our clock's writes
    const rowId = rowIds[rand(rowIds.length)] as string;
    const what = rand(100);
    if (what < 45) {
      // Our write (a disposition's, a dial's): written, then applied to both caches as the service does.
      const held = skipping.get(rowId);
      if (!held) continue;
      const lead: Lead = { ...held.lead, notes: `ours ${step}`, attemptCount: held.lead.attemptCount + 1 };
      const patch =
        rand(4) === 0
          ? null
          : patchOf(lead, [
              [AGENT_COL.notes, lead.notes],
              [AGENT_COL.attemptCount, String(lead.attemptCount)],
            ]);
      const w = await skippingStore.writeLead(
        TAG,
        { rowId, expectedVersion: held.version, state: ownedOf(lead), patch },
        now,
      );
      if (w.ok) {
        skipping.applyWrite(lead, w.version, false);
        // A disposition's write (no claim left) is noted with its state; a dial's without.
        skipping.noteOwnWrite(rowId, w.version, now, rand(3) > 0 ? ownedOf(lead) : undefined);
        reading.applyWrite(lead, w.version, false);
      } else {
        // Another instance wrote it since: read back, as the service does after a conflict.
        await skipping.refreshLead(rowId);
        await reading.refreshLead(rowId);
      }
    } else if (what < 60) {
      // Another instance's write, its clock up to 90 s behind ours (never on our 10-ms grid), no notice.
      const current = await other.getLead(TAG, rowId);
      const base = skipping.get(rowId)?.lead;
      if (!base) continue;
      const lead: Lead = { ...base, notes: `theirs ${step}`, lastOutcome: 'NO_ANSWER' };
      await other.writeLead(
        TAG,
        {
          rowId,
          expectedVersion: current?.version ?? 0,
          state: ownedOf(lead),
          patch: rand(2) === 0 ? null : patchOf(lead, [[AGENT_COL.notes, lead.notes]]),
        },
        now - 10 * rand(9000) - 3,
      );
    } else if (what < 75) {
      // The flusher lands part of the queue: the sheet takes the values, the entries leave.
      const queued = await queue.peek(SS, 100);
      const landed = queued.filter(() => rand(3) > 0);
      for (const q of landed)
        for (const v of q.patch.values) {
          const row = rows[v.row - 1];
          if (row) row[v.col] = v.value;
        }
      if (landed.length > 0) {
        await queue.ack(
          SS,
          landed.map((q) => q.id),
        );
        tab = null;
      }
    } else if (what < 82) {
      // A person edits a row.
      const row = rows[1 + rand(LEADS)];
      if (row)
        row[rand(2) === 0 ? AGENT_COL.notes : AGENT_COL.status(0)] =
          rand(2) === 0 ? `person ${step}` : 'WRONG';
      tab = null;
    } else {
      // The minute's refresh: unflushed cells read before the sheet, one read for both caches.
      refreshes++;
      const unflushed = await skippingStore.unflushedCells(TAG);
      const read = { readStartedAt: now, unflushed, tab: tab ?? decode() };
      await skipping.refreshFrom(read);
      await reading.refreshFrom(read);
      same();
    }
  }
  return { skipping: skippingStore.overlaysRead, reading: readingStore.overlaysRead, refreshes };
}

describe('TabCache refresh: own writes not read again', () => {
  it('merges exactly as a refresh that reads every overlay written lately, reading fewer', async () => {
    let skipped = 0;
    for (const seed of [1, 2, 3, 4]) {
      await redis.flushall();
      const r = await run(seed);
      expect(r.refreshes).toBeGreaterThan(30);
      expect(r.skipping).toBeLessThanOrEqual(r.reading);
      skipped += r.reading - r.skipping;
    }
    expect(skipped).toBeGreaterThan(0);
  });
});
