// The Dialpad client's keep-alive connections against servers that close them: a call is never refused
// because a pooled connection was being closed by Dialpad (the stale keep-alive race), and a connection
// lost after the request was written is an unknown outcome (the call may have started), never a refusal,
// and never sent twice.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../../src-shared/contracts/errors.js';
import { type DialpadEmulator, startDialpadEmulator } from '../../emulators/dialpad/server.js';
import { HttpDialpadGateway } from '../../src/dialpad/http-dialpad-gateway.js';

const KEY = 'dp-test-key';
const USER = { id: '5550001', name: 'Ann', email: 'ann@example.com' };
const PHONE = '+12125554567';
let emulator: DialpadEmulator | null = null;
let raw: Server | null = null;

afterEach(async () => {
  await emulator?.close();
  emulator = null;
  if (raw) {
    raw.closeAllConnections();
    await new Promise((r) => raw?.close(r));
  }
  raw = null;
});

const call = (g: HttpDialpadGateway, customData: string) =>
  g.initiateCall({ dialpadUserId: USER.id, phoneE164: PHONE, customData });

async function rejection(p: Promise<unknown>): Promise<ApiError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ApiError);
  return e as ApiError;
}

/** A plain server whose handler decides per request; `sockets` are its connections, as opened. */
async function rawServer(
  handler: (req: IncomingMessage, res: ServerResponse, n: number) => void,
  keepAliveTimeout = 5000,
): Promise<{ url: string; sockets: Socket[] }> {
  const sockets: Socket[] = [];
  let n = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => handler(req, res, ++n));
  });
  server.keepAliveTimeout = keepAliveTimeout;
  server.on('connection', (s: Socket) => sockets.push(s));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  raw = server;
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, sockets };
}

const okDevice = (res: ServerResponse) =>
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ device: { id: 1 } }));

/** Resolves when the server's side of `socket` closes: true when the client closed it first. */
const closedByClient = (socket: Socket) =>
  new Promise<boolean>((resolve) => {
    let clientEnded = false;
    socket.on('end', () => {
      clientEnded = true;
    });
    socket.on('close', () => resolve(clientEnded));
  });

describe('HttpDialpadGateway keep-alive', () => {
  it('a call meeting a pooled connection Dialpad has just closed goes out once, on a new connection', async () => {
    emulator = await startDialpadEmulator({ users: [USER], apiKeys: [KEY], rejectWhenBusy: false });
    const g = new HttpDialpadGateway({ baseUrl: emulator.url, apiKey: KEY });
    await call(g, 'c-1');
    // Dialpad closes its idle connections (a restart, a load balancer draining, its idle timeout) just as
    // the next call is sent on the pooled one, in the same tick.
    emulator.closeIdleConnections();
    await expect(call(g, 'c-2')).resolves.toEqual({ deviceId: expect.any(String) });
    expect(emulator.state.requestLog.count('initiate_call', { ok: true })).toBe(2);
    expect(emulator.state.findCallByCustomData('c-2')).toBeTruthy();
    expect(g.breaker.state()).toBe('closed');
  });

  it('a connection lost after the request was written is an unknown outcome, and is not sent again', async () => {
    // Dialpad received the request (and may have placed the call), then the connection dropped.
    const server = await rawServer((req, res, n) => (n === 1 ? okDevice(res) : req.socket.destroy()));
    const g = new HttpDialpadGateway({ baseUrl: server.url, apiKey: KEY });
    await call(g, 'c-1'); // leaves a pooled connection: the next request reuses it
    const reused = await rejection(call(g, 'c-2'));
    expect(reused.code).toBe('UPSTREAM_TIMEOUT');
    expect(reused.message).toMatch(/may have started/);
    const fresh = await rejection(call(new HttpDialpadGateway({ baseUrl: server.url, apiKey: KEY }), 'c-3'));
    expect(fresh.code).toBe('UPSTREAM_TIMEOUT');
    expect(server.sockets.length).toBe(2); // c-2 was written once, on c-1's connection; c-3 once
  });

  it('a lost connection looks the same whether Dialpad acted or not: both unknown, neither resent', async () => {
    emulator = await startDialpadEmulator({ users: [USER], apiKeys: [KEY], rejectWhenBusy: false });
    const g = new HttpDialpadGateway({ baseUrl: emulator.url, apiKey: KEY });
    emulator.state.setApiFaults([{ route: 'initiate_call', drop: 'before', times: 1 }]);
    const before = await rejection(call(g, 'c-before'));
    emulator.state.setApiFaults([{ route: 'initiate_call', drop: 'after', times: 1 }]);
    const after = await rejection(call(g, 'c-after'));
    expect([before.code, before.message]).toEqual([after.code, after.message]);
    expect(after.code).toBe('UPSTREAM_TIMEOUT');
    expect(emulator.state.findCallByCustomData('c-before')).toBeFalsy();
    expect(emulator.state.findCallByCustomData('c-after')).toBeTruthy();
    expect(emulator.state.requestLog.count('initiate_call')).toBe(2);
  });

  it('a hang-up whose connection is lost after it was written says the call may still be live', async () => {
    const server = await rawServer((req) => req.socket.destroy());
    const e = await rejection(new HttpDialpadGateway({ baseUrl: server.url, apiKey: KEY }).hangUp('42'));
    expect(e.code).toBe('UPSTREAM_TIMEOUT');
    expect(e.message).toMatch(/may still be live/);
  });

  it('a hang-up reset on a pooled connection before any answer is sent once more (hanging up is idempotent)', async () => {
    const server = await rawServer((req, res, n) =>
      n === 2 ? req.socket.destroy() : n === 1 ? okDevice(res) : res.writeHead(200).end('{}'),
    );
    const g = new HttpDialpadGateway({ baseUrl: server.url, apiKey: KEY });
    await call(g, 'c-1');
    await expect(g.hangUp('42')).resolves.toBeUndefined();
    expect(server.sockets.length).toBe(2); // the pooled one (reset), then a new one
  });

  it("closes an idle connection before the server's announced keep-alive timeout ends", async () => {
    // `Keep-Alive: timeout=2`: the server closes an idle connection after 2 s; the client must first.
    const server = await rawServer((_req, res) => okDevice(res), 2000);
    await call(new HttpDialpadGateway({ baseUrl: server.url, apiKey: KEY }), 'c-1');
    const [socket] = server.sockets;
    if (!socket) throw new Error('no connection');
    expect(await closedByClient(socket)).toBe(true);
  });

  it('closes an idle connection by itself when the server announces no keep-alive timeout', async () => {
    const server = await rawServer((_req, res) => okDevice(res), 0);
    const g = new HttpDialpadGateway({ baseUrl: server.url, apiKey: KEY, idleSocketMs: 200 });
    await call(g, 'c-1');
    const [socket] = server.sockets;
    if (!socket) throw new Error('no connection');
    expect(await closedByClient(socket)).toBe(true);
  });
});
