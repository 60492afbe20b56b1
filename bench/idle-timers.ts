// What the coordinator's always-on instruments cost an idle process: the metrics registry (prom-client's
// default metrics, CoordinatorMetrics) and the loop monitor (its 10-ms timer and GC observer), exactly as
// compose.ts starts them, with nothing else running. Measures this process's CPU (user + system, ms a
// second) and its voluntary context switches a second (each one a wakeup of the idle process) over
// `--seconds`, `--rounds` times, plus a bare process's figures the same way for the floor.
// With `--requests N`, the process is not idle: a peer process sends it N small requests a second over
// loopback TCP (exponential gaps, as independent agents do), each ~0.2 ms of work, answered in the next
// turn: the loop monitor's wakeups at a low rate, with and without it (at 110 requests a second, the rate
// of 500 agents at realistic pace, the loop is ≥ 5 % busy, so its timer ticks every 10 ms).
// Prints one JSON object. Usage: npx tsx bench/idle-timers.ts [--seconds 5] [--rounds 5] [--requests 0]
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { startLoopMonitor } from '../server/src/metrics/loop-monitor.js';
import { CoordinatorMetrics } from '../server/src/metrics/metrics.js';
import { numberArg } from './cli-args.js';

const seconds = numberArg('seconds', 5);
const rounds = numberArg('rounds', 5);
const requests = numberArg('requests', 0);

if (process.argv[2] === '--peer') {
  // The peer: one line per request at `rate` a second on average, until the parent goes away.
  const [port, rate] = process.argv.slice(3).map(Number) as [number, number];
  const s = connect(port, '127.0.0.1', () => {
    s.setNoDelay(true);
    const next = () => {
      s.write('r\n');
      setTimeout(next, -Math.log(1 - Math.random()) * (1000 / rate));
    };
    next();
  });
  s.on('data', () => {});
  s.on('error', () => process.exit(0));
  s.on('close', () => process.exit(0));
  process.on('disconnect', () => process.exit(0));
} else {
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

  if (requests > 0) {
    const server = createServer((c) => {
      c.setNoDelay(true);
      c.on('data', (d: Buffer) => {
        for (let i = 0; i < d.length; i++) {
          if (d[i] !== 10) continue;
          const until = performance.now() + 0.2;
          while (performance.now() < until) {
            // the request's own work
          }
          setImmediate(() => c.write('ok\n'));
        }
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const addr = server.address();
    if (addr === null || typeof addr === 'string') throw new Error('no port');
    fork(fileURLToPath(import.meta.url), ['--peer', String(addr.port), String(requests)], {
      execArgv: ['--import', 'tsx'],
    });
    server.unref();
    await new Promise((r) => setTimeout(r, 1000)); // the peer connected and sending
  }

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
      requestsPerS: requests,
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
}
