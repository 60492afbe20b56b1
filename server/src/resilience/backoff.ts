// Exponential backoff with FULL jitter, as Google asks for on 429/5xx ("exponential backoff", Sheets limits
// page; AWS's "full jitter" variant): attempt n waits a uniformly random time in [0, min(cap, base·2^n)),
// so many clients retrying after the same outage spread out instead of stampeding together. The cap is
// Google's documented maximum_backoff of 32 s. A server's Retry-After is a floor: we never retry sooner.

export interface BackoffOptions {
  /** Delay scale of the first retry (attempt 0). Default 1000 ms (Google's 2^n seconds). */
  baseMs?: number;
  /** Upper bound of any delay. Default 32,000 ms. */
  capMs?: number;
  /** [0,1) source; injected so tests are deterministic. Default Math.random. */
  random?: () => number;
}

export const DEFAULT_BACKOFF_CAP_MS = 32_000;

/** Delay before retry number `attempt` (0-based), at least `retryAfterMs` when the server sent one. */
export function backoffDelayMs(
  attempt: number,
  opts: BackoffOptions = {},
  retryAfterMs?: number | null,
): number {
  const base = opts.baseMs ?? 1000;
  const cap = opts.capMs ?? DEFAULT_BACKOFF_CAP_MS;
  const random = opts.random ?? Math.random;
  const ceiling = Math.min(cap, base * 2 ** Math.max(0, Math.min(attempt, 30)));
  const jittered = Math.floor(random() * ceiling);
  // Retry-After may exceed our cap: the server knows when it will accept us again, so it wins.
  return Math.max(jittered, retryAfterMs ?? 0);
}

/** Parses a Retry-After header (delta-seconds or HTTP-date) into ms from `now`; null when absent/invalid. */
export function parseRetryAfterMs(value: string | null | undefined, now: number): number | null {
  if (value === null || value === undefined) return null;
  const trimmed = value.trim();
  if (trimmed === '') return null;
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}
