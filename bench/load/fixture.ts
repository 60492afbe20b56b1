// What the load benchmark runs against: its generated agents (router rows, Dialpad users), the spreadsheet
// id, the call timings and outcomes of each pace, and the campaign rules. Shared by every bench process.
import type { DemoAgent } from '../../server/emulators/demo-agents.js';
import type { SheetsFixture } from '../../server/emulators/sheets/fixture.js';
import { buildDemoFixture } from '../../server/emulators/sheets/demo-seed.js';
import type { CallTimings } from '../../server/emulators/dialpad/calls.js';
import { DEMO_OUTCOME_MIX, type OutcomePlan } from '../../server/emulators/dialpad/outcomes.js';
import type { Pace } from './args.js';

export const BENCH_SPREADSHEET_ID = 'bench-load-spreadsheet';
export const BENCH_CAMPAIGN = 'Bench Campaign';

/** Agent i (0-based): fictional email and a Dialpad user id that stays a safe integer. */
export function benchAgents(n: number): DemoAgent[] {
  return Array.from({ length: n }, (_, i) => {
    const k = String(i + 1).padStart(4, '0');
    return {
      email: `agent${k}@bench.turbodialer.example`,
      name: `Bench Agent ${k}`,
      dialpadUserId: String(7_000_000_000_000_000 + i),
      campaignName: BENCH_CAMPAIGN,
    };
  });
}

/** Realistic: a call rings and talks for ~20 s (500 agents ≈ 25 cycles/s); max: no waiting at all; idle:
 *  every call talks for an hour (the agents hang up at the end of the window). */
export function timingsOf(pace: Pace): CallTimings {
  if (pace === 'realistic')
    return { dialMs: 1000, ringMs: 5000, talkMs: 15000, noAnswerMs: 18000, jitter: 0.3 };
  if (pace === 'idle')
    return { dialMs: 1000, ringMs: 2000, talkMs: 3_600_000, noAnswerMs: 3_600_000, jitter: 0 };
  return { dialMs: 0, ringMs: 0, talkMs: 0, noAnswerMs: 0, jitter: 0 };
}

/** Realistic: the demo mix (connected, no answer, voicemail, missed); max and idle: every call connects. */
export function outcomesOf(pace: Pace): OutcomePlan {
  return pace === 'realistic' ? { mix: DEMO_OUTCOME_MIX } : { default: 'connected' };
}

/** No calling window and no retry delay, so an agent's 100 leads never run out during a run: every
 *  disposition the load generator sends is a retry code (NO_ANSWER / voicemail). */
export const BENCH_CAMPAIGN_RULES = {
  '*': { callingHours: null, retryDelaysEnabled: false, maxAttempts: 100 },
};

export const ATTEMPT_COUNT_COL = 24;

/** The supervisor the load benchmark's consoles sign in as (a Supervisors tab row, every campaign). */
export const BENCH_SUPERVISOR = {
  email: 'lead@bench.turbodialer.example',
  name: 'Bench Lead',
  campaigns: ['*'],
};

/** The benches' spreadsheet: the router and one tab of `leadsPerAgent` leads per bench agent (seed 7, so every
 *  bench decodes the same cells), with the bench supervisor's tab beside the router when asked (it sits
 *  before the agents' tabs, so benches that read the tabs by position leave it out). */
export function benchSheetsFixture(
  agents: number,
  leadsPerAgent: number,
  opts: { supervisor?: boolean } = {},
): SheetsFixture {
  return buildDemoFixture({
    agents: benchAgents(agents),
    leadsPerAgent,
    seed: 7,
    routerSpreadsheetId: BENCH_SPREADSHEET_ID,
    ...(opts.supervisor ? { supervisors: [BENCH_SUPERVISOR] } : {}),
  });
}
