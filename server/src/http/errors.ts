// The one error handler: an ApiError becomes its status and `{error:{code,message,details?}}`; a failure to
// read the body (body-parser and raw-body: bad JSON, oversize, unsupported charset or Content-Encoding, and
// a body that fails to decompress, whose zlib error carries a 4xx status but no `type`) becomes a 400 logged
// at info; Redis unreachable is a 503 STORE_UNAVAILABLE (logged as a warning); every 503 and 429 carries
// Retry-After; anything else is a 500 INTERNAL whose message is hidden from the client (and logged).
import type { NextFunction, Request, Response } from 'express';
import type { z } from 'zod';
import { ApiError, type ApiErrorBody } from '../../../src-shared/contracts/errors.js';
import { ctxOf, type RequestContext } from './context.js';

/** http-errors' shape, as body-parser throws it (the `type` is absent on a decompression failure). */
interface BodyReadError {
  status: number;
  type?: unknown;
}
const isBodyReadError = (e: unknown): e is BodyReadError =>
  typeof e === 'object' &&
  e !== null &&
  'status' in e &&
  typeof e.status === 'number' &&
  e.status >= 400 &&
  e.status < 500;

/** ioredis giving up on a command because Redis is unreachable (not a bug: a dependency outage). */
const isStoreUnreachable = (e: unknown): boolean =>
  e instanceof Error &&
  (e.name === 'MaxRetriesPerRequestError' ||
    e.name === 'ClusterAllFailedError' ||
    /Connection is closed|Stream isn't writeable|ECONNREFUSED|ECONNRESET|All sentinels are unreachable/.test(
      e.message,
    ));

/** Seconds a client should wait before retrying a 503 (or a 429 that did not say). */
export const RETRY_AFTER_SECONDS = 2;

/** A request body checked against its route's contract schema, or the 400 VALIDATION_FAILED every route
 *  answers (agent and supervisor routes alike), naming each issue's path. */
export function parseBody<S extends z.ZodType>(schema: S, raw: unknown): z.output<S> {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  throw new ApiError(
    'VALIDATION_FAILED',
    'request body does not match the API contract',
    parsed.error.issues.map((i) => ({ path: i.path.map(String), code: i.code, message: i.message })),
  );
}

export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  if (isStoreUnreachable(err))
    return new ApiError('STORE_UNAVAILABLE', 'the coordinator cannot reach its store; retry shortly');
  if (isBodyReadError(err)) {
    if (err.type === 'entity.too.large') return new ApiError('BAD_REQUEST', 'request body too large');
    if (err.type === 'entity.parse.failed')
      return new ApiError('VALIDATION_FAILED', 'request body is not valid JSON');
    if (err.type === 'encoding.unsupported' || err.type === 'charset.unsupported')
      return new ApiError('BAD_REQUEST', 'request body encoding or charset is not supported');
    return new ApiError('BAD_REQUEST', 'request body could not be read');
  }
  return new ApiError('INTERNAL', 'internal error');
}

/** An error that says when to come back (`details.retryAfterMs`: a start queued behind the Sheets read
 *  budget, Sheets unavailable) carries it as a Retry-After header in whole seconds (docs/coordinator.md). */
function retryAfterSecondsOf(err: ApiError): number | null {
  const d = err.details;
  if (d === null || typeof d !== 'object' || !('retryAfterMs' in d)) return null;
  const ms = d.retryAfterMs;
  return typeof ms === 'number' && Number.isFinite(ms) && ms > 0 ? Math.max(1, Math.ceil(ms / 1000)) : null;
}

/** What to answer for `err`: its status, body and Retry-After (seconds, or null). Logs it on the request's
 *  logger and reports it to `onError`. Shared by the Express error handler and the fast lane. */
export function answerError(
  err: unknown,
  ctx: RequestContext | null,
  onError?: (status: number, code: string, route: string | null) => void,
): { status: number; body: ApiErrorBody; retryAfterS: number | null } {
  const apiErr = toApiError(err);
  // A bug is an error line; a dependency that is down (503) is a warning, once per request.
  if (apiErr.code === 'INTERNAL' || apiErr.status === 500) ctx?.log.error({ err }, 'request failed');
  else if (apiErr.status >= 500) ctx?.log.warn({ code: apiErr.code, err }, 'request failed: dependency');
  else ctx?.log.info({ code: apiErr.code }, 'request rejected');
  onError?.(apiErr.status, apiErr.code, ctx?.route ?? null);
  // The cause's own delay when it gave one, else RETRY_AFTER_SECONDS on any 503 or 429.
  const retryAfterS =
    retryAfterSecondsOf(apiErr) ??
    (apiErr.status === 503 || apiErr.status === 429 ? RETRY_AFTER_SECONDS : null);
  return { status: apiErr.status, body: apiErr.toBody(), retryAfterS };
}

export function errorHandler(onError?: (status: number, code: string, route: string | null) => void) {
  return (err: unknown, _req: Request, res: Response, _next: NextFunction): void => {
    const a = answerError(err, res.locals.ctx ? ctxOf(res) : null, onError);
    if (res.headersSent) return;
    if (a.retryAfterS !== null && !res.getHeader('retry-after'))
      res.setHeader('Retry-After', String(a.retryAfterS));
    res.status(a.status).json(a.body);
  };
}

export function notFound(req: Request, _res: Response, next: NextFunction): void {
  next(new ApiError('NOT_FOUND', `no route for ${req.method} ${req.path}`));
}
