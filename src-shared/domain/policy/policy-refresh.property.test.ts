// Property tests of the index under the tab refresh's kind of change (fast-check): many leads replaced at
// once between two picks, some with other numbers (so another place: another zone, region, window), some
// with other attempts and retry times, claims coming and going, the clock moving on by seconds, minutes or
// hours (and now and then back). After every step the index that was updated in place picks what the scan
// picks and what an index built afresh from the same leads (the rebuild) picks, for every agent; its
// summary is the scan's, and its count of each static block is what the summary reports.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type CampaignRules, DEFAULT_CAMPAIGN_RULES } from '../campaign.js';
import type { Lead, PhoneSlot } from '../lead.js';
import { PLACED_NUMBERS, TEST_PLACES } from '../place-fixtures.js';
import { PHONE_STATUSES } from '../status.js';
import { PolicyIndex, pickByScan, summarizeByScan } from './index.js';
import type { StaticBlock } from './lead-rules.js';
import { dialAndDisposeNoAnswer, leadFromDraw, pickKey } from './policy-fixtures.js';

const MIN = 60_000;
// Wednesday 2026-11-25 13:30Z: 08:30 in New York, before 08:00 in Chicago and Los Angeles, night in Sydney.
const T0 = Date.parse('2026-11-25T13:30:00Z');
const AGENTS = [undefined, 'a@x.io'] as const;
const NUMBERS = Object.values(PLACED_NUMBERS);
const STATIC_BLOCKS: StaticBlock[] = [
  'SIBLING_CORRECT',
  'DO_NOT_CALL',
  'MAX_ATTEMPTS',
  'IN_PROGRESS',
  'NO_OPEN_NUMBERS',
  'UNKNOWN_TIMEZONE',
];

const slotArb = (index: number): fc.Arbitrary<PhoneSlot> =>
  fc
    .record({
      number: fc.option(fc.constantFrom(...NUMBERS), { nil: null, freq: 3 }),
      status: fc.oneof(
        { arbitrary: fc.constantFrom('NEW' as const, 'NO_ANSWER' as const, 'VOICEMAIL' as const), weight: 8 },
        { arbitrary: fc.constantFrom(...PHONE_STATUSES), weight: 1 },
      ),
      retry: fc.option(fc.integer({ min: -30, max: 180 }), { nil: null }),
    })
    .map(({ number, status, retry }) => ({
      index,
      raw: number ?? '',
      e164: number,
      status,
      skipReason: null,
      retryAt: retry === null ? null : T0 + retry * MIN,
    }));

/** Row `row`'s lead: its numbers drawn from every place of the fixture (a replacement may move it). */
const leadArb = (row: number): fc.Arbitrary<Lead> =>
  fc
    .record({
      used: fc.integer({ min: 1, max: 4 }),
      slots: fc.tuple(...Array.from({ length: 10 }, (_, i) => slotArb(i))),
      attemptCount: fc.oneof(fc.constant(0), fc.nat(6)),
      nextIndex: fc.nat(9),
      zone: fc.option(fc.constantFrom('America/New_York', 'Europe/London'), { nil: null, freq: 4 }),
    })
    .map((draw) => leadFromDraw(row, draw));

const rulesArb: fc.Arbitrary<CampaignRules> = fc
  .record({
    windowed: fc.boolean(),
    retryDelaysEnabled: fc.boolean(),
    maxAttempts: fc.integer({ min: 2, max: 6 }),
  })
  .map(({ windowed, retryDelaysEnabled, maxAttempts }) => ({
    ...DEFAULT_CAMPAIGN_RULES,
    callingHours: windowed ? DEFAULT_CAMPAIGN_RULES.callingHours : null,
    unknownTimeZone: 'SKIP' as const,
    retryDelaysEnabled,
    maxAttempts,
  }));

const ROWS = 30;
const tabArb = fc.tuple(...Array.from({ length: ROWS }, (_, i) => leadArb(i + 2)));

type Step =
  | { kind: 'refresh'; leads: Lead[] }
  | { kind: 'claims'; rows: number[]; claimed: boolean }
  | { kind: 'time'; ms: number }
  | { kind: 'cycle' };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  {
    arbitrary: fc
      .uniqueArray(fc.integer({ min: 2, max: ROWS + 1 }), { minLength: 1, maxLength: 12 })
      .chain((rows) => fc.tuple(...rows.map((r) => leadArb(r))))
      .map((leads) => ({ kind: 'refresh' as const, leads: [...leads] })),
    weight: 3,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant('claims' as const),
      rows: fc.uniqueArray(fc.integer({ min: 2, max: ROWS + 1 }), { maxLength: 6 }),
      claimed: fc.boolean(),
    }),
    weight: 1,
  },
  {
    arbitrary: fc
      .oneof(
        fc.integer({ min: 1, max: 120_000 }),
        fc.integer({ min: 1, max: 300 }).map((m) => m * MIN),
        fc.integer({ min: -90_000, max: -1 }),
      )
      .map((ms) => ({ kind: 'time' as const, ms })),
    weight: 2,
  },
  { arbitrary: fc.constant({ kind: 'cycle' as const }), weight: 3 },
);

describe('policy index under tab refreshes (property-based)', () => {
  it('picks what the scan and a rebuilt index pick after leads are replaced in bulk', () => {
    fc.assert(
      fc.property(rulesArb, tabArb, fc.array(stepArb, { maxLength: 25 }), (rules, tab, steps) => {
        const ix = new PolicyIndex(rules, TEST_PLACES);
        for (const l of tab) ix.upsert(l);
        const claimed = new Set<string>();
        let now = T0;
        const check = () => {
          const rebuilt = new PolicyIndex(rules, TEST_PLACES);
          for (const l of ix.leads()) rebuilt.upsert(l);
          for (const id of claimed) rebuilt.setClaimed(id, true);
          for (const agent of AGENTS) {
            const input = { sessionState: 'PLAY' as const, now, agent };
            const p = pickKey(ix.pick(input));
            expect(p).toEqual(pickKey(pickByScan(ix.leads(), rules, TEST_PLACES, input, claimed)));
            expect(p).toEqual(pickKey(rebuilt.pick(input)));
          }
          const s = ix.summary(now);
          expect(s).toEqual(summarizeByScan(ix.leads(), rules, TEST_PLACES, now, claimed));
          for (const block of STATIC_BLOCKS) {
            const reported =
              block === 'IN_PROGRESS'
                ? s.inProgress
                : (s.reasons.find((r) => r.reason === block)?.leads ?? 0);
            expect(ix.blockedLeads(block)).toBe(reported);
          }
        };
        check();
        for (const step of steps) {
          switch (step.kind) {
            case 'refresh':
              for (const l of step.leads) ix.upsert(l);
              break;
            case 'claims':
              for (const row of step.rows) {
                ix.setClaimed(`R${row}`, step.claimed);
                if (step.claimed) claimed.add(`R${row}`);
                else claimed.delete(`R${row}`);
              }
              break;
            case 'time':
              now += step.ms;
              break;
            case 'cycle':
              dialAndDisposeNoAnswer(ix, rules, now);
              break;
          }
          check();
        }
      }),
      { numRuns: 150 },
    );
  });
});
