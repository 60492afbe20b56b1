// Property test of the index's kept summary (fast-check): a summary asked again with nothing changed is
// answered from the last one while the clock stays inside the span it holds for. Whatever the leads
// (callbacks for one agent or anyone, retry times and callback times to the second, windows opening within
// the first minute), upserts, removals, claims and clock moves (milliseconds to hours, forward and back),
// every summary the index gives, for whichever agent asks, is the scan's (summarizeByScan) at that moment.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CallingHours, CampaignRules } from '../campaign.js';
import { DEFAULT_CAMPAIGN_RULES } from '../campaign.js';
import type { Lead, PhoneSlot } from '../lead.js';
import { fictionalNumber } from '../lead-fixtures.js';
import { TEST_PLACES } from '../place-fixtures.js';
import { PHONE_STATUSES } from '../status.js';
import { PolicyIndex, summarizeByScan } from './index.js';
import { dialAndDisposeNoAnswer, leadFromDraw } from './policy-fixtures.js';

const SEC = 1000;
const MIN = 60 * SEC;
// Wednesday 2026-11-25 13:59:30Z: 30 s before 09:00 in New York and 08:00 in Chicago (the campaign's zone),
// so windows open inside the first minutes of a history.
const T0 = Date.parse('2026-11-25T13:59:30Z');
const AGENTS = [undefined, 'a@x.io', 'b@x.io'] as const;
const ZONES = [null, 'America/New_York', 'Europe/London', 'America/Chicago'] as const;
const HOURS: (CallingHours | null)[] = [
  null,
  { start: '08:00', end: '21:00', days: [1, 2, 3, 4, 5, 6] },
  { start: '09:00', end: '17:00', days: [1, 2, 3, 4, 5] },
];
/** An instant near T0, to the second: retry and callback times that a few seconds' tick crosses. */
const nearArb = fc.integer({ min: -120, max: 900 }).map((s) => T0 + s * SEC);

const callbackArb = fc.oneof(
  { arbitrary: fc.constant(null), weight: 3 },
  {
    arbitrary: fc.record({ at: nearArb, agent: fc.constantFrom(null, 'a@x.io', 'b@x.io'), slot: fc.nat(3) }),
    weight: 1,
  },
);

const slotArb = (rowNumber: number, index: number): fc.Arbitrary<PhoneSlot> =>
  fc
    .record({
      present: fc.nat(9),
      status: fc.oneof(
        { arbitrary: fc.constantFrom('NEW' as const, 'NO_ANSWER' as const, 'VOICEMAIL' as const), weight: 8 },
        { arbitrary: fc.constantFrom(...PHONE_STATUSES), weight: 1 },
      ),
      retryAt: fc.option(nearArb, { nil: null }),
    })
    .map(({ present, status, retryAt }) => {
      const e164 = present < 8 ? fictionalNumber(rowNumber, index) : null;
      return { index, raw: e164 ?? '', e164, status, skipReason: null, retryAt };
    });

const leadArb = (rowNumber: number): fc.Arbitrary<Lead> =>
  fc
    .record({
      used: fc.integer({ min: 1, max: 4 }),
      slots: fc.tuple(...Array.from({ length: 10 }, (_, i) => slotArb(rowNumber, i))),
      attemptCount: fc.oneof(fc.constant(0), fc.nat(4)),
      nextIndex: fc.nat(3),
      zone: fc.constantFrom(...ZONES),
      callback: callbackArb,
    })
    .map((draw) => leadFromDraw(rowNumber, draw));

const ROWS = 20;
const leadsArb = fc
  .integer({ min: 0, max: ROWS })
  .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => leadArb(i + 2))))
  .map((t) => [...t] as Lead[]);

const rulesArb: fc.Arbitrary<CampaignRules> = fc
  .record({ retryDelaysEnabled: fc.boolean(), hours: fc.constantFrom(...HOURS) })
  .map(({ retryDelaysEnabled, hours }) => ({
    ...DEFAULT_CAMPAIGN_RULES,
    maxAttempts: 5,
    retryDelaysEnabled,
    callingHours: hours,
    timeZone: 'America/Chicago',
  }));

/** Each step then asks the summary for `asker` (an index into AGENTS): runs of one asker hit the kept one. */
type Op = { asker: number } & (
  | { op: 'tick'; ms: number }
  | { op: 'cycle' }
  | { op: 'claim'; row: number; claimed: boolean }
  | { op: 'remove'; row: number }
  | { op: 'replace'; lead: Lead }
);

const rowArb = fc.integer({ min: 2, max: ROWS + 1 });
const askerArb = fc.oneof({ arbitrary: fc.constant(0), weight: 3 }, fc.nat(AGENTS.length - 1));
const opArb: fc.Arbitrary<Op> = fc
  .tuple(
    askerArb,
    fc.oneof(
      {
        arbitrary: fc
          .oneof(
            fc.integer({ min: 0, max: 20 * SEC }),
            fc.integer({ min: 1, max: 90 }).map((m) => m * MIN),
            fc.integer({ min: -30 * SEC, max: -1 }),
          )
          .map((ms) => ({ op: 'tick' as const, ms })),
        weight: 6,
      },
      { arbitrary: fc.constant({ op: 'cycle' as const }), weight: 2 },
      {
        arbitrary: fc.record({ op: fc.constant('claim' as const), row: rowArb, claimed: fc.boolean() }),
        weight: 1,
      },
      { arbitrary: fc.record({ op: fc.constant('remove' as const), row: rowArb }), weight: 1 },
      {
        arbitrary: rowArb.chain((r) => leadArb(r)).map((lead) => ({ op: 'replace' as const, lead })),
        weight: 1,
      },
    ),
  )
  .map(([asker, op]) => ({ asker, ...op }));

describe('policy index summary kept between changes (property-based)', () => {
  it('answers what the scan answers, for any agent, through upserts, claims and clock moves', () => {
    fc.assert(
      fc.property(rulesArb, leadsArb, fc.array(opArb, { maxLength: 40 }), (rules, leads, ops) => {
        const ix = new PolicyIndex(rules, TEST_PLACES);
        for (const l of leads) ix.upsert(l);
        const claimed = new Set<string>();
        let now = T0;
        const check = (agent: string | undefined) =>
          expect(ix.summary(now, agent)).toEqual(
            summarizeByScan(ix.leads(), rules, TEST_PLACES, now, claimed, agent),
          );
        check(undefined);
        for (const op of ops) {
          const agent = AGENTS[op.asker];
          switch (op.op) {
            case 'tick':
              now += op.ms;
              break;
            case 'cycle':
              dialAndDisposeNoAnswer(ix, rules, now, agent, () => check(agent)); // also while the call is in progress
              break;
            case 'claim': {
              const id = `R${op.row}`;
              ix.setClaimed(id, op.claimed);
              if (op.claimed) claimed.add(id);
              else claimed.delete(id);
              break;
            }
            case 'remove':
              ix.remove(`R${op.row}`);
              break;
            case 'replace':
              ix.upsert(op.lead);
              break;
          }
          check(agent);
        }
      }),
      { numRuns: 300 },
    );
  });
});
