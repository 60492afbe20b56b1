// A tiny node:http toolkit shared by both emulators: a regex router (the Google paths contain ':' verbs
// such as `values:batchGet` that Express route strings treat as parameters), body reading, JSON replies,
// and listen/close helpers that hand back the root URL.
import { createServer, type IncomingMessage, type Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RequestContext {
  req: IncomingMessage;
  res: ServerResponse;
  method: string;
  url: URL;
  /** Named regex groups of the matched route, URI-decoded. */
  params: Record<string, string>;
  /** The raw request body (empty for GET). */
  body: Buffer;
}

export type RouteHandler = (ctx: RequestContext) => Promise<void> | void;

export interface Route {
  method: string;
  pattern: RegExp;
  /** Operation name used by the request log and fault selectors (e.g. `values.get`, `initiate_call`). */
  name: string;
  handler: RouteHandler;
}

export interface RouteMatch {
  route: Route;
  params: Record<string, string>;
}

export class Router {
  readonly #routes: Route[] = [];

  add(method: string, pattern: RegExp, name: string, handler: RouteHandler): this {
    this.#routes.push({ method, pattern, name, handler });
    return this;
  }

  /** Matches on the raw (still percent-encoded) path so an encoded '/' inside a range stays inside it. */
  match(method: string, rawPath: string): RouteMatch | 'method-not-allowed' | null {
    let pathMatched = false;
    for (const route of this.#routes) {
      const m = route.pattern.exec(rawPath);
      if (!m) continue;
      pathMatched = true;
      if (route.method !== method) continue;
      const params: Record<string, string> = {};
      for (const [k, v] of Object.entries(m.groups ?? {})) {
        if (v !== undefined) params[k] = safeDecode(v);
      }
      return { route, params };
    }
    return pathMatched ? 'method-not-allowed' : null;
  }
}

/**
 * Serves the `/__emulator/` admin routes shared by both emulators: a request the admin router does not know is
 * a 404, a handler that throws is a 400 with its message. Returns false when the path is not an admin path.
 */
export async function handleAdminRequest(
  admin: Router,
  req: IncomingMessage,
  res: ServerResponse,
  method: string,
  url: URL,
): Promise<boolean> {
  if (!url.pathname.startsWith('/__emulator/')) return false;
  const m = admin.match(method, url.pathname);
  if (!m || m === 'method-not-allowed') {
    sendJson(res, 404, { error: 'no such admin route' });
    return true;
  }
  try {
    await m.route.handler({ req, res, method, url, params: m.params, body: await readBody(req) });
  } catch (e) {
    sendJson(res, 400, { error: e instanceof Error ? e.message : String(e) });
  }
  return true;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

export async function readBody(req: IncomingMessage, limitBytes = 20 * 1024 * 1024): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > limitBytes) throw new Error('request body too large');
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}

/** JSON answer, indented like Google's by default; `pretty: false` is Google's `prettyPrint=false`
 *  (compact: a 500-tab read is ~3 times smaller). The text is encoded once. */
/** A response nobody receives: a handler run against it acts (places the call, writes the cells) and its
 *  answer goes nowhere, for a fault that answers something else after the request took effect. */
export function discardedResponse(req: IncomingMessage): ServerResponse {
  return new ServerResponse(req);
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
  pretty = true,
): void {
  if (res.headersSent || res.destroyed) return;
  const bytes = Buffer.from(pretty ? JSON.stringify(body, null, 2) : JSON.stringify(body));
  res.writeHead(status, {
    'content-type': 'application/json; charset=UTF-8',
    'content-length': bytes.length,
    ...headers,
  });
  res.end(bytes);
}

/** Parses a JSON body; undefined for an empty body, throws SyntaxError on invalid JSON. */
export function parseJsonBody(body: Buffer): unknown {
  if (body.length === 0) return undefined;
  return JSON.parse(body.toString('utf8'));
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export interface Listening {
  server: Server;
  port: number;
  /** http://host:port/ (with the trailing slash the googleapis rootUrl expects). */
  url: string;
  close(): Promise<void>;
}

export async function listen(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
  port = 0,
  host = '127.0.0.1',
  /** Node refuses request heads over 16 KiB with its own 431; an emulator that answers over-long URLs
   *  the way the real service does raises it. */
  maxHeaderSize?: number,
): Promise<Listening> {
  const server = maxHeaderSize ? createServer({ maxHeaderSize }, handler) : createServer(handler);
  // Node's default idle timeout, as a real API keeps a connection open: a client reuses its sockets. (At 1 s
  // the server announced `Keep-Alive: timeout=1`, which Node's http.Agent takes as "never reuse": a new TCP
  // connection per Dialpad call, ~2 % of the coordinator's CPU at load.) close() ends every connection.
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address() as AddressInfo;
  const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return {
    server,
    port: addr.port,
    url: `http://${shownHost}:${addr.port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Held ("hang") requests and idle keep-alive sockets must not keep the process alive.
        server.closeAllConnections();
      }),
  };
}
