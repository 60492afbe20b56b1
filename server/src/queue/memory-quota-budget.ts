// In-process twin of RedisQuotaBudget (one-process demo): same fixed one-minute windows and limits.
import type { QuotaBudget } from '../ports.js';
import {
  DEFAULT_SHEETS_QUOTA,
  limitOf,
  QUOTA_WINDOW_MS,
  type QuotaBucket,
  type QuotaConfig,
  windowStartOf,
} from './quota-limits.js';

export class MemoryQuotaBudget implements QuotaBudget {
  readonly #config: QuotaConfig;
  readonly #windows = new Map<QuotaBucket, { start: number; used: number }>();

  constructor(config: QuotaConfig = DEFAULT_SHEETS_QUOTA) {
    this.#config = config;
  }

  #window(bucket: QuotaBucket, now: number): { start: number; used: number } {
    const start = windowStartOf(now);
    let w = this.#windows.get(bucket);
    if (!w || w.start !== start) {
      w = { start, used: 0 };
      this.#windows.set(bucket, w);
    }
    return w;
  }

  async take(
    bucket: QuotaBucket,
    n: number,
    now: number,
  ): Promise<{ ok: true } | { ok: false; retryInMs: number }> {
    const limit = limitOf(this.#config, bucket);
    if (n > limit) throw new RangeError(`cannot take ${n} ${bucket} tokens: the window holds ${limit}`);
    const w = this.#window(bucket, now);
    if (w.used + n > limit) return { ok: false, retryInMs: Math.max(1, w.start + QUOTA_WINDOW_MS - now) };
    w.used += n;
    return { ok: true };
  }

  async used(bucket: QuotaBucket, now: number): Promise<number> {
    return this.#window(bucket, now).used;
  }
}
