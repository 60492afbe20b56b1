// What a wakeup costs a Node process on this machine, apart from the work it wakes up for: the floor under
// the coordinator's CPU per cycle at a low rate (docs/performance.md, "Wakeups"). Three measurements, each
// the CPU (user + system, process.cpuUsage) of this process divided by the events it handled:
//   timer:  a setTimeout chain every --gap ms doing nothing (one wakeup per tick);
//   socket: a peer process sends a 200-byte message over loopback TCP and this process answers it; the peer
//           sends one message every --gap ms (a wakeup each), or --batch messages at once every
//           --batch × --gap ms (the same rate, one wakeup per batch): per message;
//   (each after a shorter run of the same, so that its code is compiled)
//   work:   the same unit of work (JSON parse, a Map write, JSON stringify of a 1-KB event, --work times)
//           run back to back, then once per timer wakeup: the extra is what the work loses to cold caches.
// Usage: npx tsx bench/wakeup-cost.ts [--gap 40] [--count 200] [--batch 10] [--work 20]. Prints one JSON.
import { type ChildProcess, fork } from 'node:child_process';
import { createServer, connect, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { numberArg } from './cli-args.js';

const MESSAGE = `${'x'.repeat(199)}\n`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** CPU µs of this process (user, system) while `run` runs, per `n`. */
async function cpuPer(n: number, run: () => Promise<void>): Promise<{ userUs: number; systemUs: number }> {
  const u0 = process.cpuUsage();
  await run();
  const u = process.cpuUsage(u0);
  return { userUs: Math.round((u.user / n) * 10) / 10, systemUs: Math.round((u.system / n) * 10) / 10 };
}

// The peer: connects, then sends `count` messages in groups of `batch`, one group every batch × gap ms.
if (process.argv[2] === '--peer') {
  const [port, count, batch, gap] = process.argv.slice(3).map(Number) as [number, number, number, number];
  const s = connect(port, '127.0.0.1', async () => {
    s.setNoDelay(true);
    for (let sent = 0; sent < count; sent += batch) {
      s.write(MESSAGE.repeat(Math.min(batch, count - sent)));
      await sleep(batch * gap);
    }
    s.end();
  });
  s.on('data', () => {});
} else {
  const gap = numberArg('gap', 40, 1);
  const count = numberArg('count', 200, 1);
  const batch = numberArg('batch', 10, 1);
  const workN = numberArg('work', 20, 1);

  const timers = (n: number) =>
    cpuPer(n, async () => {
      for (let i = 0; i < n; i += 1) await sleep(gap);
    });
  await timers(Math.ceil(count / 4)); // the code paths compiled first
  const timerFirst = await timers(count);

  /** Messages echoed by this process while a peer sends `count` of them in groups of `b`. */
  const socket = (b: number, count: number) => {
    let peer: ChildProcess | null = null;
    return cpuPer(count, async () => {
      await new Promise<void>((resolve, reject) => {
        let seen = 0;
        const server = createServer((c: Socket) => {
          c.setNoDelay(true);
          let pending = '';
          c.on('data', (d: Buffer) => {
            pending += d.toString('latin1');
            let nl = pending.indexOf('\n');
            while (nl >= 0) {
              c.write(pending.slice(0, nl + 1));
              seen += 1;
              pending = pending.slice(nl + 1);
              nl = pending.indexOf('\n');
            }
          });
          c.on('end', () => {
            c.end();
            server.close();
            if (seen === count) resolve();
            else reject(new Error(`saw ${seen} of ${count} messages`));
          });
        });
        server.listen(0, '127.0.0.1', () => {
          const addr = server.address();
          if (addr === null || typeof addr === 'string') return reject(new Error('no port'));
          peer = fork(fileURLToPath(import.meta.url), ['--peer', ...[addr.port, count, b, gap].map(String)], {
            execArgv: ['--import', 'tsx'],
          });
        });
      });
    }).finally(() => (peer as ChildProcess | null)?.kill());
  };
  await socket(batch, batch * 10); // compiled first
  const socketEach = await socket(1, count);
  const socketBatched = await socket(batch, count);

  const event = {
    type: 'CALL_STATE',
    call: {
      id: 'c-0123456789',
      state: 'connected',
      lead: { row: 17, name: 'A. Example', notes: 'n'.repeat(600) },
    },
    stats: { done: 12, left: [1, 2, 3, 4, 5, 6, 7, 8] },
  };
  const text = JSON.stringify(event);
  const seen = new Map<string, unknown>();
  let sink = 0;
  const unit = () => {
    for (let i = 0; i < workN; i += 1) {
      const o = JSON.parse(text) as typeof event;
      seen.set(`k${i % 500}`, o);
      sink += JSON.stringify(o).length;
    }
  };
  for (let i = 0; i < 3000; i += 1) unit(); // optimised before either measurement
  const hot = await cpuPer(count, async () => {
    for (let i = 0; i < count; i += 1) unit();
  });
  const cold = await cpuPer(count, async () => {
    for (let i = 0; i < count; i += 1) {
      await sleep(gap);
      unit();
    }
  });
  // Measured again last, once everything else has run: the first figure can still hold compilation.
  const timer = await timers(count);
  const total = (c: { userUs: number; systemUs: number }) => c.userUs + c.systemUs;
  const round1 = (n: number) => Math.round(n * 10) / 10;
  process.stdout.write(
    `${JSON.stringify({
      gapMs: gap,
      count,
      loadAverage: (await import('node:os')).loadavg().map(round1),
      timerWakeupUs: timer,
      timerWakeupFirstUs: timerFirst,
      socketMessageUs: { oneWakeupEach: socketEach, batched: socketBatched, batch },
      workUnitUs: {
        hot,
        afterAWakeup: cold,
        extraBeyondTheTimerUs: round1(total(cold) - total(timer) - total(hot)),
        sink: sink > 0,
      },
    })}\n`,
  );
}
