// What the policy index costs per agent tab when the tab refresh touches it, against what a dialing cycle
// costs: the bench:load fixture's 500 tabs of 100 leads (decoded as the gateway does, placed by the phone
// data as the server does), under the load benchmark's rules (no window) and the default rules (the
// federal window, retry delays). Per tab, CPU µs and bytes allocated of:
//  - build: a new index and every lead upserted (TabCache's rebuild), then its first pick;
//  - reconcile: 3 leads changed and upserted again (a refresh of a tab whose rows changed), then a pick;
//  - minute: the first pick of the next minute (windows are whole minutes);
//  - cycle: one dialing cycle (pick, claim, the dialed lead upserted with one more attempt, release);
//  - summary: the index's summary (what the supervisor console's sync asks of every tab; the STATS figure
//    "leads left" reads blockedLeads instead, O(1)), right after the cycle changed the tab (one instant for
//    every tab, as one sync asks, and a new one each round, as each sync asks at its clock's time);
//  - summaryUnchanged: the next sync's summary 5 s later, the tab unchanged since (most tabs at realistic
//    pace: each changes about once every 20 s, the console syncs every ~5 s while someone watches).
// Bytes: V8's used heap after the step minus before, GC forced before and the young generation big enough
// that none runs inside (the process re-runs itself with --expose-gc --max-semi-space-size=256). CPU: the
// median of `rounds` passes over every tab. Prints one JSON object.
// Usage: npx tsx bench/policy-rebuild.ts [--agents 500] [--leads 100] [--rounds 5]
import { spawnSync } from 'node:child_process';
import { getHeapStatistics } from 'node:v8';
import { phonePlaces } from '../server/src/compliance/phone-places.js';
import { decodeValues } from '../server/src/sheets/tab-titles.js';
import { type CampaignRules, DEFAULT_CAMPAIGN_RULES } from '../src-shared/domain/campaign.js';
import type { Lead } from '../src-shared/domain/lead.js';
import { PolicyIndex } from '../src-shared/domain/policy/index.js';
import { parseAgentRows } from '../src-shared/domain/sheet-codec.js';
import { BENCH_CAMPAIGN_RULES, benchSheetsFixture } from './load/fixture.js';
import { numberArg } from './cli-args.js';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) {
  const r = spawnSync(
    process.execPath,
    ['--expose-gc', '--max-semi-space-size=256', '--import', 'tsx', ...process.argv.slice(1)],
    { stdio: 'inherit' },
  );
  process.exit(r.status ?? 1);
}
const collect: () => void = gc ?? (() => undefined);

const agents = numberArg('agents', 500);
const leadsPerTab = numberArg('leads', 100);
const rounds = numberArg('rounds', 5);

const fixture = benchSheetsFixture(agents, leadsPerTab);
// Decoded as the gateway decodes an answer: the cells as Sheets returns them (JSON), then checked.
const tabs: Lead[][] = (fixture.spreadsheets[0]?.sheets.slice(1) ?? []).map(
  (t) => parseAgentRows(decodeValues(JSON.parse(JSON.stringify(t.rows)))).leads,
);
// Wednesday 2026-11-25 16:00Z: 11:00 in New York, closed in Honolulu (06:00): windows really filter.
const NOW = Date.parse('2026-11-25T16:00:30Z');
const RULE_SETS: Record<string, CampaignRules> = {
  bench: { ...DEFAULT_CAMPAIGN_RULES, ...BENCH_CAMPAIGN_RULES['*'] },
  federalWindow: DEFAULT_CAMPAIGN_RULES,
};

const usedHeap = () => getHeapStatistics().used_heap_size;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const round1 = (n: number) => Math.round(n * 10) / 10;

/** Runs `step` over every tab; returns the CPU µs per tab (the process's user+system time). */
function cpuUsPerTab(step: (i: number) => void): number {
  const t0 = process.cpuUsage();
  for (let i = 0; i < tabs.length; i++) step(i);
  const d = process.cpuUsage(t0);
  return (d.user + d.system) / tabs.length;
}

/** Bytes allocated per tab by `step` over the first 50 tabs (GC forced first; none runs inside). */
function bytesPerTab(step: (i: number) => void): number {
  const n = Math.min(50, tabs.length);
  collect();
  const before = usedHeap();
  for (let i = 0; i < n; i++) step(i);
  return Math.round((usedHeap() - before) / n);
}

const withAttempt = (lead: Lead, now: number): Lead => ({
  ...lead,
  attemptCount: lead.attemptCount + 1,
  numbers: lead.numbers.map((s) =>
    s.index === 0 ? { ...s, status: 'NO_ANSWER', retryAt: now + 3600_000 } : s,
  ),
});

function measure(rules: CampaignRules) {
  let indexes: PolicyIndex[] = [];
  const build = (i: number) => {
    const index = new PolicyIndex(rules, phonePlaces);
    for (const lead of tabs[i] ?? []) index.upsert(lead);
    indexes[i] = index;
  };
  const pick = (now: number) => (i: number) => {
    indexes[i]?.pick({ sessionState: 'PLAY', now });
  };
  const reconcile = (i: number) => {
    const index = indexes[i];
    const leads = tabs[i] ?? [];
    if (!index) return;
    for (const k of [3, 40, 77]) {
      const lead = leads[k];
      if (lead) index.upsert(withAttempt(lead, NOW));
    }
    index.pick({ sessionState: 'PLAY', now: NOW + 1 });
  };
  // The cycles run after the minute step (time only moves forward for an index).
  let t = NOW + 60_001;
  const cycle = (i: number) => {
    const index = indexes[i];
    if (!index) return;
    const now = t++;
    const p = index.pick({ sessionState: 'PLAY', now });
    if (p.kind !== 'pick') return;
    index.setClaimed(p.lead.rowId, true);
    index.upsert(withAttempt(p.lead, now));
    index.setClaimed(p.lead.rowId, false);
  };
  const summary = (i: number) => {
    indexes[i]?.summary(t);
  };
  const summaryUnchanged = (i: number) => {
    indexes[i]?.summary(t + 5_000);
  };
  const steps: [string, (i: number) => void][] = [
    ['build', build],
    ['firstPick', pick(NOW)],
    ['reconcile', reconcile],
    ['minute', pick(NOW + 60_000)],
    ['cycle', cycle],
    ['summary', summary],
    ['summaryUnchanged', summaryUnchanged],
  ];
  const us = new Map<string, number[]>(steps.map(([n]) => [n, []]));
  const bytes = new Map<string, number[]>(steps.map(([n]) => [n, []]));
  for (let r = 0; r < rounds + 1; r++) {
    indexes = [];
    t = NOW + 60_001 + r * 2_000;
    for (const [name, step] of steps) {
      const cpu = cpuUsPerTab(step);
      if (r > 0) us.get(name)?.push(cpu); // round 0 warms the JIT
    }
    indexes = [];
    t = NOW + 60_001 + r * 2_000 + 1_000;
    for (const [name, step] of steps) {
      const b = bytesPerTab(step);
      if (r > 0) bytes.get(name)?.push(b);
    }
  }
  // Retained: what 500 built indexes hold.
  indexes = [];
  collect();
  const before = usedHeap();
  for (let i = 0; i < tabs.length; i++) build(i);
  collect();
  const retainedPerTab = Math.round((usedHeap() - before) / tabs.length);
  return {
    cpuUsPerTab: Object.fromEntries(steps.map(([n]) => [n, round1(median(us.get(n) ?? []))])),
    bytesPerTab: Object.fromEntries(steps.map(([n]) => [n, median(bytes.get(n) ?? [])])),
    retainedBytesPerTab: retainedPerTab,
  };
}

const out: Record<string, unknown> = { agents, leadsPerTab, rounds };
for (const [name, rules] of Object.entries(RULE_SETS)) out[name] = measure(rules);
console.log(JSON.stringify(out));
