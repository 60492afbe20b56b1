// A bench process's own event-loop blocks with when they began: a 5-ms timer at least 5 ms late means the
// process (the load generator, an emulator) did nothing else for that long, e.g. read no socket. The report
// lays these over the slow requests (report.ts attributeTail) to tell the stack's stalls from the bench's.
import type { RecordableHistogram } from 'node:perf_hooks';

const INTERVAL_MS = 5;

/** Starts recording blocks of at least `minMs`; the returned function gives [epoch ms began, length ms].
 *  With `delay`, every tick's lateness (ns, at least 1) is recorded there too: the process's event-loop
 *  delay from the same timer, not from a second one (a 1-ms monitorEventLoopDelay woke the load generator
 *  up to 1,000 times a second, ~18 ms of CPU a second idle, on the cores it measures). */
export function recordLoopBlocks(minMs = 5, delay?: RecordableHistogram): () => [number, number][] {
  const out: [number, number][] = [];
  let expected = performance.now() + INTERVAL_MS;
  const timer = setInterval(() => {
    const t = performance.now();
    const late = t - expected;
    expected = t + INTERVAL_MS;
    delay?.record(Math.max(1, Math.round(late * 1e6)));
    // The loop stood still from at most one interval before the timer was due until now.
    if (late >= minMs) out.push([performance.timeOrigin + t - late - INTERVAL_MS, late + INTERVAL_MS]);
  }, INTERVAL_MS);
  timer.unref();
  return () => out;
}
