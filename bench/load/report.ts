// The load benchmark's arithmetic, pure (no I/O, no clock): percentiles, /proc and INFO parsing, joining
// the emulators' timestamps with the load generator's, and the one JSON report. Tested in report.test.ts.

export interface Percentiles {
  p50: number;
  p99: number;
  max: number;
}

const round = (n: number, digits = 2): number => {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
};

/** Nearest-rank percentiles of `samples` (ms), rounded to 0.01; null when there are none. */
export function percentiles(samples: readonly number[]): Percentiles | null {
  if (samples.length === 0) return null;
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))] as number;
  return { p50: round(at(0.5)), p99: round(at(0.99)), max: round(s[s.length - 1] as number) };
}

/** utime + stime of a /proc/<pid>/stat line, in clock ticks (the command name may contain spaces). */
export function cpuTicksOfStat(stat: string): number {
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // rest[0] is field 3 (state); utime and stime are fields 14 and 15.
  return Number(rest[11]) + Number(rest[12]);
}

/** What wakes a process and what it asks the kernel: its event-loop thread's voluntary context switches
 *  (it blocked in epoll and something woke it: a wakeup) and involuntary ones (preempted while runnable)
 *  from `/proc/<pid>/status`, and its read and write syscalls (`syscr`, `syscw`: read, readv, write,
 *  writev… of every thread) from `/proc/<pid>/io`. */
export interface WakeCounters {
  wakeups: number;
  preemptions: number;
  readWriteSyscalls: number;
}

export function wakeCountersOf(status: string, io: string): WakeCounters {
  const field = (text: string, name: string): number => {
    const m = new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(text);
    return m ? Number(m[1]) : 0;
  };
  return {
    wakeups: field(status, 'voluntary_ctxt_switches'),
    preemptions: field(status, 'nonvoluntary_ctxt_switches'),
    readWriteSyscalls: field(io, 'syscr') + field(io, 'syscw'),
  };
}

/** The counters' growth over a window, per cycle (null without cycles) and per second. */
export function wakesBetween(
  a: WakeCounters,
  b: WakeCounters,
  cycles: number,
  seconds: number,
): {
  perCycle: WakeCounters | null;
  perSecond: WakeCounters;
} {
  const per = (d: number): WakeCounters => ({
    wakeups: round((b.wakeups - a.wakeups) / d, 2),
    preemptions: round((b.preemptions - a.preemptions) / d, 2),
    readWriteSyscalls: round((b.readWriteSyscalls - a.readWriteSyscalls) / d, 2),
  });
  return { perCycle: cycles > 0 ? per(cycles) : null, perSecond: per(seconds) };
}

/** Busy and total jiffies of the machine from the first line of /proc/stat. */
export function machineTicksOfProcStat(text: string): { busy: number; total: number } {
  const first = text.split('\n')[0] ?? '';
  const f = first.trim().split(/\s+/).slice(1).map(Number);
  const total = f.reduce((a, b) => a + b, 0);
  const idle = (f[3] ?? 0) + (f[4] ?? 0);
  return { busy: total - idle, total };
}

/** `INFO commandstats` → calls per command (lower-case names, e.g. `evalsha`, `hset`). */
export function parseCommandStats(info: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of info.split('\n')) {
    const m = /^cmdstat_([^:]+):calls=(\d+)/.exec(line.trim());
    if (m) out[m[1] as string] = Number(m[2]);
  }
  return out;
}

/** One accepted disposition as the load generator saw it. */
export interface AcceptedDisposition {
  callId: string;
  tab: string;
  row: number;
  /** The row's AttemptCount the sheet must show once this disposition has landed. */
  attemptAfter: number;
  /** Epoch ms (sub-ms precision) when the coordinator's 2xx answer arrived. */
  acceptedAt: number;
}

/** AttemptCount changes seen in the emulator's sheet: `tab\u0000row` → [value, epoch ms] in order. */
export type SheetJournal = Record<string, [number, number][]>;

export const journalKey = (tab: string, row: number): string => `${tab}\u0000${row}`;

/** When each disposition landed in the sheet (first journal value ≥ attemptAfter), or null. */
export function landingTimes(
  accepted: readonly AcceptedDisposition[],
  journal: SheetJournal,
): (number | null)[] {
  return accepted.map((d) => {
    const changes = journal[journalKey(d.tab, d.row)] ?? [];
    const hit = changes.find(([value]) => value >= d.attemptAfter);
    return hit ? hit[1] : null;
  });
}

/** The sheet's figures from every accepted disposition and when each landed (landingTimes): `lost` counts
 *  ALL of them (the warm-up's and the wind-down's too: none may be lost), while the lag percentiles and
 *  `measured` (the denominator of Sheets requests per disposition) take only those accepted from the
 *  window's start on. */
export function sheetFigures(
  accepted: readonly AcceptedDisposition[],
  landed: readonly (number | null)[],
  windowStart: number,
): { lost: number; measured: number; lagMs: { p50: number; p99: number; max: number } | null } {
  const lags: number[] = [];
  let measured = 0;
  accepted.forEach((d, i) => {
    if (d.acceptedAt < windowStart) return;
    measured += 1;
    const at = landed[i];
    if (at !== null && at !== undefined) lags.push(Math.max(0, at - d.acceptedAt));
  });
  const lag = percentiles(lags);
  return {
    lost: landed.filter((t) => t === null).length,
    measured,
    lagMs: lag ? { p50: lag.p50, p99: lag.p99, max: lag.max } : null,
  };
}

/** Our call id from the custom_data the coordinator gave Dialpad ({"td":1,"callId":…}), else null. */
export function callIdOfCustomData(customData: string | null): string | null {
  if (!customData) return null;
  try {
    const v: unknown = JSON.parse(customData);
    if (v && typeof v === 'object' && 'callId' in v && typeof v.callId === 'string') return v.callId;
  } catch {
    // not ours
  }
  return null;
}

/** Per-call ending webhook send time (first attempt) joined with SHOW_DISPO arrival: the latencies. */
export function webhookToShowDispo(
  endingSentAt: ReadonlyMap<string, number>,
  showDispoAt: ReadonlyMap<string, number>,
): number[] {
  const out: number[] = [];
  for (const [callId, at] of showDispoAt) {
    const sent = endingSentAt.get(callId);
    if (sent !== undefined) out.push(at - sent);
  }
  return out;
}

export interface ProcessCpu {
  name: string;
  /** CPU time in the window, ms. */
  cpuMs: number;
}

/** Each process's share of one core over the window (%), plus the machine's busy share of all cores. */
export function cpuShares(
  procs: readonly ProcessCpu[],
  windowMs: number,
  machine: { busyDelta: number; totalDelta: number },
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const p of procs) out[p.name] = round((100 * p.cpuMs) / windowMs, 1);
  out.machineBusyPercentOfAllCores =
    machine.totalDelta > 0 ? round((100 * machine.busyDelta) / machine.totalDelta, 1) : 0;
  return out;
}

/** Redis commands per cycle, the bench's own INFO excluded; plus the top commands per cycle. */
export function redisPerCycle(
  stats: Record<string, number>,
  cycles: number,
): { total: number | null; top: Record<string, number> } {
  const entries = Object.entries(stats).filter(([name]) => name !== 'info' && name !== 'config|resetstat');
  if (cycles === 0) return { total: null, top: {} };
  const total = entries.reduce((n, [, c]) => n + c, 0);
  const top = Object.fromEntries(
    entries
      .sort((a, b) => b[1] - a[1])
      .slice(0, 8)
      .map(([name, c]) => [name, round(c / cycles, 2)]),
  );
  return { total: round(total / cycles, 1), top };
}

/** Every command's calls per unit (cycles, or seconds of the window), largest first, the bench's own INFO and
 *  RESETSTAT left out: where the commands beyond the cycle's own come from (compare with bench/cycle-cost.ts). */
export function redisByName(stats: Record<string, number>, per: number): Record<string, number> {
  if (per <= 0) return {};
  return Object.fromEntries(
    Object.entries(stats)
      .filter(([name]) => name !== 'info' && name !== 'config|resetstat')
      .sort((a, b) => b[1] - a[1])
      .map(([name, c]) => [name, round(c / per, 3)]),
  );
}

export { round };

/** From a coordinator's /metrics text: the event-loop delay since the previous scrape (p50/p99/max, ms:
 *  the loop monitor's 10-ms timer's lateness, `dialer_event_loop_delay_seconds{stat}`, reset on every scrape)
 *  and the total GC time since start (s, all kinds; prom-client defaults, prefix dialer_process_). */
export function loopAndGcOfMetrics(text: string): { loopDelayMs: Percentiles; gcSeconds: number } {
  const value = (stat: string): number => {
    const m = new RegExp(`^dialer_event_loop_delay_seconds\\{stat="${stat}"\\} ([0-9.e+-]+)$`, 'm').exec(
      text,
    );
    return m ? Math.max(0, Number(m[1]) * 1000) : 0;
  };
  let gcSeconds = 0;
  for (const m of text.matchAll(/^dialer_process_nodejs_gc_duration_seconds_sum\{[^}]*\} ([0-9.e+-]+)$/gm))
    gcSeconds += Number(m[1]);
  return {
    loopDelayMs: { p50: round(value('p50')), p99: round(value('p99')), max: round(value('max')) },
    gcSeconds,
  };
}

/** A Prometheus histogram's cumulative bucket counts (upper bound in seconds → count), summed over labels. */
export type Buckets = Map<number, number>;

/** `name`'s buckets in a /metrics text (every label set summed; `+Inf` as Infinity). */
export function histogramOf(text: string, name: string): Buckets {
  const out: Buckets = new Map();
  const re = new RegExp(`^${name}_bucket\\{(?:[^}]*,)?le="([^"]+)"[^}]*\\} ([0-9.e+-]+)$`, 'gm');
  for (const m of text.matchAll(re)) {
    const le = m[1] === '+Inf' ? Number.POSITIVE_INFINITY : Number(m[1]);
    out.set(le, (out.get(le) ?? 0) + Number(m[2]));
  }
  return out;
}

/** Bucket counts observed between two scrapes of the same process. */
export function bucketsSince(before: Buckets, after: Buckets): Buckets {
  const out: Buckets = new Map();
  for (const [le, n] of after) out.set(le, n - (before.get(le) ?? 0));
  return out;
}

/** Observations in (le, +Inf): the count above a bucket bound. */
export function countAbove(b: Buckets, le: number): number {
  const total = b.get(Number.POSITIVE_INFINITY) ?? 0;
  return total - (b.get(le) ?? 0);
}

/** The bucket bound (ms) under which a share q of the observations fell (an upper bound on the quantile);
 *  null without observations, Infinity when it is past the last finite bound. */
export function quantileBoundMs(b: Buckets, q: number): number | null {
  const total = b.get(Number.POSITIVE_INFINITY) ?? 0;
  if (total === 0) return null;
  for (const le of [...b.keys()].sort((x, y) => x - y)) {
    if ((b.get(le) ?? 0) >= q * total) return le === Number.POSITIVE_INFINITY ? le : round(le * 1000, 2);
  }
  return null;
}

/** A gauge's value in a /metrics text (0 when absent). */
export function gaugeOf(text: string, name: string): number {
  const m = new RegExp(`^${name} ([0-9.e+-]+)$`, 'm').exec(text);
  return m ? Number(m[1]) : 0;
}

export interface LoopBlocks {
  /** Blocks of the event loop (a 10-ms timer ≥ 10 ms late) over 10, 50 and 100 ms, and the longest (ms). */
  over10ms: number;
  over50ms: number;
  over100ms: number;
  maxMs: number;
}

export interface GcPauses {
  count: number;
  /** Bucket bounds (ms): p99 is at most this. */
  p99AtMostMs: number | null;
  maxMs: number;
  /** Major (mark-compact) collections and their summed pause. */
  major: number;
  majorMs: number;
}

/** The window's event-loop blocks and GC pauses of one coordinator from two /metrics scrapes (the max
 *  gauges are reset by each scrape, so the second scrape's value covers the window). */
export function blocksAndGcBetween(before: string, after: string): { blocks: LoopBlocks; gc: GcPauses } {
  const blocks = bucketsSince(
    histogramOf(before, 'dialer_event_loop_block_seconds'),
    histogramOf(after, 'dialer_event_loop_block_seconds'),
  );
  const gc = bucketsSince(
    histogramOf(before, 'dialer_gc_pause_seconds'),
    histogramOf(after, 'dialer_gc_pause_seconds'),
  );
  const majorOf = (text: string) => {
    const count = /^dialer_gc_pause_seconds_count\{kind="major"\} ([0-9.e+-]+)$/m.exec(text);
    const sum = /^dialer_gc_pause_seconds_sum\{kind="major"\} ([0-9.e+-]+)$/m.exec(text);
    return { count: Number(count?.[1] ?? 0), sum: Number(sum?.[1] ?? 0) };
  };
  const m0 = majorOf(before);
  const m1 = majorOf(after);
  return {
    blocks: {
      over10ms: blocks.get(Number.POSITIVE_INFINITY) ?? 0,
      over50ms: countAbove(blocks, 0.05),
      over100ms: countAbove(blocks, 0.1),
      maxMs: round(gaugeOf(after, 'dialer_event_loop_block_max_seconds') * 1000, 1),
    },
    gc: {
      count: gc.get(Number.POSITIVE_INFINITY) ?? 0,
      p99AtMostMs: quantileBoundMs(gc, 0.99),
      maxMs: round(gaugeOf(after, 'dialer_gc_pause_max_seconds') * 1000, 2),
      major: m1.count - m0.count,
      majorMs: round((m1.sum - m0.sum) * 1000, 1),
    },
  };
}

/** One step of a `--sweep`: the figures that decide "the highest rate within the p99 limit". */
export interface SweepRow {
  agents: number;
  dispositionsPerSecond: number;
  dispoToNextCallMs: Percentiles | null;
  webhookToShowDispoMs: Percentiles | null;
  errors: number;
}

/** The step with the most dispositions per second whose two p99s are within `limitMs` and that had no
 *  error; null when none is. */
export function highestRateWithin<T extends SweepRow>(rows: readonly T[], limitMs: number): T | null {
  let best: T | null = null;
  for (const r of rows) {
    const ok =
      r.errors === 0 &&
      r.dispoToNextCallMs !== null &&
      r.webhookToShowDispoMs !== null &&
      r.dispoToNextCallMs.p99 <= limitMs &&
      r.webhookToShowDispoMs.p99 <= limitMs;
    if (ok && (best === null || r.dispositionsPerSecond > best.dispositionsPerSecond)) best = r;
  }
  return best;
}

/** A stretch of time something stood still: [epoch ms began, length ms]. */
export type Interval = readonly [number, number];

/** One slow request: [epoch ms sent, length ms]. */
export type Sample = readonly [number, number];

/**
 * The tail over shorter windows, a measure that moves less between runs than one p99 of the whole window (a
 * single burst of slow samples sets a whole-window p99 but only one window's): the window
 * [from, from + windowMs × n) cut into `n` windows by when each sample was sent, each window's p99
 * (nearest rank; null when it has no sample), their median, and the seconds since `from` at which the
 * samples over the whole window's p99 were sent (do they cluster, e.g. on a once-a-minute job?).
 */
export function tailOverWindows(
  samples: readonly Sample[],
  from: number,
  windowMs: number,
  n: number,
): { p99ByWindow: (number | null)[]; medianP99: number | null; overP99AtS: number[] } {
  const byWindow: number[][] = Array.from({ length: n }, () => []);
  for (const [at, ms] of samples) {
    const i = Math.floor((at - from) / windowMs);
    if (i >= 0 && i < n) byWindow[i]?.push(ms);
  }
  const p99ByWindow = byWindow.map((w) => percentiles(w)?.p99 ?? null);
  const present = p99ByWindow.filter((v): v is number => v !== null).sort((a, b) => a - b);
  const mid = present.length >> 1;
  const medianP99 =
    present.length === 0
      ? null
      : present.length % 2
        ? (present[mid] as number)
        : round(((present[mid - 1] as number) + (present[mid] as number)) / 2);
  const p99 = percentiles(samples.map(([, ms]) => ms))?.p99 ?? Number.POSITIVE_INFINITY;
  const overP99AtS = samples
    .filter(([, ms]) => ms > p99)
    .map(([at]) => round((at - from) / 1000, 1))
    .sort((a, b) => a - b);
  return { p99ByWindow, medianP99, overP99AtS };
}

/**
 * What the slow samples waited for. Each sample at least `overMs` long is given to the first of `sources`
 * (in the order given: e.g. a coordinator GC pause, then a coordinator event-loop block, then the load
 * generator's own block, then an emulator's) that has an interval overlapping it, else to `none` (the request
 * was slow without any recorded stall: queueing behind other requests, waiting for a core). Also how many
 * overlap each source at all.
 */
export function attributeTail(
  samples: readonly Sample[],
  overMs: number,
  sources: readonly { name: string; intervals: readonly Interval[] }[],
): { overMs: number; samples: number; first: Record<string, number>; overlapping: Record<string, number> } {
  const sorted = sources.map((s) => ({ name: s.name, iv: [...s.intervals].sort((a, b) => a[0] - b[0]) }));
  const overlaps = (iv: readonly Interval[], from: number, to: number): boolean => {
    // Intervals are short and sorted by start: binary search for the last one starting before `to`.
    let lo = 0;
    let hi = iv.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((iv[mid] as Interval)[0] < to) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo - 1; i >= 0; i--) {
      const [start, ms] = iv[i] as Interval;
      if (start + ms > from) return true;
      if (from - start > 60_000) break; // no stall is a minute long
    }
    return false;
  };
  const first: Record<string, number> = { none: 0 };
  const overlapping: Record<string, number> = {};
  for (const s of sorted) {
    first[s.name] = 0;
    overlapping[s.name] = 0;
  }
  let n = 0;
  for (const [at, ms] of samples) {
    if (ms < overMs) continue;
    n += 1;
    let given = false;
    for (const s of sorted) {
      if (!overlaps(s.iv, at, at + ms)) continue;
      overlapping[s.name] = (overlapping[s.name] ?? 0) + 1;
      if (!given) first[s.name] = (first[s.name] ?? 0) + 1;
      given = true;
    }
    if (!given) first.none = (first.none ?? 0) + 1;
  }
  return { overMs, samples: n, first, overlapping };
}

/** The coordinator's logged stalls (LOOP_BLOCK_LOG_MS, GC_PAUSE_LOG_MS lines of its JSON log): GC pauses,
 *  and event-loop blocks by the background jobs running then (`requests` when none was). A block's timer
 *  fired up to 10 ms after the block began, so each block is widened by 10 ms at its start. */
export function coordinatorStallsOfLog(log: string): { gc: Interval[]; blocks: Record<string, Interval[]> } {
  const gc: Interval[] = [];
  const blocks: Record<string, Interval[]> = {};
  for (const line of log.split('\n')) {
    if (!line.includes('"startedAt"')) continue;
    let j: unknown;
    try {
      j = JSON.parse(line);
    } catch {
      continue;
    }
    if (typeof j !== 'object' || j === null) continue;
    const msg = Reflect.get(j, 'msg');
    const at = Reflect.get(j, 'startedAt');
    if (typeof at !== 'number') continue;
    const gcMs = Reflect.get(j, 'gcMs');
    const blockMs = Reflect.get(j, 'blockMs');
    if (msg === 'gc pause' && typeof gcMs === 'number') gc.push([at, gcMs]);
    if (msg === 'event loop blocked' && typeof blockMs === 'number') {
      const acts = Reflect.get(j, 'activities');
      const names = Array.isArray(acts) ? acts.filter((a): a is string => typeof a === 'string') : [];
      const key = names.length ? names.sort().join('+') : 'requests';
      const list = blocks[key] ?? [];
      list.push([at - 10, blockMs + 10]);
      blocks[key] = list;
    }
  }
  return { gc, blocks };
}
