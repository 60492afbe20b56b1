// What one disposition cycle costs the coordinator: Redis commands (INFO commandstats, script inner calls
// included), Redis round trips per request (top-level commands seen by MONITOR) and coordinator CPU
// (/proc/<pid>/stat of the coordinator child process, and per thread from /proc/<pid>/task). One cycle = 4
// signed webhooks (calling, ringing, connected, hangup) → SHOW_DISPO on the agent's socket → the disposition,
// whose answer carries the chained dial. The coordinator runs as its own process in production mode for
// everything but login (demo login), on a throw-away redis-server, with the Sheets and Dialpad emulators in
// this process (the Dialpad emulator's own webhooks go to a sink: this script posts the four itself, so every
// cycle is exactly the same). The agents, their tabs (`--leads` leads each) and the campaign rules are the
// load benchmark's (bench/load/fixture.ts), so a cycle here is a max-pace cycle there.
//
// The figure: after `--warmup` cycles per agent (start-up, JIT and the first tab loads stay out), `--rounds`
// windows of `--cycles` cycles per agent each, CPU read from /proc at each window's edges only; the median
// round is `coordinatorCpuMsPerCycle`, every round is listed. Redis commands per cycle come from the same
// windows (commandstats); round trips from one more short round under MONITOR (which slows Redis, so it is
// kept out of the CPU windows).
//
//   npx tsx bench/cycle-cost.ts [--agents 3] [--leads 100] [--warmup 200] [--cycles 300] [--rounds 3]
//                               [--count-cycles 30] [--cpu-prof dir] [--heap-prof dir] [--trace]
//                               [--node-args "--flag …"]
//
// `--heap-prof dir`: samples every allocation of the coordinator during the measured rounds (V8's sampling
// heap profiler over the inspector, collected objects included: bench/heap-sampling.ts), saves the
// .heapprofile in dir and adds `allocationSites` (the top sites in bytes per cycle) to the JSON. The sampling
// slows the coordinator: read CPU figures from a run without it.
//
// `--node-args` adds flags to the coordinator's node (e.g. "--max-semi-space-size=64"), to test a hypothesis
// against the same cycles.
//
// Prints one JSON object. Closed loop: each agent runs its cycles back to back, agents in parallel.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createInterface } from 'node:readline';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { SignJWT } from 'jose';
import { pino } from 'pino';
import WebSocket from 'ws';
import { HTTP_API, type ResponseBody, type RouteName } from '../src-shared/contracts/http.js';
import type { NextStep } from '../src-shared/contracts/views.js';
import { ServerMessageSchema, WS_PROTOCOL_VERSION } from '../src-shared/contracts/ws.js';
import { startDialpadEmulator } from '../server/emulators/dialpad/server.js';
import { startSheetsEmulator } from '../server/emulators/sheets/server.js';
import {
  BENCH_CAMPAIGN_RULES,
  BENCH_SPREADSHEET_ID,
  benchAgents,
  benchSheetsFixture,
} from './load/fixture.js';
import { freePort, startRedisServer } from '../server/src/redis/redis-server.js';
import { type HeapProfile, startHeapSampling, topAllocationSites } from './heap-sampling.js';
import { numberArg, stringArg } from './cli-args.js';

const CYCLES = numberArg('cycles', 300);
const AGENTS = numberArg('agents', 3);
const WARMUP = numberArg('warmup', 200);
const ROUNDS = numberArg('rounds', 3);
const COUNT_CYCLES = numberArg('count-cycles', 30);
const LEADS = numberArg('leads', 100);
const CPU_PROF = stringArg('cpu-prof');
const HEAP_PROF = stringArg('heap-prof');
/** --trace: also print every command MONITOR saw (source, first arguments), to see what a cycle does. */
const TRACE = process.argv.includes('--trace');
const SECRET = 'bench-webhook-secret';
const silent = pino({ level: 'silent' });

/** utime + stime of a process, in ms (Linux /proc). */
function cpuMsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks * 1000) / 100; // USER_HZ is 100 on Linux
}

/** utime + stime per thread name of a process, in ms (Linux /proc/<pid>/task). */
function threadCpuMs(pid: number): Map<string, number> {
  const out = new Map<string, number>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const name = readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim();
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const key = tid === String(pid) ? 'main' : name;
      out.set(key, (out.get(key) ?? 0) + ((Number(f[11]) + Number(f[12])) * 1000) / 100);
    } catch {
      // the thread ended between the listing and the read
    }
  }
  return out;
}

function commandStats(info: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const m of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) out.set(m[1] as string, Number(m[2]));
  return out;
}

async function json(url: string, init: RequestInit & { token?: string; key?: string } = {}) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  if (init.key) headers['idempotency-key'] = init.key;
  const res = await fetch(url, { ...init, headers });
  const body: unknown = await res.json();
  if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${url}: ${res.status} ${JSON.stringify(body)}`);
  return body;
}

class Agent {
  token = '';
  ws: WebSocket | null = null;
  readonly #waiters = new Map<string, () => void>();
  requests = 0;
  constructor(
    readonly email: string,
    readonly dialpadUserId: string,
    readonly base: string,
  ) {}

  async post<N extends RouteName>(name: N, body: unknown): Promise<ResponseBody<N>> {
    const route = HTTP_API[name];
    this.requests += 1;
    const r = await json(`${this.base}${route.path}`, {
      method: 'POST',
      body: JSON.stringify(body),
      token: this.token,
      ...(route.idempotent ? { key: randomUUID() } : {}),
    });
    return route.response.parse(r) as ResponseBody<N>;
  }

  async start(): Promise<NextStep> {
    const login = HTTP_API.login.response.parse(
      await json(`${this.base}/auth/login`, {
        method: 'POST',
        body: JSON.stringify({ demoEmail: this.email }),
      }),
    );
    this.token = login.accessToken;
    const snap = await this.post('sessionStart', {});
    const { ticket } = await this.post('wsTicket', {});
    const ws = new WebSocket(`${this.base.replace(/^http/, 'ws')}/ws`);
    this.ws = ws;
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    const hello = new Promise<void>((resolve) => this.#waiters.set('HELLO', resolve));
    ws.on('message', (data) => {
      const m = ServerMessageSchema.parse(JSON.parse(String(data)));
      const key =
        m.type === 'EVENT' ? `${m.event.type}:${'call' in m.event ? m.event.call.callId : ''}` : m.type;
      const w = this.#waiters.get(key);
      if (w) {
        this.#waiters.delete(key);
        w();
      }
    });
    ws.send(JSON.stringify({ type: 'AUTH', v: WS_PROTOCOL_VERSION, ticket, lastSeq: snap.wsSeq }));
    await hello;
    return (await this.post('sessionState', { state: 'PLAY' })).next;
  }

  showDispo(callId: string): Promise<void> {
    return new Promise((resolve) => this.#waiters.set(`SHOW_DISPO:${callId}`, resolve));
  }
}

let dialpadCallSeq = 9_000_000;
async function webhook(base: string, event: Record<string, unknown>): Promise<void> {
  const jwt = await new SignJWT(event)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .sign(new TextEncoder().encode(SECRET));
  const res = await fetch(`${base}/events/dialpad`, {
    method: 'POST',
    headers: { 'content-type': 'application/jwt' },
    body: jwt,
  });
  await res.arrayBuffer();
  if (!res.ok) throw new Error(`webhook ${event.state}: ${res.status}`);
}

/** One full cycle for the agent's current call; returns the chained next step. */
async function cycle(a: Agent, base: string, step: NextStep): Promise<NextStep> {
  if (step.kind !== 'call') throw new Error(`expected a call, got ${JSON.stringify(step)}`);
  const { callId, sessionId } = step.call;
  const dpId = String(dialpadCallSeq++);
  const t = Date.now();
  const common = {
    call_id: dpId,
    direction: 'outbound',
    custom_data: JSON.stringify({ td: 1, callId, sessionId }),
    target: { id: a.dialpadUserId, type: 'user' },
    date_started: t,
  };
  const shown = a.showDispo(callId);
  for (const [state, extra] of [
    ['calling', {}],
    ['ringing', { date_rang: t + 1 }],
    ['connected', { date_rang: t + 1, date_connected: t + 2 }],
    ['hangup', { date_rang: t + 1, date_connected: t + 2, date_ended: t + 3 }],
  ] as const) {
    a.requests += 1;
    await webhook(base, { ...common, state, event_timestamp: t + Object.keys(extra).length, ...extra });
  }
  await shown;
  const r = await a.post('disposition', { callId, code: 'NO_ANSWER' });
  return r.next;
}

async function main(): Promise<void> {
  const redisServer = await startRedisServer({ appendOnly: false, install: true });
  const sink = createServer((_req, res) => res.writeHead(200).end());
  await new Promise<void>((r) => sink.listen(0, '127.0.0.1', () => r()));
  const sinkUrl = `http://127.0.0.1:${(sink.address() as AddressInfo).port}/`;
  const agents = benchAgents(AGENTS);
  const leadsPerAgent = LEADS;
  const sheets = await startSheetsEmulator({
    host: '127.0.0.1',
    seed: benchSheetsFixture(AGENTS, leadsPerAgent, { supervisor: true }),
    logger: silent,
  });
  const dialpad = await startDialpadEmulator({
    host: '127.0.0.1',
    apiKeys: ['bench-key'],
    users: agents.map((a) => ({ id: a.dialpadUserId, name: a.name, email: a.email })),
    webhook: { url: sinkUrl, secret: SECRET },
    timings: { dialMs: 600_000, ringMs: 600_000, talkMs: 600_000, noAnswerMs: 600_000, jitter: 0 },
    outcomes: { default: 'manual' },
    rateLimitPerMin: null,
    rejectWhenBusy: false,
    logger: silent,
  });
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const env = {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    DEMO_MODE: '1',
    LOG_LEVEL: 'warn',
    REDIS_URL: redisServer.url,
    SHEETS_ROOT_URL: sheets.url,
    SHEETS_ACCESS_TOKEN: 'bench-token',
    ROUTER_SPREADSHEET_ID: BENCH_SPREADSHEET_ID,
    DIALPAD_BASE_URL: dialpad.url,
    DIALPAD_API_KEY: 'bench-key',
    DIALPAD_WEBHOOK_SECRET: SECRET,
    CAMPAIGN_RULES: JSON.stringify({ '*': { ...BENCH_CAMPAIGN_RULES['*'], previewCountdownSeconds: 0 } }),
    WEB_DIST_DIR: '/nonexistent-web-ui',
  };
  // --trace-gc-nvp: one stdout line per GC with the bytes allocated since the previous one (`allocated=`)
  // and the main thread's pause (`pause=`, ms): summed over a round, the bytes the cycles allocated and the
  // GC pauses they caused (to within the one GC that straddles each edge of the round).
  const inspectPort = HEAP_PROF ? await freePort() : 0;
  const nodeArgs = [
    ...(HEAP_PROF ? [`--inspect=127.0.0.1:${inspectPort}`] : []),
    '--import',
    'tsx',
    '--trace-gc-nvp',
    ...(CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir', CPU_PROF] : []),
    ...(stringArg('node-args') ?? '').split(' ').filter(Boolean),
  ];
  const coord: ChildProcess = spawn(process.execPath, [...nodeArgs, 'server/src/server.ts'], {
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const gc = { allocated: 0, pauseMs: 0, count: 0 };
  createInterface({ input: coord.stdout as NodeJS.ReadableStream }).on('line', (line) => {
    const allocated = /\ballocated=(\d+)/.exec(line);
    if (!allocated) {
      process.stderr.write(`${line}\n`); // its log lines: stdout is this script's JSON
      return;
    }
    gc.allocated += Number(allocated[1]);
    gc.pauseMs += Number(/\bpause=([\d.]+)/.exec(line)?.[1] ?? 0);
    gc.count += 1;
  });
  const cleanup = async () => {
    if (coord.exitCode === null) {
      await new Promise<void>((r) => {
        coord.once('exit', () => r());
        coord.kill('SIGTERM');
      });
    }
    await dialpad.close();
    await sheets.close();
    await new Promise<void>((r) => sink.close(() => r()));
    await redisServer.stop();
  };
  try {
    for (let i = 0; ; i++) {
      if (coord.exitCode !== null) throw new Error('the coordinator exited during start-up');
      const ok = await fetch(`${base}/healthz`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) break;
      if (i > 300) throw new Error('the coordinator did not start');
      await new Promise((r) => setTimeout(r, 100));
    }
    const team = agents.map((a) => new Agent(a.email, a.dialpadUserId, base));
    const steps = await Promise.all(team.map((a) => a.start()));
    const run = async (n: number) =>
      Promise.all(
        team.map(async (a, i) => {
          for (let c = 0; c < n; c++) steps[i] = await cycle(a, base, steps[i] as NextStep);
        }),
      );
    await run(WARMUP);
    process.stderr.write(`cycle-cost: warm; coordinator pid ${coord.pid}, measuring\n`);

    // CPU rounds: nothing else watches Redis (no MONITOR), so the window holds only the cycles.
    const stats = new Redis(redisServer.url);
    const pid = coord.pid as number;
    const perCycleMs = (ms: number, cycles: number) => Math.round((ms / cycles) * 1000) / 1000;
    const rounds: {
      cpuMsPerCycle: number;
      mainThreadMsPerCycle: number;
      allocatedKbPerCycle: number;
      gcPauseMsPerCycle: number;
      cyclesPerSecond: number;
    }[] = [];
    const byThread = new Map<string, number>();
    let commands = 0;
    const info = new Map<string, number>();
    const sampling = HEAP_PROF ? await startHeapSampling(inspectPort) : null;
    for (let r = 0; r < ROUNDS; r++) {
      await stats.config('RESETSTAT');
      const cpu0 = cpuMsOf(pid);
      const th0 = threadCpuMs(pid);
      const gc0 = { ...gc };
      const t0 = performance.now();
      await run(CYCLES);
      const wallMs = performance.now() - t0;
      const cpu1 = cpuMsOf(pid);
      const th1 = threadCpuMs(pid);
      const gc1 = { ...gc };
      const cycles = CYCLES * team.length;
      for (const [k, v] of th1) byThread.set(k, (byThread.get(k) ?? 0) + v - (th0.get(k) ?? 0));
      rounds.push({
        cpuMsPerCycle: perCycleMs(cpu1 - cpu0, cycles),
        mainThreadMsPerCycle: perCycleMs((th1.get('main') ?? 0) - (th0.get('main') ?? 0), cycles),
        allocatedKbPerCycle: Math.round((gc1.allocated - gc0.allocated) / 1024 / cycles),
        gcPauseMsPerCycle: perCycleMs(gc1.pauseMs - gc0.pauseMs, cycles),
        cyclesPerSecond: Math.round((cycles / wallMs) * 1000 * 10) / 10,
      });
      for (const [cmd, calls] of commandStats(await stats.info('commandstats')))
        info.set(cmd, (info.get(cmd) ?? 0) + calls);
    }
    const measured = CYCLES * team.length * ROUNDS;
    let heapProfile: HeapProfile | null = null;
    if (sampling && HEAP_PROF) {
      heapProfile = await sampling.stop();
      mkdirSync(HEAP_PROF, { recursive: true });
      const file = join(HEAP_PROF, `cycle-cost-${Date.now()}.heapprofile`);
      writeFileSync(file, JSON.stringify(heapProfile));
      process.stderr.write(`cycle-cost: heap profile in ${file}\n`);
    }
    const ignore = new Set(['config|resetstat', 'info', 'monitor']);
    const perCycle: Record<string, number> = {};
    for (const [cmd, calls] of [...info].sort((x, y) => y[1] - x[1])) {
      if (ignore.has(cmd)) continue;
      commands += calls;
      perCycle[cmd] = Math.round((calls / measured) * 100) / 100;
    }

    // A counting round under MONITOR (it slows Redis and this process, so no CPU figure from it).
    const admin = new Redis(redisServer.url);
    const monitor = await admin.monitor();
    monitor.on('error', () => {});
    await new Promise((r) => setTimeout(r, 200)); // the connection settles in monitor mode first
    let topLevel = 0;
    let fromLua = 0;
    const byTopCommand = new Map<string, number>();
    const trace: string[] = [];
    monitor.on('monitor', (_time: string, args: string[], source: string) => {
      if (TRACE)
        trace.push(
          `${source === 'lua' ? '    lua' : 'top'} [${args.reduce((n, a) => n + String(a).length, 0)} B${args.some((a) => /[\u0100-\uffff]/.test(String(a))) ? ' two-byte' : ''}] ${args
            .map((a) =>
              String(a).length > 60 ? `${String(a).slice(0, 50)}…(${String(a).length})` : String(a),
            )
            .join(' ')
            .slice(0, 300)}`,
        );
      if (source === 'lua') fromLua += 1;
      else {
        topLevel += 1;
        const cmd = String(args[0]).toLowerCase();
        byTopCommand.set(cmd, (byTopCommand.get(cmd) ?? 0) + 1);
      }
    });
    for (const a of team) a.requests = 0;
    await run(COUNT_CYCLES);
    await new Promise((r) => setTimeout(r, 200)); // let MONITOR drain
    monitor.disconnect();
    const counted = COUNT_CYCLES * team.length;
    const requests = team.reduce((n, a) => n + a.requests, 0);
    const topPerCycle: Record<string, number> = {};
    for (const [cmd, n] of [...byTopCommand].sort((x, y) => y[1] - x[1]))
      if (cmd !== 'info' && cmd !== 'config') topPerCycle[cmd] = Math.round((n / counted) * 100) / 100;
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
    const threads: Record<string, number> = {};
    for (const [k, v] of [...byThread].sort((a, b) => b[1] - a[1]))
      if (v > 0) threads[k] = perCycleMs(v, measured);
    const result = {
      agents: team.length,
      leadsPerAgent: LEADS,
      warmupCyclesPerAgent: WARMUP,
      cyclesPerRound: CYCLES * team.length,
      rounds,
      coordinatorCpuMsPerCycle: median(rounds.map((r) => r.cpuMsPerCycle)),
      coordinatorMainThreadMsPerCycle: median(rounds.map((r) => r.mainThreadMsPerCycle)),
      coordinatorCpuMsPerCycleByThread: threads,
      coordinatorAllocatedKbPerCycle: median(rounds.map((r) => r.allocatedKbPerCycle)),
      coordinatorGcPauseMsPerCycle: median(rounds.map((r) => r.gcPauseMsPerCycle)),
      cyclesPerSecond: median(rounds.map((r) => r.cyclesPerSecond)),
      loadAverage1m: Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]),
      requestsPerCycle: requests / counted,
      redisCommandsPerCycle: Math.round((commands / measured) * 10) / 10,
      redisTopLevelCommandsPerCycle: Math.round((topLevel / counted) * 10) / 10,
      redisLuaInnerCommandsPerCycle: Math.round((fromLua / counted) * 10) / 10,
      redisRoundTripsPerRequestUpperBound: Math.round((topLevel / requests) * 100) / 100,
      commandsPerCycle: perCycle,
      topLevelCommandsPerCycle: topPerCycle,
      ...(heapProfile ? { allocationSites: topAllocationSites(heapProfile, measured) } : {}),
    };
    admin.disconnect();
    stats.disconnect();
    if (TRACE) process.stderr.write(`${trace.join('\n')}\n`);
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } finally {
    await cleanup();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(
      `cycle-cost failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    process.exit(1);
  },
);
