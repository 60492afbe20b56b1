// Property tests of the policy invariants (fast-check): whatever the leads, claims, dispositions and
// clock, the index never picks what the rules forbid, agrees with the naive scan, is deterministic, and
// its round robin visits every open number of a lead before repeating one.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyDisposition, applyManualSkip, markInProgress } from '../apply.js';
import type { CallingHours, CampaignRules } from '../campaign.js';
import { DEFAULT_CAMPAIGN_RULES } from '../campaign.js';
import { evaluateCallingWindow } from '../calling-window.js';
import { DEFAULT_DISPOSITIONS, DISPOSITION_CODES } from '../disposition.js';
import type { Lead, PhoneSlot } from '../lead.js';
import { fictionalNumber } from '../lead-fixtures.js';
import { TEST_PLACES } from '../place-fixtures.js';
import type { SessionState } from '../session.js';
import { DIALABLE_STATUSES, PHONE_STATUSES } from '../status.js';
import { callbackPlan, hasWindow, PolicyIndex, pickByScan, summarizeByScan } from './index.js';
import type { PolicyPick } from './types.js';
import { leadFromDraw, pickKey } from './policy-fixtures.js';

const T0 = Date.parse('2026-11-25T14:00:00Z');
/** The agents of the tab; undefined = a caller that names none (only anyone's callbacks are its). */
const AGENTS = [undefined, 'a@x.io', 'b@x.io'] as const;
const callbackArb = fc.oneof(
  { arbitrary: fc.constant(null), weight: 4 },
  {
    arbitrary: fc.record({
      at: fc.integer({ min: -120, max: 600 }).map((m) => T0 + m * MIN),
      agent: fc.constantFrom(null, 'a@x.io', 'b@x.io'),
      slot: fc.nat(9),
    }),
    weight: 1,
  },
);
const MIN = 60_000;
const TAB = { spreadsheetId: 'ss', sheetId: 0, tabTitle: 'T' };
const ZONES = [null, 'America/New_York', 'Europe/London', 'Asia/Tokyo', 'America/Los_Angeles'] as const;
const HOURS: (CallingHours | null)[] = [
  null,
  { start: '08:00', end: '21:00', days: [1, 2, 3, 4, 5, 6] },
  { start: '09:00', end: '17:00', days: [1, 2, 3, 4, 5] },
  { start: '20:00', end: '02:00', days: [3, 4] },
];

const slotArb = (rowNumber: number, index: number): fc.Arbitrary<PhoneSlot> =>
  fc
    .record({
      present: fc.nat(9),
      // Mostly open numbers, so that most leads are candidates and the order matters.
      status: fc.oneof(
        { arbitrary: fc.constantFrom('NEW' as const, 'NO_ANSWER' as const, 'VOICEMAIL' as const), weight: 8 },
        { arbitrary: fc.constantFrom(...PHONE_STATUSES), weight: 1 },
      ),
      retry: fc.option(fc.integer({ min: -60, max: 240 }), { nil: null }),
    })
    .map(({ present, status, retry }) => {
      const e164 = present < 7 ? fictionalNumber(rowNumber, index) : null;
      return {
        index,
        raw: e164 ?? '',
        e164,
        status,
        skipReason: null,
        retryAt: retry === null ? null : T0 + retry * MIN,
      };
    });

const leadArb = (rowNumber: number): fc.Arbitrary<Lead> =>
  fc
    .record({
      used: fc.integer({ min: 1, max: 10 }),
      slots: fc.tuple(...Array.from({ length: 10 }, (_, i) => slotArb(rowNumber, i))),
      attemptCount: fc.oneof(fc.constant(0), fc.nat(3), fc.nat(8)),
      nextIndex: fc.nat(9),
      zone: fc.constantFrom(...ZONES),
      callback: callbackArb,
    })
    .map((draw) => leadFromDraw(rowNumber, draw));

const leadsArb = fc
  .integer({ min: 0, max: 25 })
  .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => leadArb(i + 2))))
  .map((t) => [...t] as Lead[]);

const rulesArb: fc.Arbitrary<CampaignRules> = fc
  .record({
    maxAttempts: fc.integer({ min: 1, max: 8 }),
    retryDelaysEnabled: fc.boolean(),
    hours: fc.constantFrom(...HOURS),
  })
  .map(({ maxAttempts, retryDelaysEnabled, hours }) => ({
    ...DEFAULT_CAMPAIGN_RULES,
    maxAttempts,
    retryDelaysEnabled,
    callingHours: hours,
    timeZone: 'America/Chicago',
  }));

type Op =
  | { op: 'advance'; minutes: number }
  | {
      op: 'dispose';
      code: (typeof DISPOSITION_CODES)[number];
      callback?: { at: number; agent: string | null; slot?: number } | null;
    }
  | { op: 'skip' }
  | { op: 'dial' }
  | { op: 'claim'; which: number; claimed: boolean }
  | { op: 'remove'; which: number }
  | { op: 'replace'; which: number; lead: Lead };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant('advance' as const), minutes: fc.integer({ min: 1, max: 240 }) }),
  fc.record({ op: fc.constant('advance' as const), minutes: fc.integer({ min: -120, max: 120 }) }),
  fc.record({ op: fc.constant('dispose' as const), code: fc.constantFrom(...DISPOSITION_CODES) }),
  fc.record({ op: fc.constant('dispose' as const), code: fc.constant('NO_ANSWER' as const) }),
  fc.record({
    op: fc.constant('dispose' as const),
    code: fc.constantFrom('CORRECT' as const, 'NO_ANSWER' as const, 'WRONG' as const),
    callback: callbackArb,
  }),
  fc.record({ op: fc.constant('skip' as const) }),
  fc.record({ op: fc.constant('dial' as const) }),
  fc.record({ op: fc.constant('claim' as const), which: fc.nat(30), claimed: fc.boolean() }),
  fc.record({ op: fc.constant('remove' as const), which: fc.nat(30) }),
  fc
    .integer({ min: 2, max: 31 })
    .chain((row) => leadArb(row).map((lead) => ({ op: 'replace' as const, which: row, lead }))),
);

/** The zones the picked number rings in: the TimeZone cell, else its phone data, else the campaign's zone
 *  (only when the campaign allows unknown numbers). */
function zonesOfNumber(lead: Lead, numberIndex: number, rules: CampaignRules): readonly string[] {
  if (lead.timeZone !== null) return [lead.timeZone];
  const e164 = lead.numbers[numberIndex]?.e164;
  const place = e164 ? TEST_PLACES(e164) : null;
  if (place) return place.zones;
  if (hasWindow(rules)) expect(rules.unknownTimeZone).toBe('CAMPAIGN_ZONE');
  return [rules.timeZone];
}

/** The invariants every pick must satisfy. */
function assertPickAllowed(
  p: PolicyPick,
  rules: CampaignRules,
  now: number,
  claimed: ReadonlySet<string>,
  agent?: string,
) {
  if (p.kind !== 'pick') return;
  const { lead, numberIndex } = p;
  const slot = lead.numbers[numberIndex];
  expect(slot).toBeDefined();
  if (!slot) return;
  const plan = callbackPlan(lead, rules, TEST_PLACES);
  if (plan) {
    // A callback: due, held for this agent (or anyone), its own number, inside the window there.
    expect(plan.at).toBeLessThanOrEqual(now);
    expect(plan.agent === null || plan.agent === agent).toBe(true);
    expect(numberIndex).toBe(plan.slot);
    expect(claimed.has(lead.rowId)).toBe(false);
    expect(slot.status === 'CORRECT' || DIALABLE_STATUSES.has(slot.status)).toBe(true);
    for (const zone of zonesOfNumber(lead, numberIndex, rules))
      expect(evaluateCallingWindow(rules.callingHours, zone, now, rules.holidays).inWindow).toBe(true);
    return;
  }
  expect(slot.e164).not.toBeNull();
  expect(DIALABLE_STATUSES.has(slot.status)).toBe(true); // never CORRECT/WRONG/SKIPPED/EXHAUSTED/IN_PROGRESS
  expect(lead.numbers.some((n) => n.status === 'CORRECT')).toBe(false);
  expect(lead.numbers.some((n) => n.status === 'IN_PROGRESS')).toBe(false);
  expect(lead.attemptCount).toBeLessThan(rules.maxAttempts);
  expect(claimed.has(lead.rowId)).toBe(false);
  if (rules.retryDelaysEnabled && slot.retryAt !== null) expect(slot.retryAt).toBeLessThanOrEqual(now);
  for (const zone of zonesOfNumber(lead, numberIndex, rules))
    expect(evaluateCallingWindow(rules.callingHours, zone, now, rules.holidays).inWindow).toBe(true);
  // Round robin: no ready open number sits between NextIndex and the one chosen.
  for (let k = 0; k < 10; k++) {
    const i = (lead.nextIndex + k) % 10;
    if (i === numberIndex) break;
    const s = lead.numbers[i];
    const ready = !rules.retryDelaysEnabled || s?.retryAt == null || s.retryAt <= now;
    expect(s && s.e164 !== null && DIALABLE_STATUSES.has(s.status) && ready).toBe(false);
  }
}

describe('policy invariants (property-based)', () => {
  it('never picks a forbidden number or lead, and agrees with the scan, through random histories', () => {
    fc.assert(
      fc.property(rulesArb, leadsArb, fc.array(opArb, { maxLength: 40 }), (rules, leads, ops) => {
        const ix = new PolicyIndex(rules, TEST_PLACES);
        for (const l of leads) ix.upsert(l);
        const claimed = new Set<string>();
        let now = T0;
        const check = (state: SessionState = 'PLAY') => {
          let first: PolicyPick | null = null;
          for (const agent of AGENTS) {
            const p = ix.pick({ sessionState: state, now, agent });
            first ??= p;
            assertPickAllowed(p, rules, now, claimed, agent);
            expect(pickKey(p)).toEqual(
              pickKey(
                pickByScan(ix.leads(), rules, TEST_PLACES, { sessionState: state, now, agent }, claimed),
              ),
            );
            expect(ix.summary(now, agent)).toEqual(
              summarizeByScan(ix.leads(), rules, TEST_PLACES, now, claimed, agent),
            );
          }
          return first;
        };
        check();
        for (const op of ops) {
          const p = ix.pick({ sessionState: 'PLAY', now, agent: 'a@x.io' });
          switch (op.op) {
            case 'advance':
              now += op.minutes * MIN;
              break;
            case 'dispose':
              if (p.kind === 'pick') {
                const lead = markInProgress(p.lead, p.numberIndex, TAB).lead;
                const r = applyDisposition({
                  lead,
                  numberIndex: p.numberIndex,
                  code: op.code,
                  now,
                  rules,
                  catalog: DEFAULT_DISPOSITIONS,
                  tab: TAB,
                  callback: op.callback ?? null,
                });
                ix.upsert(r.lead);
              }
              break;
            case 'skip':
              if (p.kind === 'pick')
                ix.upsert(
                  applyManualSkip({ lead: p.lead, numberIndex: p.numberIndex, now, rules, tab: TAB }).lead,
                );
              break;
            case 'dial':
              if (p.kind === 'pick') ix.upsert(markInProgress(p.lead, p.numberIndex, TAB).lead);
              break;
            case 'claim': {
              const id = `R${op.which + 2}`;
              ix.setClaimed(id, op.claimed);
              if (op.claimed) claimed.add(id);
              else claimed.delete(id);
              break;
            }
            case 'remove':
              ix.remove(`R${op.which + 2}`);
              break;
            case 'replace':
              ix.upsert(op.lead);
              break;
          }
          check();
        }
        expect(check('PAUSE')).toEqual({ kind: 'none', reason: 'NOT_PLAYING' });
      }),
      { numRuns: 250 },
    );
  });

  it('gives the same pick for the same leads, whatever the order they were added in', () => {
    fc.assert(
      fc.property(
        rulesArb,
        leadsArb,
        fc.integer({ min: 0, max: 600 }),
        fc.context(),
        (rules, leads, minutes, ctx) => {
          const now = T0 + minutes * MIN;
          const a = new PolicyIndex(rules, TEST_PLACES);
          const b = new PolicyIndex(rules, TEST_PLACES);
          for (const l of leads) a.upsert(l);
          for (const l of [...leads].reverse()) b.upsert(l);
          const pa = pickKey(a.pick({ sessionState: 'PLAY', now }));
          ctx.log(JSON.stringify(pa));
          expect(pickKey(b.pick({ sessionState: 'PLAY', now }))).toEqual(pa);
          expect(pickKey(a.pick({ sessionState: 'PLAY', now }))).toEqual(pa);
          expect(
            pickKey(pickByScan([...leads].reverse(), rules, TEST_PLACES, { sessionState: 'PLAY', now })),
          ).toEqual(pa);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('round robin: visits every open number of a lead before repeating one', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('NEW', 'NO_ANSWER', 'VOICEMAIL', 'WRONG', 'SKIPPED', 'EMPTY'), {
          minLength: 1,
          maxLength: 10,
        }),
        fc.nat(9),
        fc.boolean(),
        (kinds, nextIndex, delays) => {
          const numbers: PhoneSlot[] = Array.from({ length: 10 }, (_, i) => {
            const k = kinds[i];
            const e164 = k && k !== 'EMPTY' ? fictionalNumber(2, i) : null;
            const status = k && k !== 'EMPTY' ? k : 'NEW';
            return { index: i, raw: e164 ?? '', e164, status, skipReason: null, retryAt: null };
          });
          const open = numbers
            .filter((n) => n.e164 !== null && DIALABLE_STATUSES.has(n.status))
            .map((n) => n.index);
          const rules: CampaignRules = {
            ...DEFAULT_CAMPAIGN_RULES,
            maxAttempts: 100,
            callingHours: null,
            retryDelaysEnabled: delays,
          };
          const ix = new PolicyIndex(rules, TEST_PLACES);
          ix.upsert({
            rowId: 'R',
            rowNumber: 2,
            name: '',
            numbers,
            notes: '',
            lastOutcome: '',
            attemptCount: 0,
            nextIndex,
            timeZone: null,
          });
          const visited: number[] = [];
          let now = T0;
          for (let round = 0; round < open.length * 2; round++) {
            const p = ix.pick({ sessionState: 'PLAY', now });
            if (p.kind !== 'pick') {
              expect(open).toEqual([]);
              return;
            }
            visited.push(p.numberIndex);
            const r = applyDisposition({
              lead: p.lead,
              numberIndex: p.numberIndex,
              code: 'NO_ANSWER',
              now,
              rules,
              catalog: DEFAULT_DISPOSITIONS,
              tab: TAB,
            });
            ix.upsert(r.lead);
            now += 61 * MIN; // past the NO_ANSWER delay, so every number is ready again
          }
          const firstRound = visited.slice(0, open.length);
          expect([...firstRound].sort((x, y) => x - y)).toEqual(open);
          expect(visited.slice(open.length)).toEqual(firstRound);
        },
      ),
      { numRuns: 300 },
    );
  });
});
