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

/** Milliseconds until the fixed window holding `now` ends. */
export function windowEndsInMs(now: number): number {
  return windowStartOf(now) + QUOTA_WINDOW_MS - now;
}

export function limitOf(config: QuotaConfig, bucket: QuotaBucket): number {
  const l = config[bucket];
  return Math.min(l.perUserPerMinute, l.perProjectPerMinute);
}

export function windowStartOf(now: number): number {
  return Math.floor(now / QUOTA_WINDOW_MS) * QUOTA_WINDOW_MS;
}

/** The part of a per-minute reserve (requests a minute a background caller leaves to others: people's
 *  reads) still owed to them `windowEndsInMs` before the minute ends: the reserve is a rate, so what the
 *  rest of the minute needs of it shrinks with the minute. */
export function reserveOwed(reservePerMinute: number, windowEndsInMs: number): number {
  return Math.ceil((reservePerMinute * Math.max(0, windowEndsInMs)) / QUOTA_WINDOW_MS);
}

/** How long a caller leaving `reservePerMinute` to others waits before it may take one more request of a
 *  minute with `used` taken and `windowEndsInMs` to go (0: now; the minute's end when even a whole minute's
 *  refill is needed). */
export function waitForReserveMs(
  limit: number,
  reservePerMinute: number,
  used: number,
  windowEndsInMs: number,
): number {
  const room = limit - used - 1; // what may still be owed to others once this one is taken
  if (room < 0) return Math.max(1, windowEndsInMs);
  if (reservePerMinute <= 0 || reserveOwed(reservePerMinute, windowEndsInMs) <= room) return 0;
  return Math.max(1, windowEndsInMs - Math.floor((room * QUOTA_WINDOW_MS) / reservePerMinute));
}
