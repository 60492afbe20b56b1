// What the coordinator's HTTP and WebSocket layer costs per cycle, apart from the dialer's own work: the real
// app (createApp: Express, request context, auth, zod, idempotency, the webhook route and its JWT check) and
// WebSocket hub on a throw-away redis-server, with a service that does nothing but claim each webhook and
// announce the cycle's events on the real Redis event bus (the steps and event counts of a real cycle:
// CALL_STATE ×3, then CALL_STATE + SHOW_DISPO + STATS on hangup, then CALL_STATE + STATS on disposition).
// The server runs as its own process; its CPU (/proc/<pid>/stat) over the measured cycles is the figure.
// The floor, measured in the same run right after it by the same agents: a bare node:http + ws server
// (--floor) answering the same requests with bodies of the same sizes and sending the same frames, with no
// app at all (no auth, no zod, no Redis, no idempotency; it reads the agent from the webhook's JWT payload
// unverified). `ratioToFloor` = app / floor: what the coordinator's HTTP and WebSocket layer costs above
// Node's own HTTP, sockets and JSON.
//
//   npx tsx bench/http-cost.ts [--cycles 2000] [--agents 3] [--warmup 300] [--cpu-prof dir]
//
// Prints one JSON object: server CPU per cycle and per request, requests and WebSocket frames per cycle,
// for the app and the floor.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Agent, createServer, request, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';
import WebSocket, { WebSocketServer } from 'ws';
import type { DialpadCallEvent } from '../src-shared/contracts/dialpad.js';
import type { CallView, LeadPreview, StatsView } from '../src-shared/contracts/views.js';
import { type AgentEvent, WS_PROTOCOL_VERSION } from '../src-shared/contracts/ws.js';
import { Hs256 } from '../server/src/auth/hs256.js';
import type { AgentPrincipal } from '../server/src/ports.js';
import { startRedisServer } from '../server/src/redis/redis-server.js';
import { routerEntry, startHarness, WEBHOOK_SECRET } from '../server/test/api/support/harness.js';
import { RecordingService } from '../server/test/api/support/recording-service.js';
import { numberArg, stringArg } from './cli-args.js';

const CYCLES = numberArg('cycles', 2000);
const AGENTS = numberArg('agents', 3);
const WARMUP = numberArg('warmup', 300);
const EMAILS = Array.from({ length: AGENTS }, (_, i) => `bench${i}@example.com`);

const stats = (n: number): StatsView => ({
  callsInitiated: n,
  callsCompleted: n,
  connects: n,
  dispositions: { CORRECT: 0, WRONG: 0, VM_SAME_NAME: 0, VM_OR_NA_UNKNOWN: 0, NO_ANSWER: n, DO_NOT_CALL: 0 },
  skips: 0,
  successRate: 0,
  dialsPerHour: 120,
  talkTimeSeconds: n * 3,
  leadsRemaining: 90,
  leadsTotal: 100,
});

const callView = (callId: string, state: CallView['state'], now: number): CallView => ({
  callId,
  sessionId: 'bench-session-0000-0000-000000000000',
  state,
  leadRowId: 'A0042',
  numberIndex: 0,
  phoneE164: '+12145550177',
  startedAt: now,
  ringingAt: state === 'DIALING' ? null : now,
  connectedAt: state === 'CONNECTED' || state === 'ENDED' ? now : null,
  endedAt: state === 'ENDED' ? now : null,
  endReason: state === 'ENDED' ? 'HANGUP' : null,
  suggestedDisposition: state === 'ENDED' ? 'NO_ANSWER' : null,
  timeoutAt: now + 600_000,
  callerId: '+12145550100',
});

/** A lead card as the disposition's chained call carries it (a few numbers, a few extra columns). */
const preview: LeadPreview = {
  lead: {
    rowId: 'A0042',
    rowNumber: 43,
    name: 'Jordan Example',
    numbers: Array.from({ length: 10 }, (_, index) => ({
      index,
      raw: index < 3 ? `(214) 555-01${70 + index}` : '',
      e164: index < 3 ? `+121455501${70 + index}` : null,
      status: index === 0 ? ('NO_ANSWER' as const) : ('NEW' as const),
      skipReason: null,
      retryAt: null,
    })),
    notes: 'Asked to call after lunch.',
    lastOutcome: 'NO_ANSWER',
    attemptCount: 3,
    nextIndex: 1,
    timeZone: null,
    extra: [
      { header: 'Company', value: 'Example Roofing LLC' },
      { header: 'City', value: 'Dallas' },
    ],
  },
  numberIndex: 1,
  window: {
    inWindow: true,
    timeZone: 'America/Chicago',
    localTime: '10:30',
    hours: 'Mon–Fri 08:00–21:00, Sat, Sun 09:00–20:00',
    zones: [{ timeZone: 'America/Chicago', abbreviation: 'CST', localTime: '10:30', inWindow: true }],
    source: 'PHONE',
    region: 'US-TX',
    rules: [],
    holiday: false,
    nextOpenAt: null,
  },
};

const event = (seq: number, at: number, e: AgentEvent): string =>
  JSON.stringify({ v: WS_PROTOCOL_VERSION, type: 'EVENT', seq, at, event: e });

/** The floor: node:http and ws with no app. Same answers (sizes and frames) as the app for this bench's
 *  requests; the agent is whoever the login body names, its ticket and token are its email. */
async function serveFloor(): Promise<void> {
  const sockets = new Map<string, WebSocket>();
  let n = 0;
  let seq = 0;
  const states: Record<string, CallView['state']> = {
    calling: 'DIALING',
    ringing: 'RINGING',
    connected: 'CONNECTED',
    hangup: 'ENDED',
  };
  const answer = (res: ServerResponse, body: string) => {
    res.writeHead(200, {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Length': Buffer.byteLength(body),
    });
    res.end(body);
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const bearer = (req.headers.authorization ?? '').slice('Bearer '.length);
      const now = Date.now();
      if (req.url === '/auth/login')
        return answer(res, JSON.stringify({ accessToken: JSON.parse(body).demoEmail }));
      if (req.url === '/ws/ticket') return answer(res, JSON.stringify({ ticket: bearer }));
      if (req.url === '/events/dialpad') {
        const e = JSON.parse(Buffer.from(body.split('.')[1] ?? '', 'base64url').toString('utf8'));
        const [email, callId] = String(e.custom_data).split('|') as [string, string];
        const call = callView(callId, states[e.state] ?? 'DIALING', now);
        const ws = sockets.get(email);
        ws?.send(event(++seq, now, { type: 'CALL_STATE', call }));
        if (call.state === 'ENDED') {
          ws?.send(event(++seq, now, { type: 'SHOW_DISPO', call, preview: null }));
          ws?.send(event(++seq, now, { type: 'STATS', stats: stats(++n) }));
        }
        return answer(res, JSON.stringify({ ok: true }));
      }
      if (req.url === '/disposition') {
        const input = JSON.parse(body) as { callId: string; code: string };
        const next = callView(randomUUID(), 'DIALING', now);
        const ws = sockets.get(bearer);
        ws?.send(event(++seq, now, { type: 'CALL_STATE', call: next }));
        ws?.send(event(++seq, now, { type: 'STATS', stats: stats(n) }));
        return answer(
          res,
          JSON.stringify({
            callId: input.callId,
            code: input.code,
            queuedCells: 4,
            next: { kind: 'call', call: next, preview },
          }),
        );
      }
      res.writeHead(404).end();
    });
  });
  const wss = new WebSocketServer({ server });
  wss.on('connection', (ws) => {
    ws.once('message', (data) => {
      const { ticket } = JSON.parse(String(data)) as { ticket: string };
      sockets.set(ticket, ws);
      ws.send(
        JSON.stringify({
          v: WS_PROTOCOL_VERSION,
          type: 'HELLO',
          agentEmail: ticket,
          serverSeq: 0,
          replayed: 0,
          instanceId: 'floor',
        }),
      );
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as AddressInfo;
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${port}`, pid: process.pid })}\n`);
  process.once('SIGTERM', () => process.exit(0));
}

/** The server side: the real app and hub, with a service that only announces a cycle's events. */
async function serve(redisUrl: string): Promise<void> {
  let n = 0;
  const states: Record<string, CallView['state']> = {
    calling: 'DIALING',
    ringing: 'RINGING',
    connected: 'CONNECTED',
    hangup: 'ENDED',
  };
  class BenchService extends RecordingService {
    override async onDialpadEvent(
      event: DialpadCallEvent,
      now: number,
      claim: (seen?: boolean) => Promise<boolean> = async () => true,
    ) {
      if (!(await claim())) return;
      const [email, callId] = String(event.custom_data).split('|') as [string, string];
      const call = callView(callId, states[event.state] ?? 'DIALING', now);
      const events: AgentEvent[] =
        call.state === 'ENDED'
          ? [
              { type: 'CALL_STATE', call },
              { type: 'SHOW_DISPO', call, preview: null },
              { type: 'STATS', stats: stats(++n) },
            ]
          : [{ type: 'CALL_STATE', call }];
      await harness.bus.publishAll(email, events, now);
    }
    override async dispose(agent: AgentPrincipal, input: { callId: string; code: 'NO_ANSWER' }) {
      const now = Date.now();
      const next = callView(randomUUID(), 'DIALING', now);
      await harness.bus.publishAll(
        agent.email,
        [
          { type: 'CALL_STATE', call: next },
          { type: 'STATS', stats: stats(n) },
        ],
        now,
      );
      return {
        callId: input.callId,
        code: input.code,
        queuedCells: 4,
        next: { kind: 'call' as const, call: next, preview },
      };
    }
  }
  const harness = await startHarness({
    redisUrl,
    router: EMAILS.map((e) => routerEntry(e)),
    service: new BenchService(),
  });
  process.stdout.write(`${JSON.stringify({ url: harness.url, pid: process.pid })}\n`);
  // A normal exit, so that --cpu-prof writes its profile.
  process.once('SIGTERM', () => {
    harness.close().finally(() => process.exit(0));
  });
}

function cpuMsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

const keepAlive = new Agent({ keepAlive: true, maxSockets: 64 });

/** One keep-alive POST; resolves with the status and body text. */
function post(url: string, body: string, headers: Record<string, string>): Promise<[number, string]> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        agent: keepAlive,
        headers: { ...headers, 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          text += c;
        });
        res.on('end', () => resolve([res.statusCode ?? 0, text]));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

class BenchAgent {
  frames = 0;
  requests = 0;
  #want = 0;
  #wake: (() => void) | null = null;
  token = '';
  constructor(
    readonly email: string,
    readonly url: string,
  ) {}

  async start(): Promise<void> {
    const [, login] = await post(`${this.url}/auth/login`, JSON.stringify({ demoEmail: this.email }), {
      'content-type': 'application/json',
    });
    this.token = (JSON.parse(login) as { accessToken: string }).accessToken;
    const [, t] = await post(`${this.url}/ws/ticket`, '{}', this.#auth());
    const { ticket } = JSON.parse(t) as { ticket: string };
    const ws = new WebSocket(`${this.url.replace(/^http/, 'ws')}/ws`);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    const hello = new Promise<void>((resolve) => ws.once('message', () => resolve()));
    ws.on('message', () => {
      this.frames += 1;
      if (this.#wake && this.frames >= this.#want) {
        const w = this.#wake;
        this.#wake = null;
        w();
      }
    });
    ws.send(JSON.stringify({ v: WS_PROTOCOL_VERSION, type: 'AUTH', ticket, lastSeq: null }));
    await hello;
  }

  #auth(): Record<string, string> {
    return { 'content-type': 'application/json', authorization: `Bearer ${this.token}` };
  }

  /** Waits until `n` more frames than `base` arrived. */
  #frames(base: number, n: number): Promise<void> {
    this.#want = base + n;
    if (this.frames >= this.#want) return Promise.resolve();
    return new Promise((resolve) => {
      this.#wake = resolve;
    });
  }

  async cycle(signer: Hs256, seq: number): Promise<void> {
    const callId = randomUUID();
    const base = this.frames;
    const t = Date.now();
    for (const state of ['calling', 'ringing', 'connected', 'hangup']) {
      const event: DialpadCallEvent = {
        call_id: `${seq}`,
        state,
        custom_data: `${this.email}|${callId}`,
        event_timestamp: t,
      };
      this.requests += 1;
      const [status] = await post(`${this.url}/events/dialpad`, signer.sign(event), {
        'content-type': 'application/jwt',
      });
      if (status !== 200) throw new Error(`webhook ${state}: ${status}`);
    }
    await this.#frames(base, 6);
    this.requests += 1;
    const [status, text] = await post(
      `${this.url}/disposition`,
      JSON.stringify({ callId, code: 'NO_ANSWER' }),
      { ...this.#auth(), 'idempotency-key': randomUUID() },
    );
    if (status !== 200) throw new Error(`disposition: ${status} ${text}`);
    await this.#frames(base, 8);
  }
}

interface Measured {
  serverCpuMsPerCycle: number;
  serverCpuUsPerRequest: number;
  cyclesPerSecond: number;
  requestsPerCycle: number;
  wsFramesPerCycle: number;
}

/** Starts one server kind as a child process, runs the agents through the warm-up and the measured cycles,
 *  and returns its CPU per cycle over the measured ones. */
async function measure(kind: 'app' | 'floor', redisUrl: string): Promise<Measured> {
  const profile = stringArg('cpu-prof');
  const child: ChildProcess = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      ...(profile && kind === 'app' ? ['--cpu-prof', '--cpu-prof-dir', profile] : []),
      'bench/http-cost.ts',
      ...(kind === 'app' ? ['--serve', redisUrl] : ['--floor']),
      '--agents',
      String(AGENTS),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  try {
    const line = await new Promise<string>((resolve, reject) => {
      const rl = createInterface({ input: child.stdout as NodeJS.ReadableStream });
      rl.once('line', resolve);
      child.once('exit', () => reject(new Error(`the ${kind} server exited during start-up`)));
    });
    const { url, pid } = JSON.parse(line) as { url: string; pid: number };
    const agents = EMAILS.map((e) => new BenchAgent(e, url));
    await Promise.all(agents.map((a) => a.start()));
    const signer = new Hs256(WEBHOOK_SECRET);
    let seq = 1;
    const run = (n: number) =>
      Promise.all(
        agents.map(async (a) => {
          for (let i = 0; i < n; i++) await a.cycle(signer, seq++);
        }),
      );
    await run(WARMUP);
    for (const a of agents) {
      a.frames = 0;
      a.requests = 0;
    }
    const cpu0 = cpuMsOf(pid);
    const t0 = performance.now();
    await run(CYCLES);
    const wallMs = performance.now() - t0;
    const cpuMs = cpuMsOf(pid) - cpu0;
    const cycles = CYCLES * agents.length;
    const requests = agents.reduce((s, a) => s + a.requests, 0);
    const frames = agents.reduce((s, a) => s + a.frames, 0);
    return {
      serverCpuMsPerCycle: round(cpuMs / cycles),
      serverCpuUsPerRequest: round((cpuMs * 1000) / requests, 1),
      cyclesPerSecond: round((cycles * 1000) / wallMs, 1),
      requestsPerCycle: round(requests / cycles, 2),
      wsFramesPerCycle: round(frames / cycles, 2),
    };
  } finally {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
  }
}

const round = (x: number, d = 3) => Math.round(x * 10 ** d) / 10 ** d;

async function main(): Promise<void> {
  const redis = await startRedisServer({ appendOnly: false, install: true });
  try {
    const app = await measure('app', redis.url);
    const floor = await measure('floor', redis.url);
    process.stdout.write(
      `${JSON.stringify(
        {
          agents: AGENTS,
          cycles: CYCLES * AGENTS,
          app,
          floor,
          ratioToFloor: round(app.serverCpuMsPerCycle / floor.serverCpuMsPerCycle, 2),
          loadAverage1m: Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]),
        },
        null,
        2,
      )}\n`,
    );
  } finally {
    await redis.stop();
  }
}

if (process.argv.includes('--floor')) {
  serveFloor().catch((err: unknown) => {
    process.stderr.write(`http-cost floor server failed: ${String(err)}\n`);
    process.exit(1);
  });
} else if (process.argv.includes('--serve')) {
  serve(stringArg('serve') ?? '').catch((err: unknown) => {
    process.stderr.write(`http-cost server failed: ${String(err)}\n`);
    process.exit(1);
  });
} else {
  main().then(
    () => process.exit(0),
    (err: unknown) => {
      process.stderr.write(`http-cost failed: ${err instanceof Error ? (err.stack ?? err.message) : err}\n`);
      process.exit(1);
    },
  );
}
