// When each bench process waited for a core: the kernel's per-task run delay (/proc/<pid>/schedstat, second
// field: ns spent runnable but not running; the main thread's, i.e. the event loop's), polled every few ms
// during the window. On a 2-core machine shared by 5-6 busy processes a request can be slow with no stall of
// any process's own making: the report (`tail`) says how many slow requests overlapped such a wait.
import { closeSync, openSync, readSync } from 'node:fs';
import type { Interval } from './report.js';

/** ns a task has waited on a run queue, from its schedstat line; null when unreadable (process gone). */
export function runDelayNsOf(schedstat: string): number | null {
  const f = schedstat.trim().split(/\s+/);
  const v = Number(f[1]);
  return f.length >= 3 && Number.isFinite(v) ? v : null;
}

/** Each process's schedstat kept open and re-read from offset 0 into one buffer: 200 polls a second of 4
 *  processes cost ~4 µs each instead of ~25 with an open, read and close per file (this poller runs on the
 *  same 2 cores as what it measures). */
function schedstatReader(pid: number): { read: () => number | null; close: () => void } {
  let fd: number | null = null;
  try {
    fd = openSync(`/proc/${pid}/schedstat`, 'r');
  } catch {
    fd = null;
  }
  const buf = Buffer.alloc(128);
  return {
    read: () => {
      if (fd === null) return null;
      try {
        const n = readSync(fd, buf, 0, buf.length, 0);
        return runDelayNsOf(buf.toString('latin1', 0, n));
      } catch {
        return null;
      }
    },
    close: () => {
      if (fd !== null) closeSync(fd);
      fd = null;
    },
  };
}

/** Polls every `pollMs`; a poll that finds `minMs` or more of new run delay records [began, ms] (placed at
 *  the end of the poll's span). The returned stop gives each process's waits. */
export function recordCpuWaits(
  pids: Readonly<Record<string, number | undefined>>,
  pollMs = 5,
  minMs = 2,
): () => Record<string, Interval[]> {
  const out: Record<string, Interval[]> = {};
  const last = new Map<string, number>();
  const readers = Object.entries(pids).flatMap(([name, pid]) =>
    pid === undefined ? [] : [{ name, ...schedstatReader(pid) }],
  );
  let lastAt = performance.timeOrigin + performance.now();
  const poll = () => {
    const now = performance.timeOrigin + performance.now();
    for (const { name, read } of readers) {
      const ns = read();
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
    for (const r of readers) r.close();
    return out;
  };
}
