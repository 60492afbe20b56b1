// When each bench process waited for a core: the kernel's per-task run delay (/proc/<pid>/schedstat, second
// field: ns spent runnable but not running; the main thread's, i.e. the event loop's), polled every few ms
// during the window. On a 2-core machine shared by 5-6 busy processes a request can be slow with no stall of
// any process's own making: the report (`tail`) says how many slow requests overlapped such a wait.
import { readFileSync } from 'node:fs';
import type { Interval } from './report.js';

/** ns a task has waited on a run queue, from its schedstat line; null when unreadable (process gone). */
export function runDelayNsOf(schedstat: string): number | null {
  const f = schedstat.trim().split(/\s+/);
  const v = Number(f[1]);
  return f.length >= 3 && Number.isFinite(v) ? v : null;
}

const read = (pid: number): number | null => {
  try {
    return runDelayNsOf(readFileSync(`/proc/${pid}/schedstat`, 'utf8'));
  } catch {
    return null;
  }
};

/** Polls every `pollMs`; a poll that finds `minMs` or more of new run delay records [began, ms] (placed at
 *  the end of the poll's span). The returned stop gives each process's waits. */
export function recordCpuWaits(
  pids: Readonly<Record<string, number | undefined>>,
  pollMs = 5,
  minMs = 2,
): () => Record<string, Interval[]> {
  const out: Record<string, Interval[]> = {};
  const last = new Map<string, number>();
  let lastAt = performance.timeOrigin + performance.now();
  const poll = () => {
    const now = performance.timeOrigin + performance.now();
    for (const [name, pid] of Object.entries(pids)) {
      if (pid === undefined) continue;
      const ns = read(pid);
      if (ns === null) continue;
      const before = last.get(name);
      last.set(name, ns);
      if (before === undefined) continue;
      const waited = (ns - before) / 1e6;
      if (waited < minMs) continue;
      const list = out[name] ?? [];
      list.push([Math.max(lastAt, now - waited), Math.min(waited, now - lastAt)]);
      out[name] = list;
    }
    lastAt = now;
  };
  poll();
  const timer = setInterval(poll, pollMs);
  return () => {
    clearInterval(timer);
    return out;
  };
}
