// The WebSocket hub on /ws. Protocol (src-shared/contracts/ws.ts, docs/coordinator.md):
//   client → AUTH {ticket, lastSeq} as its first message (within authTimeoutMs, else close 4408);
//   server → HELLO, then every missed event after lastSeq in order (or RESYNC_REQUIRED when the stream was
//   trimmed past it), then live events as they are published on any instance.
// Every client message is zod-parsed (bad → close 4400); PING → PONG; the server pings every heartbeatMs
// and terminates sockets that did not answer the previous ping.
// Frames sent in one turn of the event loop (the events of one step, a replay) leave in one socket write:
// the socket is corked at the first frame and uncorked in a microtask (a frame per write was ~8 write
// syscalls per dialing cycle; bench/http-cost.ts).
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { type RawData, WebSocket, WebSocketServer } from 'ws';
import {
  type ClientMessage,
  ClientMessageSchema,
  type ServerMessage,
  WS_CLOSE,
  WS_PROTOCOL_VERSION,
} from '../../../src-shared/contracts/ws.js';
import { SUPERVISOR_WS_PATH } from '../../../src-shared/contracts/supervisor.js';
import type { Logger } from '../logger.js';
import type { CoordinatorMetrics } from '../metrics/metrics.js';
import type { AgentEventBus } from '../ports.js';
import { AgentDelivery } from './delivery.js';
import type { WsTicketStore } from './tickets.js';

export const WS_PATH = '/ws';

export interface WsHubDeps {
  tickets: WsTicketStore;
  bus: AgentEventBus;
  logger: Logger;
  metrics: CoordinatorMetrics;
  instanceId: string;
  clock?: () => number;
  authTimeoutMs?: number;
  heartbeatMs?: number;
}

export interface WsHub {
  /** Authenticated sockets on this instance. */
  connectionCount(): number;
  /** Closes every socket with 1001 and stops accepting upgrades. */
  close(): Promise<void>;
  /** Closes (4401, or `code`) the authenticated sockets of every agent `refuse` names; returns how many. */
  closeAgentsWhere(refuse: (email: string) => boolean, reason: string, code?: number): number;
}

interface Conn {
  ws: WebSocket;
  /** The upgraded TCP socket under `ws` (corked while a turn's frames are queued). */
  socket: Duplex;
  corked: boolean;
  alive: boolean;
  email: string | null;
  unsubscribe: (() => Promise<void>) | null;
}

export function attachWsHub(server: Server, d: WsHubDeps): WsHub {
  const clock = d.clock ?? Date.now;
  const log = d.logger.child({ component: 'ws' });
  const wss = new WebSocketServer({ noServer: true, maxPayload: 16 * 1024 });
  const conns = new Set<Conn>();
  let closing = false;

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = (req.url ?? '').split('?')[0];
    if (path === SUPERVISOR_WS_PATH) return; // the supervisor console's socket (supervisor/socket.ts)
    if (path !== WS_PATH || closing) {
      socket.write('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => onConnection(ws, socket));
  };
  server.on('upgrade', onUpgrade);

  const heartbeat = setInterval(() => {
    for (const c of conns) {
      if (!c.alive) {
        log.info({ agent: c.email }, 'dropping a socket that missed its heartbeat');
        c.ws.terminate();
        continue;
      }
      c.alive = false;
      c.ws.ping();
    }
  }, d.heartbeatMs ?? 15_000);
  heartbeat.unref();

  function send(c: Conn, m: ServerMessage): void {
    sendFrame(c, JSON.stringify(m));
  }

  /** One frame of JSON text (a ServerMessage, encoded). */
  function sendFrame(c: Conn, frame: string): void {
    if (c.ws.readyState !== WebSocket.OPEN) return;
    if (!c.corked) {
      c.corked = true;
      c.socket.cork();
      queueMicrotask(() => {
        c.corked = false;
        c.socket.uncork();
      });
    }
    c.ws.send(frame);
    d.metrics.wsMessagesSent.inc();
  }

  function onConnection(ws: WebSocket, socket: Duplex): void {
    const c: Conn = { ws, socket, corked: false, alive: true, email: null, unsubscribe: null };
    conns.add(c);
    let authStarted = false;
    const authTimer = setTimeout(
      () => ws.close(WS_CLOSE.AUTH_TIMEOUT, 'auth timeout'),
      d.authTimeoutMs ?? 10_000,
    );
    ws.on('pong', () => {
      c.alive = true;
    });
    ws.on('close', () => {
      clearTimeout(authTimer);
      conns.delete(c);
      if (c.email) d.metrics.wsConnections.dec();
      c.unsubscribe?.().catch(() => {});
    });
    ws.on('error', (e) => log.warn({ err: e }, 'socket error'));
    ws.on('message', (data: RawData, isBinary: boolean) => {
      const msg = isBinary ? null : parse(data);
      if (!msg) {
        ws.close(WS_CLOSE.BAD_MESSAGE, 'bad message');
        return;
      }
      if (msg.type === 'AUTH') {
        if (authStarted) {
          ws.close(WS_CLOSE.BAD_MESSAGE, 'already authenticated');
          return;
        }
        authStarted = true;
        clearTimeout(authTimer);
        authenticate(c, msg.ticket, msg.lastSeq).catch((e) => {
          log.error({ err: e }, 'socket authentication failed');
          ws.close(1011, 'internal error');
        });
        return;
      }
      if (!c.email) {
        ws.close(WS_CLOSE.AUTH_FAILED, 'authenticate first');
        return;
      }
      if (msg.type === 'PING') send(c, { v: WS_PROTOCOL_VERSION, type: 'PONG', t: msg.t });
      // ACK needs no answer: delivery state is the stream itself.
    });
  }

  async function authenticate(c: Conn, ticket: string, lastSeq: number | null): Promise<void> {
    const email = await d.tickets.consume(ticket, clock());
    if (!email) {
      send(c, {
        v: WS_PROTOCOL_VERSION,
        type: 'AUTH_FAILED',
        code: 'UNAUTHENTICATED',
        message: 'ticket unknown, used or expired',
      });
      c.ws.close(WS_CLOSE.AUTH_FAILED, 'auth failed');
      return;
    }
    if (c.ws.readyState !== WebSocket.OPEN) return;
    c.email = email;
    d.metrics.wsConnections.inc();
    const delivery = new AgentDelivery(
      email,
      d.bus,
      (frame) => sendFrame(c, frame),
      (e) => log.error({ err: e, agent: email }, 'event delivery failed'),
      0,
    );
    // Subscribe before reading the replay: an event published in between is buffered, never lost.
    c.unsubscribe = await d.bus.subscribe(email, (e) => delivery.live(e));
    if (c.ws.readyState !== WebSocket.OPEN) {
      await c.unsubscribe();
      return;
    }
    const from = lastSeq ?? (await d.bus.lastSeq(email));
    const r = await d.bus.readSince(email, from);
    const hello = (replayed: number): ServerMessage => ({
      v: WS_PROTOCOL_VERSION,
      type: 'HELLO',
      agentEmail: email,
      serverSeq: r.lastSeq,
      replayed,
      instanceId: d.instanceId,
    });
    if (r.truncated) {
      send(c, hello(0));
      send(c, { v: WS_PROTOCOL_VERSION, type: 'RESYNC_REQUIRED', serverSeq: r.lastSeq });
      delivery.start(r.lastSeq);
    } else {
      send(c, hello(r.events.length));
      for (const e of r.events)
        send(c, { v: WS_PROTOCOL_VERSION, type: 'EVENT', seq: e.seq, at: e.at, event: e.event });
      delivery.start(r.lastSeq); // the replay read the stream to its end
    }
    log.info(
      { agent: email, lastSeq, replayed: r.events.length, truncated: r.truncated },
      'socket authenticated',
    );
  }

  return {
    connectionCount: () => [...conns].filter((c) => c.email).length,
    closeAgentsWhere(refuse, reason, code = WS_CLOSE.AUTH_FAILED) {
      let n = 0;
      for (const c of conns) {
        if (!c.email || !refuse(c.email)) continue;
        log.info({ agent: c.email, reason }, 'closing the socket of an agent who lost access');
        c.ws.close(code, reason);
        n += 1;
      }
      return n;
    },
    async close() {
      closing = true;
      clearInterval(heartbeat);
      server.off('upgrade', onUpgrade);
      const closed = [...conns].map(
        (c) =>
          new Promise<void>((resolve) => {
            if (c.ws.readyState === WebSocket.CLOSED) return resolve();
            const t = setTimeout(() => {
              c.ws.terminate();
              resolve();
            }, 2000);
            c.ws.once('close', () => {
              clearTimeout(t);
              resolve();
            });
            c.ws.close(WS_CLOSE.SHUTDOWN, 'server shutting down');
          }),
      );
      await Promise.all(closed);
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

function parse(data: RawData): ClientMessage | null {
  try {
    const text = Array.isArray(data)
      ? Buffer.concat(data).toString('utf8')
      : Buffer.from(data as ArrayBuffer).toString('utf8');
    const r = ClientMessageSchema.safeParse(JSON.parse(text));
    return r.success ? r.data : null;
  } catch {
    return null;
  }
}
