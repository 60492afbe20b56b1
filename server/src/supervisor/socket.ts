// The supervisor console's WebSocket on /supervisor/ws (src-shared/contracts/supervisor.ts). The first
// message is AUTH with a one-use ticket from POST /supervisor/ws/ticket; an agent's /ws ticket presented here
// is refused with AUTH_FAILED FORBIDDEN and close 4403. Then: SNAPSHOT (or RESUMED and the missed DIFFs when
// the client names this instance's stream and a seq still in its ring), then live DIFFs at most every
// SUPERVISOR_DIFF_INTERVAL_MS. PING → PONG; the server pings every heartbeatMs and drops silent sockets.
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { type RawData, WebSocket, WebSocketServer } from 'ws';
import {
  SUPERVISOR_WS_CLOSE,
  SUPERVISOR_WS_PATH,
  SUPERVISOR_WS_VERSION,
  type SupervisorClientMessage,
  SupervisorClientMessageSchema,
  type SupervisorServerMessage,
} from '../../../src-shared/contracts/supervisor.js';
import type { RedisClient } from '../redis/client.js';
import type { Logger } from '../logger.js';
import type { WsTicketStore } from '../ws/tickets.js';
import type { SupervisorConsole } from './console.js';
import { svKeys } from './keys.js';
import type { SupervisorRoster } from './roster.js';

const v = SUPERVISOR_WS_VERSION;

/** One-use tickets for the supervisor socket, apart from the agents' (a different key). */
export class SupervisorTickets {
  constructor(
    private readonly redis: RedisClient,
    private readonly ttlMs = 30_000,
  ) {}

  async issue(email: string, now: number): Promise<{ ticket: string; expiresAt: number }> {
    const ticket = `svt_${randomBytes(24).toString('base64url')}`;
    await this.redis.set(svKeys.ticket(ticket), email.toLowerCase(), 'PX', this.ttlMs);
    return { ticket, expiresAt: now + this.ttlMs };
  }

  consume(ticket: string): Promise<string | null> {
    return this.redis.getdel(svKeys.ticket(ticket));
  }
}

export interface SupervisorSocketDeps {
  console: SupervisorConsole;
  roster: SupervisorRoster;
  tickets: SupervisorTickets;
  agentTickets: WsTicketStore;
  logger: Logger;
  clock: () => number;
  authTimeoutMs?: number;
  heartbeatMs?: number;
}

export interface SupervisorSocketServer {
  count(): number;
  /** Closes (4403) the sockets of supervisors `refuse` names (removed from the tab, or inactive). */
  closeWhere(refuse: (email: string) => boolean): number;
  close(): Promise<void>;
}

interface Conn {
  alive: boolean;
  email: string | null;
  unwatch: (() => void) | null;
}

export function attachSupervisorSocket(server: Server, d: SupervisorSocketDeps): SupervisorSocketServer {
  const log = d.logger.child({ component: 'supervisor-ws' });
  const wss = new WebSocketServer({ noServer: true, maxPayload: 16 * 1024 });
  const conns = new Map<WebSocket, Conn>();
  let closing = false;

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if ((req.url ?? '').split('?')[0] !== SUPERVISOR_WS_PATH) return;
    if (closing) {
      socket.write('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\n\r\n');
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => onConnection(ws));
  };
  server.on('upgrade', onUpgrade);

  const heartbeat = setInterval(() => {
    for (const [ws, c] of conns) {
      if (!c.alive) {
        ws.terminate();
        continue;
      }
      c.alive = false;
      ws.ping();
    }
  }, d.heartbeatMs ?? 15_000);
  heartbeat.unref();

  const send = (ws: WebSocket, m: SupervisorServerMessage) => {
    if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(m));
  };

  function onConnection(ws: WebSocket): void {
    const c: Conn = { alive: true, email: null, unwatch: null };
    conns.set(ws, c);
    let authStarted = false;
    const timer = setTimeout(
      () => ws.close(SUPERVISOR_WS_CLOSE.AUTH_TIMEOUT, 'auth timeout'),
      d.authTimeoutMs ?? 10_000,
    );
    ws.on('pong', () => {
      c.alive = true;
    });
    ws.on('close', () => {
      clearTimeout(timer);
      c.unwatch?.();
      conns.delete(ws);
    });
    ws.on('error', (err) => log.warn({ err }, 'supervisor socket error'));
    ws.on('message', (data: RawData, isBinary: boolean) => {
      const msg = isBinary ? null : parse(data);
      if (!msg) return ws.close(SUPERVISOR_WS_CLOSE.BAD_MESSAGE, 'bad message');
      if (msg.type === 'PING') {
        if (!c.unwatch) return ws.close(SUPERVISOR_WS_CLOSE.AUTH_FAILED, 'authenticate first');
        return send(ws, { v, type: 'PONG', t: msg.t });
      }
      if (authStarted) return ws.close(SUPERVISOR_WS_CLOSE.BAD_MESSAGE, 'already authenticated');
      authStarted = true;
      clearTimeout(timer);
      authenticate(ws, c, msg).catch((err: unknown) => {
        log.error({ err }, 'supervisor socket authentication failed');
        ws.close(1011, 'internal error');
      });
    });
  }

  async function authenticate(
    ws: WebSocket,
    c: Conn,
    msg: Extract<SupervisorClientMessage, { type: 'AUTH' }>,
  ): Promise<void> {
    const email = await d.tickets.consume(msg.ticket);
    if (!email) {
      const agent = await d.agentTickets.consume(msg.ticket, d.clock());
      const code = agent ? 'FORBIDDEN' : 'UNAUTHENTICATED';
      send(ws, {
        v,
        type: 'AUTH_FAILED',
        code,
        message: agent ? 'the supervisor console is for supervisors' : 'ticket unknown, used or expired',
      });
      ws.close(agent ? SUPERVISOR_WS_CLOSE.FORBIDDEN : SUPERVISOR_WS_CLOSE.AUTH_FAILED, 'auth failed');
      if (agent) log.warn({ agent }, 'an agent tried to open the supervisor console');
      return;
    }
    const sup = await d.roster.require(email).catch(() => null);
    if (!sup) {
      send(ws, { v, type: 'AUTH_FAILED', code: 'FORBIDDEN', message: 'not an active supervisor' });
      ws.close(SUPERVISOR_WS_CLOSE.FORBIDDEN, 'not a supervisor');
      return;
    }
    await d.console.start();
    if (ws.readyState !== WebSocket.OPEN) return;
    const campaigns = new Set(d.console.campaignsFor(sup));
    const stream = d.console.stream;
    // Everything below is synchronous: no diff can slip between the snapshot (or replay) and the watch.
    const replay =
      msg.resume && msg.resume.stream === stream ? d.console.replay(msg.resume.lastSeq, campaigns) : null;
    if (replay) {
      send(ws, { v, type: 'RESUMED', stream, seq: d.console.seq(), replayed: replay.length });
      for (const r of replay) send(ws, { v, type: 'DIFF', stream, seq: r.seq, diff: r.diff });
    } else {
      send(ws, { v, type: 'SNAPSHOT', stream, seq: d.console.seq(), snapshot: d.console.snapshotFor(sup) });
    }
    c.email = sup.email;
    c.unwatch = d.console.watch({
      campaigns,
      send: (_seq, _diff, text) => {
        if (ws.readyState === WebSocket.OPEN) ws.send(text);
      },
    });
    log.info({ supervisor: sup.email, resumed: replay !== null }, 'supervisor socket authenticated');
  }

  return {
    count: () => conns.size,
    closeWhere(refuse) {
      let n = 0;
      for (const [ws, c] of conns) {
        if (!c.email || !refuse(c.email)) continue;
        ws.close(SUPERVISOR_WS_CLOSE.FORBIDDEN, 'no longer a supervisor');
        n += 1;
      }
      return n;
    },
    async close() {
      closing = true;
      clearInterval(heartbeat);
      server.off('upgrade', onUpgrade);
      for (const ws of conns.keys()) ws.close(SUPERVISOR_WS_CLOSE.SHUTDOWN, 'server shutting down');
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

function parse(data: RawData): SupervisorClientMessage | null {
  try {
    const text = Array.isArray(data)
      ? Buffer.concat(data).toString('utf8')
      : Buffer.from(data as ArrayBuffer).toString('utf8');
    const r = SupervisorClientMessageSchema.safeParse(JSON.parse(text));
    return r.success ? r.data : null;
  } catch {
    return null;
  }
}
