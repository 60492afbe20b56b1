// The Sheets request budget shared by every coordinator instance: one Redis counter per bucket and fixed
// one-minute window (keys.quota), taken atomically by scripts/quotaTake-1.lua (check, INCRBY, PEXPIRE).
// Fixed windows can let up to twice the limit through around a window edge; Google's own quota is also a
// per-minute refill, and 429s that still happen are retried with backoff, so this is the simple, safe choice.
import type { RedisClient } from '../redis/client.js';
import type { QuotaBudget } from '../ports.js';
import { keys } from '../redis/keys.js';
import { loadScripts, type ScriptSet } from '../redis/scripts.js';
import {
  DEFAULT_SHEETS_QUOTA,
  limitOf,
  QUOTA_WINDOW_MS,
  type QuotaBucket,
  type QuotaConfig,
  windowStartOf,
} from './quota-limits.js';

export class RedisQuotaBudget implements QuotaBudget {
  readonly #redis: RedisClient;
  readonly #scripts: ScriptSet;
  readonly #config: QuotaConfig;

  constructor(redis: RedisClient, config: QuotaConfig = DEFAULT_SHEETS_QUOTA) {
    this.#redis = redis;
    this.#scripts = loadScripts(redis);
    this.#config = config;
  }

  async take(
    bucket: QuotaBucket,
    n: number,
    now: number,
  ): Promise<{ ok: true } | { ok: false; retryInMs: number }> {
    const start = windowStartOf(now);
    const limit = limitOf(this.#config, bucket);
    // More than a whole window's worth can never be granted; callers split their batches instead.
    if (n > limit) throw new RangeError(`cannot take ${n} ${bucket} tokens: the window holds ${limit}`);
    const res = (await this.#scripts.run(
      'quotaTake',
      [keys.quota(bucket, start)],
      [n, limit, QUOTA_WINDOW_MS * 2],
    )) as [number, number];
    if (res[0] === 1) return { ok: true };
    return { ok: false, retryInMs: Math.max(1, start + QUOTA_WINDOW_MS - now) };
  }

  async used(bucket: QuotaBucket, now: number): Promise<number> {
    return Number((await this.#redis.get(keys.quota(bucket, windowStartOf(now)))) ?? 0);
  }
}
