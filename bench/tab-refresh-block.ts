// How long one periodic tab refresh's read stops the coordinator's event loop, at 500 agent tabs of 100
// leads (the bench:load fixture): the Sheets emulator runs in its own process (bench/load/sheets-child.ts),
// this process reads every tab at once through the coordinator's own SheetsApi, TabReader and gateway (one
// batched request, the decodes one per turn) with a fresh gateway each round (every tab decoded, as when
// every tab changed), while a 1-ms timer measures the event loop's lateness. Rounds alternate the grid
// decoder's worker (grid-decoder.ts) and decoding on the event loop, so both see the same machine load.
// Per refresh: the main thread's busy time, this whole process's CPU (worker and GC threads included) and
// the emulator's CPU for the answer.
// Prints one JSON object. Usage: npx tsx bench/tab-refresh-block.ts [--agents 500] [--leads 100] [--rounds 4]
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PerformanceObserver, performance as perf } from 'node:perf_hooks';
import pino from 'pino';
import { createSheetsBreaker } from '../server/src/sheets/breaker.js';
import { createSheetsClient, staticTokenAuth } from '../server/src/sheets/client.js';
import { GoogleSheetsGateway } from '../server/src/sheets/google-sheets-gateway.js';
import { GridDecoder } from '../server/src/sheets/grid-decoder.js';
import { SheetsApi } from '../server/src/sheets/sheets-api.js';
import { BENCH_SPREADSHEET_ID } from './load/fixture.js';
import { cpuMsOf, killAll, spawnBenchChild } from './load/procs.js';
import { numberArg } from './cli-args.js';

const agents = numberArg('agents', 500);
const leads = numberArg('leads', 100);
const rounds = numberArg('rounds', 4);
const modeArg = process.argv[process.argv.indexOf('--mode') + 1];
const modes = (['worker', 'event-loop'] as const).filter(
  (m) => !process.argv.includes('--mode') || m === modeArg,
);
const logger = pino({ level: 'warn' });

/** Event-loop lateness of a 1-ms timer while `work` runs (the longest, the count over 10 ms) and the main
 *  thread's busy time (event-loop utilization: the worker's CPU is not in it). */
async function blocksDuring<T>(
  work: () => Promise<T>,
  emulatorPid: number | undefined,
): Promise<{
  longestMs: number;
  over10ms: number;
  wallMs: number;
  cpuMs: number;
  processCpuMs: number;
  emulatorCpuMs: number;
  gcMaxMs: number;
}> {
  let longest = 0;
  let over10 = 0;
  let expected = performance.now() + 1;
  const timer = setInterval(() => {
    const t = performance.now();
    const late = t - expected;
    expected = t + 1;
    if (late > longest) longest = late;
    if (late >= 10) over10++;
  }, 1);
  let gcMax = 0;
  const gc = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gcMax = Math.max(gcMax, e.duration);
  });
  gc.observe({ entryTypes: ['gc'] });
  const elu0 = perf.eventLoopUtilization();
  const cpu0 = process.cpuUsage();
  const emu0 = cpuMsOf(emulatorPid);
  const t0 = performance.now();
  await work();
  const wallMs = performance.now() - t0;
  const busy = perf.eventLoopUtilization(elu0).active;
  const cpu = process.cpuUsage(cpu0);
  const emulatorCpuMs = cpuMsOf(emulatorPid) - emu0;
  clearInterval(timer);
  await new Promise((r) => setImmediate(r)); // the GC observer reports asynchronously
  gc.disconnect();
  const r = (n: number) => Math.round(n * 10) / 10;
  return {
    longestMs: r(longest),
    over10ms: over10,
    wallMs: r(wallMs),
    cpuMs: r(busy),
    processCpuMs: r((cpu.user + cpu.system) / 1000),
    emulatorCpuMs: r(emulatorCpuMs),
    gcMaxMs: r(gcMax),
  };
}

async function main(): Promise<void> {
  const runDir = mkdtempSync(join(tmpdir(), 'td-tab-block-'));
  const sheets = spawnBenchChild('sheets-emulator', 'sheets-child.ts', { port: 0, agents, leads }, runDir);
  try {
    const url = (await sheets.next('ready', 120_000)).url ?? '';
    const client = createSheetsClient({ rootUrl: url, auth: staticTokenAuth('bench') });
    const unlimited = { take: async () => ({ ok: true as const }), used: async () => 0 };
    const decoder = new GridDecoder({ logger });
    const apis = {
      worker: new SheetsApi({ client, breaker: createSheetsBreaker(), quota: unlimited, decoder }),
      'event-loop': new SheetsApi({ client, breaker: createSheetsBreaker(), quota: unlimited }),
    };
    const tabIds = Array.from({ length: agents }, (_, a) => 1001 + a);
    const refresh = async (api: SheetsApi) => {
      const gateway = new GoogleSheetsGateway({
        api,
        logger,
        routerSpreadsheetId: BENCH_SPREADSHEET_ID,
        tabReads: { minSpacingMs: 0 },
      });
      const tabs = await Promise.all(tabIds.map((id) => gateway.readAgentTab(BENCH_SPREADSHEET_ID, id)));
      if (tabs.some((t) => t.leads.length !== leads)) throw new Error('a tab came back short');
    };
    await refresh(apis.worker); // warm-up: JIT, the phone memo, the worker's start
    await refresh(apis['event-loop']);
    type Round = Awaited<ReturnType<typeof blocksDuring>>;
    const results = new Map<string, Round[]>(modes.map((m) => [m, []]));
    for (let i = 0; i < rounds; i++)
      for (const mode of modes)
        results.get(mode)?.push(await blocksDuring(() => refresh(apis[mode]), sheets.child.pid));
    await decoder.close();
    const max = (xs: number[]) => Math.max(...xs);
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
    const summary = Object.fromEntries(
      [...results].map(([mode, rs]) => [
        mode,
        {
          longestBlockMs: {
            median: median(rs.map((r) => r.longestMs)),
            max: max(rs.map((r) => r.longestMs)),
          },
          blocksOver10msPerRefresh: median(rs.map((r) => r.over10ms)),
          mainThreadCpuMsPerRefresh: median(rs.map((r) => r.cpuMs)),
          processCpuMsPerRefresh: median(rs.map((r) => r.processCpuMs)),
          emulatorCpuMsPerRefresh: median(rs.map((r) => r.emulatorCpuMs)),
          wallMsPerRefresh: median(rs.map((r) => r.wallMs)),
          longestGcPauseMs: max(rs.map((r) => r.gcMaxMs)),
        },
      ]),
    );
    console.log(JSON.stringify({ agents, leadsPerTab: leads, rounds, ...summary }));
  } finally {
    killAll();
  }
}

main().catch((e: unknown) => {
  killAll();
  console.error(e);
  process.exitCode = 1;
});
