// The load generator's HTTP client: JSON over node:http with one keep-alive agent per coordinator, so a
// request costs what a browser's would (no fetch/undici overhead in the load generator's own CPU share).
import { Agent, request } from 'node:http';

export interface JsonResponse {
  status: number;
  body: unknown;
  retryAfterS: number | null;
}

/** The request went out on a reused keep-alive socket that the server had just closed (Node's documented
 *  race: `req.reusedSocket` and ECONNRESET / "socket hang up"); a client retries it at once. */
export class StaleSocketError extends Error {
  constructor(cause: Error) {
    super(`stale keep-alive socket: ${cause.message}`);
    this.name = 'StaleSocketError';
  }
}

const isReset = (e: Error) => ('code' in e && e.code === 'ECONNRESET') || e.message === 'socket hang up';

export class JsonHttpClient {
  readonly #agent = new Agent({ keepAlive: true, maxSockets: 4096 });
  readonly #host: string;
  readonly #port: number;

  constructor(baseUrl: string) {
    const u = new URL(baseUrl);
    this.#host = u.hostname;
    this.#port = Number(u.port);
  }

  send(
    method: 'GET' | 'POST',
    path: string,
    body: unknown,
    headers: Record<string, string>,
    timeoutMs = 30_000,
  ): Promise<JsonResponse> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = request(
        {
          host: this.#host,
          port: this.#port,
          method,
          path,
          agent: this.#agent,
          headers: {
            ...headers,
            ...(payload === undefined
              ? {}
              : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }),
          },
          timeout: timeoutMs,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: unknown = text;
            try {
              parsed = text ? JSON.parse(text) : null;
            } catch {
              // not JSON: keep the text
            }
            const ra = Number(res.headers['retry-after']);
            resolve({
              status: res.statusCode ?? 0,
              body: parsed,
              retryAfterS: Number.isFinite(ra) ? ra : null,
            });
          });
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`timeout after ${timeoutMs} ms`)));
      req.on('error', (e) => reject(req.reusedSocket && isReset(e) ? new StaleSocketError(e) : e));
      req.end(payload);
    });
  }

  close(): void {
    this.#agent.destroy();
  }
}
