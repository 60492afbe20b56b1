// What explains a run's sheet lag: the lag per 10-s window of acceptance (and when the late ones were
// accepted), and what the Sheets emulator received over the same time (reads, writes, refusals per 10-s
// window, the longest stretch with no write). Pure: the orchestrator (main.ts) hands in the accepted
// dispositions, their landing times (report.ts landingTimes) and the emulator's request log.
import { type AcceptedDisposition, percentiles, round } from './report.js';

/** One request the Sheets emulator received (its request log: epoch ms of arrival, operation, status). */
export interface SheetsRequestEntry {
  at: number;
  route: string;
  status: number;
}

/** A request that writes (everything else the coordinator sends Sheets is a read). */
const isWrite = (route: string): boolean => /batchUpdate|update|append|clear/i.test(route);

/** Lags over this are "late" (issue 13's target: p99 ≤ 5 s). */
export const LATE_MS = 5000;

export interface SheetLagDetail {
  max: number | null;
  /** Dispositions of the window that landed more than LATE_MS after their acceptance. */
  over5s: number;
  /** The lag's p99 per `windowS` of acceptance, from the window's start (null: none accepted then). */
  p99ByWindow: (number | null)[];
  /** Seconds into the window at which the late ones were accepted (sorted, at most 50). */
  lateAcceptedAtS: number[];
}

export function sheetLagDetail(
  accepted: readonly AcceptedDisposition[],
  landed: readonly (number | null)[],
  windowStart: number,
  windowS: number,
  windows: number,
): SheetLagDetail {
  const byWindow: number[][] = Array.from({ length: windows }, () => []);
  const all: number[] = [];
  const late: number[] = [];
  accepted.forEach((d, i) => {
    const at = landed[i];
    if (d.acceptedAt < windowStart || at === null || at === undefined) return;
    const lag = Math.max(0, at - d.acceptedAt);
    all.push(lag);
    const w = Math.floor((d.acceptedAt - windowStart) / (windowS * 1000));
    byWindow[Math.min(windows - 1, w)]?.push(lag);
    if (lag > LATE_MS) late.push(round((d.acceptedAt - windowStart) / 1000, 1));
  });
  return {
    max: percentiles(all)?.max ?? null,
    over5s: late.length,
    p99ByWindow: byWindow.map((w) => percentiles(w)?.p99 ?? null),
    lateAcceptedAtS: late.sort((a, b) => a - b).slice(0, 50),
  };
}

export interface SheetsRequestTimeline {
  /** Per `windowS` from the window's start until `untilMs`: reads, writes and refused (status ≥ 400). */
  byWindow: { reads: number; writes: number; refused: number }[];
  /** Refused requests by status and operation over the whole span. */
  refused: Record<string, number>;
  /** The longest stretch with no write between the window's start and `untilMs`, and where it began. */
  longestWriteGap: { s: number; fromS: number };
}

export function sheetsRequestTimeline(
  entries: readonly SheetsRequestEntry[],
  windowStart: number,
  untilMs: number,
  windowS: number,
): SheetsRequestTimeline {
  const n = Math.max(1, Math.ceil((untilMs - windowStart) / (windowS * 1000)));
  const byWindow = Array.from({ length: n }, () => ({ reads: 0, writes: 0, refused: 0 }));
  const refused: Record<string, number> = {};
  let lastWrite = windowStart;
  let gap = { s: 0, fromS: 0 };
  const noteGap = (to: number) => {
    if (to - lastWrite > gap.s * 1000)
      gap = { s: round((to - lastWrite) / 1000, 1), fromS: round((lastWrite - windowStart) / 1000, 1) };
  };
  for (const e of [...entries].sort((a, b) => a.at - b.at)) {
    if (e.at < windowStart || e.at > untilMs) continue;
    const w = byWindow[Math.min(n - 1, Math.floor((e.at - windowStart) / (windowS * 1000)))];
    if (!w) continue;
    const write = isWrite(e.route);
    if (write) w.writes += 1;
    else w.reads += 1;
    if (e.status >= 400) {
      w.refused += 1;
      const k = `${e.status} ${e.route}`;
      refused[k] = (refused[k] ?? 0) + 1;
    } else if (write) {
      noteGap(e.at);
      lastWrite = e.at;
    }
  }
  noteGap(untilMs);
  return { byWindow, refused, longestWriteGap: gap };
}

/** The coordinator's flush failures by kind (its /metrics `dialer_sheets_flush_failures_total`). */
export function flushFailuresOfMetrics(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of text.matchAll(/^dialer_sheets_flush_failures_total\{kind="([^"]+)"\} (\S+)$/gm)) {
    const [, kind, value] = m;
    if (kind !== undefined) out[kind] = Number(value);
  }
  return out;
}

/** b − a per key (counters scraped twice), keys with no change left out. */
export function countersBetween(
  a: Record<string, number>,
  b: Record<string, number>,
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(b)) {
    const d = v - (a[k] ?? 0);
    if (d !== 0) out[k] = d;
  }
  return out;
}

/** Reads and writes per fixed one-minute window of the clock (the coordinator's shared budget counts per
 *  such minute: queue/quota-limits.ts), the start storm's included; `startsAtS` relative to `windowStart`. */
export function byQuotaMinute(
  entries: readonly SheetsRequestEntry[],
  windowStart: number,
): { startsAtS: number; reads: number; writes: number }[] {
  const minutes = new Map<number, { startsAtS: number; reads: number; writes: number }>();
  for (const e of entries) {
    const m = Math.floor(e.at / 60_000) * 60_000;
    let row = minutes.get(m);
    if (!row) {
      row = { startsAtS: round((m - windowStart) / 1000, 1), reads: 0, writes: 0 };
      minutes.set(m, row);
    }
    if (isWrite(e.route)) row.writes += 1;
    else row.reads += 1;
  }
  return [...minutes.entries()].sort((a, b) => a[0] - b[0]).map(([, r]) => r);
}
