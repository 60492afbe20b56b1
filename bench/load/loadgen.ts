// The load generator process: measures the floors (keep-alive HTTP POST to a bare Node server, Redis PING),
// then starts the agents spread over the ramp, tells the orchestrator when every session is ready, runs the
// measured window when told to, winds down (PAUSE, last disposition, STOP) and sends its samples back.
import { createHistogram } from 'node:perf_hooks';
import Redis from 'ioredis';
import { mintToken } from '../../server/src/cli/mint-token.js';
import { type AgentMetrics, BenchAgent } from './agent.js';
import { benchAgents } from './fixture.js';
import { openConsoles } from './supervisor-consoles.js';
import { JsonHttpClient } from './http-client.js';
import { childConfig, LoadgenConfigSchema, onParent, type ParentMessage, toParent } from './messages.js';
import { recordLoopBlocks } from './loop-blocks.js';
import { percentiles, round } from './report.js';

const cfg = childConfig(LoadgenConfigSchema);
const now = (): number => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const inbox: ParentMessage[] = [];
let wake: (() => void) | null = null;
onParent((m) => {
  inbox.push(m);
  wake?.();
});
async function waitFor(type: ParentMessage['type']): Promise<void> {
  for (;;) {
    const i = inbox.findIndex((m) => m.type === type);
    if (i >= 0) {
      inbox.splice(i, 1);
      return;
    }
    await new Promise<void>((r) => {
      wake = r;
    });
  }
}

async function floors(): Promise<void> {
  const http = new JsonHttpClient(`http://127.0.0.1:${cfg.floorPort}`);
  const httpSamples: number[] = [];
  for (let i = 0; i < 3300; i += 1) {
    const t0 = performance.now();
    await http.send('POST', '/floor', { n: i }, {});
    if (i >= 300) httpSamples.push(performance.now() - t0);
  }
  http.close();
  const redis = new Redis({ port: cfg.redisPort, host: '127.0.0.1' });
  const pingSamples: number[] = [];
  for (let i = 0; i < 3300; i += 1) {
    const t0 = performance.now();
    await redis.ping();
    if (i >= 300) pingSamples.push(performance.now() - t0);
  }
  redis.disconnect();
  toParent({ type: 'floors', httpPostMs: percentiles(httpSamples), redisPingMs: percentiles(pingSamples) });
}

async function main(): Promise<void> {
  await floors();
  const m: AgentMetrics = {
    windowStart: Number.POSITIVE_INFINITY,
    windowEnd: Number.POSITIVE_INFINITY,
    dispositionsInWindow: 0,
    dispoToNextCallMs: [],
    dispoSentAt: [],
    dispoToCallPlacedMs: [],
    showDispoAt: [],
    accepted: [],
    sessionStartMs: [],
    errors: {},
  };
  const clients = cfg.instances.map((u) => new JsonHttpClient(u));
  const env = { JWT_SECRET: cfg.jwtSecret };
  const agents = await Promise.all(
    benchAgents(cfg.agents).map(async (a, i) => {
      const { token } = await mintToken([a.email, '--ttl', '14400'], env, Date.now());
      const inst = i % cfg.instances.length;
      return new BenchAgent({
        email: a.email,
        http: clients[inst] as JsonHttpClient,
        baseUrl: cfg.instances[inst] as string,
        token,
        metrics: m,
        // Idle: the calls outlast the window; the hangup at the end brings SHOW_DISPO.
        showDispoTimeoutMs: cfg.pace === 'max' ? 30_000 : cfg.pace === 'idle' ? 7_200_000 : 60_000,
        hangUpAtStop: cfg.pace === 'idle',
        startDeadline: now() + (cfg.rampSeconds + cfg.startTimeoutSeconds) * 1000,
      });
    }),
  );
  const firstStart = now();
  const stepMs = agents.length > 1 ? (cfg.rampSeconds * 1000) / (agents.length - 1) : 0;
  const runs: Promise<void>[] = [];
  let failedStarts = 0;
  const started = agents.map(async (agent, i) => {
    await sleep(i * stepMs);
    try {
      await agent.start();
      runs.push(agent.run());
    } catch (e) {
      failedStarts += 1;
      const kind = `start:${e instanceof Error ? e.message.replace(/^\S+: /, '') : 'failed'}`;
      m.errors[kind] = (m.errors[kind] ?? 0) + 1;
    }
  });
  await Promise.all(started);
  const readyTimes = agents.map((a) => a.readyAt).filter((t): t is number => t !== null);
  const allSessionsReadyS =
    failedStarts === 0 && readyTimes.length ? (Math.max(...readyTimes) - firstStart) / 1000 : null;
  // Supervisor consoles watch the whole window (their cost shows in the coordinator's CPU per cycle); with
  // a warm-up they open before it, so their first snapshot and warm-up are not measured either.
  const openWatching = () =>
    cfg.supervisors > 0 ? openConsoles(cfg.supervisors, cfg.instances[0] as string, cfg.jwtSecret) : null;
  const early = cfg.warmupS > 0 ? await openWatching() : null;
  toParent({ type: 'sessionsReady' });

  await waitFor('go');
  const consoles = early ?? (await openWatching());
  const consoleCounts0 = consoles ? { ...consoles.counts } : null;
  // The load generator's own event-loop delay in the window (its 5-ms block timer's lateness): if it is
  // high, the latencies include it.
  const loopDelay = createHistogram();
  const loopBlocks = recordLoopBlocks(5, loopDelay);
  m.windowStart = now();
  m.windowEnd = m.windowStart + cfg.seconds * 1000;
  await sleep(cfg.seconds * 1000);
  const eventLoopDelayMs = {
    p50: round(loopDelay.percentile(50) / 1e6),
    p99: round(loopDelay.percentile(99) / 1e6),
    max: round(loopDelay.max / 1e6),
  };
  const supervisorConsoles =
    consoles && consoleCounts0
      ? {
          sockets: consoles.counts.sockets,
          diffs: consoles.counts.diffs - consoleCounts0.diffs,
          bytes: consoles.counts.bytes - consoleCounts0.bytes,
          gaps: consoles.counts.gaps,
        }
      : null;
  consoles?.close();
  toParent({ type: 'windowEnd' });
  await waitFor('windDown');
  await Promise.all(agents.map((a) => a.stop()));
  const windDownMs = cfg.pace === 'max' ? 20_000 : 60_000;
  let notStopped = runs.length;
  const countStopped = () => {
    notStopped -= 1;
  };
  await Promise.race([Promise.all(runs.map((r) => r.then(countStopped))), sleep(windDownMs)]);
  toParent({
    type: 'done',
    result: {
      windowStart: m.windowStart,
      windowEnd: m.windowEnd,
      dispositionsInWindow: m.dispositionsInWindow,
      dispoToNextCallMs: m.dispoToNextCallMs,
      dispoSentAt: m.dispoSentAt,
      loopBlocks: loopBlocks(),
      dispoToCallPlacedMs: m.dispoToCallPlacedMs,
      showDispoAt: m.showDispoAt,
      accepted: m.accepted,
      sessionStartMs: m.sessionStartMs,
      allSessionsReadyS,
      sessionsReady: readyTimes.length,
      errors: m.errors,
      agentsNotStopped: notStopped,
      eventLoopDelayMs,
      supervisorConsoles,
    },
  });
  for (const c of clients) c.close();
  // The orchestrator kills this process once it has the result.
}

main().catch((e: unknown) => {
  toParent({ type: 'failed', error: e instanceof Error ? (e.stack ?? e.message) : String(e) });
  process.exitCode = 1;
});
