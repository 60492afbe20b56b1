// Benchmark of the policy engine (not a test): 100,000 leads × 10 numbers in ten area codes (US zones
// incl. Hawaii and Alaska's two, London, Sydney), placed by Google's libphonenumber data as the server
// does (server/src/compliance/phone-places.ts), a fifth of the leads with numbers in two places. Each
// measured cycle is a real dialing step: pick (timed as "pick"), then mark the number IN_PROGRESS, apply
// a disposition and upsert the lead back (timed together as "apply"), so the index really changes. The
// naive full scan (pickByScan) is measured in the same run, on the same evolving data, with fewer
// iterations. Prints ONE JSON object on stdout.
import { performance } from 'node:perf_hooks';
import { applyDisposition, markInProgress } from '../src-shared/domain/apply.js';
import { type CampaignRules, DEFAULT_CAMPAIGN_RULES } from '../src-shared/domain/campaign.js';
import { DEFAULT_DISPOSITIONS, type DispositionCode } from '../src-shared/domain/disposition.js';
import type { Lead } from '../src-shared/domain/lead.js';
import { makeLead } from '../src-shared/domain/lead-fixtures.js';
import { PolicyIndex, pickByScan } from '../src-shared/domain/policy/index.js';
import { phonePlaces } from '../server/src/compliance/phone-places.js';

const LEADS = Number(process.env.BENCH_LEADS ?? 100_000);
const NUMBERS = 10;
const PICKS = Number(process.env.BENCH_PICKS ?? 20_000);
const WARMUP = 2_000;
const SCAN_PICKS = Number(process.env.BENCH_SCAN_PICKS ?? 150);
const TAB = { spreadsheetId: 'bench', sheetId: 0, tabTitle: 'Bench' };
// Wednesday 2026-11-25 16:00Z: 11:00 New York, 08:00 Los Angeles, 16:00 London open; Honolulu (06:00),
// Anchorage (07:00) and Sydney (03:00) closed, so the window check really filters places.
const START = Date.parse('2026-11-25T16:00:00Z');
/** E.164 prefixes (7 digits) of the numbers: NY, LA, Chicago, Denver, Miami, Honolulu, Alaska, London, Sydney. */
const AREAS = [
  '+1212555',
  '+1213555',
  '+1312555',
  '+1303555',
  '+1305555',
  '+1415555',
  '+1808555',
  '+1907555',
  '+4420794',
  '+6129123',
];

/** mulberry32: a seeded PRNG, so every run dials the same campaign. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = prng(42);

function buildLeads(): Lead[] {
  const leads: Lead[] = [];
  for (let i = 0; i < LEADS; i++) {
    const attempted = rand() < 0.3;
    const home = AREAS[i % AREAS.length] ?? '+1212555';
    const other = rand() < 0.2 ? (AREAS[Math.floor(rand() * AREAS.length)] ?? home) : home;
    const lead = makeLead({
      rowNumber: i + 2,
      numbers: Array.from({ length: NUMBERS }, (_, k) => ({
        e164: `${k === NUMBERS - 1 ? other : home}${String((i * NUMBERS + k) % 10_000).padStart(4, '0')}`,
        ...(attempted && rand() < 0.3
          ? { status: 'NO_ANSWER' as const, retryAt: START + Math.floor((rand() - 0.5) * 6 * 3_600_000) }
          : {}),
      })),
      attemptCount: attempted ? 1 + Math.floor(rand() * 3) : 0,
      nextIndex: Math.floor(rand() * NUMBERS),
      timeZone: null,
    });
    leads.push(lead);
  }
  return leads;
}

function pickCode(): DispositionCode {
  const r = rand();
  if (r < 0.5) return 'NO_ANSWER';
  if (r < 0.7) return 'VM_OR_NA_UNKNOWN';
  if (r < 0.85) return 'WRONG';
  if (r < 0.95) return 'CORRECT';
  return 'DO_NOT_CALL';
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}
const us = (ms: number) => Math.round(ms * 1000 * 100) / 100;

const rules: CampaignRules = { ...DEFAULT_CAMPAIGN_RULES, timeZone: 'America/New_York', maxAttempts: 6 };
const leads = buildLeads();
const position = new Map(leads.map((l, i) => [l.rowId, i]));

const t0 = performance.now();
const index = new PolicyIndex(rules, phonePlaces);
for (const l of leads) index.upsert(l);
const buildMs = performance.now() - t0;

let now = START;
/** One dialing step: dispose the picked number and put the lead back (index and the scan's array). */
function dispose(lead: Lead, numberIndex: number): void {
  const dialing = markInProgress(lead, numberIndex, TAB).lead;
  const done = applyDisposition({
    lead: dialing,
    numberIndex,
    code: pickCode(),
    now,
    rules,
    catalog: DEFAULT_DISPOSITIONS,
    tab: TAB,
  });
  index.upsert(done.lead);
  leads[position.get(lead.rowId) ?? 0] = done.lead;
}

const pickTimes = new Float64Array(PICKS);
const applyTimes = new Float64Array(PICKS);
const cycleTimes = new Float64Array(PICKS);
let picked = 0;
for (let i = -WARMUP; i < PICKS; i++) {
  now += 150;
  const a = performance.now();
  const p = index.pick({ sessionState: 'PLAY', now });
  const b = performance.now();
  if (p.kind !== 'pick') throw new Error(`nothing to dial at iteration ${i}: ${JSON.stringify(p)}`);
  dispose(p.lead, p.numberIndex);
  const c = performance.now();
  if (i >= 0) {
    pickTimes[i] = b - a;
    applyTimes[i] = c - b;
    cycleTimes[i] = c - a;
    picked++;
  }
}

const scanTimes = new Float64Array(SCAN_PICKS);
for (let i = 0; i < SCAN_PICKS; i++) {
  now += 150;
  const a = performance.now();
  const p = pickByScan(leads, rules, phonePlaces, { sessionState: 'PLAY', now });
  scanTimes[i] = performance.now() - a;
  if (p.kind !== 'pick') throw new Error('scan found nothing to dial');
  // The index must agree with the scan on the very same state (a cheap end-to-end sanity check).
  const q = index.pick({ sessionState: 'PLAY', now });
  if (q.kind !== 'pick' || q.lead.rowId !== p.lead.rowId || q.numberIndex !== p.numberIndex) {
    throw new Error(`index and scan disagree at scan iteration ${i}`);
  }
  dispose(p.lead, p.numberIndex);
}

for (const a of [pickTimes, applyTimes, cycleTimes, scanTimes]) a.sort();
const pickP99Us = us(percentile(pickTimes, 99));
const scanBaselineP99Us = us(percentile(scanTimes, 99));
process.stdout.write(
  `${JSON.stringify({
    leads: LEADS,
    numbersPerLead: NUMBERS,
    buildMs: Math.round(buildMs),
    pickP50Us: us(percentile(pickTimes, 50)),
    pickP99Us,
    applyP99Us: us(percentile(applyTimes, 99)),
    scanBaselineP99Us,
    speedupP99: Math.round(scanBaselineP99Us / pickP99Us),
    // Extras: apply median, the whole dial step (pick + mark + apply + upsert), scan median, sample sizes.
    applyP50Us: us(percentile(applyTimes, 50)),
    cycleP50Us: us(percentile(cycleTimes, 50)),
    cycleP99Us: us(percentile(cycleTimes, 99)),
    scanBaselineP50Us: us(percentile(scanTimes, 50)),
    places: new Set(leads.map((l) => index.placeOf(l.rowId)?.key)).size,
    picks: picked,
    scanPicks: SCAN_PICKS,
    node: process.version,
  })}\n`,
);
