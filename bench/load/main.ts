// `npm run bench:load -- --agents N --seconds S --instances 1|2 [--pace realistic|max]`: the load benchmark
// of issue 13. Starts real redis-server (AOF on), the Sheets and Dialpad emulators (zero added latency) and
// the coordinator(s) in production mode as separate processes, seeds one spreadsheet (a tab per agent),
// runs N agents over HTTP + WebSocket from a load generator process, and prints ONE JSON object (also
// written to bench/results/). Every child is killed at the end, on error and on Ctrl-C. docs/performance.md
// says what each figure measures.
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { z } from 'zod';
import { freePort } from '../../test/support/redis-server.js';
import { type BenchArgs, defaultRampSeconds, parseBenchArgs } from './args.js';
import { BENCH_CAMPAIGN_RULES, BENCH_SPREADSHEET_ID } from './fixture.js';
import type { ChildMessage, LoadgenResult } from './messages.js';
import {
  cpuMsOf,
  killAll,
  type Proc,
  peakRssMbOf,
  REPO_ROOT,
  spawnBenchChild,
  spawnCoordinator,
  spawnRedis,
  stopGracefully,
  waitHttpOk,
  wakeCountersOfPid,
} from './procs.js';
import { CAP_PERIOD_US, type CpuCap, capProcessCpu, removeStaleCaps, throttlingBetween } from './cpu-cap.js';
import { recordCpuWaits } from './cpu-waits.js';
import { stallsOfFile } from './profile-stalls.js';
import { mainProfileIn, topSelfTime } from './profile-top.js';
import {
  byQuotaMinute,
  countersBetween,
  flushFailuresOfMetrics,
  type SheetsRequestEntry,
  sheetLagDetail,
  sheetsRequestTimeline,
} from './sheet-timeline.js';
import {
  attributeTail,
  tailOverWindows,
  blocksAndGcBetween,
  coordinatorStallsOfLog,
  cpuShares,
  highestRateWithin,
  type Interval,
  landingTimes,
  loopAndGcOfMetrics,
  machineTicksOfProcStat,
  parseCommandStats,
  percentiles,
  redisByName,
  redisPerCycle,
  round,
  sheetFigures,
  wakesBetween,
  webhookToShowDispo,
} from './report.js';

const WEBHOOK_SECRET = 'bench-webhook-secret-0123456789';
const now = (): number => performance.timeOrigin + performance.now();
const log = (msg: string) => process.stderr.write(`[bench:load] ${msg}\n`);

const PercentilesSchema = z.object({ p50: z.number(), p99: z.number(), max: z.number() }).nullable();
/** What a sweep keeps of each run's report (the figures that decide, plus where the CPU went). */
const SweepRowSchema = z.object({
  agents: z.number(),
  dispositionsPerSecond: z.number(),
  dispoToNextCallMs: PercentilesSchema,
  webhookToShowDispoMs: PercentilesSchema,
  errors: z.number(),
  lostDispositions: z.number(),
  coordinatorCpuMsPerCycle: z.number().nullable(),
  coordinatorWakeups: z.unknown(),
  redisCommandsPerCycle: z.number().nullable(),
  coordinatorEventLoopBlocks: z.array(z.object({ over10ms: z.number(), maxMs: z.number() }).passthrough()),
  coordinatorCpuMsPerCycleByInstance: z.array(z.number()).nullable(),
  observerCpuMsPerCycle: z.number().nullable(),
  cpuPercentOfOneCore: z.record(z.string(), z.number()),
  // Whether each step's --coordinator-cpus cap held (throttled periods), or null without one.
  coordinatorCpuCap: z.unknown(),
  floors: z.unknown(),
  runDir: z.string(),
});

/** Starts something on a free port, on another one (up to 3 tries) if it exits before it is ready. */
async function withFreePort(
  what: string,
  start: (port: number) => Promise<Proc>,
): Promise<{ proc: Proc; port: number }> {
  for (let attempt = 1; ; attempt += 1) {
    const port = await freePort();
    try {
      return { proc: await start(port), port };
    } catch (e) {
      if (attempt >= 3) throw e;
      log(
        `${what} did not start on port ${port} (${e instanceof Error ? e.message : String(e)}); another port`,
      );
    }
  }
}

async function waitRedis(port: number, proc: Proc): Promise<Redis> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (proc.child.exitCode !== null) throw new Error(`redis-server exited; see ${proc.logFile}`);
    const r = new Redis({
      port,
      host: '127.0.0.1',
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    r.on('error', () => {});
    try {
      await r.connect();
      await r.ping();
      return r;
    } catch {
      r.disconnect();
      if (Date.now() > deadline) throw new Error(`redis-server on ${port} did not start`);
      await new Promise((res) => setTimeout(res, 100));
    }
  }
}

/** BENCH_COORDINATOR_ENV: a JSON object of extra coordinator variables (e.g. {"TAB_REFRESH_MS":"3600000"}). */
const extraCoordinatorEnv = (): Record<string, string> =>
  z.record(z.string(), z.string()).parse(JSON.parse(process.env.BENCH_COORDINATOR_ENV ?? '{}'));

const machineTicks = () => machineTicksOfProcStat(readFileSync('/proc/stat', 'utf8'));

async function run(args: BenchArgs): Promise<Record<string, unknown>> {
  const runDir = mkdtempSync(join(tmpdir(), 'td-bench-'));
  const profileDir = args.profile ? join(runDir, 'profiles') : null;
  log(`run dir ${runDir} (child logs)`);
  const jwtSecret = randomBytes(32).toString('base64url');
  // Emulators and the floor server listen on port 0 and report their URL (no race with other work on the
  // machine); redis-server and the coordinators get a free port and are restarted on another if it was
  // taken meanwhile.
  const sheets = spawnBenchChild(
    'sheets-emulator',
    'sheets-child.ts',
    { port: 0, agents: args.agents, leads: args.leadsPerAgent },
    runDir,
    profileDir,
  );
  const dialpad = spawnBenchChild(
    'dialpad-emulator',
    'dialpad-child.ts',
    { port: 0, agents: args.agents, pace: args.pace, secret: WEBHOOK_SECRET },
    runDir,
    profileDir,
  );
  const floor = spawnBenchChild('floor-server', 'floor-child.ts', { port: 0 }, runDir);
  const redisDir = join(runDir, 'redis');
  mkdirSync(redisDir);
  const { proc: redisProc, port: redisPort } = await withFreePort('redis-server', async (port) => {
    const proc = spawnRedis(port, redisDir);
    await waitRedis(port, proc).then((r) => r.disconnect());
    return proc;
  });
  const redis = await waitRedis(redisPort, redisProc);
  const sheetsUrl = (await sheets.next('ready', 120_000)).url ?? '';
  const dialpadUrl = (await dialpad.next('ready', 60_000)).url ?? '';
  const floorPort = Number(new URL((await floor.next('ready', 60_000)).url ?? '').port);
  const caps: CpuCap[] = [];
  const capCpus = args.coordinatorCpus;
  if (capCpus !== null) removeStaleCaps();
  // --observer: one more coordinator after the serving ones, on the same Redis, that no agent, webhook or
  // request reaches: what every instance pays for the others' cycles (their notices, its timers).
  const nameOf = (i: number) => (i < args.instances ? `coordinator-${i + 1}` : 'observer');
  const started = await Promise.all(
    Array.from({ length: args.instances + (args.observer ? 1 : 0) }, (_, i) =>
      withFreePort(nameOf(i), async (port) => {
        const proc = spawnCoordinator(
          nameOf(i),
          {
            PORT: String(port),
            HOST: '127.0.0.1',
            INSTANCE_ID: i < args.instances ? `bench-${i + 1}` : 'bench-observer',
            LOG_LEVEL: args.logLevel,
            REDIS_URL: `redis://127.0.0.1:${redisPort}`,
            JWT_SECRET: jwtSecret,
            OIDC_CLIENT_ID: 'bench-client',
            SHEETS_ROOT_URL: sheetsUrl,
            SHEETS_ACCESS_TOKEN: 'bench-sheets-token',
            ROUTER_SPREADSHEET_ID: BENCH_SPREADSHEET_ID,
            DIALPAD_BASE_URL: dialpadUrl.replace(/\/$/, ''),
            DIALPAD_API_KEY: 'bench-dialpad-key',
            DIALPAD_WEBHOOK_SECRET: WEBHOOK_SECRET,
            CAMPAIGN_RULES: JSON.stringify(BENCH_CAMPAIGN_RULES),
            WEB_DIST_DIR: '/nonexistent-web-ui',
            // Every block (≥ 10 ms) is logged with the background jobs running then, and every GC pause of
            // 2 ms or more, each with when it began (run directory): the report lays them over the slow
            // requests (`tail`).
            LOOP_BLOCK_LOG_MS: '10',
            GC_PAUSE_LOG_MS: '2',
            ...extraCoordinatorEnv(),
          },
          runDir,
          profileDir,
        );
        const cap =
          capCpus === null || proc.child.pid === undefined
            ? null
            : capProcessCpu(nameOf(i), proc.child.pid, capCpus);
        try {
          await waitHttpOk(`http://127.0.0.1:${port}/readyz`, proc);
        } catch (e) {
          cap?.release();
          throw e;
        }
        if (cap) caps[i] = cap;
        return proc;
      }),
    ),
  );
  const coordinators = started.slice(0, args.instances).map((s) => s.proc);
  const observer = started[args.instances]?.proc ?? null;
  if (capCpus !== null) {
    const refused = caps.find((c) => c.reason !== null);
    log(
      refused
        ? `coordinator CPU cap NOT applied (${refused.reason}); the coordinators run uncapped`
        : `coordinator CPU cap: ${capCpus} core each (cgroup v1 cpu, CFS period ${CAP_PERIOD_US} us)`,
    );
  }
  const instanceUrls = started.slice(0, args.instances).map((s) => `http://127.0.0.1:${s.port}`);
  dialpad.send({ type: 'hooks', urls: instanceUrls.map((u) => `${u}/events/dialpad`) });
  await dialpad.next('hooksSet', 30_000);
  log(
    `stack up: redis :${redisPort}, sheets ${sheetsUrl}, dialpad ${dialpadUrl}, coordinators ${instanceUrls.join(' ')}${observer ? ' + an observer' : ''}`,
  );

  const loadgen = spawnBenchChild(
    'load-generator',
    'loadgen.ts',
    {
      agents: args.agents,
      pace: args.pace,
      seconds: args.seconds,
      warmupS: args.warmupS,
      rampSeconds: args.rampSeconds,
      startTimeoutSeconds: args.startTimeoutSeconds,
      instances: instanceUrls,
      jwtSecret,
      redisPort,
      floorPort,
      supervisors: args.supervisors,
    },
    runDir,
  );
  const floors = await loadgen.next('floors', 120_000);
  await stopGracefully(floor, 2000);
  log(
    `floors: http ${JSON.stringify(floors.httpPostMs)} redis ${JSON.stringify(floors.redisPingMs)}; starting ${args.agents} sessions over ${args.rampSeconds} s`,
  );
  await loadgen.next('sessionsReady', (args.startTimeoutSeconds + args.rampSeconds + 120) * 1000);
  // --warmup: the agents are already cycling (each from its own start on); every baseline below is taken
  // after the warm-up, so nothing of it is measured except the drain, which checks every disposition.
  if (args.warmupS > 0) {
    log(`all sessions ready; warming up for ${args.warmupS} s`);
    await new Promise((r) => setTimeout(r, args.warmupS * 1000));
  }

  // The observer right after the coordinators: cpu0/cpu1 index the coordinators first, then it.
  const measured: Proc[] = [
    ...coordinators,
    ...(observer ? [observer] : []),
    redisProc,
    sheets,
    dialpad,
    loadgen,
  ];
  const cpuAt = () => measured.map((p) => cpuMsOf(p.child.pid));
  const wakesAt = () => coordinators.map((c) => wakeCountersOfPid(c.child.pid));
  const scrapeText = () => Promise.all(instanceUrls.map(async (u) => (await fetch(`${u}/metrics`)).text()));
  const text0 = await scrapeText(); // also resets the event-loop delay histograms and the max gauges
  const metrics0 = text0.map(loopAndGcOfMetrics);
  await redis.config('RESETSTAT');
  // The requests before the window (the start storm's reads share the minute's budget with the flusher).
  const sheetsBefore = (await (await fetch(new URL('__emulator/requests', sheetsUrl))).json()) as {
    entries: SheetsRequestEntry[];
  };
  await fetch(new URL('__emulator/requests', sheetsUrl), { method: 'DELETE' });
  const cpu0 = cpuAt();
  const wakes0 = wakesAt();
  const throttled0 = caps.map((c) => c.throttling());
  const m0 = machineTicks();
  const t0 = now();
  const window0Us = Number(process.hrtime.bigint() / 1000n);
  loadgen.send({ type: 'go' });
  // When each process of a request's path waited for a core (the tail's attribution).
  const stopWaits = recordCpuWaits({
    coordinator: coordinators[0]?.child.pid,
    redis: redisProc.child.pid,
    loadGenerator: loadgen.child.pid,
    dialpadEmulator: dialpad.child.pid,
  });
  log(`all sessions ready; measuring ${args.seconds} s`);

  await loadgen.next('windowEnd', (args.seconds + 120) * 1000);
  const cpuWaits = stopWaits();
  const cpu1 = cpuAt();
  const wakes1 = wakesAt();
  const throttled1 = caps.map((c) => c.throttling());
  const m1 = machineTicks();
  const windowMs = now() - t0;
  const stallWindow = { fromUs: window0Us, toUs: Number(process.hrtime.bigint() / 1000n) };
  const commandStats = parseCommandStats(String(await redis.info('commandstats')));
  const text1 = await scrapeText();
  const metrics1 = text1.map(loopAndGcOfMetrics);
  const blocksAndGc = text1.map((t, i) => blocksAndGcBetween(text0[i] ?? '', t));
  loadgen.send({ type: 'windDown' });
  log('window over; winding down (PAUSE, last dispositions, STOP)');
  const result: LoadgenResult = (await loadgen.next('done', 180_000)).result;
  const loadEnd = now();

  // Drain: every accepted disposition must land in the emulator's sheet.
  const journalOf = async () => {
    sheets.send({ type: 'journal' });
    return (await sheets.next('journal', 60_000)).journal;
  };
  let landed = landingTimes(result.accepted, await journalOf());
  const drainDeadline = Date.now() + args.drainTimeoutSeconds * 1000;
  while (landed.some((t) => t === null) && Date.now() < drainDeadline) {
    await new Promise((r) => setTimeout(r, 1000));
    landed = landingTimes(result.accepted, await journalOf());
  }
  const drainEnd = now();
  const drainS = landed.some((t) => t === null) ? null : Math.max(0, (drainEnd - loadEnd) / 1000);
  const sheetsCounts = (await (await fetch(new URL('__emulator/requests', sheetsUrl))).json()) as {
    counts: Record<string, number>;
    entries: SheetsRequestEntry[];
  };
  // The flusher's failures from the window's start to the drain's end (our own budget: `quota`).
  const flushFailures = (await scrapeText()).map((t, i) =>
    countersBetween(flushFailuresOfMetrics(text0[i] ?? ''), flushFailuresOfMetrics(t)),
  );
  dialpad.send({ type: 'deliveries' });
  const deliveries = (await dialpad.next('deliveries', 60_000)) as Extract<
    ChildMessage,
    { type: 'deliveries' }
  >;

  const rssMb = coordinators.map((c) => peakRssMbOf(c.child.pid));
  // Graceful stops, so each --cpu-prof profile is written.
  const stopped = [...coordinators, ...(observer ? [observer] : []), sheets, dialpad];
  await Promise.all(stopped.map((c) => stopGracefully(c, 20_000)));
  for (const c of caps) if (!c.release()) log(`could not remove ${c.dir}`);
  for (const c of stopped) log(`${c.name} exited: code ${c.child.exitCode} signal ${c.child.signalCode}`);
  killAll();
  redis.disconnect();
  rmSync(redisDir, { recursive: true, force: true });

  const cycles = result.dispositionsInWindow;
  const coordCpuMsEach = coordinators.map((_c, i) => (cpu1[i] ?? 0) - (cpu0[i] ?? 0));
  const coordCpuMs = coordCpuMsEach.reduce((a, b) => a + b, 0);
  const n = coordinators.length;
  const observerCpuMs = observer ? (cpu1[n] ?? 0) - (cpu0[n] ?? 0) : null;
  const sheet = sheetFigures(result.accepted, landed, result.windowStart);
  const sheetsRequests = Object.values(sheetsCounts.counts).reduce((a, b) => a + b, 0);
  const redisCycle = redisPerCycle(commandStats, cycles);
  const webhookLat = webhookToShowDispo(new Map(deliveries.endingSentAt), new Map(result.showDispoAt));
  const tail = tailReport(
    coordinators.map((c) => readFileSync(c.logFile, 'utf8')),
    result,
    deliveries,
    cpuWaits,
  );
  const errors =
    Object.entries(result.errors)
      .filter(([k]) => !k.startsWith('waited:') && !k.startsWith('retried:'))
      .reduce((n, [, c]) => n + c, 0) + deliveries.failed;
  const names = measured.map((p) => p.name);
  const report = {
    agents: args.agents,
    instances: args.instances,
    pace: args.pace,
    seconds: args.seconds,
    warmupS: args.warmupS,
    dispositions: cycles,
    dispositionsPerSecond: round(cycles / (windowMs / 1000), 2),
    dispoToNextCallMs: percentiles(result.dispoToNextCallMs),
    dispoToCallPlacedMs: percentiles(result.dispoToCallPlacedMs),
    webhookToShowDispoMs: percentiles(webhookLat),
    sessionStartMs: percentiles(result.sessionStartMs),
    allSessionsReadyS: result.allSessionsReadyS === null ? null : round(result.allSessionsReadyS, 1),
    sessionsReady: result.sessionsReady,
    redisCommandsPerCycle: redisCycle.total,
    redisTopCommandsPerCycle: redisCycle.top,
    // Per second of the window (the same arithmetic with seconds for cycles): the background's share.
    redisCommandsPerSecond: redisPerCycle(commandStats, windowMs / 1000),
    // Every command by name, per cycle and per second of the window (scripts' inner calls included).
    redisCommandsByName: {
      perCycle: redisByName(commandStats, cycles),
      perSecond: redisByName(commandStats, windowMs / 1000),
    },
    coordinatorCpuMsPerCycle: cycles ? round(coordCpuMs / cycles, 2) : null,
    // Each instance's CPU over ALL the window's cycles: with 2 instances, their sum against 1 instance's
    // figure is what running a second instance costs per cycle (every notice reaches both, more timers).
    coordinatorCpuMsPerCycleByInstance: cycles ? coordCpuMsEach.map((ms) => round(ms / cycles, 2)) : null,
    // --observer: the idle instance's CPU per cycle of the others, and per second (its own timers).
    observerCpuMsPerCycle: observerCpuMs === null || !cycles ? null : round(observerCpuMs / cycles, 3),
    observerCpuMsPerSecond: observerCpuMs === null ? null : round(observerCpuMs / (windowMs / 1000), 1),
    // --coordinator-cpus: the cap asked for, whether it held, and how often each coordinator hit it.
    coordinatorCpuCap:
      capCpus === null
        ? null
        : {
            cpusPerCoordinator: capCpus,
            periodUs: CAP_PERIOD_US,
            applied: caps.filter(Boolean).length === started.length && caps.every((c) => c.reason === null),
            reason: caps.find((c) => c.reason !== null)?.reason ?? null,
            throttledInWindow: caps.map((c, i) => {
              const a = throttled0[i];
              const b = throttled1[i];
              return c.reason === null && a && b ? throttlingBetween(a, b) : null;
            }),
          },
    // Per coordinator: its event-loop thread's wakeups (voluntary context switches) and preemptions, and
    // its read/write syscalls, per cycle and per second of the window: at a low rate most messages are a
    // wakeup of their own, and each wakeup has a cost of its own (docs/performance.md, bench/wakeup-cost.ts).
    coordinatorWakeups: coordinators.map((_c, i) =>
      wakesBetween(
        wakes0[i] ?? { wakeups: 0, preemptions: 0, readWriteSyscalls: 0 },
        wakes1[i] ?? { wakeups: 0, preemptions: 0, readWriteSyscalls: 0 },
        cycles,
        windowMs / 1000,
      ),
    ),
    // What the sessions cost with no cycle at all shows here with `--pace idle`.
    coordinatorCpuMsPerSecond: round(coordCpuMs / (windowMs / 1000), 1),
    coordinatorRssMb: Math.max(...rssMb),
    coordinatorEventLoopDelayMs: metrics1.map((m) => m.loopDelayMs),
    coordinatorEventLoopBlocks: blocksAndGc.map((b) => b.blocks),
    coordinatorGcPauses: blocksAndGc.map((b) => b.gc),
    coordinatorGcMsPerCycle: cycles
      ? round(
          (1000 * metrics1.reduce((t, m, i) => t + m.gcSeconds - (metrics0[i]?.gcSeconds ?? 0), 0)) / cycles,
          2,
        )
      : null,
    sheetsRequestsPerDisposition: sheet.measured ? round(sheetsRequests / sheet.measured, 3) : null,
    sheetsRequests: sheetsCounts.counts,
    sheetLagMs: sheet.lagMs,
    // What explains the lag: per 10-s window of acceptance, the late ones' acceptance times, and what Sheets
    // received from the window's start to the drain's end (docs/performance.md "What each figure is").
    sheetFlush: {
      lag: sheetLagDetail(result.accepted, landed, result.windowStart, 10, Math.ceil(args.seconds / 10)),
      requests: sheetsRequestTimeline(sheetsCounts.entries, t0, drainEnd, 10),
      byQuotaMinute: byQuotaMinute([...sheetsBefore.entries, ...sheetsCounts.entries], t0),
      flushFailures,
    },
    drainS: drainS === null ? null : round(drainS, 1),
    errors,
    errorsByKind: {
      ...result.errors,
      ...(deliveries.failed ? { 'webhook:failedDeliveries': deliveries.failed } : {}),
    },
    lostDispositions: sheet.lost,
    acceptedDispositions: result.accepted.length,
    agentsNotStopped: result.agentsNotStopped,
    loadGeneratorEventLoopDelayMs: result.eventLoopDelayMs,
    tail,
    supervisorConsoles: result.supervisorConsoles,
    floors: { httpPostMs: floors.httpPostMs, redisPingMs: floors.redisPingMs },
    cpuPercentOfOneCore: cpuShares(
      names.map((name, i) => ({ name, cpuMs: (cpu1[i] ?? 0) - (cpu0[i] ?? 0) })),
      windowMs,
      { busyDelta: m1.busy - m0.busy, totalDelta: m1.total - m0.total },
    ),
    ...(profileDir
      ? {
          profile: [...coordinators, ...(observer ? [observer] : []), dialpad, sheets].map((c) => {
            try {
              const isCoordinator = c.name.startsWith('coord') || c.name === 'observer';
              const n = isCoordinator ? 20 : 8;
              const file = mainProfileIn(join(profileDir, c.name));
              return {
                process: c.name,
                ...topSelfTime(file, n),
                // The measured window's stalls of 10 ms or more, what each was made of.
                ...(isCoordinator ? { stalls: stallsOfFile(file, 10, 8, stallWindow) } : {}),
              };
            } catch (e) {
              return { process: c.name, error: e instanceof Error ? e.message : String(e) };
            }
          }),
        }
      : {}),
    runDir,
  };
  return report;
}

/** The tail report's shorter windows (report.ts tailOverWindows). */
const TAIL_WINDOWS = 6;

/** What the slow requests of the window waited for (report.ts attributeTail), over 10 ms (issue 13's
 *  target) and over each latency's own p99: a coordinator GC pause, a coordinator event-loop block (by the
 *  background jobs running then), the load generator's own block, the Dialpad emulator's, or none of them. */
function tailReport(
  coordinatorLogs: readonly string[],
  result: LoadgenResult,
  deliveries: Extract<ChildMessage, { type: 'deliveries' }>,
  cpuWaits: Record<string, Interval[]>,
): Record<string, unknown> {
  const stalls = coordinatorLogs.map(coordinatorStallsOfLog);
  const blockKeys = [...new Set(stalls.flatMap((s) => Object.keys(s.blocks)))].sort();
  const sources = [
    { name: 'coordinatorGc', intervals: stalls.flatMap((s) => s.gc) },
    ...blockKeys.map((k) => ({
      name: `coordinatorBlock:${k}`,
      intervals: stalls.flatMap((s) => s.blocks[k] ?? []),
    })),
    { name: 'coordinatorCpuWait', intervals: cpuWaits.coordinator ?? [] },
    { name: 'loadGenerator', intervals: result.loopBlocks },
    { name: 'loadGeneratorCpuWait', intervals: cpuWaits.loadGenerator ?? [] },
    { name: 'redisCpuWait', intervals: cpuWaits.redis ?? [] },
    { name: 'dialpadEmulator', intervals: deliveries.loopBlocks },
    { name: 'dialpadEmulatorCpuWait', intervals: cpuWaits.dialpadEmulator ?? [] },
  ];
  const sent = new Map(deliveries.endingSentAt);
  const dispo = result.dispoSentAt.map((at, i) => [at, result.dispoToNextCallMs[i] ?? 0] as const);
  const hook = result.showDispoAt.flatMap(([callId, at]) => {
    const s = sent.get(callId);
    return s === undefined ? [] : [[s, at - s] as const];
  });
  const windowMs = result.windowEnd - result.windowStart;
  const of = (samples: (readonly [number, number])[]) => {
    const p99 = percentiles(samples.map(([, ms]) => ms))?.p99 ?? 0;
    return {
      over10ms: attributeTail(samples, 10, sources),
      overP99: attributeTail(samples, p99, sources),
      // Six windows of a 60-s run (10 s each): a tail measure that a single burst moves less.
      windows: tailOverWindows(samples, result.windowStart, windowMs / TAIL_WINDOWS, TAIL_WINDOWS),
    };
  };
  return {
    dispoToNextCall: of(dispo),
    webhookToShowDispo: of(hook),
    coordinatorGcPausesLogged: stalls.reduce((n, s) => n + s.gc.length, 0),
    // Waits for a core of 2 ms or more in the window, per process: how many and their sum (ms).
    cpuWaits: Object.fromEntries(
      Object.entries(cpuWaits).map(([k, v]) => [
        k,
        {
          count: v.length,
          ms: round(
            v.reduce((t, [, ms]) => t + ms, 0),
            0,
          ),
        },
      ]),
    ),
  };
}

/** Issue 13's max-pace target: p99 within this at the highest rate the machine reaches. */
const SWEEP_P99_LIMIT_MS = 50;

/**
 * `--sweep a,b,c`: one full run per agent count (a fresh stack each, so no step inherits another's heap or
 * queue), one row each, and the highest rate whose p99s stayed within 50 ms. A closed loop of N agents
 * queues by construction (p99 ≈ N / rate once the coordinator is saturated), so the rate that keeps p99
 * within the limit is found by varying N, not by one large N.
 */
async function sweep(args: BenchArgs, counts: number[]): Promise<Record<string, unknown>> {
  const rows = [];
  for (const agents of counts) {
    log(`sweep: ${agents} agents`);
    const r = await run({
      ...args,
      agents,
      rampSeconds: args.rampGiven ? args.rampSeconds : defaultRampSeconds(agents),
    });
    const row = SweepRowSchema.parse(r);
    rows.push(row);
    log(
      `sweep: ${agents} agents, ${row.dispositionsPerSecond}/s, p99 ${row.dispoToNextCallMs?.p99} / ${row.webhookToShowDispoMs?.p99} ms`,
    );
  }
  const best = highestRateWithin(rows, SWEEP_P99_LIMIT_MS);
  return {
    sweep: counts,
    instances: args.instances,
    pace: args.pace,
    seconds: args.seconds,
    warmupS: args.warmupS,
    p99LimitMs: SWEEP_P99_LIMIT_MS,
    highestRateWithinLimit: best
      ? { agents: best.agents, dispositionsPerSecond: best.dispositionsPerSecond }
      : null,
    rows,
  };
}

async function main(): Promise<void> {
  let args: BenchArgs;
  try {
    args = parseBenchArgs(process.argv.slice(2).filter((a) => a !== '--'));
  } catch (e) {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(2);
  }
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      log(`${sig}: killing every child process`);
      killAll();
      process.exit(130);
    });
  }
  process.once('exit', killAll);
  try {
    const report = args.sweep ? await sweep(args, args.sweep) : await run(args);
    const dir = join(REPO_ROOT, 'bench', 'results');
    mkdirSync(dir, { recursive: true });
    const what = args.sweep ? `sweep-${args.sweep.join('_')}a` : `${args.agents}a`;
    const file = join(
      dir,
      `load-${what}-${args.instances}i-${args.pace}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`,
    );
    const text = JSON.stringify(report, null, 2);
    writeFileSync(file, `${text}\n`);
    process.stdout.write(`${text}\n`);
    log(`written to ${file}`);
  } catch (e) {
    killAll();
    process.stderr.write(`bench:load failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 1;
  }
}

void main();
