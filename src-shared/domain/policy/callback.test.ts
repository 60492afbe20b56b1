// The policy's callback rules as an agent would notice them: held for its agent, offered first when due,
// never outside calling hours, the person's CORRECT number dialed, counted honestly in "nothing to dial".
import { describe, expect, it } from 'vitest';
import { type CampaignRules, DEFAULT_CAMPAIGN_RULES } from '../campaign.js';
import type { Lead } from '../lead.js';
import { makeLead } from '../lead-fixtures.js';
import { PLACED_NUMBERS, TEST_PLACES } from '../place-fixtures.js';
import { numberDialableNow, PolicyIndex, pickByScan } from './index.js';

const RULES: CampaignRules = {
  ...DEFAULT_CAMPAIGN_RULES,
  callingHours: { start: '08:00', end: '21:00', days: [1, 2, 3, 4, 5, 6, 7] },
};
// Friday 27 Nov 2026, 10:00 in New York, 07:00 in Los Angeles.
const NOW = Date.parse('2026-11-27T15:00:00Z');
const MIN = 60_000;
const A = 'a@x.io';
const B = 'b@x.io';

function lead(row: number, extra: Partial<Lead> = {}, e164: string = PLACED_NUMBERS.newYork): Lead {
  return { ...makeLead({ rowNumber: row, numbers: [{ e164 }], attemptCount: 1 }), ...extra };
}

function index(...leads: Lead[]) {
  const ix = new PolicyIndex(RULES, TEST_PLACES);
  for (const l of leads) ix.upsert(l);
  return ix;
}

const pickFor = (ix: PolicyIndex, agent: string | undefined, now = NOW) => {
  const p = ix.pick({ sessionState: 'PLAY', now, agent });
  return p.kind === 'pick' ? p.lead.rowId : null;
};

describe('callbacks in the policy', () => {
  it('a due callback is offered first to its agent, before never-attempted leads', () => {
    const fresh = makeLead({ rowNumber: 2, numbers: [{ e164: PLACED_NUMBERS.newYork }] });
    const cb = lead(9, { callback: { at: NOW - 5 * MIN, agent: A } });
    const ix = index(fresh, cb);
    expect(pickFor(ix, A)).toBe('L9');
    // Another agent never gets it: they get the normal order.
    expect(pickFor(ix, B)).toBe('L2');
    expect(
      pickByScan(ix.leads(), RULES, TEST_PLACES, { sessionState: 'PLAY', now: NOW, agent: B }),
    ).toMatchObject({
      lead: { rowId: 'L2' },
    });
  });

  it('is held for everyone until due, then offered at its time', () => {
    const ix = index(lead(3, { callback: { at: NOW + 30 * MIN, agent: A } }));
    expect(pickFor(ix, A)).toBeNull();
    const none = ix.pick({ sessionState: 'PLAY', now: NOW, agent: A });
    expect(none).toMatchObject({ kind: 'none', nextDialableAt: NOW + 30 * MIN });
    expect(ix.summary(NOW, A).reasons).toEqual([{ reason: 'RETRY_PENDING', leads: 1 }]);
    expect(ix.summary(NOW, B)).toMatchObject({ claimed: 1, nextDialableAt: null });
    expect(pickFor(ix, A, NOW + 30 * MIN)).toBe('L3');
    expect(pickFor(ix, B, NOW + 30 * MIN)).toBeNull();
  });

  it('a due callback outside its calling window waits for the window to open', () => {
    // Due now, but it is 07:00 in Los Angeles: opens at 08:00 there.
    const ix = index(lead(4, { callback: { at: NOW - MIN, agent: A } }, PLACED_NUMBERS.losAngeles));
    expect(pickFor(ix, A)).toBeNull();
    expect(ix.summary(NOW, A)).toMatchObject({
      reasons: [{ reason: 'OUTSIDE_WINDOW', leads: 1 }],
      nextDialableAt: Date.parse('2026-11-27T16:00:00Z'),
    });
    expect(pickFor(ix, A, Date.parse('2026-11-27T16:00:00Z'))).toBe('L4');
  });

  it('due callbacks go oldest first; a blank CallbackAgent is anyone’s', () => {
    const ix = index(
      lead(5, { callback: { at: NOW - 2 * MIN, agent: A } }),
      lead(6, { callback: { at: NOW - 9 * MIN, agent: null } }),
      lead(7, { callback: { at: NOW - 5 * MIN, agent: A } }),
    );
    expect(ix.callbacksFor(A).map((c) => c.lead.rowId)).toEqual(['L6', 'L7', 'L5']);
    expect(pickFor(ix, A)).toBe('L6');
    expect(pickFor(ix, B)).toBe('L6');
    ix.setClaimed('L6', true);
    expect(pickFor(ix, A)).toBe('L7');
    expect(pickFor(ix, B)).toBeNull();
  });

  it('dials the person’s CORRECT number, past max attempts and retry delays', () => {
    const l: Lead = {
      ...makeLead({
        rowNumber: 8,
        numbers: [
          { e164: PLACED_NUMBERS.chicago, status: 'SKIPPED' },
          { e164: PLACED_NUMBERS.newYork, status: 'CORRECT' },
        ],
        attemptCount: 9,
      }),
      callback: { at: NOW, agent: A },
    };
    const ix = index(l);
    expect(ix.pick({ sessionState: 'PLAY', now: NOW, agent: A })).toMatchObject({
      kind: 'pick',
      numberIndex: 1,
    });
    expect(numberDialableNow(l, 1, RULES, TEST_PLACES, NOW, A)).toBe(true);
    expect(numberDialableNow(l, 1, RULES, TEST_PLACES, NOW, B)).toBe(false);
    // Without the callback the lead is finished.
    expect(pickFor(index({ ...l, callback: null }), A)).toBeNull();
  });

  it('a callback with nothing it can dial does not hold the lead', () => {
    const l = lead(10, { callback: { at: NOW + 60 * MIN, agent: A } }, PLACED_NUMBERS.tollFree);
    const ix = index(l);
    expect(ix.callbacksFor(A)).toEqual([]);
    expect(ix.summary(NOW, A).reasons).toEqual([{ reason: 'UNKNOWN_TIMEZONE', leads: 1 }]);
  });
});

describe('the number a callback dials', () => {
  it('is the one it was scheduled from while that is still open, else the round robin', () => {
    const base = makeLead({
      rowNumber: 11,
      numbers: [{ e164: PLACED_NUMBERS.newYork }, { e164: PLACED_NUMBERS.honolulu }],
      attemptCount: 1,
      nextIndex: 0,
    });
    const from = (slot: number, over: Partial<Lead> = {}) =>
      index({ ...base, ...over, callback: { at: NOW - MIN, agent: A, slot } }).pick({
        sessionState: 'PLAY',
        now: NOW,
        agent: A,
      });
    // Honolulu is 05:00 now: the callback on it waits, even though New York is open.
    expect(from(1)).toMatchObject({ kind: 'none' });
    expect(from(0)).toMatchObject({ kind: 'pick', numberIndex: 0 });
    const wrong = base.numbers.map((n) => (n.index === 1 ? { ...n, status: 'WRONG' as const } : n));
    expect(from(1, { numbers: wrong })).toMatchObject({ kind: 'pick', numberIndex: 0 });
  });
});
