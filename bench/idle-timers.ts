// What the coordinator's always-on instruments cost an idle process: the metrics registry (prom-client's
// default metrics, CoordinatorMetrics) and the loop monitor (its 10-ms timer and GC observer), exactly as
// compose.ts starts them, with nothing else running. Measures this process's CPU (user + system, ms a
// second) and its voluntary context switches a second (each one a wakeup of the idle process) over
// `--seconds`, `--rounds` times, plus a bare process's figures the same way for the floor.
// Prints one JSON object. Usage: npx tsx bench/idle-timers.ts [--seconds 5] [--rounds 5]
import { readFileSync } from 'node:fs';
import { startLoopMonitor } from '../server/src/metrics/loop-monitor.js';
import { CoordinatorMetrics } from '../server/src/metrics/metrics.js';

const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const seconds = arg('seconds', 5);
const rounds = arg('rounds', 5);

const wakeups = (): number =>
  Number(/voluntary_ctxt_switches:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? 0);

/** CPU ms and wakeups a second over `seconds` of an idle event loop. */
async function idle(): Promise<{ cpuMsPerS: number; wakeupsPerS: number }> {
  const u0 = process.cpuUsage();
  const w0 = wakeups();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const u = process.cpuUsage(u0);
  return {
    cpuMsPerS: Math.round(((u.user + u.system) / 1000 / seconds) * 100) / 100,
    wakeupsPerS: Math.round((wakeups() - w0) / seconds),
  };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1] ?? Number.NaN;
};

const bare: { cpuMsPerS: number; wakeupsPerS: number }[] = [];
for (let i = 0; i < rounds; i++) bare.push(await idle());
const metrics = new CoordinatorMetrics();
const stop = startLoopMonitor({ registry: metrics.registry });
await metrics.render(); // a first scrape, as Prometheus would (prom-client's collectors start on it)
const instrumented: { cpuMsPerS: number; wakeupsPerS: number }[] = [];
for (let i = 0; i < rounds; i++) instrumented.push(await idle());
stop();
console.log(
  JSON.stringify({
    seconds,
    rounds,
    bare: {
      cpuMsPerS: median(bare.map((r) => r.cpuMsPerS)),
      wakeupsPerS: median(bare.map((r) => r.wakeupsPerS)),
    },
    instrumented: {
      cpuMsPerS: median(instrumented.map((r) => r.cpuMsPerS)),
      wakeupsPerS: median(instrumented.map((r) => r.wakeupsPerS)),
      each: instrumented,
    },
  }),
);
process.exit(0);
