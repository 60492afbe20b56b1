// A small retry loop around one upstream call, for requests a user waits on (sheet reads at session start).
// Background writes do NOT use it: the Sheets flusher keeps its retry state in the durable queue and
// schedules the next attempt with the same backoffDelayMs, so a restart loses no retry.
import { type BackoffOptions, backoffDelayMs } from './backoff.js';

export interface RetryOptions extends BackoffOptions {
  /** Total tries including the first. */
  maxAttempts: number;
  /** Whether this error is worth another try (429, 5xx, network). */
  isRetryable: (err: unknown) => boolean;
  /** The server's Retry-After for this error, in ms, if any. */
  retryAfterMsOf?: (err: unknown) => number | null;
  /** Injected for tests; default setTimeout. */
  sleep?: (ms: number) => Promise<void>;
  onRetry?: (info: { attempt: number; delayMs: number; error: unknown }) => void;
}

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function withRetry<T>(fn: (attempt: number) => Promise<T>, opts: RetryOptions): Promise<T> {
  const sleep = opts.sleep ?? defaultSleep;
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (error) {
      if (attempt + 1 >= opts.maxAttempts || !opts.isRetryable(error)) throw error;
      const delayMs = backoffDelayMs(attempt, opts, opts.retryAfterMsOf?.(error) ?? null);
      opts.onRetry?.({ attempt, delayMs, error });
      await sleep(delayMs);
    }
  }
}
