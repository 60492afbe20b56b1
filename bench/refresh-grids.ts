// What one periodic tab refresh allocates and keeps on the coordinator's event loop (docs/performance.md
// "What the refresh leaves for the GC (h/grids)"): the bench:load fixture's spreadsheet (500 agent tabs of
// 100 leads) in the real Sheets emulator, read through the real GoogleSheetsGateway with its grid-decode
// worker exactly as the coordinator's tick asks (every tab at once: one batched read). A first read warms
// every tab; then `--rounds` times: `--changed` rows spread over the tabs get a new LastOutcome (what a
// minute of 25 dispositions/s does), and every tab is read again. Measured over each of those reads with
// V8's sampling heap profiler in this process (8-KB interval; the worker thread is not this isolate): bytes
// allocated, and bytes allocated during the read and still alive once its tabs have been handed out (what
// the next scavenge must copy or promote); also how many tabs came back with every row a new array (sent
// whole by the worker) and how many rows were new arrays. Deterministic: no clock is read for a figure.
// Prints one JSON object. Usage: npx tsx bench/refresh-grids.ts [--agents 500] [--leads 100]
//   [--changed 1500] [--rounds 3] [--warm-batch 40] [--top N] [--survivors] [--paced]
import { Session } from 'node:inspector/promises';
import { pino } from 'pino';
import { z } from 'zod';

import { setCell } from '../server/emulators/sheets/model.js';
import { startSheetsEmulator } from '../server/emulators/sheets/server.js';
import type { AgentTab, QuotaBudget } from '../server/src/ports.js';
import { createSheetsBreaker } from '../server/src/sheets/breaker.js';
import { createSheetsClient, staticTokenAuth } from '../server/src/sheets/client.js';
import { GoogleSheetsGateway } from '../server/src/sheets/google-sheets-gateway.js';
import { GridDecoder } from '../server/src/sheets/grid-decoder.js';
import { type GridRead, type GridValues, SheetsApi } from '../server/src/sheets/sheets-api.js';
import { type HeapProfile, HeapProfileSchema, topAllocationSites } from './heap-sampling.js';
import { BENCH_SPREADSHEET_ID, benchSheetsFixture } from './load/fixture.js';
import { numberArg } from './cli-args.js';

const agents = numberArg('agents', 500);
const leads = numberArg('leads', 100);
const changed = numberArg('changed', 1500);
const rounds = numberArg('rounds', 3);
const LAST_OUTCOME_COL = 23;

const fixture = benchSheetsFixture(agents, leads);
const emulator = await startSheetsEmulator({ seed: fixture });
const logger = pino({ level: 'silent' });
const unlimited: QuotaBudget = { take: async () => ({ ok: true }), used: async () => 0 };
const decoder = new GridDecoder({ logger });
const api = new SheetsApi({
  client: createSheetsClient({ rootUrl: emulator.url, auth: staticTokenAuth('bench') }),
  breaker: createSheetsBreaker(),
  quota: unlimited,
  decoder,
});
const gateway = new GoogleSheetsGateway({
  api,
  logger,
  routerSpreadsheetId: BENCH_SPREADSHEET_ID,
  tabReads: { minSpacingMs: 0 },
});
// Each read's tabs and the bases it was asked with (counted after the profile stops: not in its bytes).
const readGrids = api.readGrids.bind(api);
const answered: { grids: GridValues[]; reads: readonly GridRead[] }[] = [];
api.readGrids = async (spreadsheetId, reads, opts) => {
  const grids = await readGrids(spreadsheetId, reads, opts);
  answered.push({ grids, reads });
  return grids;
};
/** Tabs that came back with every row a new array (sent whole), and rows that are not their base's own
 *  array (they crossed from the worker), over the reads answered since the last call. */
function crossed(): { tabsWhole: number; rowsNew: number } {
  const out = { tabsWhole: 0, rowsNew: 0 };
  for (const { grids, reads } of answered.splice(0)) {
    grids.forEach((g, i) => {
      const base = new Set(reads[i]?.base?.values ?? []);
      const fresh = g.values.filter((r) => !base.has(r)).length;
      out.rowsNew += fresh;
      if (fresh === g.values.length && fresh > 0) out.tabsWhole++;
    });
  }
  return out;
}
const ss = emulator.state.spreadsheet(BENCH_SPREADSHEET_ID);
const tabs = (ss?.sheets ?? []).filter((s) => s.sheetId >= 1001);
if (!ss || tabs.length !== agents) throw new Error('the fixture has no agent tabs');

const readAll = (): Promise<AgentTab[]> =>
  Promise.all(tabs.map((t) => gateway.readAgentTab(BENCH_SPREADSHEET_ID, t.sheetId)));

const session = new Session();
session.connect();
/** Bytes of a profile's samples, less those whose stack passes through the emulator (it runs in this
 *  process only to serve the reads; the coordinator does not pay for it). */
function coordinatorBytes(node: HeapProfile['head'], inEmulator = false): number {
  const here = inEmulator || node.callFrame.url.includes('/emulators/');
  return (here ? 0 : node.selfSize) + node.children.reduce((sum, c) => sum + coordinatorBytes(c, here), 0);
}
function withoutEmulator(node: HeapProfile['head']): HeapProfile['head'] | null {
  if (node.callFrame.url.includes('/emulators/')) return null;
  return { ...node, children: node.children.flatMap((c) => withoutEmulator(c) ?? []) };
}
const top = numberArg('top', 0);
const sites: unknown[] = [];

/** Bytes this isolate allocated while `run` ran: all of them, or only those still alive at its end. */
async function sampled(run: () => Promise<unknown>, survivorsOnly: boolean): Promise<number> {
  await session.post('HeapProfiler.collectGarbage');
  await session.post('HeapProfiler.startSampling', {
    samplingInterval: 8192,
    includeObjectsCollectedByMajorGC: !survivorsOnly,
    includeObjectsCollectedByMinorGC: !survivorsOnly,
  });
  const kept = await run();
  const { profile } = z
    .object({ profile: z.unknown() })
    .parse(await session.post('HeapProfiler.stopSampling'));
  const head = HeapProfileSchema.parse(profile).head;
  void kept;
  const ours = withoutEmulator(head);
  if (top > 0 && ours) sites.push({ survivorsOnly, ...topAllocationSites({ head: ours }, 1, top) });
  return coordinatorBytes(head);
}

// `--warm-batch N`: the first read of the tabs in groups of N, one after the other, as a morning start
// storm reads them (~40 tabs per read, each answer under the worker's 1 MB: decoded on the event loop).
const warmBatch = numberArg('warm-batch', 0);
let previous: AgentTab[] = [];
if (warmBatch > 0)
  for (let i = 0; i < tabs.length; i += warmBatch)
    previous.push(
      ...(await Promise.all(
        tabs.slice(i, i + warmBatch).map((t) => gateway.readAgentTab(BENCH_SPREADSHEET_ID, t.sheetId)),
      )),
    );
else previous = await readAll();
/** `--survivors`: each round's read is profiled for the bytes still alive at its end, else for all. */
const survivorsOnly = process.argv.includes('--survivors');
/** `--paced`: the tabs are decoded only after every answer is in (the tab refresh's `decodeAfter`), and
 *  the profile ends before the first decode: what a refresh holds while its rebuilds wait for their pace. */
const paced = process.argv.includes('--paced');
let edits = 0;
const perRound: Record<string, number>[] = [];
for (let round = 0; round < rounds; round++) {
  for (let k = 0; k < changed; k++) {
    const tab = tabs[(edits * 7) % tabs.length];
    const row = 1 + ((edits * 13 + Math.floor(edits / tabs.length)) % leads);
    edits++;
    if (tab) setCell(tab, row, LAST_OUTCOME_COL, `NO_ANSWER ${edits}`);
  }
  answered.length = 0;
  let latest: AgentTab[] = [];
  let decodeAll = () => {};
  let decoded: Promise<AgentTab[]> = Promise.resolve([]);
  const bytes = await sampled(async () => {
    if (!paced) {
      latest = await readAll();
      return latest;
    }
    // As the paced refresh asks (tab-refresh.ts): each tab is decoded in its own later slot, so what the
    // read leaves alive is measured once every tab's answer is in and none is decoded yet.
    let arrived = 0;
    let allIn = () => {};
    const in_ = new Promise<void>((resolve) => {
      allIn = resolve;
    });
    const gate = new Promise<void>((resolve) => {
      decodeAll = resolve;
    });
    decoded = Promise.all(
      tabs.map((t) =>
        gateway.readAgentTab(BENCH_SPREADSHEET_ID, t.sheetId, {
          decodeAfter: async () => {
            if (++arrived === tabs.length) allIn();
            await gate;
          },
        }),
      ),
    );
    await in_;
    return null;
  }, survivorsOnly);
  if (paced) {
    decodeAll();
    latest = await decoded;
  }
  perRound.push({
    [survivorsOnly ? 'survivingMb' : 'allocatedMb']: mb(bytes),
    ...crossed(),
    tabsSameObject: latest.filter((t, i) => t === previous[i]).length,
  });
  previous = latest;
}

function mb(bytes: number): number {
  return Math.round((bytes / 1024 / 1024) * 100) / 100;
}

session.disconnect();
await decoder.close();
await emulator.close();
console.log(
  JSON.stringify({
    agents,
    leads,
    changedRowsPerRead: changed,
    paced,
    workerJobs: decoder.workerJobs(),
    rounds: perRound,
    ...(top > 0 ? { sites } : {}),
  }),
);
