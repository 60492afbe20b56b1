// Where a coordinator's CPU goes, by layer, from `perf script` output (perf record -g on the coordinator,
// run with --perf-basic-prof for the JavaScript names): every sample of the main thread is given to ONE
// category, the first frame from the leaf up that belongs to one (so node's socket writes under the fast
// lane's answer count as node's HTTP server, a JSON.parse under the webhook's check as the check). With
// --ms-per-cycle (the run's coordinatorCpuMsPerCycle) each share is also µs per cycle, the other threads
// (V8's compiler, GC helpers) apart. Categories are by room: ours, the floors (node, ioredis), the others'.
//   perf record -F 999 -g -p <coordinator pid> -o perf.data -- sleep 17
//   perf script -i perf.data | npx tsx bench/perf-categories.ts --ms-per-cycle 1.48
import { createInterface } from 'node:readline';
import { numberArg } from './cli-args.js';

const CATEGORIES: readonly (readonly [string, RegExp])[] = [
  ['GC', /Heap::CollectGarbage|ScavengerCollector|MarkCompactCollector|Heap::PerformGarbageCollection/],
  ['webhook check: HS256 + verifier (ours)', /auth\/hs256\.ts|webhook-verifier\.ts/],
  ['bus: notice read (ours)', /notice-text\.ts/],
  ['WebSocket hub + ws', /ws\/hub\.ts|ws\/delivery\.ts|node_modules\/ws\//],
  ['supervisor console (tail room)', /server\/src\/supervisor\//],
  ['Dialpad client (ours)', /http-dialpad-gateway|keep-alive-exchange/],
  ["Dialpad client: node's HTTP client (floor)", /_http_client|_http_agent/],
  ['ioredis: reply decode', /ioredis\/built\/resp|ioredis\/built\/DataHandler/],
  [
    'ioredis: command build + write (with redis/client.ts, scripts.ts)',
    /ioredis\/built\/(Redis|Command|utils\/Commander|redis\/event_handler)|redis\/client\.ts|redis\/scripts\.ts/,
  ],
  ['bus: dispatch (ours)', /redis-bus\.ts/],
  ['log lines: pino + masking (ours)', /logger\.ts|\/pino\/|sonic-boom/],
  ['idempotency (ours)', /server\/src\/idempotency\//],
  ['access token check (ours)', /auth\/(access-tokens|auth-service|agent-access)/],
  ['metrics (prom-client)', /prom-client|server\/src\/metrics\//],
  [
    'store, service, queue, sheets, domain (other rooms)',
    /server\/src\/(store|service|queue|sheets|compliance)\/|src-shared\/|googleapis|gaxios|google-auth/,
  ],
  ['zod (its callers above)', /\/zod\//],
  [
    'HTTP layer (ours: fast lane, context, observe, routes, handlers)',
    /server\/src\/http\/|server\/src\/app\.ts/,
  ],
  ["node's HTTP server (parser, ServerResponse, its writes)", /_http_(server|common|outgoing|incoming)/],
];
const OTHER = 'other: event loop, microtasks, writes from microtasks, libuv (no caller above)';

type Sample = { tid: number; frames: string[] };

async function readSamples(): Promise<Sample[]> {
  const out: Sample[] = [];
  let cur: Sample | null = null;
  for await (const line of createInterface({ input: process.stdin })) {
    if (line.trim() === '') {
      if (cur) out.push(cur);
      cur = null;
    } else if (!/^\s/.test(line)) {
      cur = { tid: Number(line.trim().split(/\s+/)[1]), frames: [] };
    } else if (cur) {
      const m = /^\s*[0-9a-f]+ (.*) \(.*\)$/.exec(line);
      if (m?.[1]) cur.frames.push(m[1]);
    }
  }
  if (cur) out.push(cur);
  return out;
}

const samples = await readSamples();
if (samples.length === 0) throw new Error('no samples on stdin (pipe `perf script` output)');
const msPerCycle = numberArg('ms-per-cycle', 0);
const mainTid = Math.min(...samples.map((s) => s.tid));
const main = samples.filter((s) => s.tid === mainTid);
const counts = new Map<string, number>();
for (const s of main) {
  let hit = OTHER;
  for (const f of s.frames) {
    const c = CATEGORIES.find(([, re]) => re.test(f));
    if (c) {
      hit = c[0];
      break;
    }
  }
  counts.set(hit, (counts.get(hit) ?? 0) + 1);
}
const round = (v: number, d = 1) => Math.round(v * 10 ** d) / 10 ** d;
const rows = [...CATEGORIES.map(([n]) => n), OTHER].map((name) => {
  const n = counts.get(name) ?? 0;
  return {
    category: name,
    percentOfMainThread: round((100 * n) / main.length),
    ...(msPerCycle > 0 ? { usPerCycle: round((n / samples.length) * msPerCycle * 1000) } : {}),
  };
});
console.log(
  JSON.stringify(
    {
      samples: samples.length,
      mainThreadPercent: round((100 * main.length) / samples.length),
      ...(msPerCycle > 0
        ? {
            otherThreadsUsPerCycle: round(
              ((samples.length - main.length) / samples.length) * msPerCycle * 1000,
            ),
          }
        : {}),
      rows,
    },
    null,
    1,
  ),
);
