// ops/alerts.yml is valid YAML in Prometheus rule-file shape, covers every alert of the seed, and names
// only metrics the coordinator actually serves on /metrics.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';
import { CoordinatorMetrics } from '../../src/metrics/metrics.js';

const RuleFileSchema = z.object({
  groups: z.array(
    z.object({
      name: z.string(),
      rules: z.array(
        z
          .object({
            alert: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/),
            expr: z.string().min(1),
            for: z.string().regex(/^\d+[smh]$/),
            labels: z.object({ severity: z.enum(['page', 'ticket']) }),
            annotations: z.object({ summary: z.string(), description: z.string() }),
          })
          .strict(),
      ),
    }),
  ),
});

const file = RuleFileSchema.parse(
  parse(readFileSync(new URL('../../../ops/alerts.yml', import.meta.url), 'utf8')),
);
const rules = file.groups.flatMap((g) => g.rules);

describe('ops/alerts.yml', () => {
  it('covers the seed alerts: error rate, success rate, API timeouts, Redis memory, Sheets quota', () => {
    const names = rules.map((r) => r.alert);
    for (const n of [
      'DialerHighErrorRate',
      'DialerLowSuccessRate',
      'DialerApiTimeouts',
      'DialerRedisMemoryHigh',
      'DialerSheetsQuotaNearLimit',
    ])
      expect(names).toContain(n);
  });

  it('uses only metrics the coordinator exposes', async () => {
    const served = new Set((await new CoordinatorMetrics().registry.getMetricsAsJSON()).map((m) => m.name));
    const used = new Set(rules.flatMap((r) => r.expr.match(/\bdialer_[a-z_]+/g) ?? []));
    expect(used.size).toBeGreaterThan(5);
    for (const m of used) {
      const base = m.replace(/_(bucket|count|sum)$/, '');
      expect(served.has(base) || served.has(m), `${m} is not served on /metrics`).toBe(true);
    }
  });
});
