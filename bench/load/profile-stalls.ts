// Finds the event-loop stalls in a V8 .cpuprofile (node --cpu-prof): every run of consecutive busy samples
// (anything but `(idle)`) at least `minMs` long is one uninterrupted stretch of work, during which no request
// was answered. For each it lists the functions of ours (server/, src-shared/) on the stack in most of its
// samples, so a stall reads as "the tab refresh's rebuild" rather than "GC". The benchmark report's
// `profile[].stalls` (and `npx tsx bench/load/profile-stalls.ts <file> [minMs]` by hand).
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';

/** A V8 .cpuprofile, as `node --cpu-prof` writes it (also read by profile-summary.ts). */
export const ProfileSchema = z.object({
  nodes: z.array(
    z.object({
      id: z.number(),
      callFrame: z.object({ functionName: z.string(), url: z.string(), lineNumber: z.number() }),
      children: z.array(z.number()).optional(),
    }),
  ),
  /** µs on the monotonic clock (process.hrtime's, CLOCK_MONOTONIC on Linux) */
  startTime: z.number(),
  samples: z.array(z.number()),
  timeDeltas: z.array(z.number()),
});
type Profile = z.infer<typeof ProfileSchema>;

export interface Stall {
  /** ms since the profile started */
  atMs: number;
  ms: number;
  /** Samples in it and the longest gap between two (ms): the profiler samples every ~1 ms of wall time, so
   *  a long gap is the process waiting for a core (the machine is busy), not work. */
  samples: number;
  longestGapMs: number;
  /** Our functions on the stack, by the share of the stall's samples they were on (inclusive). */
  ours: { fn: string; percent: number }[];
  /** The leaf functions with the most self time in the stall. */
  self: { fn: string; percent: number }[];
}

export interface StallReport {
  /** Busy time in the profile (in the window), ms. */
  busyMs: number;
  /** Stalls of at least minMs: count, summed length, longest. */
  count: number;
  totalMs: number;
  /** The longest stalls, longest first. */
  longest: Stall[];
  /** Summed stall time by the outermost function of ours on each sample's stack (what started the work). */
  byEntry: { fn: string; ms: number }[];
  /** All busy time in the window (stalls or not) the same way: where the process's CPU went, by what
   *  started the work (a sample with no function of ours is named by its leaf: GC, Node internals). */
  busyByEntry: { fn: string; ms: number }[];
}

const OURS = /\/(server|src-shared)\//;

/** A function's label: its name and where it is (repo-relative for ours and node_modules). */
export function labelOf(node: Profile['nodes'][number]): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const where = url
    ? `${url.replace(/^file:\/\/.*?\/(node_modules|server|src-shared)\//, '$1/')}:${lineNumber + 1}`
    : '';
  return `${functionName || '(anonymous)'}${where ? ` ${where}` : ''}`;
}

const top = (m: Map<string, number>, total: number, n: number) =>
  [...m.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([fn, v]) => ({ fn, percent: Math.round((1000 * v) / Math.max(total, 1e-9)) / 10 }));

/** Only the stalls that began inside this span of the monotonic clock (µs, as process.hrtime.bigint() / 1000). */
export interface StallWindow {
  fromUs: number;
  toUs: number;
}

/** The stalls of at least `minMs` in a parsed profile (in `window` only, when given). */
export function stallsOf(raw: unknown, minMs = 10, keep = 10, window?: StallWindow): StallReport {
  const p = ProfileSchema.parse(raw);
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const label = new Map(p.nodes.map((n) => [n.id, labelOf(n)]));
  const isOurs = new Map(p.nodes.map((n) => [n.id, OURS.test(n.callFrame.url)]));
  /** Our frames on a sample's stack, innermost first (memoized per leaf node). */
  const oursCache = new Map<number, string[]>();
  const oursOf = (id: number): string[] => {
    let hit = oursCache.get(id);
    if (hit) return hit;
    hit = [];
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at))
      if (isOurs.get(at)) hit.push(label.get(at) ?? '?');
    oursCache.set(id, hit);
    return hit;
  };

  const stalls: Stall[] = [];
  const byEntry = new Map<string, number>();
  const busyByEntry = new Map<string, number>();
  let busyMs = 0;
  let clock = 0;
  let run: { at: number; ms: number; ids: { id: number; ms: number }[] } | null = null;
  const inWindow = (atMs: number) => {
    if (!window) return true;
    const us = p.startTime + atMs * 1000;
    return us >= window.fromUs && us <= window.toUs;
  };
  const close = () => {
    if (run && run.ms >= minMs && inWindow(run.at)) {
      const ours = new Map<string, number>();
      const self = new Map<string, number>();
      for (const { id, ms } of run.ids) {
        const stack = oursOf(id);
        for (const fn of new Set(stack)) ours.set(fn, (ours.get(fn) ?? 0) + ms);
        const entry = stack[stack.length - 1] ?? '(no function of ours)';
        byEntry.set(entry, (byEntry.get(entry) ?? 0) + ms);
        const leaf = label.get(id) ?? '?';
        self.set(leaf, (self.get(leaf) ?? 0) + ms);
      }
      stalls.push({
        atMs: Math.round(run.at),
        ms: Math.round(run.ms * 10) / 10,
        ours: top(ours, run.ms, 6),
        self: top(self, run.ms, 4),
        samples: run.ids.length,
        longestGapMs: Math.round(Math.max(...run.ids.map((x) => x.ms)) * 10) / 10,
      });
    }
    run = null;
  };
  p.samples.forEach((id, i) => {
    // A sample's delta is the time since the previous sample: it belongs to the work sampled now.
    const ms = (p.timeDeltas[i] ?? 0) / 1000;
    clock += ms;
    const idle = byId.get(id)?.callFrame.functionName === '(idle)';
    if (idle) {
      close();
      return;
    }
    if (inWindow(clock)) {
      busyMs += ms;
      const entry = oursOf(id).at(-1) ?? `(none of ours) ${label.get(id) ?? '?'}`;
      busyByEntry.set(entry, (busyByEntry.get(entry) ?? 0) + ms);
    }
    run ??= { at: clock - ms, ms: 0, ids: [] };
    run.ms += ms;
    run.ids.push({ id, ms });
  });
  close();
  stalls.sort((a, b) => b.ms - a.ms);
  return {
    busyMs: Math.round(busyMs),
    count: stalls.length,
    totalMs: Math.round(stalls.reduce((t, s) => t + s.ms, 0)),
    longest: stalls.slice(0, keep),
    byEntry: [...byEntry.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 12)
      .map(([fn, ms]) => ({ fn, ms: Math.round(ms) })),
    busyByEntry: [...busyByEntry.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 25)
      .map(([fn, ms]) => ({ fn, ms: Math.round(ms) })),
  };
}

export function stallsOfFile(file: string, minMs = 10, keep = 10, window?: StallWindow): StallReport {
  return stallsOf(JSON.parse(readFileSync(file, 'utf8')), minMs, keep, window);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const file = process.argv[2];
  if (!file) throw new Error('usage: tsx bench/load/profile-stalls.ts <file.cpuprofile> [minMs] [keep]');
  const report = stallsOfFile(file, Number(process.argv[3] ?? 10), Number(process.argv[4] ?? 15));
  process.stdout.write(`${JSON.stringify({ file: basename(file), ...report }, null, 2)}\n`);
}
