// The Sheets write path under Google's real quotas (60 reads/min and 60 writes/min for the service
// account, enforced by the emulator with 429s like Google): a real redis-server, the real RedisPatchQueue,
// SheetsFlusher and SheetsApi, the Sheets emulator with its default size limits, one spreadsheet with 500
// agent tabs. Two phases, printed as one JSON object:
//   steady: 25 dispositions/s for `--seconds` (default 60) across the 500 tabs; sheetLagMs = enqueue → ack
//           (the moment Google accepted the write), p50/p99/max; sheetsRequestsPerDisposition;
//   backlog: `--backlog` (default 12,000) patches queued at once, drained by the same flusher: drainS and
//           dispositionsPerSecond.
// `--chained step|entries`: each disposition also dials the tab's next lead (its IN_PROGRESS patch), as the
// coordinator's disposition with its chained dial does: both patches in ONE queue entry (`step`, what the
// coordinator writes) or one entry each (`entries`, what it wrote before h/patches); sheetLagMs is then per
// patch. Without it, one patch per disposition.
// Usage: npx tsx bench/sheets-flush.ts [--seconds 60] [--rate 25] [--backlog 12000] [--chained step|entries]
//                                      [--out file.json]
import { writeFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { AGENT_COL, AGENT_TAB_HEADER } from '../src-shared/domain/sheet-codec.js';
import { SKIPPED_RGB, type SheetPatch } from '../src-shared/domain/sheet-patch.js';
import { startSheetsEmulator } from '../server/emulators/sheets/server.js';
import { RedisPatchQueue } from '../server/src/queue/redis-patch-queue.js';
import { RedisQuotaBudget } from '../server/src/queue/redis-quota-budget.js';
import { createSheetsBreaker } from '../server/src/sheets/breaker.js';
import { createSheetsClient, staticTokenAuth } from '../server/src/sheets/client.js';
import { SheetsApi } from '../server/src/sheets/sheets-api.js';
import { SheetsFlusher } from '../server/src/sheets/sheets-flusher.js';
import { startRedisServer } from '../test/support/redis-server.js';
import { numberArg, stringArg } from './cli-args.js';

const outIdx = process.argv.indexOf('--out');
const outFile = outIdx > 0 ? process.argv[outIdx + 1] : undefined;
const SECONDS = numberArg('seconds', 60);
const RATE = numberArg('rate', 25);
const BACKLOG = numberArg('backlog', 12_000);
const TABS = 500;
const LEADS = 100;
const SS = 'bench-sheet';
const CHAINED = stringArg('chained');
if (CHAINED !== null && CHAINED !== 'step' && CHAINED !== 'entries')
  throw new Error('--chained must be step or entries');

const row = (i: number) => {
  const cells = Array<string>(26).fill('');
  cells[0] = `L${i}`;
  cells[1] = `Lead ${i}`;
  cells[2] = `+1212555${String(1000 + i)}`;
  cells[3] = `+1212556${String(1000 + i)}`;
  cells[24] = '0';
  cells[25] = '1';
  return cells;
};

/** A disposition's patch as the domain makes it: Status1, Notes, LastOutcome, AttemptCount, NextIndex,
 *  and the skipped sibling painted purple. */
function patch(tab: number, lead: number, n: number): SheetPatch {
  const r = lead + 1;
  return {
    spreadsheetId: SS,
    sheetId: 1000 + tab,
    tabTitle: `Agent ${tab}`,
    rowId: `L${lead}`,
    values: [
      { row: r, col: AGENT_COL.status(0), value: 'NO_ANSWER' },
      { row: r, col: AGENT_COL.notes, value: `bench note ${n}` },
      { row: r, col: AGENT_COL.lastOutcome, value: 'NO_ANSWER' },
      { row: r, col: AGENT_COL.attemptCount, value: String(1 + (n % 5)) },
      { row: r, col: AGENT_COL.nextIndex, value: '2' },
    ],
    backgrounds: [{ row: r, col: AGENT_COL.status(1), color: SKIPPED_RGB }],
  };
}

/** The chained dial's patch: the next lead's Status1 IN_PROGRESS. */
function inProgress(tab: number, lead: number): SheetPatch {
  const r = lead + 1;
  return {
    spreadsheetId: SS,
    sheetId: 1000 + tab,
    tabTitle: `Agent ${tab}`,
    rowId: `L${lead}`,
    values: [{ row: r, col: AGENT_COL.status(0), value: 'IN_PROGRESS' }],
    backgrounds: [],
  };
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] as number) : 0;
};

const redisServer = await startRedisServer({ appendOnly: false });
const redis = new Redis(redisServer.url);
const emulator = await startSheetsEmulator({
  seed: {
    spreadsheets: [
      {
        spreadsheetId: SS,
        sheets: Array.from({ length: TABS }, (_, t) => ({
          sheetId: 1000 + t,
          title: `Agent ${t}`,
          rows: [[...AGENT_TAB_HEADER], ...Array.from({ length: LEADS }, (_, i) => row(i + 1))],
        })),
      },
    ],
  },
  quota: { readsPerMinute: 60, writesPerMinute: 60 },
});

const enqueuedAt = new Map<string, number>();
const lags: number[] = [];
class TimedQueue extends RedisPatchQueue {
  override async ack(spreadsheetId: string, ids: string[]): Promise<void> {
    await super.ack(spreadsheetId, ids);
    const now = Date.now();
    for (const id of ids) {
      const at = enqueuedAt.get(id);
      if (at !== undefined) lags.push(now - at);
      enqueuedAt.delete(id);
    }
  }
}
const queue = new TimedQueue(redis);

/** Disposition n (of lead `lead` in tab `tab`) queued as the coordinator would: its patch ids. */
async function dispose(n: number): Promise<string[]> {
  const tab = n % TABS;
  const lead = 1 + (Math.floor(n / TABS) % LEADS);
  const now = Date.now();
  const own = patch(tab, lead, n);
  if (CHAINED === null) return [await queue.enqueue(own, now)];
  const next = inProgress(tab, 1 + (lead % LEADS));
  if (CHAINED === 'step') return queue.enqueueStep([own, next], now);
  return [await queue.enqueue(own, now), await queue.enqueue(next, now)];
}
const api = new SheetsApi({
  client: createSheetsClient({ rootUrl: emulator.url, auth: staticTokenAuth('bench') }),
  breaker: createSheetsBreaker(),
  quota: new RedisQuotaBudget(redis),
});
const flusher = new SheetsFlusher({ api, queue, logger: pino({ level: 'warn' }) });
const requests = () => emulator.state.requestLog.entries.filter((e) => e.route !== 'admin');

// ---- steady
flusher.start();
let n = 0;
const steadyStart = Date.now();
while (Date.now() - steadyStart < SECONDS * 1000) {
  const due = Math.floor(((Date.now() - steadyStart) / 1000) * RATE);
  while (n < due) {
    for (const id of await dispose(n)) enqueuedAt.set(id, Date.now());
    n++;
  }
  await new Promise((r) => setTimeout(r, 20));
}
while ((await queue.depth()) > 0) await new Promise((r) => setTimeout(r, 100));
const steadyReqs = requests();
const steady = {
  dispositions: n,
  dispositionsPerSecond: n / SECONDS,
  sheetLagMs: { p50: pct(lags, 50), p99: pct(lags, 99), max: pct(lags, 100) },
  sheetsRequests: steadyReqs.length,
  sheetsRequestsPerDisposition: steadyReqs.length / n,
  refused: steadyReqs.filter((e) => e.status !== 200).length,
};

// ---- backlog
await flusher.stop();
emulator.state.requestLog.clear();
lags.length = 0;
const ids: Promise<string[]>[] = [];
for (let i = 0; i < BACKLOG; i++) ids.push(dispose(i));
await Promise.all(ids);
const drainStart = Date.now();
flusher.start();
while ((await queue.depth()) > 0) await new Promise((r) => setTimeout(r, 100));
const drainS = (Date.now() - drainStart) / 1000;
await flusher.stop();
const backlogReqs = requests();
const backlog = {
  dispositions: BACKLOG,
  drainS,
  dispositionsPerSecond: BACKLOG / drainS,
  sheetsRequests: backlogReqs.length,
  refused: backlogReqs.filter((e) => e.status !== 200).length,
  deadLettered: (await queue.deadLetters(SS, 10)).length,
};

const result = {
  tabs: TABS,
  chained: CHAINED ?? 'none',
  quota: { readsPerMinute: 60, writesPerMinute: 60 },
  steady,
  backlog,
};
console.log(JSON.stringify(result, null, 2));
if (outFile) writeFileSync(outFile, JSON.stringify(result, null, 2));
redis.disconnect();
await emulator.close();
await redisServer.stop();
