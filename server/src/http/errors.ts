// The one error handler: an ApiError becomes its status and `{error:{code,message,details?}}`; a failure to
// read the body (body-parser and raw-body: bad JSON, oversize, unsupported charset or Content-Encoding, and
// a body that fails to decompress, whose zlib error carries a 4xx status but no `type`) becomes a 400 logged
// at info; anything else is a 500 INTERNAL whose message is hidden from the client (and logged).
import type { NextFunction, Request, Response } from 'express';
import { ApiError } from '../../../src-shared/contracts/errors.js';
import { ctxOf } from './context.js';

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

export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
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

export function errorHandler(onError?: (status: number, code: string, route: string | null) => void) {
  return (err: unknown, _req: Request, res: Response, _next: NextFunction): void => {
    const apiErr = toApiError(err);
    const ctx = res.locals.ctx ? ctxOf(res) : null;
    if (apiErr.status >= 500) ctx?.log.error({ err }, 'request failed');
    else ctx?.log.info({ code: apiErr.code }, 'request rejected');
    onError?.(apiErr.status, apiErr.code, ctx?.route ?? null);
    if (res.headersSent) return;
    const retryAfterS = retryAfterSecondsOf(apiErr);
    if (retryAfterS !== null) res.setHeader('Retry-After', String(retryAfterS));
    res.status(apiErr.status).json(apiErr.toBody());
  };
}

export function notFound(req: Request, _res: Response, next: NextFunction): void {
  next(new ApiError('NOT_FOUND', `no route for ${req.method} ${req.path}`));
}
