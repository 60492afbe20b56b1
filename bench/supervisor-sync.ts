// What the supervisor console's shared-figures sync (svSync-3.lua) costs one coordinator with T tabs loaded
// (issue 13: a long synchronous run here delays every agent's next call). Drives the real
// SupervisorConsole.sync() against a throw-away redis-server, with T tabs whose lead progress moves as a
// 500-agent realistic run moves it (real policy indexes of 200 leads; ~25 dispositions a second: about a
// fifth of the tabs change between two 5-s syncs), the clock advanced 5 s per sync, and measures the CPU of
// each sync and the longest stretch the event loop was blocked while it ran.
//
//   npx tsx bench/supervisor-sync.ts [--tabs 500] [--syncs 36]
//
// Prints one JSON object: the first sync (everything written and read back) and the steady ones.
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { DEFAULT_CAMPAIGN_RULES } from '../src-shared/domain/campaign.js';
import { makeLead } from '../src-shared/domain/lead-fixtures.js';
import { TEST_PLACES } from '../src-shared/domain/place-fixtures.js';
import { PolicyIndex } from '../src-shared/domain/policy/index.js';
import { startRedisServer } from '../server/src/redis/redis-server.js';
import { SupervisorConsole, type SyncTab } from '../server/src/supervisor/console.js';
import { numberArg } from './cli-args.js';

const TABS = numberArg('tabs', 500);
const SYNCS = numberArg('syncs', 36);
const CHANGED_SHARE = 0.2;

const server = await startRedisServer({ appendOnly: false });
const redis = new Redis(server.url);
let clock = Date.UTC(2026, 10, 30, 10, 0, 0);
// Real policy indexes of 200 leads (2 numbers each, half of them attempted once, a retry pending), one per tab.
const indexes = Array.from({ length: TABS }, () => {
  const ix = new PolicyIndex({ ...DEFAULT_CAMPAIGN_RULES, timeZone: 'America/New_York' }, TEST_PLACES);
  for (let r = 2; r < 202; r++)
    ix.upsert(
      makeLead({
        rowNumber: r,
        attemptCount: r % 2,
        numbers: r % 2 ? [{ status: 'NO_ANSWER', retryAt: clock + r * 60_000 }, {}] : 2,
      }),
    );
  return ix;
});
const tabs: SyncTab[] = indexes.map((index, i) => ({
  ref: { tag: `t${i}` },
  rules: { name: `Campaign ${i % 5}` },
  index,
}));
const sv = new SupervisorConsole({
  redis,
  subscribeAllRaw: async () => () => {},
  store: {
    activeSessionOf: async () => null,
    getCall: async () => null,
    sessionStats: async () => {
      throw new Error('no seed in the bench');
    },
  },
  routerEntries: async () => [],
  loadedTabs: () => tabs,
  health: async () => ({
    sheetsBreaker: 'closed',
    dialpadBreaker: 'closed',
    queueDepth: 0,
    oldestQueuedAt: null,
  }),
  onSignedOut: () => {},
  logger: pino({ level: 'silent' }),
  clock: () => clock,
  syncMs: 3_600_000,
});

// The longest synchronous run while a sync is under way: the largest gap between two turns of a 0-ms timer
// chain (the chain's own CPU, a few µs a turn, is in cpuMs too).
const measure = async () => {
  let last = performance.now();
  let maxGap = 0;
  let timer: NodeJS.Timeout | null = null;
  const turn = () => {
    const t = performance.now();
    maxGap = Math.max(maxGap, t - last);
    last = t;
    timer = setTimeout(turn, 0);
  };
  timer = setTimeout(turn, 0);
  const cpu = process.cpuUsage();
  await sv.sync();
  const used = process.cpuUsage(cpu);
  turn();
  if (timer) clearTimeout(timer);
  return { cpuMs: (used.user + used.system) / 1000, blockMs: maxGap };
};

const first = await measure(); // everything written, the whole hash read back
let seed = 1;
const rand = () => {
  seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
  return seed / 2_147_483_648;
};
const steady: { cpuMs: number; blockMs: number }[] = [];
for (let n = 0; n < SYNCS; n++) {
  clock += 5_000;
  // A claim taken or released on a fifth of the tabs (a lead dialed, a lead disposed).
  indexes.forEach((ix, i) => {
    if (rand() < CHANGED_SHARE) ix.setClaimed(`L${2 + ((n + i) % 200)}`, n % 2 === 0);
  });
  steady.push(await measure());
}
const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
const pct = (xs: number[], p: number) => sorted(xs)[Math.min(xs.length - 1, Math.floor(p * xs.length))] ?? 0;
const r2 = (x: number) => Math.round(x * 100) / 100;
console.log(
  JSON.stringify({
    tabs: TABS,
    syncs: SYNCS,
    changedShare: CHANGED_SHARE,
    first: { cpuMs: r2(first.cpuMs), maxBlockMs: r2(first.blockMs) },
    steady: {
      cpuMsP50: r2(
        pct(
          steady.map((s) => s.cpuMs),
          0.5,
        ),
      ),
      cpuMsMax: r2(Math.max(...steady.map((s) => s.cpuMs))),
      maxBlockMsP50: r2(
        pct(
          steady.map((s) => s.blockMs),
          0.5,
        ),
      ),
      maxBlockMsMax: r2(Math.max(...steady.map((s) => s.blockMs))),
    },
  }),
);
redis.disconnect();
await server.stop();
