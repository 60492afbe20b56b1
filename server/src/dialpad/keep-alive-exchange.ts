// One HTTP exchange with Dialpad over a keep-alive pool that never sends on a socket the server may be
// closing, and that says, when the connection fails, whether the server can have seen the request.
//
// A keep-alive client races the server's idle timeout: a request written on a pooled socket the server is
// closing meets a reset (node's documented `req.reusedSocket` + ECONNRESET case). Three guards, as undici and
// Go's net/http do it:
// 1. Idle sockets are closed by us first: after IDLE_SOCKET_MS (undici's default, under the 5 s of a Node
//    server, nginx's 75 s, a cloud load balancer's 60–600 s), sooner when the server's `Keep-Alive:
//    timeout=N` asks for it (node's Agent keeps such a socket N−1 s at most, and not at all when N ≤ 1).
// 2. On a reused socket the request is written after the event loop has polled for I/O once more, so a
//    close the server already sent (in the kernel's buffer, not yet read) is seen first and the request is
//    never written on that socket.
// 3. When the connection fails, `sent` says whether the request was handed to it. Not sent (a close seen
//    before writing, a refused connection): the server cannot have acted, and a request that met a closed
//    pooled socket is sent once more on a fresh connection. Sent (a reset after writing, an answer cut
//    off): the server may have acted on it (Go's rule for a non-idempotent request: never replayed), so
//    the caller must treat the outcome as unknown; an idempotent request (hang up) that met a reset on a
//    pooled socket before any byte of an answer is sent once more (Go's rule for replayable requests).
import type { Socket } from 'node:net';
import {
  type ClientRequest,
  Agent as HttpAgent,
  type IncomingHttpHeaders,
  type OutgoingHttpHeaders,
  request as httpRequest,
} from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

/** How long a pooled socket may sit idle before we close it ourselves. */
export const IDLE_SOCKET_MS = 4000;

export interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

/** The connection failed. `sent`: the request was handed to the socket, so the server may have acted. */
export class ConnectionFailedError extends Error {
  readonly code: string;
  constructor(
    readonly sent: boolean,
    readonly reusedSocket: boolean,
    /** Part of an answer (its status line) had arrived. */
    readonly answered: boolean,
    cause: Error,
  ) {
    super(`${sent ? 'after' : 'before'} sending the request: ${cause.message}`, { cause });
    this.name = 'ConnectionFailedError';
    this.code = 'code' in cause && typeof cause.code === 'string' ? cause.code : 'ECONNECTION';
  }
}

const isTimeout = (err: Error) => err.name === 'TimeoutError';

function timeoutError(ms: number): Error {
  const e = new Error(`no answer within ${ms} ms`);
  e.name = 'TimeoutError';
  return e;
}

export interface ExchangeRequest {
  method: 'POST' | 'PUT';
  url: string;
  headers: OutgoingHttpHeaders;
  payload: Buffer | undefined;
  /** The whole exchange (both attempts, the answer's body included). */
  timeoutMs: number;
  /** Repeating the request changes nothing (hang up): it may be sent again after a reset on a pooled
   *  socket even once written. */
  idempotent: boolean;
}

export class KeepAlivePool {
  readonly #http: HttpAgent;
  readonly #https: HttpsAgent;

  constructor(idleSocketMs = IDLE_SOCKET_MS) {
    this.#http = new HttpAgent({ keepAlive: true, timeout: idleSocketMs });
    this.#https = new HttpsAgent({ keepAlive: true, timeout: idleSocketMs });
  }

  /** The answer (any status), or TimeoutError, or ConnectionFailedError. A request that met a pooled
   *  socket already closed by the server, before any byte was written (or, idempotent, before any byte of
   *  an answer), is sent again on a new connection. */
  async exchange(r: ExchangeRequest): Promise<Answer> {
    const deadline = Date.now() + r.timeoutMs;
    const tls = r.url.startsWith('https:');
    try {
      return await once(r, tls, tls ? this.#https : this.#http, r.timeoutMs);
    } catch (err) {
      if (!(err instanceof ConnectionFailedError) || !err.reusedSocket || err.answered) throw err;
      if (err.sent && !r.idempotent) throw err;
      // `agent: false`: a connection of its own, whatever else the pool holds.
      return once(r, tls, false, Math.max(1, deadline - Date.now()));
    }
  }

  destroy(): void {
    this.#http.destroy();
    this.#https.destroy();
  }
}

/** Runs `fn` after the event loop has polled for I/O at least once from now: a second setImmediate, since
 *  the first one runs before any poll when scheduled from an I/O callback (e.g. the previous answer's). */
function afterNextPoll(fn: () => void): void {
  setImmediate(() => setImmediate(fn));
}

function once(
  r: ExchangeRequest,
  tls: boolean,
  agent: HttpAgent | HttpsAgent | false,
  timeoutMs: number,
): Promise<Answer> {
  return new Promise<Answer>((resolve, reject) => {
    let sent = false;
    let answered = false;
    let settled = false;
    const send = tls ? httpsRequest : httpRequest;
    const req: ClientRequest = send(r.url, { method: r.method, agent, headers: r.headers }, (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', fail);
      res.on('end', () => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          text: Buffer.concat(chunks).toString('utf8'),
        });
      });
    });
    function fail(err: Error): void {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      reject(isTimeout(err) ? err : new ConnectionFailedError(sent, req.reusedSocket, answered, err));
    }
    function write(): void {
      if (settled || req.destroyed) return;
      sent = true;
      req.end(r.payload);
    }
    req.on('socket', (socket: Socket) => {
      if (req.reusedSocket) afterNextPoll(write);
      else if (socket.connecting) socket.once(tls ? 'secureConnect' : 'connect', write);
      else write();
    });
    req.on('error', fail);
    const timer = setTimeout(() => req.destroy(timeoutError(timeoutMs)), timeoutMs);
  });
}
