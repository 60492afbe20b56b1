// The QuotaBudget contract on Redis (fixed one-minute windows), plus the property that
// matters in production: two coordinator instances draw from ONE Redis budget.
import { describe, expect, it } from 'vitest';
import { redisForFile } from '../../../test/support/redis-for-file.js';
import type { QuotaBudget } from '../../src/ports.js';
import { DEFAULT_SHEETS_QUOTA, type QuotaConfig } from '../../src/queue/quota-limits.js';
import { RedisQuotaBudget } from '../../src/queue/redis-quota-budget.js';

const small: QuotaConfig = {
  'sheets-read': { perUserPerMinute: 5, perProjectPerMinute: 300 },
  'sheets-write': { perUserPerMinute: 60, perProjectPerMinute: 3 },
};
const T0 = 1_700_000_080_000; // 40 s into a minute window (1_700_000_040_000 is a window start)

function quotaContract(name: string, make: (config?: QuotaConfig) => Promise<QuotaBudget>) {
  describe(`QuotaBudget contract: ${name}`, () => {
    it('grants up to the smaller of the per-user and per-project limits, then says how long to wait', async () => {
      const b = await make(small);
      for (let i = 0; i < 3; i++) expect(await b.take('sheets-write', 1, T0 + i)).toEqual({ ok: true });
      expect(await b.take('sheets-write', 1, T0 + 5)).toEqual({ ok: false, retryInMs: 20_000 - 5 });
      expect(await b.used('sheets-write', T0 + 6)).toBe(3);
    });

    it('takes several tokens at once or none, and keeps buckets apart', async () => {
      const b = await make(small);
      expect(await b.take('sheets-read', 4, T0)).toEqual({ ok: true });
      expect((await b.take('sheets-read', 2, T0)).ok).toBe(false);
      expect(await b.used('sheets-read', T0)).toBe(4);
      expect(await b.take('sheets-read', 1, T0)).toEqual({ ok: true });
      expect(await b.take('sheets-write', 3, T0)).toEqual({ ok: true });
    });

    it('refills at the next minute window', async () => {
      const b = await make(small);
      expect(await b.take('sheets-write', 3, T0)).toEqual({ ok: true });
      expect((await b.take('sheets-write', 1, T0 + 19_999)).ok).toBe(false);
      expect(await b.take('sheets-write', 1, T0 + 20_000)).toEqual({ ok: true });
      expect(await b.used('sheets-write', T0 + 20_000)).toBe(1);
    });

    it('defaults to the documented Sheets quota (60 per minute for one service account)', async () => {
      const b = await make();
      expect(DEFAULT_SHEETS_QUOTA['sheets-write'].perProjectPerMinute).toBe(300);
      expect(await b.take('sheets-write', 60, T0)).toEqual({ ok: true });
      expect((await b.take('sheets-write', 1, T0)).ok).toBe(false);
    });
  });
}

const { connect } = redisForFile();

quotaContract('redis', async (config) => {
  const redis = connect();
  await redis.flushall();
  return new RedisQuotaBudget(redis, config);
});

describe('RedisQuotaBudget across instances', () => {
  it('two coordinator instances share one budget', async () => {
    const a = new RedisQuotaBudget(connect(), small);
    const b = new RedisQuotaBudget(connect(), small);
    await connect().flushall();
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).take('sheets-read', 1, T0)),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(5);
    expect(await a.used('sheets-read', T0)).toBe(5);
  });
});
