// The typed HTTP client of the coordinator API. Routes, bodies and response schemas come from a route
// table: HTTP_API (src-shared/contracts/http.ts) for the dialer, SUPERVISOR_API for the supervisor console;
// every answer is parsed with its zod schema and every error with ApiErrorBodySchema, so nothing unchecked
// reaches the store. A 401 on an authenticated route triggers one token refresh and one retry.
import type { z } from 'zod';
import { ApiErrorBodySchema } from '../../src-shared/contracts/errors';
import { type HttpApi, IDEMPOTENCY_HEADER, REQUEST_ID_HEADER } from '../../src-shared/contracts/http';
import { newId } from '../lib/ids';

/** What the client needs of one route (HTTP_API's and SUPERVISOR_API's entries have this shape). */
export interface RouteSpec {
  method: 'GET' | 'POST';
  path: string;
  body: z.ZodType;
  response: z.ZodType;
  auth: boolean;
  idempotent: boolean;
}
export type RouteTable = Readonly<Record<string, RouteSpec>>;

/** An API call that failed: a coordinator error code, or NETWORK (never reached it) / BAD_RESPONSE. */
export class ApiCallError extends Error {
  readonly code: string;
  readonly status: number;
  readonly details: unknown;
  /** The server asked to come back later (a 429/503 with Retry-After): ms to wait; null otherwise. */
  readonly retryAfterMs: number | null;
  constructor(
    code: string,
    message: string,
    status: number,
    details?: unknown,
    retryAfterMs: number | null = null,
  ) {
    super(message);
    this.name = 'ApiCallError';
    this.code = code;
    this.status = status;
    this.details = details;
    this.retryAfterMs = retryAfterMs;
  }
  /** Worth retrying with the same idempotency key: the request may not have been applied yet. */
  get transient(): boolean {
    if (this.code === 'NETWORK') return true;
    // "Not now, come back in N s" (e.g. a morning start storm waiting for the sheet's read quota).
    if (this.retryAfterMs !== null && (this.status === 429 || this.status === 503)) return true;
    if (['RATE_LIMITED', 'LOCKED', 'IDEMPOTENCY_IN_PROGRESS', 'UPSTREAM_TIMEOUT'].includes(this.code))
      return true;
    // 502/503/504 without one of our codes = a proxy or a restarting coordinator.
    return this.code === 'HTTP' && this.status >= 500;
  }
}

export interface ApiClientOptions<T extends RouteTable = HttpApi> {
  /** The route table: HTTP_API, or SUPERVISOR_API for the console. */
  routes: T;
  /** Coordinator origin, '' for the page's own origin. */
  baseUrl: string;
  fetch?: typeof fetch;
  getAccessToken: () => string | null;
  /** Refreshes the access token; false when the agent must sign in again. */
  refresh: () => Promise<boolean>;
  /** Told about every success/failure to reach the coordinator (connection indicator). */
  onReachability?: (reachable: boolean) => void;
}

export interface CallOptions {
  idempotencyKey?: string;
  signal?: AbortSignal;
}

export class ApiClient<T extends RouteTable = HttpApi> {
  readonly #o: ApiClientOptions<T>;
  readonly #routes: T;
  readonly #fetch: typeof fetch;
  constructor(o: ApiClientOptions<T>) {
    this.#o = o;
    this.#routes = o.routes;
    this.#fetch = o.fetch ?? globalThis.fetch.bind(globalThis);
  }

  get baseUrl(): string {
    return this.#o.baseUrl;
  }

  /** Calls a route by name. Throws ApiCallError. */
  async call<N extends keyof T & string>(
    name: N,
    body?: z.input<T[N]['body']>,
    opts: CallOptions = {},
  ): Promise<z.infer<T[N]['response']>> {
    const route: T[N] = this.#routes[name];
    if (route.idempotent && !opts.idempotencyKey)
      throw new ApiCallError('CLIENT', `${name} needs an idempotency key`, 0);
    const res = await this.#send(
      route.method,
      route.path,
      route.method === 'GET' ? undefined : (body ?? {}),
      {
        auth: route.auth,
        ...opts,
      },
    );
    const parsed = route.response.safeParse(res);
    if (!parsed.success) throw new ApiCallError('BAD_RESPONSE', `unexpected answer from ${route.path}`, 200);
    return parsed.data as z.infer<T[N]['response']>;
  }

  async #send(
    method: 'GET' | 'POST',
    path: string,
    body: unknown,
    opts: CallOptions & { auth: boolean },
    retried = false,
  ): Promise<unknown> {
    const headers: Record<string, string> = { Accept: 'application/json', [REQUEST_ID_HEADER]: newId() };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (opts.idempotencyKey) headers[IDEMPOTENCY_HEADER] = opts.idempotencyKey;
    if (opts.auth) {
      const token = this.#o.getAccessToken();
      if (token) headers.Authorization = `Bearer ${token}`;
    }
    let res: Response;
    try {
      res = await this.#fetch(`${this.#o.baseUrl}${path}`, {
        method,
        headers,
        body: body === undefined ? null : JSON.stringify(body),
        signal: opts.signal ?? null,
      });
    } catch (e) {
      this.#o.onReachability?.(false);
      throw new ApiCallError('NETWORK', e instanceof Error ? e.message : 'network error', 0);
    }
    const json: unknown = await res.json().catch(() => undefined);
    if (res.ok) {
      this.#o.onReachability?.(true);
      return json;
    }
    const err = ApiErrorBodySchema.safeParse(json);
    // A gateway in front of a down coordinator answers 502/503 without our body: that is "unreachable".
    this.#o.onReachability?.(err.success || res.status < 500);
    const retryAfterMs = err.success ? parseRetryAfter(res.headers.get('Retry-After'), Date.now()) : null;
    if (!err.success) throw new ApiCallError('HTTP', `HTTP ${res.status} from ${path}`, res.status);
    const { code, message, details } = err.data.error;
    // AGENT_SIGNED_OUT (a supervisor signed the agent out): the refresh is refused too, which signs out here.
    const refreshable = code === 'TOKEN_EXPIRED' || code === 'UNAUTHENTICATED' || code === 'AGENT_SIGNED_OUT';
    if (opts.auth && !retried && refreshable) {
      if (await this.#o.refresh()) return this.#send(method, path, body, opts, true);
    }
    throw new ApiCallError(code, message, res.status, details, retryAfterMs);
  }
}

/** Retry-After as ms: delta-seconds or an HTTP date (RFC 9110 §10.2.3); null when absent or unreadable. */
export function parseRetryAfter(value: string | null, now: number): number | null {
  if (value === null || value.trim() === '') return null;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}
