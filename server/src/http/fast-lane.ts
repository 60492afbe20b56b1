// The fast lane: the hot POST routes of a dialing cycle (the Dialpad webhook, /disposition, /dial, /next,
// /skip) answered without Express's per-request machinery (swapping the prototypes of req and res, a walk
// of the router's ~40 layers, body-parser, res.json's header helpers): ~15 % of the HTTP layer's CPU in
// bench/http-cost.ts. Everything a client can observe is the same code as the Express path: the request
// context (X-Request-Id), the latency metric and request log line, auth, the zod contract, the idempotency
// guard and the handler (routes.ts's runner, webhook.ts's handler), and the error answers (errors.ts).
// Only the plain case takes the lane: the exact path with no query string, a Content-Length within the
// route's limit, no Content-Encoding or Transfer-Encoding, and for the JSON routes a JSON Content-Type in
// UTF-8. Everything else (a compressed or chunked body, another charset, a draining instance, any other
// route) goes to Express untouched, which answers it as before.
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { ApiError } from '../../../src-shared/contracts/errors.js';
import { HTTP_API, IDEMPOTENCY_HEADER, type RouteName } from '../../../src-shared/contracts/http.js';
import type { Logger } from '../logger.js';
import { type RequestContext, newRequestContext } from './context.js';
import { answerError } from './errors.js';
import type { RouteRunner } from './routes.js';
import { DIALPAD_WEBHOOK_PATH, WEBHOOK_BODY_LIMIT, type WebhookHandler } from './webhook.js';

/** The API routes that take the lane (POST, JSON body): the ones every dialing cycle calls. */
export const FAST_ROUTES = ['disposition', 'dial', 'next', 'skip'] as const satisfies readonly RouteName[];

/** express.json's limit on the Express path (app.ts). */
export const JSON_BODY_LIMIT = 64 * 1024;

export interface FastLaneDeps {
  logger: Logger;
  run: RouteRunner;
  webhook: WebhookHandler;
  /** Metrics and the request log line, as the Express path's `observe` middleware does. */
  observe: (req: IncomingMessage, res: ServerResponse, ctx: () => RequestContext | undefined) => void;
  onError: (status: number, code: string, route: string | null) => void;
  isDraining?: () => boolean;
}

type Lane = { kind: 'api'; name: RouteName } | { kind: 'webhook' };

const IDEMPOTENCY_HEADER_LC = IDEMPOTENCY_HEADER.toLowerCase();
/** `application/json`, optionally with parameters (type-is's match for express.json's default type). */
const JSON_TYPE_RE = /^application\/json[ \t]*(?:;|$)/i;
const CHARSET_RE = /;[ \t]*charset[ \t]*=[ \t]*"?([^";]*)"?/i;

/** True when express.json would parse this Content-Type as UTF-8 JSON (a charset other than utf-8 is its
 *  415/400, left to Express). */
function isUtf8Json(contentType: string | undefined): boolean {
  if (!contentType || !JSON_TYPE_RE.test(contentType)) return false;
  const charset = CHARSET_RE.exec(contentType)?.[1]?.trim().toLowerCase();
  return charset === undefined || charset === 'utf-8';
}

/** The body's length when the lane can read it (a plain Content-Length within `limit`), else null. */
function plainLength(req: IncomingMessage, limit: number): number | null {
  const h = req.headers;
  if (h['transfer-encoding'] !== undefined) return null;
  const enc = h['content-encoding'];
  if (enc !== undefined && enc.toLowerCase() !== 'identity') return null;
  const len = h['content-length'];
  if (len === undefined || !/^\d{1,9}$/.test(len)) return null;
  const n = Number(len);
  return n <= limit ? n : null;
}

/** A body the client stopped sending: a 400 logged at info, as raw-body's `request.aborted` on the Express
 *  path (errors.ts reads `status`), never an error line. */
const aborted = () => Object.assign(new Error('request aborted'), { status: 400, type: 'request.aborted' });

function readBody(req: IncomingMessage, length: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, length)));
    req.on('error', () => reject(aborted()));
    req.on('close', () => {
      if (!req.complete) reject(aborted());
    });
  });
}

/** express.json with `strict: true`: an empty body is {}, anything but an object or array is refused. */
function parseJsonBody(raw: Buffer): unknown {
  const text = raw.toString('utf8');
  const first = /\S/.exec(text)?.[0];
  if (first === undefined) return {};
  if (first !== '{' && first !== '[')
    throw new ApiError('VALIDATION_FAILED', 'request body is not valid JSON');
  try {
    return JSON.parse(text);
  } catch {
    throw new ApiError('VALIDATION_FAILED', 'request body is not valid JSON');
  }
}

function send(res: ServerResponse, status: number, body: string, extra?: Record<string, string>): void {
  res.writeHead(status, {
    ...extra,
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
  });
  res.end(body);
}

/** A request listener: the lane's routes here, everything else to `fallback` (the Express app). */
export function fastLane(fallback: RequestListener, d: FastLaneDeps): RequestListener {
  const lanes = new Map<string, Lane>([[DIALPAD_WEBHOOK_PATH, { kind: 'webhook' }]]);
  for (const name of FAST_ROUTES) lanes.set(HTTP_API[name].path, { kind: 'api', name });

  const serve = async (lane: Lane, req: IncomingMessage, res: ServerResponse, length: number) => {
    const ctx = newRequestContext(d.logger, req, res);
    d.observe(req, res, () => ctx);
    try {
      const raw = await readBody(req, length);
      if (lane.kind === 'webhook') {
        const answer = await d.webhook(raw, req.headers['content-type'], ctx);
        send(res, 200, JSON.stringify(answer));
        return;
      }
      const idem = req.headers[IDEMPOTENCY_HEADER_LC];
      const a = await d.run(lane.name, {
        authorization: req.headers.authorization,
        idempotencyKey: Array.isArray(idem) ? idem.join(', ') : idem,
        body: parseJsonBody(raw),
        ctx,
      });
      send(res, a.status, a.body, a.replayed ? { 'Idempotent-Replayed': 'true' } : undefined);
    } catch (err) {
      const a = answerError(err, ctx, d.onError);
      if (res.headersSent) return;
      send(
        res,
        a.status,
        JSON.stringify(a.body),
        a.retryAfterS === null ? undefined : { 'Retry-After': String(a.retryAfterS) },
      );
    }
  };

  return (req, res) => {
    const lane = req.method === 'POST' ? lanes.get(req.url ?? '') : undefined;
    if (!lane || d.isDraining?.()) return fallback(req, res);
    const length = plainLength(req, lane.kind === 'webhook' ? WEBHOOK_BODY_LIMIT : JSON_BODY_LIMIT);
    if (length === null || (lane.kind === 'api' && !isUtf8Json(req.headers['content-type'])))
      return fallback(req, res);
    void serve(lane, req, res, length);
  };
}
