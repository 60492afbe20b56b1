// A test WebSocket client for /ws: gets a ticket over HTTP, authenticates with the first message, collects
// every server message (zod-parsed) and lets a test wait for one with a generous deadline.
import WebSocket from 'ws';
import {
  type ServerMessage,
  ServerMessageSchema,
  WS_PROTOCOL_VERSION,
} from '../../../../src-shared/contracts/ws.js';
import { call } from './harness.js';

export interface TestSocket {
  ws: WebSocket;
  messages: ServerMessage[];
  /** Seqs of EVENT messages, in arrival order. */
  seqs(): number[];
  waitFor(pred: (m: ServerMessage) => boolean, what: string, timeoutMs?: number): Promise<ServerMessage>;
  closed: Promise<{ code: number; reason: string }>;
  close(): Promise<void>;
}

export async function ticketFor(baseUrl: string, accessToken: string): Promise<string> {
  const r = await call(`${baseUrl}/ws/ticket`, { token: accessToken, body: {} });
  if (r.status !== 200) throw new Error(`ticket: ${r.status} ${JSON.stringify(r.body)}`);
  return (r.body as { ticket: string }).ticket;
}

export async function openSocket(wsUrl: string, opts: { autoPong?: boolean } = {}): Promise<TestSocket> {
  const ws = new WebSocket(wsUrl, { autoPong: opts.autoPong ?? true });
  const messages: ServerMessage[] = [];
  const waiters = new Set<() => void>();
  ws.on('message', (data) => {
    messages.push(ServerMessageSchema.parse(JSON.parse(String(data))));
    for (const w of waiters) w();
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.on('close', (code, reason) => resolve({ code, reason: String(reason) })),
  );
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return {
    ws,
    messages,
    seqs: () => messages.flatMap((m) => (m.type === 'EVENT' ? [m.seq] : [])),
    closed,
    waitFor(pred, what, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const m = messages.find(pred);
          if (!m) return false;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(m);
          return true;
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(
            new Error(`timed out waiting for ${what}; got ${JSON.stringify(messages.map((m) => m.type))}`),
          );
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    async close() {
      if (ws.readyState === WebSocket.CLOSED) return;
      ws.close();
      await closed;
    },
  };
}

/** Opens /ws and authenticates with a fresh ticket; resolves after HELLO. */
export async function connectAgent(
  baseUrl: string,
  wsUrl: string,
  accessToken: string,
  lastSeq: number | null,
): Promise<TestSocket> {
  const ticket = await ticketFor(baseUrl, accessToken);
  const s = await openSocket(wsUrl);
  s.ws.send(JSON.stringify({ v: WS_PROTOCOL_VERSION, type: 'AUTH', ticket, lastSeq }));
  await s.waitFor((m) => m.type === 'HELLO' || m.type === 'AUTH_FAILED', 'HELLO');
  return s;
}
