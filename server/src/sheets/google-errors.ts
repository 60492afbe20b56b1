// Reads what went wrong out of an error thrown by the googleapis client (a GaxiosError: HTTP status, the
// Google error body `{"error":{"code","message","status"}}`, a Retry-After header) or by the network, and
// classifies it once for the breaker, the retry decisions and the ApiError mapping.
import { z } from 'zod';
import { isBreakerOpenError } from '../resilience/breakers.js';
import { parseRetryAfterMs } from '../resilience/backoff.js';

export type GoogleFailureKind =
  /** 429: quota. Retry later (Retry-After or backoff); the API itself is fine. */
  | 'rate-limited'
  /** 5xx, timeouts, connection failures: the API is failing. Retry; counts towards the breaker. */
  | 'unavailable'
  /** Our breaker is open: no request was sent. Retry later. */
  | 'circuit-open'
  /** 4xx other than 429: this request is wrong (bad range, missing sheet, no permission). */
  | 'rejected';

export interface GoogleFailure {
  kind: GoogleFailureKind;
  status: number | null;
  /** Google's own message (no secrets, no phone numbers: it echoes ranges and ids at most). */
  message: string;
  retryAfterMs: number | null;
}

const GaxiosLikeSchema = z
  .object({
    status: z.number().optional(),
    code: z.union([z.string(), z.number()]).optional(),
    message: z.string().optional(),
    response: z
      .object({
        status: z.number().optional(),
        headers: z.unknown().optional(),
        data: z.unknown().optional(),
      })
      .passthrough()
      .optional(),
  })
  .passthrough();

const GoogleErrorBodySchema = z.object({
  error: z.object({
    code: z.number().optional(),
    message: z.string().optional(),
    status: z.string().optional(),
  }),
});

function headerOf(headers: unknown, name: string): string | null {
  if (headers instanceof Headers) return headers.get(name);
  if (headers && typeof headers === 'object') {
    const v = (headers as Record<string, unknown>)[name];
    return typeof v === 'string' ? v : null;
  }
  return null;
}

export function classifyGoogleError(err: unknown, now: number): GoogleFailure {
  if (isBreakerOpenError(err)) {
    return { kind: 'circuit-open', status: null, message: 'circuit breaker open', retryAfterMs: null };
  }
  const e = GaxiosLikeSchema.safeParse(err);
  const data = e.success ? e.data : {};
  const status =
    data.response?.status ?? data.status ?? (typeof data.code === 'number' ? data.code : null) ?? null;
  const body = GoogleErrorBodySchema.safeParse(data.response?.data);
  const message = (body.success ? body.data.error.message : undefined) ?? data.message ?? 'unknown error';
  const retryAfterMs = parseRetryAfterMs(headerOf(data.response?.headers, 'retry-after'), now);
  if (status === 429) return { kind: 'rate-limited', status, message, retryAfterMs };
  if (status !== null && status >= 400 && status < 500)
    return { kind: 'rejected', status, message, retryAfterMs };
  // 5xx, or no HTTP answer at all (connection refused/reset, timeout)
  return { kind: 'unavailable', status, message, retryAfterMs };
}

/** For the Sheets breaker: only the API failing counts (5xx, network); a 4xx or a 429 proves it is up. */
export function isSheetsFailure(err: Error): boolean {
  return classifyGoogleError(err, Date.now()).kind === 'unavailable';
}

export function isRetryableGoogleFailure(f: GoogleFailure): boolean {
  return f.kind !== 'rejected';
}
