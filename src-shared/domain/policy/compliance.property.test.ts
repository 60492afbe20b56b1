// Property tests of calling compliance (fast-check): whatever the leads (numbers in several US zones,
// Alaska's two zones, abroad, of unknown zone), the rules (weekday/weekend hours, holidays, stricter
// region windows, unknown-zone policy) and the clock (instants around the US, EU and Australian DST
// changes), no pick is outside the window of any zone its number rings in, no pick is on a lead-local
// holiday, an unknown zone is never picked unless the campaign allows it, and the index agrees with the
// scan on every pick and summary.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyDisposition, markInProgress } from '../apply.js';
import { type CallingSchedule, type CampaignRules, DEFAULT_CAMPAIGN_RULES } from '../campaign.js';
import { evaluateCallingWindow } from '../calling-window.js';
import { DEFAULT_DISPOSITIONS, DISPOSITION_CODES } from '../disposition.js';
import type { Lead, PhoneSlot } from '../lead.js';
import { PLACED_NUMBERS, TEST_PLACES } from '../place-fixtures.js';
import { hasWindow, PolicyIndex, pickByScan, summarizeByScan } from './index.js';
import type { PolicyPick } from './types.js';

const MIN = 60_000;
const TAB = { spreadsheetId: 'ss', sheetId: 0, tabTitle: 'T' };
const TRANSITIONS = [
  '2026-03-08T07:00:00Z', // New York springs forward
  '2026-11-01T06:00:00Z', // New York falls back
  '2026-03-29T01:00:00Z', // London springs forward
  '2026-10-25T01:00:00Z', // London falls back
  '2026-04-04T16:00:00Z', // Sydney falls back
  '2026-10-03T16:00:00Z', // Sydney springs forward
].map(Date.parse);
const NUMBERS = Object.values(PLACED_NUMBERS);
const HOURS: CallingSchedule[] = [
  DEFAULT_CAMPAIGN_RULES.callingHours ?? [],
  { start: '09:00', end: '17:00', days: [1, 2, 3, 4, 5] },
  { start: '20:00', end: '02:00', days: [6, 7, 1] },
  { start: '01:30', end: '03:30', days: [1, 2, 3, 4, 5, 6, 7] }, // spans the DST gap and overlap
];
// Dates around the transitions, lead-local.
const HOLIDAYS = ['2026-03-08', '2026-03-09', '2026-11-01', '2026-03-29', '2026-10-25', '2026-04-05'];

const rulesArb: fc.Arbitrary<CampaignRules> = fc
  .record({
    hours: fc.option(fc.constantFrom(...HOURS), { nil: null, freq: 6 }),
    holidays: fc.subarray(HOLIDAYS),
    region: fc.option(fc.constantFrom(['US-HI'], ['GB'], ['US'], ['US-AK', 'AU']), { nil: null }),
    unknown: fc.constantFrom('SKIP' as const, 'CAMPAIGN_ZONE' as const, undefined),
    retryDelaysEnabled: fc.boolean(),
    maxAttempts: fc.integer({ min: 1, max: 6 }),
  })
  .map(({ hours, holidays, region, unknown, retryDelaysEnabled, maxAttempts }) => ({
    ...DEFAULT_CAMPAIGN_RULES,
    callingHours: hours,
    holidays,
    ...(region
      ? {
          regionHours: [
            { regions: [...region], hours: { start: '10:00', end: '18:00', days: [1, 2, 3, 4, 5] } },
          ],
        }
      : {}),
    ...(unknown ? { unknownTimeZone: unknown } : {}),
    retryDelaysEnabled,
    maxAttempts,
    timeZone: 'America/Chicago',
  }));

const leadArb = (rowNumber: number, t0: number): fc.Arbitrary<Lead> =>
  fc
    .record({
      numbers: fc.array(
        fc.record({
          e164: fc.constantFrom(...NUMBERS),
          status: fc.constantFrom(
            'NEW' as const,
            'NO_ANSWER' as const,
            'VOICEMAIL' as const,
            'WRONG' as const,
          ),
          retry: fc.option(fc.integer({ min: -60, max: 240 }), { nil: null }),
        }),
        { minLength: 1, maxLength: 4 },
      ),
      timeZone: fc.option(fc.constantFrom('America/Los_Angeles', 'Europe/London'), { nil: null, freq: 5 }),
      attemptCount: fc.nat(3),
      nextIndex: fc.nat(3),
    })
    .map(({ numbers, timeZone, attemptCount, nextIndex }) => ({
      rowId: `R${rowNumber}`,
      rowNumber,
      name: `Lead ${rowNumber}`,
      numbers: Array.from({ length: 10 }, (_, i): PhoneSlot => {
        const n = numbers[i];
        return n
          ? {
              index: i,
              raw: n.e164,
              e164: n.e164,
              status: n.status,
              skipReason: null,
              retryAt: n.retry === null ? null : t0 + n.retry * MIN,
            }
          : { index: i, raw: '', e164: null, status: 'NEW', skipReason: null, retryAt: null };
      }),
      notes: '',
      lastOutcome: '',
      attemptCount,
      nextIndex,
      timeZone,
    }));

const worldArb = fc
  .record({ at: fc.constantFrom(...TRANSITIONS), offset: fc.integer({ min: -36 * 60, max: 36 * 60 }) })
  .map(({ at, offset }) => at + offset * MIN)
  .chain((t0) =>
    fc.record({
      t0: fc.constant(t0),
      rules: rulesArb,
      leads: fc
        .integer({ min: 1, max: 16 })
        .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => leadArb(i + 2, t0)))),
      ops: fc.array(
        fc.oneof(
          fc.record({ op: fc.constant('advance' as const), minutes: fc.integer({ min: 1, max: 180 }) }),
          fc.record({ op: fc.constant('dispose' as const), code: fc.constantFrom(...DISPOSITION_CODES) }),
          fc.record({ op: fc.constant('dial' as const) }),
        ),
        { maxLength: 20 },
      ),
    }),
  );

/** Checked without the policy's own window code: every zone of the picked number, every rule. */
function assertCompliant(p: PolicyPick, rules: CampaignRules, now: number) {
  if (p.kind !== 'pick') return;
  const e164 = p.lead.numbers[p.numberIndex]?.e164 ?? '';
  const place = TEST_PLACES(e164);
  let zones: readonly string[];
  if (p.lead.timeZone !== null) zones = [p.lead.timeZone];
  else if (place) zones = place.zones;
  else {
    if (hasWindow(rules)) expect(rules.unknownTimeZone).toBe('CAMPAIGN_ZONE');
    zones = [rules.timeZone];
  }
  for (const zone of zones) {
    if (rules.callingHours) {
      const w = evaluateCallingWindow(rules.callingHours, zone, now);
      expect(w.inWindow).toBe(true);
    }
    const local = evaluateCallingWindow(null, zone, now);
    const minute = Number(local.localTime.slice(0, 2)) * 60 + Number(local.localTime.slice(3));
    const tailOfYesterday =
      rules.callingHours !== null &&
      (Array.isArray(rules.callingHours) ? rules.callingHours : [rules.callingHours]).every(
        (h) => h.end < h.start && minute < Number(h.end.slice(0, 2)) * 60 + Number(h.end.slice(3)),
      );
    if (!tailOfYesterday) expect(rules.holidays ?? []).not.toContain(local.localDate);
    for (const r of rules.regionHours ?? []) {
      const region = place?.region ?? '';
      if (r.regions.some((x) => region === x || region.startsWith(`${x}-`)))
        expect(evaluateCallingWindow(r.hours, zone, now).inWindow).toBe(true);
    }
  }
}

const brief = (p: PolicyPick) =>
  p.kind === 'pick' ? { rowId: p.lead.rowId, numberIndex: p.numberIndex } : p;

describe('calling compliance (property-based)', () => {
  it('never picks outside any zone window, on a holiday, or of unknown zone; index ≡ scan across DST', () => {
    fc.assert(
      fc.property(worldArb, ({ t0, rules, leads, ops }) => {
        const ix = new PolicyIndex(rules, TEST_PLACES);
        for (const l of leads) ix.upsert(l);
        let now = t0;
        const check = () => {
          const p = ix.pick({ sessionState: 'PLAY', now });
          assertCompliant(p, rules, now);
          expect(brief(p)).toEqual(
            brief(pickByScan(ix.leads(), rules, TEST_PLACES, { sessionState: 'PLAY', now })),
          );
          expect(ix.summary(now)).toEqual(summarizeByScan(ix.leads(), rules, TEST_PLACES, now));
          return p;
        };
        for (const op of ops) {
          const p = check();
          if (op.op === 'advance') now += op.minutes * MIN;
          else if (p.kind === 'pick') {
            const dialing = markInProgress(p.lead, p.numberIndex, TAB).lead;
            ix.upsert(
              op.op === 'dial'
                ? dialing
                : applyDisposition({
                    lead: dialing,
                    numberIndex: p.numberIndex,
                    code: op.code,
                    now,
                    rules,
                    catalog: DEFAULT_DISPOSITIONS,
                    tab: TAB,
                  }).lead,
            );
          }
        }
        check();
      }),
      { numRuns: 120 },
    );
  });

  it('says when a lead outside its window becomes dialable, and picks it then (not a minute before)', () => {
    fc.assert(
      fc.property(worldArb, ({ t0, rules, leads }) => {
        const ix = new PolicyIndex(rules, TEST_PLACES);
        for (const l of leads) ix.upsert(l);
        const s = ix.summary(t0);
        if (s.dialable > 0 || s.nextDialableAt === null) return;
        expect(s.nextDialableAt).toBeGreaterThan(t0);
        const at = s.nextDialableAt;
        const p = ix.pick({ sessionState: 'PLAY', now: at });
        expect(p.kind).toBe('pick');
        assertCompliant(p, rules, at);
        if (at - MIN >= t0) expect(ix.pick({ sessionState: 'PLAY', now: at - MIN }).kind).toBe('none');
      }),
      { numRuns: 200 },
    );
  });
});
