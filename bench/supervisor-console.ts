// What the supervisor console costs the coordinator at N agents (issue 11: "the coordinator's CPU per cycle
// stays within budget"): the console folds every agent's bus notices (lean zod parse + the pure row fold)
// and, every 250 ms, builds one diff (changed rows, campaign and team totals) for its viewers. This drives the
// real SupervisorConsole with the notices one disposition cycle publishes (the same JSON the bus delivers:
// dial, ringing, connected, hangup + SHOW_DISPO + STATS, disposition + chained dial + STATS), for N agents at
// a realistic pace, with V viewers, and measures CPU in-process (no Redis: the shared-figures sync is off).
//
//   npx tsx bench/supervisor-console.ts [--agents 500] [--cycles 20] [--viewers 5]
//
// Prints one JSON object: µs of CPU per cycle for the notices, per tick, and per cycle all in (ticks at
// 4/s spread over the cycles of a 25 cycles/s floor, as the load benchmark's realistic pace).
import { pino } from 'pino';
import { emptyDispositionCounts } from '../src-shared/contracts/supervisor.js';
import { SupervisorConsole } from '../server/src/supervisor/console.js';
import type { RedisClient } from '../server/src/redis/client.js';
import { numberArg } from './cli-args.js';

const AGENTS = numberArg('agents', 500);
const CYCLES = numberArg('cycles', 20);
const VIEWERS = numberArg('viewers', 5);
const CAMPAIGNS = 5;

let listener: (raw: unknown) => void = () => {};
const emails = Array.from({ length: AGENTS }, (_, i) => `agent${i}@bench.example`);
let clock = Date.UTC(2026, 10, 30, 10, 0, 0);
const sv = new SupervisorConsole({
  redis: {} as RedisClient,
  subscribeAllRaw: async (l) => {
    listener = l;
    return () => {};
  },
  store: {
    activeSessionOf: async () => null,
    getCall: async () => null,
    sessionStats: async () => {
      throw new Error('no seed in the bench');
    },
  },
  routerEntries: async () =>
    emails.map((agentEmail, i) => ({
      agentEmail,
      dialpadUserId: String(i),
      spreadsheetId: 'ss',
      tabId: i,
      campaignName: `Campaign ${i % CAMPAIGNS}`,
      active: true,
    })),
  loadedTabs: () => [],
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
await sv.start();
sv.stop(); // timers off: the bench drives ticks itself
let sentBytes = 0;
let sent = 0;
for (let v = 0; v < VIEWERS; v++)
  sv.watch({
    campaigns: new Set(Array.from({ length: CAMPAIGNS }, (_, i) => `Campaign ${i}`)),
    send: (_seq, _diff, text) => {
      sentBytes += text.length;
      sent += 1;
    },
  });

const call = (id: string, sessionId: string, state: string, endedAt: number | null) => ({
  callId: id,
  sessionId,
  state,
  leadRowId: 'R1',
  numberIndex: 0,
  phoneE164: '+15551234567',
  startedAt: clock,
  ringingAt: null,
  connectedAt: null,
  endedAt,
  endReason: null,
  suggestedDisposition: null,
  timeoutAt: clock + 60_000,
  callerId: null,
});
const statsOf = (n: number) => ({
  callsInitiated: n,
  callsCompleted: Math.max(0, n - 1),
  connects: Math.floor(n / 2),
  dispositions: { ...emptyDispositionCounts(), NO_ANSWER: Math.max(0, n - 1) },
  skips: 0,
  successRate: 0,
  dialsPerHour: 100,
  talkTimeSeconds: n * 10,
  leadsRemaining: 100,
  leadsTotal: 200,
});
const notice = (email: string, events: unknown[]) => ({
  email,
  at: clock,
  events: events.map((event, i) => ({ seq: i + 1, event })),
});

/** The notices of one cycle of one agent, as JSON.parse gives them to the console. */
function cycleNotices(email: string, n: number): unknown[] {
  const sid = `s-${email}`;
  const id = `c-${email}-${n}`;
  return [
    notice(email, [
      { type: 'CALL_STATE', call: call(id, sid, 'DIALING', null) },
      { type: 'STATS', stats: statsOf(n) },
    ]),
    notice(email, [{ type: 'CALL_STATE', call: call(id, sid, 'RINGING', null) }]),
    notice(email, [{ type: 'CALL_STATE', call: call(id, sid, 'CONNECTED', null) }]),
    notice(email, [
      { type: 'CALL_STATE', call: call(id, sid, 'ENDED', clock) },
      { type: 'SHOW_DISPO', call: call(id, sid, 'ENDED', clock), preview: null },
      { type: 'STATS', stats: statsOf(n) },
    ]),
    notice(email, [
      { type: 'CALL_STATE', call: call(id, sid, 'DISPOSED', clock) },
      { type: 'STATS', stats: statsOf(n + 1) },
    ]),
  ];
}

for (const email of emails)
  listener(
    notice(email, [
      {
        type: 'SESSION_STATE',
        session: {
          id: `s-${email}`,
          agentEmail: email,
          campaignName: `Campaign ${emails.indexOf(email) % CAMPAIGNS}`,
          spreadsheetId: 'ss',
          tabTitle: 't',
          state: 'PLAY',
          startedAt: clock,
          version: 1,
          previewCountdownSeconds: 0,
          catalog: [],
        },
      },
    ]),
  );
sv.tick();

// Notices: every agent runs CYCLES cycles (JSON objects prepared outside the measured part).
const batches = Array.from({ length: CYCLES }, (_, c) => emails.flatMap((e) => cycleNotices(e, c + 1)));
const cpu0 = process.cpuUsage();
for (const batch of batches) for (const n of batch) listener(n);
const noticeCpu = process.cpuUsage(cpu0);
const noticeUs = (noticeCpu.user + noticeCpu.system) / (CYCLES * AGENTS);

// Ticks: one cycle per agent between ticks is far more change per tick than 25 cycles/s gives (~6 per tick).
sv.tick(); // the batch above changed every row: not a steady-state tick
sent = 0;
sentBytes = 0;
const TICKS = 40;
let tickUs = 0;
for (let t = 0; t < TICKS; t++) {
  for (const e of emails.slice(0, 25)) for (const n of cycleNotices(e, 100 + t)) listener(n);
  clock += 250;
  const c0 = process.cpuUsage();
  sv.tick();
  const c = process.cpuUsage(c0);
  tickUs += c.user + c.system;
}
tickUs /= TICKS;
const cyclesPerSecond = 25;
const perCycleUs = noticeUs + (tickUs * 4) / cyclesPerSecond;
console.log(
  JSON.stringify({
    agents: AGENTS,
    viewers: VIEWERS,
    cycles: CYCLES * AGENTS,
    noticesCpuUsPerCycle: Math.round(noticeUs * 10) / 10,
    tickCpuUs: Math.round(tickUs),
    perCycleCpuUsAt25CyclesPerSecond: Math.round(perCycleUs * 10) / 10,
    diffsSent: sent,
    avgDiffBytes: sent ? Math.round(sentBytes / sent) : 0,
  }),
);
