// A stand-in coordinator for the supervisor console benchmark: serves the built web UI and the supervisor
// routes (demo sign-in, ticket) and streams `/supervisor/ws` as the coordinator does (one SNAPSHOT, then
// at most one DIFF per SUPERVISOR_DIFF_INTERVAL_MS carrying the rows that changed, team and campaign
// totals and health), for N simulated agents cycling at the load benchmark's realistic pace (dial 1 s,
// ring 5 s, talk 15 s or no answer 18 s, wrap-up 1–4 s: ~500 agents ≈ 23 cycles/s). Every message is
// built from the shared contract's types and checked with its schema before it is sent.
import { randomUUID } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { extname, join, normalize } from 'node:path';
import WebSocket, { WebSocketServer } from 'ws';
import {
  AGENT_LIVE_STATES,
  type AgentLiveState,
  emptyDispositionCounts,
  SUPERVISOR_DIFF_INTERVAL_MS,
  type SupervisorAgentRow,
  SupervisorClientMessageSchema,
  type SupervisorServerMessage,
  SupervisorServerMessageSchema,
  type SystemHealth,
  type Totals,
} from '../../src-shared/contracts/supervisor';
import { DISPOSITION_CODES, type DispositionCode } from '../../src-shared/domain/disposition';

export interface FeedOptions {
  agents: number;
  webDir: string;
  campaigns?: number;
  seed?: number;
}

export interface Feed {
  url: string;
  /** DIFF messages sent and agent rows they carried, since start. */
  stats: { diffs: number; rows: number; bytes: number };
  /** Stops / restarts the agents (no DIFF while paused): the page's cost without updates. */
  setPaused(paused: boolean): void;
  close(): Promise<void>;
}

const SUPERVISOR = 'lead@bench.turbodialer.example';
const MIME: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface SimAgent {
  row: SupervisorAgentRow;
  /** When the current state ends (epoch ms). */
  until: number;
  connected: boolean;
  callStart: number;
}

export async function startFeed(o: FeedOptions): Promise<Feed> {
  const random = rng(o.seed ?? 7);
  const campaigns = Array.from({ length: o.campaigns ?? 2 }, (_, i) => `Bench Campaign ${i + 1}`);
  const t0 = Date.now();
  const dayStartAt = t0 - (t0 % 86_400_000);
  const sim: SimAgent[] = Array.from({ length: o.agents }, (_, i) => {
    const k = String(i + 1).padStart(4, '0');
    const campaignName = campaigns[i % campaigns.length] ?? 'Bench';
    return {
      row: {
        email: `agent${k}@bench.turbodialer.example`,
        campaignName,
        tabTitle: `Leads - Agent ${k}`,
        sessionId: randomUUID(),
        sessionStartedAt: t0 - 3_600_000,
        state: 'PLAYING',
        since: t0,
        calls: 0,
        connects: 0,
        completed: 0,
        contactRate: null,
        dispositions: emptyDispositionCounts(),
        dialsPerHour: null,
        talkMs: 0,
        wrapUpMs: 0,
        lastActivityAt: null,
        lastAction: null,
      },
      // Staggered starts so the floor is mixed from the first second.
      until: t0 + random() * 20_000,
      connected: false,
      callStart: 0,
    };
  });
  const perHour = new Map<number, ReturnType<typeof emptyDispositionCounts>>();
  const changed = new Set<number>();

  function step(a: SimAgent, i: number, now: number): void {
    const r = a.row;
    let next: AgentLiveState;
    let dur: number;
    switch (r.state) {
      case 'PLAYING':
      case 'WRAP_UP': {
        if (r.state === 'WRAP_UP') {
          const code: DispositionCode = a.connected
            ? random() < 0.4
              ? 'CORRECT'
              : 'WRONG'
            : (DISPOSITION_CODES[2 + Math.floor(random() * 3)] ?? 'NO_ANSWER');
          r.dispositions = { ...r.dispositions, [code]: (r.dispositions[code] ?? 0) + 1 };
          r.completed += 1;
          r.wrapUpMs += now - r.since;
          const hour = now - (now % 3_600_000);
          const b = perHour.get(hour) ?? emptyDispositionCounts();
          b[code] = (b[code] ?? 0) + 1;
          perHour.set(hour, b);
        }
        next = 'DIALING';
        dur = 1000 * (0.7 + random() * 0.6);
        r.calls += 1;
        a.connected = false;
        a.callStart = now;
        break;
      }
      case 'DIALING':
        next = 'RINGING';
        dur = 5000 * (0.7 + random() * 0.6);
        break;
      case 'RINGING':
        if (random() < 0.55) {
          next = 'IN_CALL';
          dur = 15_000 * (0.7 + random() * 0.6);
          a.connected = true;
          r.connects += 1;
        } else {
          next = 'WRAP_UP';
          dur = 1000 + random() * 3000;
        }
        break;
      case 'IN_CALL':
        r.talkMs += now - r.since;
        next = 'WRAP_UP';
        dur = 1000 + random() * 3000;
        break;
      default:
        next = 'PLAYING';
        dur = 1000;
    }
    r.state = next;
    r.since = now;
    r.lastActivityAt = now;
    r.contactRate = r.calls > 0 ? r.connects / r.calls : null;
    const hours = (now - (r.sessionStartedAt ?? now)) / 3_600_000;
    r.dialsPerHour = hours > 0 ? r.calls / hours : null;
    a.until = now + dur;
    changed.add(i);
  }

  function totals(rows: readonly SupervisorAgentRow[], now: number): Totals {
    const byState = Object.fromEntries(AGENT_LIVE_STATES.map((s) => [s, 0])) as Record<
      AgentLiveState,
      number
    >;
    const dispositions = emptyDispositionCounts();
    let calls = 0;
    let connects = 0;
    let completed = 0;
    for (const r of rows) {
      byState[r.state] += 1;
      calls += r.calls;
      connects += r.connects;
      completed += r.completed;
      for (const c of DISPOSITION_CODES) dispositions[c] = (dispositions[c] ?? 0) + (r.dispositions[c] ?? 0);
    }
    const leadsTotal = rows.length * 100;
    return {
      agents: rows.length,
      byState,
      calls,
      connects,
      completed,
      contactRate: calls > 0 ? connects / calls : null,
      dispositions,
      leads: {
        leadsTotal,
        leadsLeft: leadsTotal - (dispositions.CORRECT ?? 0),
        dialableNow: Math.max(0, leadsTotal - completed - byState.DIALING - byState.RINGING),
        inProgress: byState.DIALING + byState.RINGING + byState.IN_CALL,
        notDialable: [
          { reason: 'RETRY_PENDING', leads: completed - (dispositions.CORRECT ?? 0) },
          { reason: 'SIBLING_CORRECT', leads: dispositions.CORRECT ?? 0 },
        ],
        nextDialableAt: null,
        asOf: now,
      },
      perHour: [...perHour.entries()]
        .sort((a, b) => a[0] - b[0])
        .map(([startAt, d]) => ({ startAt, dispositions: { ...d } })),
    };
  }

  const health = (now: number): SystemHealth => ({
    sheets: {
      breaker: 'closed',
      queueDepth: Math.floor(random() * 40),
      oldestQueuedAt: now - 800,
      lastFlushLagMs: 1200,
    },
    dialpad: { breaker: 'closed' },
    webhooks: { lastEventAt: now - 100 },
  });

  function snapshot(now: number) {
    const agents = sim.map((a) => ({ ...a.row }));
    return {
      serverNow: now,
      dayStartAt,
      supervisor: { email: SUPERVISOR, campaigns },
      agents,
      campaigns: campaigns.map((campaignName) => ({
        campaignName,
        ...totals(
          agents.filter((r) => r.campaignName === campaignName),
          now,
        ),
      })),
      team: totals(agents, now),
      health: health(now),
    };
  }

  const stream = randomUUID();
  let seq = 0;
  const stats = { diffs: 0, rows: 0, bytes: 0 };
  const server: Server = createServer((req, res) => void handle(req, res));
  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, socket, head) => {
    if (req.url !== '/supervisor/ws') return socket.destroy();
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws));
  });
  const send = (ws: WebSocket, m: SupervisorServerMessage) => {
    const body = JSON.stringify(SupervisorServerMessageSchema.parse(m));
    stats.bytes += body.length;
    ws.send(body);
  };
  wss.on('connection', (ws) => {
    ws.on('message', (data) => {
      const m = SupervisorClientMessageSchema.safeParse(JSON.parse(String(data)));
      if (!m.success) return ws.close(4400);
      if (m.data.type === 'PING') return send(ws, { v: 1, type: 'PONG', t: m.data.t });
      send(ws, { v: 1, type: 'SNAPSHOT', stream, seq, snapshot: snapshot(Date.now()) });
    });
  });
  let paused = false;
  const tick = setInterval(() => {
    if (paused) return;
    const now = Date.now();
    sim.forEach((a, i) => {
      if (now >= a.until) step(a, i, now);
    });
    if (changed.size === 0) return;
    seq += 1;
    const rows = [...changed].map((i) => ({ ...(sim[i]?.row as SupervisorAgentRow) }));
    changed.clear();
    const all = sim.map((a) => a.row);
    const diff = {
      serverNow: now,
      agents: rows,
      removedAgents: [],
      campaigns: campaigns.map((campaignName) => ({
        campaignName,
        ...totals(
          all.filter((r) => r.campaignName === campaignName),
          now,
        ),
      })),
      team: totals(all, now),
      health: health(now),
    };
    stats.diffs += 1;
    stats.rows += rows.length;
    for (const ws of wss.clients)
      if (ws.readyState === WebSocket.OPEN) send(ws, { v: 1, type: 'DIFF', stream, seq, diff });
  }, SUPERVISOR_DIFF_INTERVAL_MS);

  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const pair = () => ({
    accessToken: `bench-access-${randomUUID()}`,
    accessExpiresAt: Date.now() + 3_600_000,
    refreshToken: `bench-refresh-${randomUUID()}`,
    refreshExpiresAt: Date.now() + 86_400_000,
    supervisor: { email: SUPERVISOR, campaigns },
  });
  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (path === '/supervisor/auth/config')
      return json(res, 200, {
        mode: 'demo',
        demoSupervisors: [{ email: SUPERVISOR, campaigns }],
        oidc: null,
      });
    if (path === '/supervisor/auth/login' || path === '/supervisor/auth/refresh')
      return json(res, 200, pair());
    if (path === '/supervisor/ws/ticket')
      return json(res, 200, { ticket: `ticket-${randomUUID()}`, expiresAt: Date.now() + 30_000 });
    const file = normalize(join(o.webDir, path === '/' || path === '/supervisor' ? 'index.html' : path));
    if (!file.startsWith(normalize(o.webDir)) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404);
      res.end();
      return;
    }
    res.writeHead(200, { 'Content-Type': MIME[extname(file)] ?? 'application/octet-stream' });
    createReadStream(file).pipe(res);
  }

  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    stats,
    setPaused(p) {
      paused = p;
    },
    async close() {
      clearInterval(tick);
      for (const ws of wss.clients) ws.terminate();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
