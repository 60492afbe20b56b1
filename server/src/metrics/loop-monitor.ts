// Event-loop blocks and GC pauses as Prometheus metrics, so a tail-latency regression shows in production
// and in `npm run bench:load` as "how many stalls, how long the worst", not only as a percentile.
// A block is the monitor's timer firing at least 10 ms late: while the loop ran something else (or the
// process waited for a core) for that long, no request was answered. Its lateness is the block's length to
// within the timer's interval: 10 ms while there is something to block (a request being answered, a
// background job running, or a loop at least 25 % busy over the last interval), 100 ms otherwise. A
// request or job that starts while the timer is coarse brings the next tick to 10 ms from then, and the
// last one to end sends it back to 100 ms: at a low rate most requests end within 10 ms, so a waiting
// loop is not woken 100 times a second to find nothing late (each wakeup costs a Node process tens of µs
// or more of CPU: bench/wakeup-cost.ts). GC pauses come from a PerformanceObserver of 'gc' entries. With
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

/** The timer's interval while a request or background job is in flight, or the loop is busy. */
export const FINE_MS = 10;
/** Its interval otherwise: 10 wakeups a second instead of 100. */
export const COARSE_MS = 100;
/** Event-loop utilisation (the share of wall time the loop ran, not waited) over the last interval at or
 *  above which the next tick is FINE_MS away even with nothing in flight (a loop that busy queues work). */
export const BUSY_UTILIZATION = 0.25;
/** Lateness counted as a block. */
export const BLOCK_MS = 10;

/** Background jobs running right now, by name (nested or concurrent runs counted). */
const running = new Map<string, number>();
/** Requests being answered right now (requestStarted). */
let requests = 0;
/** Each running monitor's reaction to the first start and the last end of in-flight work. */
const monitors = new Set<{ firstStart: () => void; lastEnd: () => void }>();
const inFlight = (): boolean => requests > 0 || running.size > 0;

/** Marks `job` as running until `work` settles (for the block log's `activities`); returns `work`. */
export function during<T>(job: string, work: Promise<T>): Promise<T> {
  const first = !inFlight();
  running.set(job, (running.get(job) ?? 0) + 1);
  if (first) for (const m of monitors) m.firstStart();
  const done = () => {
    const n = (running.get(job) ?? 1) - 1;
    if (n <= 0) running.delete(job);
    else running.set(job, n);
    if (!inFlight()) for (const m of monitors) m.lastEnd();
  };
  work.then(done, done);
  return work;
}

/** Marks a request as being answered (the HTTP layer, from its head to its answer or close); returns the
 *  function that ends it (idempotent). */
export function requestStarted(): () => void {
  const first = !inFlight();
  requests += 1;
  if (first) for (const m of monitors) m.firstStart();
  let ended = false;
  return () => {
    if (ended) return;
    ended = true;
    requests -= 1;
    if (!inFlight()) for (const m of monitors) m.lastEnd();
  };
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
    help: "Event-loop delay (the monitor timer's lateness; 10-ms interval while a request or job is in flight, else 100 ms) since the previous scrape: p50, p99 and max",
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

  // A chain of timeouts, each picking the next interval: FINE_MS while something is in flight or the loop
  // was busy over the last interval, else COARSE_MS. A start while coarse brings the tick forward, the last
  // end while fine pushes it back; either first observes the current tick if it is already overdue (a block
  // that ended in the same turn as the request is still counted).
  let interval = FINE_MS;
  let expected = performance.now() + interval;
  let since = performance.eventLoopUtilization();
  let timer: NodeJS.Timeout;
  const arm = (t: number, next: number) => {
    interval = next;
    expected = t + next;
    timer = setTimeout(tick, next);
    timer.unref();
  };
  const tick = () => {
    const t = performance.now();
    observe(t, t - expected);
    const elu = performance.eventLoopUtilization(since).utilization;
    since = performance.eventLoopUtilization();
    arm(t, inFlight() || elu >= BUSY_UTILIZATION ? FINE_MS : COARSE_MS);
  };
  const rearm = (next: number) => {
    if (interval === next) return;
    const t = performance.now();
    if (t >= expected) observe(t, t - expected);
    clearTimeout(timer);
    arm(t, next);
  };
  const hooks = { firstStart: () => rearm(FINE_MS), lastEnd: () => rearm(COARSE_MS) };
  monitors.add(hooks);
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
  arm(performance.now(), FINE_MS);

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
    monitors.delete(hooks);
    obs.disconnect();
  };
}
