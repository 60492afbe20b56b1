// The flusher at team scale against the emulator that refuses what Google refuses (limits.ts): 2,000 queued
// patches across 500 tabs of one spreadsheet all land, queued one per entry (the layout of every version)
// or two per entry (a disposition and its chained dial: one step, one entry) (the 500-range re-check that
// once went into one URL is refused by the emulator, so the test would fail with it); a patch Google
// refuses is dead-lettered while every other one lands, also when it shares its entry with a good one;
// writes larger than the service accepts are split until they fit.
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AGENT_COL } from '../../../src-shared/domain/sheet-codec.js';
import { startRedisServer, type RedisServerHandle } from '../../../test/support/redis-server.js';
import type { SheetsLimits } from '../../emulators/sheets/limits.js';
import { type SheetsEmulator, startSheetsEmulator } from '../../emulators/sheets/server.js';
import { RedisPatchQueue } from '../../src/queue/redis-patch-queue.js';
import { keys, tabTag } from '../../src/redis/keys.js';
import { RedisQuotaBudget } from '../../src/queue/redis-quota-budget.js';
import { createSheetsBreaker } from '../../src/sheets/breaker.js';
import { createSheetsClient, staticTokenAuth } from '../../src/sheets/client.js';
import { SheetsApi } from '../../src/sheets/sheets-api.js';
import { SheetsFlusher } from '../../src/sheets/sheets-flusher.js';
import { patchFor } from './fixtures.js';
import { agentRows, silentLogger } from './sheets-fixtures.js';

const SS = 'big-sheet';
const S1 = AGENT_COL.status(0);
const NOTES = AGENT_COL.notes;
const titleOf = (i: number) => `Agent ${String(i).padStart(3, '0')}`;

let server: RedisServerHandle;
let redis: Redis;
let emulator: SheetsEmulator | null = null;

beforeAll(async () => {
  server = await startRedisServer();
  redis = new Redis(server.url, { maxRetriesPerRequest: 2 });
});
afterAll(async () => {
  redis.disconnect();
  await server.stop();
});
afterEach(async () => {
  await emulator?.close();
  emulator = null;
});

async function world(tabs: number, leadsPerTab: number, limits?: Partial<SheetsLimits>) {
  await redis.flushall();
  emulator = await startSheetsEmulator({
    seed: {
      spreadsheets: [
        {
          spreadsheetId: SS,
          sheets: Array.from({ length: tabs }, (_, i) => ({
            sheetId: 1000 + i,
            title: titleOf(i),
            rows: agentRows(leadsPerTab),
          })),
        },
      ],
    },
    ...(limits ? { limits } : {}),
  });
  const client = createSheetsClient({ rootUrl: emulator.url, auth: staticTokenAuth('test-token') });
  const api = new SheetsApi({
    client,
    breaker: createSheetsBreaker(),
    quota: new RedisQuotaBudget(redis),
  });
  const queue = new RedisPatchQueue(redis);
  const flusher = new SheetsFlusher({ api, queue, logger: silentLogger, backoff: { baseMs: 5, capMs: 50 } });
  return { emu: emulator, client, queue, flusher };
}

const patchOf = (tab: number, lead: number, notes: string) =>
  patchFor(
    `L${lead}`,
    lead + 1,
    { [S1]: 'NO_ANSWER', [NOTES]: notes },
    {
      spreadsheetId: SS,
      sheetId: 1000 + tab,
      tabTitle: titleOf(tab),
      purple: [AGENT_COL.status(1)],
    },
  );

async function enqueueAll(queue: RedisPatchQueue, patches: ReturnType<typeof patchOf>[]) {
  for (let i = 0; i < patches.length; i += 200) {
    await Promise.all(patches.slice(i, i + 200).map((p, j) => queue.enqueue(p, i + j + 1)));
  }
}

/** Each tab's leads 1+2 and 3+4 as one step each (one queue entry of two patches, as a disposition and its
 *  chained dial), the tabs' steps interleaved as agents' would be. */
async function enqueueSteps(queue: RedisPatchQueue, tabs: number, patch = patchOf) {
  const steps = [];
  for (const [a, b] of [
    [1, 2],
    [3, 4],
  ] as const)
    for (let tab = 0; tab < tabs; tab++)
      steps.push([patch(tab, a, `t${tab} l${a}`), patch(tab, b, `t${tab} l${b}`)]);
  for (let i = 0; i < steps.length; i += 200)
    await Promise.all(steps.slice(i, i + 200).map((st, j) => queue.enqueueStep(st, i + j + 1)));
}

async function drain(flusher: SheetsFlusher, queue: RedisPatchQueue): Promise<number> {
  let turns = 0;
  while ((await queue.depth()) > 0) {
    turns += 1;
    if (turns > 50) throw new Error('the queue does not drain');
    await flusher.flushNow();
  }
  return turns;
}

describe('the flusher inside Google limits', () => {
  it.each(['one patch per queue entry', 'two patches per queue entry'])(
    'lands 2,000 patches across 500 tabs of one spreadsheet, every request accepted (%s)',
    async (layout) => {
      const { emu, client, queue, flusher } = await world(500, 4);
      // The row re-check as one URL (the old way) is refused by the emulator, as by Google.
      const old = await client.spreadsheets.values
        .batchGet({ spreadsheetId: SS, ranges: Array.from({ length: 500 }, (_, i) => `'${titleOf(i)}'!A:A`) })
        .then(
          () => 200,
          (err: { response?: { status: number } }) => err.response?.status,
        );
      expect(old).toBe(414);
      emu.state.requestLog.clear();

      if (layout === 'one patch per queue entry') {
        const patches = [];
        for (let lead = 1; lead <= 4; lead++)
          for (let tab = 0; tab < 500; tab++) patches.push(patchOf(tab, lead, `t${tab} l${lead}`));
        await enqueueAll(queue, patches);
      } else await enqueueSteps(queue, 500);

      const turns = await drain(flusher, queue);
      const log = emu.state.requestLog.entries;
      expect(log.filter((e) => e.status !== 200)).toEqual([]);
      // 4 flushes of 500 patches (3 cell requests each: 1,500): one re-check read and two writes each
      expect(turns).toBe(4);
      expect(emu.state.requestLog.count('values.batchGetByDataFilter')).toBe(4);
      expect(emu.state.requestLog.count('spreadsheets.batchUpdate')).toBe(8);
      expect(log).toHaveLength(12);
      for (let tab = 0; tab < 500; tab++) {
        for (let lead = 1; lead <= 4; lead++) {
          expect(emu.state.getCell(SS, titleOf(tab), lead + 1, NOTES)).toBe(`t${tab} l${lead}`);
          expect(emu.state.getCell(SS, titleOf(tab), lead + 1, S1)).toBe('NO_ANSWER');
        }
      }
      expect(await queue.deadLetters(SS, 10)).toEqual([]);
      expect(await redis.smembers(keys.sheetQueueAttemptedTabs())).toEqual([]);
    },
  );

  it('dead-letters the one patch Google refuses and lands every other one', async () => {
    const { emu, queue, flusher } = await world(50, 4);
    const patches = [];
    for (let lead = 1; lead <= 4; lead++)
      for (let tab = 0; tab < 50; tab++) patches.push(patchOf(tab, lead, `t${tab} l${lead}`));
    // a note longer than a cell can hold: Google answers 400 to any write carrying it
    patches[117] = patchOf(17, 3, 'x'.repeat(50_001));
    await enqueueAll(queue, patches);

    await drain(flusher, queue);
    const dead = await queue.deadLetters(SS, 10);
    expect(dead).toHaveLength(1);
    expect(dead[0]?.patch).toMatchObject({ sheetId: 1017, rowId: 'L3' });
    expect(dead[0]?.reason).toMatch(/^rejected by Google \(400\): Your input contains more than the maximum/);
    for (let tab = 0; tab < 50; tab++) {
      for (let lead = 1; lead <= 4; lead++) {
        const want = tab === 17 && lead === 3 ? '' : `t${tab} l${lead}`;
        expect(emu.state.getCell(SS, titleOf(tab), lead + 1, NOTES)).toBe(want);
      }
    }
    // isolating it cost a handful of writes, not one per patch
    expect(emu.state.requestLog.count('spreadsheets.batchUpdate')).toBeLessThan(20);
  });

  it('dead-letters a refused patch alone when it shares its queue entry with a good one', async () => {
    const { emu, queue, flusher } = await world(50, 4);
    // tab 17's lead 3 is refused by Google (a note over a cell's 50,000 characters); lead 4 is in its entry
    await enqueueSteps(queue, 50, (tab, lead, notes) =>
      patchOf(tab, lead, tab === 17 && lead === 3 ? 'x'.repeat(50_001) : notes),
    );
    expect(await queue.depth()).toBe(100);

    await drain(flusher, queue);
    const dead = await queue.deadLetters(SS, 10);
    expect(dead).toHaveLength(1);
    expect(dead[0]?.patch).toMatchObject({ sheetId: 1017, rowId: 'L3' });
    expect(dead[0]?.queueId).toMatch(/^1017\/\d+-\d+#0$/);
    expect(dead[0]?.reason).toMatch(/^rejected by Google \(400\): Your input contains more than the maximum/);
    expect(emu.state.requestLog.entries.filter((e) => e.status === 400).length).toBeGreaterThan(0);
    for (let tab = 0; tab < 50; tab++) {
      for (let lead = 1; lead <= 4; lead++) {
        const want = tab === 17 && lead === 3 ? '' : `t${tab} l${lead}`;
        expect(emu.state.getCell(SS, titleOf(tab), lead + 1, NOTES)).toBe(want);
      }
    }
    // the entry left the queue with its last patch; nothing of it is left on the side
    expect(await redis.xlen(keys.sheetQueue(tabTag(SS, 1017)))).toBe(0);
    expect(await redis.exists(keys.sheetQueueAttempts(tabTag(SS, 1017)))).toBe(0);
    expect(await redis.smembers(keys.sheetQueueAttemptedTabs())).toEqual([]);
    expect(emu.state.requestLog.count('spreadsheets.batchUpdate')).toBeLessThan(20);
  });

  it('splits a write the service finds too large (413) until it fits, losing nothing', async () => {
    const { emu, queue, flusher } = await world(20, 4, { maxBodyBytes: 16 * 1024 });
    const patches = [];
    for (let lead = 1; lead <= 4; lead++)
      for (let tab = 0; tab < 20; tab++)
        patches.push(patchOf(tab, lead, `${'n'.repeat(200)} ${tab}/${lead}`));
    await enqueueAll(queue, patches);
    await drain(flusher, queue);
    expect(emu.state.requestLog.entries.some((e) => e.status === 413)).toBe(true);
    expect(await queue.deadLetters(SS, 10)).toEqual([]);
    for (let tab = 0; tab < 20; tab++)
      for (let lead = 1; lead <= 4; lead++)
        expect(emu.state.getCell(SS, titleOf(tab), lead + 1, NOTES)).toBe(
          `${'n'.repeat(200)} ${tab}/${lead}`,
        );
  });
});
