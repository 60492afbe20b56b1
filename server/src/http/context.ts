// Per-request context: the correlation id (accepted from X-Request-Id when sane and free of anything the log
// masker would hide, such as a phone number, else generated; echoed back), the request's child logger bound to
// it, and the authenticated principal once auth ran. Kept in res.locals so nothing needs Express type
// augmentation. The child logger is made on first use: most requests log nothing (a pino child per request
// and per bound field was ~3 % of the coordinator's CPU at max pace).
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { NextFunction, Request, Response } from 'express';
import { REQUEST_ID_HEADER } from '../../../src-shared/contracts/http.js';
import { type Logger, maskLogText } from '../logger.js';
import type { AgentPrincipal } from '../ports.js';

export interface RequestContext {
  requestId: string;
  /** The request's logger (reqId and every bound field on each line). */
  readonly log: Logger;
  /** Adds fields to every later line of this request's logger. */
  bind(fields: Record<string, string>): void;
  /** Whether a line at `level` would be written, without building the request's logger (a hot-path debug
   *  line is guarded by it). */
  logs(level: 'debug' | 'trace'): boolean;
  principal: AgentPrincipal | null;
  /** Matched route pattern (metrics label), set by the route registration. */
  route: string | null;
}

const SANE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** 1–128 of `A-Za-z0-9._:-`, and logged as is: an id the masker would change (a phone number) is not taken. */
export function isSafeRequestId(id: string): boolean {
  return SANE_ID.test(id) && maskLogText(id) === id;
}

class LazyRequestContext implements RequestContext {
  principal: AgentPrincipal | null = null;
  route: string | null = null;
  readonly #root: Logger;
  readonly #bindings: Record<string, string>;
  #log: Logger | null = null;

  constructor(
    root: Logger,
    readonly requestId: string,
  ) {
    this.#root = root;
    this.#bindings = { reqId: requestId };
  }

  get log(): Logger {
    this.#log ??= this.#root.child(this.#bindings);
    return this.#log;
  }

  logs(level: 'debug' | 'trace'): boolean {
    return (this.#log ?? this.#root).isLevelEnabled(level);
  }

  bind(fields: Record<string, string>): void {
    if (this.#log) this.#log = this.#log.child(fields);
    else Object.assign(this.#bindings, fields);
  }
}

/** The request's context, its id taken from X-Request-Id when safe (else a new one) and echoed on `res`. */
export function newRequestContext(root: Logger, req: IncomingMessage, res: ServerResponse): RequestContext {
  const offered = req.headers[REQUEST_ID_HEADER_LC];
  const requestId = typeof offered === 'string' && isSafeRequestId(offered) ? offered : randomUUID();
  res.setHeader(REQUEST_ID_HEADER, requestId);
  return new LazyRequestContext(root, requestId);
}

const REQUEST_ID_HEADER_LC = REQUEST_ID_HEADER.toLowerCase();

export function requestContext(root: Logger) {
  return (req: Request, res: Response, next: NextFunction): void => {
    res.locals.ctx = newRequestContext(root, req, res);
    next();
  };
}

export function ctxOf(res: Response): RequestContext {
  const ctx = res.locals.ctx as RequestContext | undefined;
  if (!ctx) throw new Error('request context middleware did not run');
  return ctx;
}
