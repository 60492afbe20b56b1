// Dialpad REST client for what the coordinator calls: POST /api/v2/users/{id}/initiate_call and
// PUT /api/v2/call/{id}/actions/hangup, with
// `Authorization: Bearer <key>`, a configurable base URL (production https://dialpad.com, the emulator in
// dev and tests), a per-request timeout and the Dialpad circuit breaker.
//
// Errors become ApiErrors a person can act on, split by what they prove (answer-outcome.ts):
//   429                         → RATE_LIMITED        (Dialpad allows 5 initiate_call per minute per user)
//   other 4xx                   → DIALPAD_REJECTED    (with Dialpad's own message, phone numbers masked)
//   503 with Retry-After, or the
//     connection failed before
//     the request left          → DIALPAD_UNAVAILABLE (Dialpad did not act; counts towards the breaker)
//   breaker open                → DIALPAD_UNAVAILABLE (fails fast, no request sent)
//   500, 502, 504, 503 without
//     Retry-After, any other 5xx,
//     no answer in time, the
//     connection failed after
//     the request was written, or
//     a 2xx we cannot read      → UPSTREAM_TIMEOUT    (the outcome is unknown: Dialpad may have acted; the
//                                                      5xx and the losses count towards the breaker)
//
// initiate_call is NEVER retried once written, on an unknown outcome least of all: the request may have
// reached Dialpad and rung the agent's phone, and a second call to the same lead is worse than an error the
// agent can see (the coordinator's idempotency key covers the agent's own retry). The only resend is of a
// request that met a pooled connection the server had already closed, before any byte of it was written
// (keep-alive-exchange.ts): Dialpad cannot have seen it.
import { z } from 'zod';
import {
  type DialpadInitiateCall,
  DialpadInitiateCallResponseSchema,
} from '../../../src-shared/contracts/dialpad.js';
import { ApiError } from '../../../src-shared/contracts/errors.js';
import { maskPhonesInText } from '../../../src-shared/domain/phone.js';
import type { DialpadGateway, InitiatedCall } from '../ports.js';
import { parseRetryAfterMs } from '../resilience/backoff.js';
import { type AnswerOutcome, outcomeOfAnswer } from './answer-outcome.js';
import {
  type BreakerOptions,
  createBreaker,
  isBreakerOpenError,
  type UpstreamBreaker,
} from '../resilience/breakers.js';
import { ConnectionFailedError, KeepAlivePool } from './keep-alive-exchange.js';

export const DIALPAD_PRODUCTION_URL = 'https://dialpad.com';

/** A non-2xx answer from Dialpad (internal: mapped to ApiError before leaving the gateway). */
export class DialpadHttpError extends Error {
  /** Whether Dialpad certainly did not act on the request, or may have (answer-outcome.ts). */
  readonly outcome: AnswerOutcome;
  constructor(
    readonly status: number,
    readonly upstreamMessage: string,
    readonly retryAfterMs: number | null,
  ) {
    super(`Dialpad answered ${status}`);
    this.name = 'DialpadHttpError';
    this.outcome = outcomeOfAnswer(status, retryAfterMs !== null);
  }
}

/** Why a 5xx leaves the outcome open, in words an agent can act on. */
function unknownOutcomeCause(status: number): string {
  if (status === 502) return 'a gateway in front of Dialpad got no valid answer from it (HTTP 502)';
  if (status === 504) return 'a gateway in front of Dialpad got no answer from it in time (HTTP 504)';
  if (status === 503) return 'Dialpad or a gateway in front of it answered HTTP 503';
  return `Dialpad failed while handling the request (HTTP ${status})`;
}

const isTimeout = (err: unknown) =>
  err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');

/** A socket-level failure: node:http's system errors carry a string `code` (ECONNREFUSED, ECONNRESET…). */
const isNetworkError = (err: Error) =>
  err instanceof TypeError || ('code' in err && typeof err.code === 'string');

/** What counts as Dialpad failing (opens the breaker): 5xx, timeouts, network errors; never a 4xx. */
export function isDialpadFailure(err: Error): boolean {
  if (err instanceof DialpadHttpError) return err.status >= 500;
  if (err instanceof ConnectionFailedError) return true;
  return isTimeout(err) || isNetworkError(err);
}

export function createDialpadBreaker(opts?: BreakerOptions): UpstreamBreaker {
  return createBreaker('dialpad', isDialpadFailure, opts);
}

/** initiate_call's answer as the contract has it, without its passthroughs: only `device.id` is read, and
 *  zod copied every other field of Dialpad's answer (0.6 % of the coordinator's main thread in
 *  bench/cycle-cost.ts under perf). */
const InitiateCallAnswerSchema = DialpadInitiateCallResponseSchema.extend({
  device: DialpadInitiateCallResponseSchema.shape.device.strip(),
}).strip();

const ErrorBodySchema = z
  .object({
    error: z.union([z.string(), z.object({ message: z.string().optional() }).passthrough()]).optional(),
    message: z.string().optional(),
  })
  .passthrough();

function upstreamMessageOf(bodyText: string): string {
  let msg = bodyText.trim();
  try {
    const parsed = ErrorBodySchema.safeParse(JSON.parse(bodyText));
    if (parsed.success) {
      const e = parsed.data.error;
      msg = (typeof e === 'string' ? e : e?.message) ?? parsed.data.message ?? msg;
    }
  } catch {
    // not JSON: keep the text
  }
  return maskPhonesInText(msg.slice(0, 300));
}

export interface HttpDialpadGatewayOptions {
  /** e.g. https://dialpad.com or the emulator URL; `/api/v2/...` is appended. */
  baseUrl: string;
  apiKey: string;
  /** Per-request timeout. Default 8000 ms. */
  timeoutMs?: number;
  /** Shared with /readyz and metrics; default: a new Dialpad breaker. */
  breaker?: UpstreamBreaker;
  /** How long a pooled connection may sit idle before we close it. Default IDLE_SOCKET_MS (4 s). */
  idleSocketMs?: number;
}

export class HttpDialpadGateway implements DialpadGateway {
  readonly breaker: UpstreamBreaker;
  readonly #baseUrl: string;
  readonly #apiKey: string;
  readonly #timeoutMs: number;
  /** Keep-alive connections, reused across calls (node:http: fetch's per-request cost was ~4 % of the
   *  coordinator's CPU at max pace), never written to when the server may be closing them. */
  readonly #pool: KeepAlivePool;

  constructor(opts: HttpDialpadGatewayOptions) {
    this.#baseUrl = opts.baseUrl.replace(/\/+$/, '');
    this.#apiKey = opts.apiKey;
    this.#timeoutMs = opts.timeoutMs ?? 8000;
    this.breaker = opts.breaker ?? createDialpadBreaker();
    this.#pool = new KeepAlivePool(opts.idleSocketMs);
  }

  async initiateCall(input: {
    dialpadUserId: string;
    phoneE164: string;
    customData: string;
    outboundCallerId?: string;
  }): Promise<InitiatedCall> {
    const url = `${this.#baseUrl}/api/v2/users/${encodeURIComponent(input.dialpadUserId)}/initiate_call`;
    const body: DialpadInitiateCall = {
      phone_number: input.phoneE164,
      custom_data: input.customData,
      ...(input.outboundCallerId ? { outbound_caller_id: input.outboundCallerId } : {}),
    };
    let text: string;
    try {
      text = await this.breaker.execute(() => this.#send('POST', url, body));
    } catch (err) {
      throw this.#toApiError(err);
    }
    // A 2xx: Dialpad took the request. An answer we cannot read does not undo that (the call has probably
    // started), so it is an unknown outcome, never a refusal; nor does it count as Dialpad failing.
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = null;
    }
    const parsed = InitiateCallAnswerSchema.safeParse(json);
    if (!parsed.success) {
      throw new ApiError(
        'UPSTREAM_TIMEOUT',
        'Dialpad accepted the call but answered in an unexpected shape; the call has probably started: check the Dialpad app before dialing again',
      );
    }
    return { deviceId: parsed.data.device.id };
  }

  /** Ends a live call through Dialpad's call actions API (api-facts.md A: no body, 200 with an empty
   *  object, 1200/min). Dialpad then sends the call's hangup event, which ends the call here as any other
   *  ending webhook does. Safe to repeat; never retried here (the agent's own retry carries the key).
   *  Assumption [U]: Dialpad's answer for a call that already ended is not documented; it maps to
   *  DIALPAD_REJECTED like any 4xx and the caller re-reads the call. */
  async hangUp(dialpadCallId: string): Promise<void> {
    const url = `${this.#baseUrl}/api/v2/call/${encodeURIComponent(dialpadCallId)}/actions/hangup`;
    try {
      await this.breaker.execute(() => this.#send('PUT', url));
    } catch (err) {
      throw this.#toApiError(err, 'hang up');
    }
  }

  /** One authenticated request with the client timeout; the answer's text, or DialpadHttpError (status,
   *  Dialpad's message, Retry-After) when it is not 2xx. Runs inside the breaker, which counts its throws. */
  async #send(method: 'POST' | 'PUT', url: string, body?: unknown): Promise<string> {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const answer = await this.#pool.exchange({
      method,
      url,
      payload,
      timeoutMs: this.#timeoutMs,
      // Hanging up twice is hanging up once; initiating twice is two calls.
      idempotent: method === 'PUT',
      headers: {
        authorization: `Bearer ${this.#apiKey}`,
        accept: 'application/json',
        ...(payload === undefined
          ? { 'content-length': 0 }
          : { 'content-type': 'application/json', 'content-length': payload.length }),
      },
    });
    if (answer.status >= 200 && answer.status < 300) return answer.text;
    const retryAfter = answer.headers['retry-after'];
    throw new DialpadHttpError(
      answer.status,
      upstreamMessageOf(answer.text),
      parseRetryAfterMs(typeof retryAfter === 'string' ? retryAfter : null, Date.now()),
    );
  }

  #toApiError(err: unknown, action: 'call' | 'hang up' = 'call'): ApiError {
    if (err instanceof ApiError) return err;
    if (isBreakerOpenError(err)) {
      return new ApiError(
        'DIALPAD_UNAVAILABLE',
        'Dialpad is failing repeatedly; calls are paused for a few seconds',
      );
    }
    if (isTimeout(err)) {
      return new ApiError(
        'UPSTREAM_TIMEOUT',
        action === 'call'
          ? `Dialpad did not answer within ${this.#timeoutMs} ms; the call may have started: check the Dialpad app before dialing again`
          : `Dialpad did not answer within ${this.#timeoutMs} ms; the call may still be live: hang up in the Dialpad app`,
      );
    }
    if (err instanceof ConnectionFailedError && err.sent) {
      // Written, then the connection failed before the whole answer: Dialpad may have acted on it.
      return new ApiError(
        'UPSTREAM_TIMEOUT',
        action === 'call'
          ? 'Dialpad closed the connection before answering; the call may have started: check the Dialpad app before dialing again'
          : 'Dialpad closed the connection before answering; the call may still be live: hang up in the Dialpad app',
      );
    }
    if (err instanceof DialpadHttpError) {
      if (err.status === 429) {
        return new ApiError(
          'RATE_LIMITED',
          action === 'call'
            ? 'Dialpad rate limit reached (5 calls per minute per user); wait and retry'
            : 'Dialpad rate limit reached; wait a moment and hang up again',
          {
            retryAfterMs: err.retryAfterMs,
          },
        );
      }
      if (err.status >= 500 && err.outcome === 'refused') {
        return new ApiError(
          'DIALPAD_UNAVAILABLE',
          `Dialpad is unavailable (HTTP ${err.status}); try again shortly`,
          { status: err.status, retryAfterMs: err.retryAfterMs },
        );
      }
      if (err.outcome === 'unknown') {
        const cause = unknownOutcomeCause(err.status);
        return new ApiError(
          'UPSTREAM_TIMEOUT',
          action === 'call'
            ? `${cause}; the call may have started: check the Dialpad app before dialing again`
            : `${cause}; the call may still be live: hang up in the Dialpad app`,
          { status: err.status },
        );
      }
      const why = err.upstreamMessage === '' ? '' : `: ${err.upstreamMessage}`;
      const what = action === 'call' ? 'the call' : 'to hang up';
      return new ApiError('DIALPAD_REJECTED', `Dialpad refused ${what} (HTTP ${err.status})${why}`, {
        status: err.status,
      });
    }
    return new ApiError('DIALPAD_UNAVAILABLE', 'Dialpad could not be reached');
  }
}
