// Which threads ran while the coordinator's event-loop thread waited for a core. The load benchmark's
// `cpuWaits` says how often and how long it waited (/proc schedstat); this says who had the cores then, from
// a kernel scheduler trace of the whole machine (`perf sched record`: every context switch and wakeup).
// A wait is the time from the thread becoming runnable (woken, or preempted while running) to its switch-in;
// for every wait of `--min-ms` or more, each CPU's running thread over that span is charged its overlap,
// named `process/thread` (process from the thread listing: the bench's processes by their entry file, the
// coordinator's threads as main / V8 platform workers / others by their order of creation).
// Usage, during a `npm run bench:load` window:
//   ps -eLo pid,tid,comm,args > threads.txt
//   perf sched record -a -o sched.data -- sleep 30
//   perf script -i sched.data -F comm,tid,cpu,time,event,trace | \
//     npx tsx bench/load/sched-waits.ts threads.txt <coordinator pid> [--min-ms 2]
// Prints one JSON object: the waits (count, ms), the threads that ran during them, and every thread's CPU
// over the trace.
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

type Label = string;

/** `process/thread` names by tid, from `ps -eLo pid,tid,comm,args`. */
export function threadLabels(listing: string, coordinatorPid: number): Map<number, Label> {
  const rows: { pid: number; tid: number; comm: string; args: string }[] = [];
  for (const line of listing.split('\n')) {
    const m = /^\s*(\d+)\s+(\d+)\s+(\S+)\s+(.*)$/.exec(line);
    if (m) rows.push({ pid: Number(m[1]), tid: Number(m[2]), comm: m[3] ?? '', args: m[4] ?? '' });
  }
  const processOf = (r: { pid: number; comm: string; args: string }): string => {
    if (r.pid === coordinatorPid) return 'coordinator';
    for (const [needle, name] of [
      ['server/src/server.ts', 'other-coordinator'],
      ['sheets-child', 'sheets-emulator'],
      ['dialpad-child', 'dialpad-emulator'],
      ['loadgen', 'load-generator'],
      ['bench/load/main', 'orchestrator'],
      ['redis-server', 'redis'],
    ] as const) {
      if (r.args.includes(needle)) return name;
    }
    return `other:${r.comm}`;
  };
  const out = new Map<number, Label>();
  const coordinatorTids = rows
    .filter((r) => r.pid === coordinatorPid)
    .map((r) => r.tid)
    .sort((a, b) => a - b);
  for (const r of rows) {
    let thread = r.tid === r.pid ? 'main' : r.comm;
    if (r.pid === coordinatorPid && r.tid !== r.pid) {
      // Node starts its threads in a fixed order: a signal-watchdog thread, then the V8 platform's
      // workers (GC helpers, background compiles; --v8-pool-size, 4 by default), then libuv's pool, the
      // inspector and worker threads as they are first used.
      const n = coordinatorTids.indexOf(r.tid);
      thread = n >= 2 && n <= 5 ? 'v8-platform-worker' : `thread#${n}`;
    }
    out.set(r.tid, `${processOf(r)}/${thread}`);
  }
  return out;
}

const SWITCH =
  /\[(\d+)\]\s+([\d.]+):\s+sched:sched_switch:\s+prev_comm=.*? prev_pid=(\d+) prev_prio=\d+ prev_state=(\S+) ==> next_comm=(.*?) next_pid=(\d+)/;
const WAKEUP = /\[(\d+)\]\s+([\d.]+):\s+sched:sched_wakeup(?:_new)?:\s+comm=.*? pid=(\d+)/;

export interface SchedWaits {
  waits: { count: number; ms: number; minMs: number };
  ranDuringWaits: { thread: Label; ms: number; waits: number }[];
  cpuMsByThread: { thread: Label; ms: number }[];
  traceSeconds: number;
}

/** Reads `perf script` lines (sched_switch and sched_wakeup events) and attributes the waits of `mainTid`. */
export async function schedWaits(
  lines: AsyncIterable<string>,
  labels: ReadonlyMap<number, Label>,
  mainTid: number,
  minMs: number,
): Promise<SchedWaits> {
  const running = new Map<number, { tid: number; at: number }>();
  const spans: { cpu: number; from: number; to: number; tid: number }[] = [];
  const waits: [number, number][] = [];
  const comms = new Map<number, string>();
  let runnableSince: number | null = null;
  let first = Number.POSITIVE_INFINITY;
  let last = 0;
  for await (const line of lines) {
    const s = SWITCH.exec(line);
    if (s) {
      const cpu = Number(s[1]);
      const t = Number(s[2]);
      const prev = Number(s[3]);
      const next = Number(s[6]);
      comms.set(next, s[5] ?? '?');
      first = Math.min(first, t);
      last = Math.max(last, t);
      const was = running.get(cpu);
      if (was) spans.push({ cpu, from: was.at, to: t, tid: was.tid });
      running.set(cpu, { tid: next, at: t });
      if (prev === mainTid && (s[4] ?? '').startsWith('R')) runnableSince = t;
      if (next === mainTid && runnableSince !== null) {
        if ((t - runnableSince) * 1000 >= minMs) waits.push([runnableSince, t]);
        runnableSince = null;
      }
      continue;
    }
    const w = WAKEUP.exec(line);
    if (w && Number(w[3]) === mainTid) runnableSince = Number(w[2]);
  }
  const label = (tid: number): Label =>
    tid === 0 ? 'idle' : (labels.get(tid) ?? `other:${comms.get(tid) ?? '?'}`);
  spans.sort((a, b) => a.from - b.from);
  const during = new Map<Label, { ms: number; waits: number }>();
  for (const [from, to] of waits) {
    const seen = new Set<Label>();
    for (const sp of spans) {
      if (sp.from >= to) break;
      if (sp.to <= from) continue;
      const l = label(sp.tid);
      const d = during.get(l) ?? { ms: 0, waits: 0 };
      d.ms += (Math.min(sp.to, to) - Math.max(sp.from, from)) * 1000;
      if (!seen.has(l)) d.waits += 1;
      seen.add(l);
      during.set(l, d);
    }
  }
  const cpu = new Map<Label, number>();
  for (const sp of spans) cpu.set(label(sp.tid), (cpu.get(label(sp.tid)) ?? 0) + (sp.to - sp.from) * 1000);
  const r1 = (n: number) => Math.round(n * 10) / 10;
  return {
    waits: { count: waits.length, ms: r1(waits.reduce((n, [a, b]) => n + (b - a) * 1000, 0)), minMs },
    ranDuringWaits: [...during]
      .map(([thread, d]) => ({ thread, ms: r1(d.ms), waits: d.waits }))
      .sort((a, b) => b.ms - a.ms),
    cpuMsByThread: [...cpu]
      .map(([thread, ms]) => ({ thread, ms: r1(ms) }))
      .sort((a, b) => b.ms - a.ms)
      .slice(0, 30),
    traceSeconds: r1(last - first),
  };
}

if (process.argv[1]?.endsWith('sched-waits.ts')) {
  const [listingFile, pidArg] = process.argv.slice(2);
  const i = process.argv.indexOf('--min-ms');
  const minMs = i > 0 ? Number(process.argv[i + 1]) : 2;
  const pid = Number(pidArg);
  if (!listingFile || !Number.isInteger(pid)) {
    process.stderr.write(
      'usage: perf script … | sched-waits.ts <threads.txt> <coordinator pid> [--min-ms 2]\n',
    );
    process.exit(2);
  }
  const labels = threadLabels(readFileSync(listingFile, 'utf8'), pid);
  const result = await schedWaits(createInterface({ input: process.stdin }), labels, pid, minMs);
  console.log(JSON.stringify(result, null, 2));
}
