// DESIGN's reliability rules under real faults, while three agents run full cycles (with their own
// duplicate dispositions, reconnects and double-clicked PLAYs): one of two coordinator instances SIGKILLed,
// the only instance SIGKILLed and restarted, redis-server SIGKILLed and restarted from its AOF after being
// unreachable (the API answers 5xx with Retry-After meanwhile, never hangs), Sheets answering 429, then 503,
// then 2 s late, Dialpad's initiate_call failing and slow, answered 5xx before or after placing the call,
// and webhooks duplicated, dropped, delayed and reordered. After each: every accepted disposition written exactly once with its intended values, no
// number dialed twice at once, no session stuck (support/invariants.ts). One JSON line per scenario is
// printed for docs/RELIABILITY.md. CI windows are short; TD_SOAK=1 runs the long ones (60 s outages, 10 s
// without Redis).
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { DEMO_AGENTS } from '../../emulators/demo-agents.js';
import { checkInvariants, SheetLedger } from './support/invariants.js';
import { type FaultStack, startFaultStack } from './support/fault-stack.js';
import { LoadAgent, type LoadStats, newLoadStats } from './support/load.js';
import { scanLogs } from './support/log-scan.js';

const SOAK = process.env.TD_SOAK === '1';
/** How long each fault lasts (Sheets windows, Redis unreachable) and the load around it. */
const WINDOW_MS = SOAK ? 60_000 : 4_000;
const REDIS_DOWN_MS = SOAK ? 10_000 : 3_000;
const LOAD_AROUND_MS = SOAK ? 10_000 : 2_500;

let stack: FaultStack;
const ledger = new SheetLedger();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Dials Dialpad refused after the answer (undone, the agent told "Dialpad refused the call"), as logged by
 *  every instance so far: where Dialpad refused nothing, each one is a spurious refusal. */
const dialRefusalsLogged = () =>
  stack
    .logs()
    .split('\n')
    .filter((l) => l.includes('Dialpad refused a call after the answer')).length;
/** Our call ids named by the log lines that carry `msg`, across every instance so far. */
const callIdsLogged = (msg: string): string[] =>
  stack
    .logs()
    .split('\n')
    .filter((l) => l.includes(msg))
    .flatMap((l) => {
      try {
        const callId: unknown = JSON.parse(l).callId;
        return typeof callId === 'string' ? [callId] : [];
      } catch {
        return [];
      }
    });
/** Our call ids of every call Dialpad (the emulator) placed, read from their custom_data. */
const placedCallIds = (): Set<string> =>
  new Set(
    stack.dialpad.state.listCalls().flatMap((c) => {
      try {
        const callId: unknown = JSON.parse(c.custom_data ?? '').callId;
        return typeof callId === 'string' ? [callId] : [];
      } catch {
        return [];
      }
    }),
  );
/** Dials undone as refused although Dialpad placed the call: each one freed a lead Dialpad was ringing. */
const undoneButPlaced = (): string[] => {
  const placed = placedCallIds();
  return callIdsLogged('Dialpad refused a call after the answer').filter((id) => placed.has(id));
};

beforeAll(async () => {
  // Enough leads that no scenario runs out of numbers to dial, however fast the machine: a 60 s soak window
  // uses ~250 per agent, and the CI windows together ~110 on an idle machine (with 60, the last scenario
  // once found every lead dialed and accepted nothing).
  stack = await startFaultStack({ leadsPerAgent: SOAK ? 600 : 200 });
  await Promise.all([stack.start('A'), stack.start('B')]);
}, 120_000);
afterAll(() => stack?.close());

/** The load balancer's backends: both instances, dead or alive (a request to a dead one fails over). */
const bothUrls = () => [stack.urls.A, stack.urls.B];

/** Runs the load while `fault` plays out, then checks every invariant; returns the figures. */
async function underLoad(
  name: string,
  fault: (stats: LoadStats, agents: readonly LoadAgent[]) => Promise<Record<string, unknown>>,
  urls: () => string[] = bothUrls,
  /** Dialpad itself refuses some calls in this scenario (injected 4xx/5xx): refusals are expected. */
  dialpadRefuses = false,
) {
  onTestFailed(() => {
    process.stderr.write(`\n----- coordinator logs (${name}) -----\n${stack.logs().slice(-20_000)}\n`);
  });
  const stats = newLoadStats();
  const refusalsBefore = dialRefusalsLogged();
  const undoneBefore = undoneButPlaced().length;
  const agents = DEMO_AGENTS.slice(0, 3).map((a) => new LoadAgent(a.email, urls, stats));
  await Promise.all(agents.map((a) => a.login()));
  let stop = false;
  const runs = agents.map((a) => a.run(() => stop));
  let extra: Record<string, unknown>;
  try {
    await sleep(LOAD_AROUND_MS);
    extra = await fault(stats, agents);
    await sleep(LOAD_AROUND_MS);
  } finally {
    // Even when the fault's own checks failed: no agent may keep running into the next scenario.
    stop = true;
    await Promise.all(runs);
  }
  const report = await checkInvariants(agents, ledger, stack.sheets, stack.dialpad);
  const dialRefusals = dialRefusalsLogged() - refusalsBefore;
  const undonePlaced = undoneButPlaced().length - undoneBefore;
  const figures = {
    scenario: name,
    accepted: report.accepted,
    lost: report.lost,
    duplicated: report.duplicated,
    overlappingDials: report.overlappingDials.length,
    crossTabOverlaps: report.crossTabOverlaps.length,
    stuckSessions: report.stuckSessions.length,
    requests: stats.requests,
    retried: stats.retried,
    fiveXx: stats.fiveXx,
    fiveXxWithoutRetryAfter: stats.fiveXxWithoutRetryAfter,
    hung: stats.hung,
    noAnswer: stats.noAnswer,
    duplicateSends: stats.duplicateSends,
    dialRefusals,
    undonePlaced,
    ...extra,
  };
  console.log(JSON.stringify(figures));
  expect(report.accepted).toBeGreaterThan(0);
  expect(report.mismatches.slice(0, 10)).toEqual([]);
  expect([report.lost, report.duplicated]).toEqual([0, 0]);
  expect(report.overlappingDials).toEqual([]);
  expect(report.stuckSessions).toEqual([]);
  expect(stats.hung).toBe(0);
  // No dial Dialpad placed was undone as refused (it would free a lead Dialpad was ringing).
  expect(undonePlaced).toBe(0);
  if (!dialpadRefuses) expect(dialRefusals).toBe(0);
  return figures;
}

describe('faults under load', () => {
  it('one of two instances SIGKILLed mid-load: the other carries on', async () => {
    await underLoad('kill-one-of-two', async () => {
      await stack.kill('A');
      await sleep(WINDOW_MS);
      return { killed: 1 };
    });
    await stack.start('A');
  }, 180_000);

  it('the only instance SIGKILLed and restarted', async () => {
    await stack.kill('A');
    await underLoad(
      'kill-only-instance',
      async () => {
        await stack.kill('B');
        await sleep(500);
        await stack.start('B');
        return { killed: 1 };
      },
      () => [stack.urls.B],
    );
    await stack.start('A');
  }, 180_000);

  it('redis-server SIGKILLed, unreachable, restarted from its AOF: 5xx with Retry-After meanwhile, never a hang', async () => {
    await underLoad('redis-down-aof', async (stats, agents) => {
      const before = stats.fiveXx;
      await stack.redis.kill();
      const probes: { status: number; retryAfter: string | null; ms: number }[] = [];
      try {
        // While Redis is gone: a request answers (never hangs), with a 503 that says when to retry.
        const until = Date.now() + REDIS_DOWN_MS;
        while (Date.now() < until) {
          const t = Date.now();
          const r = await fetch(`${stack.urls.B}/session/current`, {
            headers: { authorization: `Bearer ${agents[0]?.token ?? ''}` },
          });
          await r.arrayBuffer();
          probes.push({ status: r.status, retryAfter: r.headers.get('retry-after'), ms: Date.now() - t });
        }
      } finally {
        await stack.redis.restart();
      }
      expect(probes.length).toBeGreaterThan(0);
      // Answered, not hung: ioredis fails a queued command at the second flush of its offline queue after
      // it was issued (every 4 reconnection attempts, at most 0.5 s apart: ~4 s; compose.ts).
      for (const p of probes) expect(p.ms).toBeLessThan(10_000);
      for (const p of probes.filter((x) => x.status >= 500))
        expect([p.status, p.retryAfter]).toEqual([503, '2']);
      return {
        redisDownMs: REDIS_DOWN_MS,
        probes: probes.length,
        probe503: probes.filter((p) => p.status === 503).length,
        probeMaxMs: Math.max(...probes.map((p) => p.ms)),
        probeMs: probes.map((p) => p.ms),
        fiveXxDuringOutage: stats.fiveXx - before,
      };
    });
  }, 180_000);

  it('Sheets 429, then 503, then 2 s latency', async () => {
    await underLoad('sheets-429-503-latency', async () => {
      stack.sheets.state.setFaults([{ route: '*', status: 429, retryAfterSec: 1 }]);
      await sleep(WINDOW_MS);
      stack.sheets.state.setFaults([{ route: '*', status: 503, retryAfterSec: 1 }]);
      await sleep(WINDOW_MS);
      stack.sheets.state.setFaults([{ route: '*', latencyMs: 2_000 }]);
      await sleep(WINDOW_MS);
      stack.sheets.state.clearFaults();
      return { windowMs: WINDOW_MS };
    });
  }, 300_000);

  it("Dialpad's initiate_call failing and slow", async () => {
    await underLoad(
      'dialpad-failing-slow',
      async () => {
        stack.dialpad.state.setApiFaults([
          // Shed before acting, saying when to come back: a definite refusal (docs/gateways.md).
          { route: 'initiate_call', status: 503, retryAfterSec: 1, probability: 0.3 },
          { route: 'initiate_call', latencyMs: 1_500, probability: 0.3 },
        ]);
        await sleep(WINDOW_MS);
        stack.dialpad.state.clearFaults();
        return { windowMs: WINDOW_MS };
      },
      bothUrls,
      true,
    );
  }, 180_000);

  it("Dialpad's connections closed idle and dropped mid-request: no call refused, none placed twice", async () => {
    const dp = stack.dialpad;
    const dials = (ok: boolean) =>
      dp.state.requestLog.entries.filter((e) => e.route === 'initiate_call' && e.faulted !== ok).length;
    await underLoad('dialpad-connections-dropped', async () => {
      const droppedBefore = dials(false);
      // A restart or a draining load balancer closes idle keep-alive connections (every 200 ms here, so
      // dials meet connections Dialpad has just closed), and initiate_calls lose their connection, before
      // Dialpad acts or after it placed the call (the answer lost), in turn. Never two in a row: five lost
      // connections in a row would open the Dialpad breaker, whose fail-fast refusals are real ones.
      const until = Date.now() + WINDOW_MS;
      let closes = 0;
      let answeredAt = dials(true);
      while (Date.now() < until) {
        dp.closeIdleConnections();
        closes += 1;
        if (dp.state.apiFaults.list().length === 0 && dials(true) > answeredAt) {
          answeredAt = dials(true);
          const drop = (dials(false) - droppedBefore) % 2 === 0 ? 'before' : 'after';
          dp.state.setApiFaults([{ route: 'initiate_call', drop, times: 1 }]);
        }
        await sleep(200);
      }
      dp.state.clearFaults();
      return { windowMs: WINDOW_MS, idleCloses: closes, droppedInitiateCalls: dials(false) - droppedBefore };
    });
  }, 180_000);

  it("Dialpad's initiate_call answered 500/502/503/504 after placing the call, or 502/504 before: no dial undone, none placed twice", async () => {
    const dp = stack.dialpad;
    const dials = (ok: boolean) =>
      dp.state.requestLog.entries.filter((e) => e.route === 'initiate_call' && e.faulted !== ok).length;
    // A gateway in front of Dialpad that lost the origin's answer (502, 504), an origin failing after acting
    // (500), a proxy's 503 without Retry-After; and the same statuses before Dialpad saw the request. The
    // client cannot tell placed from not placed: each is kept, told, and settled by webhooks or timeout.
    const kinds = [
      { status: 502, statusWhen: 'after' },
      { status: 504, statusWhen: 'after' },
      { status: 502, statusWhen: 'before' },
      { status: 500, statusWhen: 'after' },
      { status: 503, statusWhen: 'after' },
      { status: 504, statusWhen: 'before' },
    ] as const;
    const keptBefore = callIdsLogged('Dialpad answered ambiguously').length;
    let answered5xx = 0;
    await underLoad('dialpad-5xx-around-placing', async () => {
      const faultedBefore = dials(false);
      const placedBefore = placedCallIds().size;
      // One fault at a time, each after a clean answered dial (five in a row would open the breaker, whose
      // fail-fast refusals are real ones).
      const until = Date.now() + WINDOW_MS;
      let injected = 0;
      let answeredAt = dials(true);
      while (Date.now() < until) {
        if (dp.state.apiFaults.list().length === 0 && dials(true) > answeredAt) {
          answeredAt = dials(true);
          const kind = kinds[injected % kinds.length] ?? kinds[0];
          dp.state.setApiFaults([{ route: 'initiate_call', ...kind, times: 1 }]);
          injected += 1;
        }
        await sleep(50);
      }
      dp.state.clearFaults();
      answered5xx = dials(false) - faultedBefore;
      return {
        windowMs: WINDOW_MS,
        answered5xx,
        placedCalls: placedCallIds().size - placedBefore,
      };
    });
    const kept = callIdsLogged('Dialpad answered ambiguously').length - keptBefore;
    console.log(JSON.stringify({ scenario: 'dialpad-5xx-around-placing', keptUnknown: kept }));
    expect(answered5xx).toBeGreaterThan(0);
    // Every 5xx is an unknown outcome: the call kept, never a refusal (dialRefusals = 0 in underLoad).
    expect(kept).toBeGreaterThanOrEqual(answered5xx);
  }, 180_000);

  it('webhooks duplicated, dropped, delayed and reordered', async () => {
    await underLoad('webhooks-dup-drop-delay-reorder', async () => {
      stack.dialpad.state.setWebhookFaults([
        { action: 'duplicate', probability: 0.3, copies: 2 },
        { action: 'delay', probability: 0.2, delayMs: 800 },
        { action: 'reorder', probability: 0.2 },
        // Only non-final events: a lost final event is recovered by the call timeout (10 s here).
        { action: 'drop', states: ['calling', 'ringing', 'connected'], probability: 0.3 },
      ]);
      await sleep(WINDOW_MS);
      stack.dialpad.state.clearFaults();
      return { windowMs: WINDOW_MS };
    });
  }, 180_000);

  it('no phone number or secret in any log line of any instance', () => {
    const lines = stack.logs().split('\n').filter(Boolean);
    const found = scanLogs(lines, {
      phones: stack.sheets.state.snapshot(),
      secrets: [
        'reliability-webhook-secret',
        'reliability-jwt-secret-0123456789abcdefghij',
        'reliability-dialpad-key',
      ],
    });
    console.log(JSON.stringify({ scenario: 'fault-logs', lines: lines.length, leaks: found.length }));
    expect(found.slice(0, 5)).toEqual([]);
  });
});
