// Event-loop blocks and GC pauses as Prometheus metrics, so a tail-latency regression shows in production
// and in `npm run bench:load` as "how many stalls, how long the worst", not only as a percentile.
// A block is the monitor's timer firing at least 10 ms late: while the loop ran something else (or the
// process waited for a core) for that long, no request was answered. Its lateness is the block's length to
// within the timer's interval: 10 ms while the loop is busy (at least 5 % utilised, or a background job
// running), 100 ms once it has been nearly idle for a second (an idle coordinator is woken 10 times a
// second, not 100). GC pauses come from a PerformanceObserver of 'gc' entries. With
// `LOOP_BLOCK_LOG_MS` set, every block at least that long is also logged (warn) with the background jobs
// that were running then (`activities`: the tab refresh, the flusher, the sweep…), for attributing stalls
// without a profiler; a `--cpu-prof` profile read by bench/load/profile-stalls.ts says exactly what ran.
// With `GC_PAUSE_LOG_MS` set, every GC pause at least that long is logged too. Both lines carry `startedAt`
// (epoch ms, sub-ms): the load benchmark lays them over its slow requests to say what each one waited for.
// The same timer's lateness on every tick is the event-loop delay (`dialer_event_loop_delay_seconds{stat}`:
// p50, p99 and max since the previous scrape): ONE timer wakes the process, not two (prom-client's own
// delay monitor, another 10-ms timer, runs at a 1-s resolution: metrics.ts).
import { constants, createHistogram, PerformanceObserver, performance } from 'node:perf_hooks';
import client, { type Registry } from 'prom-client';
import type { Logger } from '../logger.js';

/** The timer's interval while the event loop is busy or a background job runs. */
export const FINE_MS = 10;
/** Its interval while the loop is nearly idle: 10 wakeups a second instead of 100. */
export const COARSE_MS = 100;
/** Event-loop utilisation (the share of wall time the loop ran, not waited) at or above which the timer
 *  ticks every FINE_MS; it goes back to COARSE_MS after a second below it with no background job running. */
export const BUSY_UTILIZATION = 0.05;
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
    help: 'Event-loop blocks: the monitor timer firing at least 10 ms late (the block length to within its 10-ms, idle 100-ms, interval)',
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
    help: "Event-loop delay (the monitor timer's lateness; 10-ms interval, 100 ms when idle) since the previous scrape: p50, p99 and max",
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

  // A chain of timeouts, each picking the next interval: FINE_MS while the loop is busy (a request, a
  // background job), COARSE_MS when it has been nearly idle for a second. Idle, the monitor costs a tenth of
  // the wakeups; a block that starts while it is coarse is still seen if it spans a tick, to within
  // COARSE_MS, and the next tick switches to FINE_MS (the loop was busy).
  let interval = FINE_MS;
  let expected = performance.now() + interval;
  let since = performance.eventLoopUtilization();
  let sinceAt = performance.now();
  let timer: NodeJS.Timeout;
  const tick = () => {
    const t = performance.now();
    const late = t - expected;
    observe(t, late);
    const busy = performance.eventLoopUtilization(since).utilization >= BUSY_UTILIZATION || running.size > 0;
    if (interval === COARSE_MS ? busy : t - sinceAt >= 1000) {
      interval = busy ? FINE_MS : COARSE_MS;
      since = performance.eventLoopUtilization();
      sinceAt = t;
    } else if (interval === COARSE_MS) {
      since = performance.eventLoopUtilization();
      sinceAt = t;
    }
    expected = t + interval;
    timer = setTimeout(tick, interval);
    timer.unref();
  };
  const observe = (t: number, late: number) => {
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
  };
  timer = setTimeout(tick, interval);
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
    clearTimeout(timer);
    obs.disconnect();
  };
}
