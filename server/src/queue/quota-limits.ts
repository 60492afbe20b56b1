// The Sheets request budget per one-minute window. Google documents 60 requests/min per user per project
// and 300/min per project, for reads and for writes separately (api-facts.md B, "Quotas"). Every request the
// coordinator makes is made by ONE principal (its service account), so the binding limit is the smaller of
// the two; a deployment whose project is shared with other users can lower `perProject`.
import type { QuotaBudget } from '../ports.js';

export type QuotaBucket = Parameters<QuotaBudget['take']>[0];

export interface QuotaLimits {
  perUserPerMinute: number;
  perProjectPerMinute: number;
}

export type QuotaConfig = Record<QuotaBucket, QuotaLimits>;

export const DEFAULT_SHEETS_QUOTA: QuotaConfig = {
  'sheets-read': { perUserPerMinute: 60, perProjectPerMinute: 300 },
  'sheets-write': { perUserPerMinute: 60, perProjectPerMinute: 300 },
};

export const QUOTA_WINDOW_MS = 60_000;

export function limitOf(config: QuotaConfig, bucket: QuotaBucket): number {
  const l = config[bucket];
  return Math.min(l.perUserPerMinute, l.perProjectPerMinute);
}

export function windowStartOf(now: number): number {
  return Math.floor(now / QUOTA_WINDOW_MS) * QUOTA_WINDOW_MS;
}
