// Event-loop blocks and GC pauses as Prometheus metrics, so a tail-latency regression shows in production
// and in `npm run bench:load` as "how many stalls, how long the worst", not only as a percentile.
// A block is a 10-ms repeating timer that fired at least 10 ms late: while the loop ran something else (or
// the process waited for a core) for that long, no request was answered. Its lateness is the block's length
// to within the 10 ms interval. GC pauses come from a PerformanceObserver of 'gc' entries. With
// `LOOP_BLOCK_LOG_MS` set, every block at least that long is also logged (warn) with the background jobs
// that were running then (`activities`: the tab refresh, the flusher, the sweep…), for attributing stalls
// without a profiler; a `--cpu-prof` profile read by bench/load/profile-stalls.ts says exactly what ran.
// With `GC_PAUSE_LOG_MS` set, every GC pause at least that long is logged too. Both lines carry `startedAt`
// (epoch ms, sub-ms): the load benchmark lays them over its slow requests to say what each one waited for.
// The same timer's lateness on every tick is the event-loop delay (`dialer_event_loop_delay_seconds{stat}`:
// p50, p99 and max since the previous scrape): ONE 10-ms timer wakes the process, not two (prom-client's own
// delay monitor runs at a 1-s resolution, metrics.ts; a second 10-ms timer cost an idle coordinator ~2 ms
// of CPU a second and 100 more wakeups).
import { constants, createHistogram, PerformanceObserver } from 'node:perf_hooks';
import client, { type Registry } from 'prom-client';
import type { Logger } from '../logger.js';

const INTERVAL_MS = 10;
/** Lateness counted as a block. */
export const BLOCK_MS = 10;

/** Background jobs running right now, by name (nested or concurrent runs counted). */
const running = new Map<string, number>();

/** Marks `job` as running until `work` settles (for the block log's `activities`); returns `work`. */
export function during<T>(job: string, work: Promise<T>): Promise<T> {
  running.set(job, (running.get(job) ?? 0) + 1);
  const done = () => {
    const n = (running.get(job) ?? 1) - 1;
    if (n <= 0) running.delete(job);
    else running.set(job, n);
  };
  work.then(done, done);
  return work;
}

export function activities(): string[] {
  return [...running.keys()];
}

export interface LoopMonitorOptions {
  registry: Registry;
  /** Log each block at least this long (ms); null: no log. */
  logOverMs?: number | null;
  /** Log each GC pause at least this long (ms); null: no log. */
  gcLogOverMs?: number | null;
  logger?: Logger;
}

/** NodeGCPerformanceDetail.kind (node:perf_hooks constants NODE_PERFORMANCE_GC_*), 0 when absent. */
function gcKindOf(detail: unknown): number {
  return typeof detail === 'object' && detail !== null && 'kind' in detail && typeof detail.kind === 'number'
    ? detail.kind
    : 0;
}

/** A performance.now() time as epoch ms, to 0.01 ms. */
const epochOf = (t: number): number => Math.round((performance.timeOrigin + t) * 100) / 100;

/** Starts the monitor (an unref'd timer and a GC observer); returns its stop. */
export function startLoopMonitor(o: LoopMonitorOptions): () => void {
  const reg = [o.registry];
  let blockMax = 0;
  let gcMax = 0;
  const blocks = new client.Histogram({
    name: 'dialer_event_loop_block_seconds',
    help: 'Event-loop blocks: a 10-ms timer firing at least 10 ms late (the block length to within 10 ms)',
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: reg,
  });
  new client.Gauge({
    name: 'dialer_event_loop_block_max_seconds',
    help: 'Longest event-loop block since the previous scrape',
    registers: reg,
    collect() {
      this.set(blockMax / 1000);
      blockMax = 0;
    },
  });
  const gc = new client.Histogram({
    name: 'dialer_gc_pause_seconds',
    help: 'Garbage-collection pauses by kind (finer buckets than nodejs_gc_duration_seconds)',
    labelNames: ['kind'],
    buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1],
    registers: reg,
  });
  new client.Gauge({
    name: 'dialer_gc_pause_max_seconds',
    help: 'Longest garbage-collection pause since the previous scrape',
    registers: reg,
    collect() {
      this.set(gcMax / 1000);
      gcMax = 0;
    },
  });

  // Each tick's lateness in ns (at least 1: the histogram records positive integers).
  const delay = createHistogram();
  new client.Gauge({
    name: 'dialer_event_loop_delay_seconds',
    help: "Event-loop delay (the 10-ms timer's lateness) since the previous scrape: p50, p99 and max",
    labelNames: ['stat'],
    registers: reg,
    collect() {
      const none = delay.count === 0;
      this.set({ stat: 'p50' }, none ? 0 : delay.percentile(50) / 1e9);
      this.set({ stat: 'p99' }, none ? 0 : delay.percentile(99) / 1e9);
      this.set({ stat: 'max' }, none ? 0 : delay.max / 1e9);
      delay.reset();
    },
  });

  let expected = performance.now() + INTERVAL_MS;
  const timer = setInterval(() => {
    const t = performance.now();
    const late = t - expected;
    expected = t + INTERVAL_MS;
    delay.record(Math.max(1, Math.round(late * 1e6)));
    if (late < BLOCK_MS) return;
    blocks.observe(late / 1000);
    if (late > blockMax) blockMax = late;
    if (o.logOverMs != null && late >= o.logOverMs)
      o.logger?.warn(
        {
          blockMs: Math.round(late),
          startedAt: epochOf(t - late),
          activities: activities(),
        },
        'event loop blocked',
      );
  }, INTERVAL_MS);
  timer.unref();

  // node:perf_hooks constants.NODE_PERFORMANCE_GC_* (MAJOR is 4: until this was read from them, 4 was
  // labelled "incremental", so a mark-compact never counted as major).
  const KINDS: Record<number, string> = {
    [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
    [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
    [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
    [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weakcb',
  };
  const obs = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const kind = gcKindOf('detail' in e ? e.detail : undefined);
      gc.observe({ kind: KINDS[kind] ?? 'other' }, e.duration / 1000);
      if (e.duration > gcMax) gcMax = e.duration;
      if (o.gcLogOverMs != null && e.duration >= o.gcLogOverMs)
        o.logger?.info(
          {
            gcMs: Math.round(e.duration * 10) / 10,
            kind: KINDS[kind] ?? 'other',
            startedAt: epochOf(e.startTime),
          },
          'gc pause',
        );
    }
  });
  obs.observe({ entryTypes: ['gc'] });
  return () => {
    clearInterval(timer);
    obs.disconnect();
  };
}
