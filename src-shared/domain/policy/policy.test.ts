import { describe, expect, it } from 'vitest';
import { applyDisposition, markInProgress } from '../apply.js';
import { type CampaignRules, DEFAULT_CAMPAIGN_RULES } from '../campaign.js';
import { DEFAULT_DISPOSITIONS } from '../disposition.js';
import { DomainError } from '../errors.js';
import type { Lead } from '../lead.js';
import { makeLead } from '../lead-fixtures.js';
import { PLACED_NUMBERS as N, TEST_PLACES } from '../place-fixtures.js';
import { PolicyIndex, pickByScan, summarizeByScan } from './index.js';

// Wednesday 2026-11-25 15:00Z: 10:00 in New York, 15:00 in London, 00:00 (Thursday) in Tokyo.
const NOW = Date.parse('2026-11-25T15:00:00Z');
const MIN = 60_000;
const TAB = { spreadsheetId: 'ss', sheetId: 0, tabTitle: 'T' };
const rules: CampaignRules = { ...DEFAULT_CAMPAIGN_RULES, timeZone: 'America/New_York', maxAttempts: 3 };
const PLAY = { sessionState: 'PLAY' as const, now: NOW };

function indexOf(leads: Lead[], r: CampaignRules = rules): PolicyIndex {
  const ix = new PolicyIndex(r, TEST_PLACES);
  for (const l of leads) ix.upsert(l);
  return ix;
}
function picked(ix: PolicyIndex, now = NOW): [string, number] | string {
  const p = ix.pick({ sessionState: 'PLAY', now });
  return p.kind === 'pick' ? [p.lead.rowId, p.numberIndex] : p.reason;
}

describe('PolicyIndex.pick', () => {
  it('dials nothing unless the session is PLAY', () => {
    const ix = indexOf([makeLead()]);
    expect(ix.pick({ sessionState: 'PAUSE', now: NOW })).toEqual({ kind: 'none', reason: 'NOT_PLAYING' });
    expect(ix.pick({ sessionState: 'STOP', now: NOW })).toEqual({ kind: 'none', reason: 'NOT_PLAYING' });
  });

  it('takes never-attempted leads first in sheet order, then retries whose delay ended, oldest first', () => {
    const leads = [
      makeLead({ rowNumber: 2, attemptCount: 1, numbers: [{ status: 'NO_ANSWER', retryAt: NOW - 5 * MIN }] }),
      makeLead({
        rowNumber: 3,
        attemptCount: 1,
        numbers: [{ status: 'NO_ANSWER', retryAt: NOW - 30 * MIN }],
      }),
      makeLead({
        rowNumber: 4,
        attemptCount: 1,
        numbers: [{ status: 'VOICEMAIL', retryAt: NOW + 30 * MIN }],
      }),
      makeLead({ rowNumber: 7 }),
      makeLead({ rowNumber: 5 }),
    ];
    const ix = indexOf(leads);
    const order: string[] = [];
    for (;;) {
      const p = ix.pick(PLAY);
      if (p.kind !== 'pick') break;
      order.push(p.lead.rowId);
      ix.remove(p.lead.rowId);
    }
    expect(order).toEqual(['L5', 'L7', 'L3', 'L2']);
    expect(pickByScan(leads, rules, TEST_PLACES, PLAY)).toMatchObject({
      kind: 'pick',
      lead: { rowId: 'L5' },
    });
  });

  it('dials the first ready open number at or after NextIndex, wrapping', () => {
    const lead = makeLead({
      attemptCount: 2,
      nextIndex: 2,
      numbers: [
        {},
        { status: 'NO_ANSWER' },
        { status: 'WRONG' },
        { status: 'VOICEMAIL', retryAt: NOW + MIN },
        { e164: null },
      ],
    });
    expect(picked(indexOf([lead]))).toEqual(['L2', 0]);
    expect(picked(indexOf([{ ...lead, nextIndex: 1 }]))).toEqual(['L2', 1]);
    expect(picked(indexOf([lead]), NOW + MIN)).toEqual(['L2', 3]);
  });

  it('skips claimed leads and takes them back when released', () => {
    const ix = indexOf([makeLead({ rowNumber: 2 }), makeLead({ rowNumber: 3 })]);
    ix.setClaimed('L2', true);
    expect(picked(ix)).toEqual(['L3', 0]);
    expect(ix.explain('L2', NOW)).toEqual({ dialable: false, reason: 'CLAIMED' });
    ix.setClaimed('L2', false);
    expect(picked(ix)).toEqual(['L2', 0]);
  });

  it('honours a claim that arrives before the lead', () => {
    const ix = new PolicyIndex(rules, TEST_PLACES);
    ix.setClaimed('L2', true);
    ix.upsert(makeLead({ rowNumber: 2 }));
    expect(ix.pick(PLAY)).toMatchObject({ kind: 'none', reason: 'NOTHING_DIALABLE' });
    expect(ix.summary(NOW).claimed).toBe(1);
  });

  it('checks the calling window in the lead zone, else the campaign zone', () => {
    const tokyo = makeLead({ rowNumber: 2, timeZone: 'Asia/Tokyo' });
    const campaignZone = makeLead({ rowNumber: 3 });
    const ix = indexOf([tokyo, campaignZone]);
    expect(picked(ix)).toEqual(['L3', 0]);
    expect(ix.explain('L2', NOW)).toEqual({ dialable: false, reason: 'OUTSIDE_WINDOW' });
    // 23:00Z = 08:00 Thursday in Tokyo (18:00 in New York): both open, row order wins.
    expect(picked(ix, Date.parse('2026-11-25T23:00:00Z'))).toEqual(['L2', 0]);
  });

  it('follows a lead through dial, disposition and retry delay', () => {
    const ix = indexOf([makeLead({ rowNumber: 2, numbers: 2 })]);
    const first = ix.pick(PLAY);
    if (first.kind !== 'pick') throw new Error('expected a pick');
    const dialing = markInProgress(first.lead, first.numberIndex, TAB).lead;
    ix.upsert(dialing);
    expect(ix.explain('L2', NOW)).toEqual({ dialable: false, reason: 'IN_PROGRESS' });
    expect(ix.summary(NOW)).toMatchObject({ dialable: 0, inProgress: 1 });
    const done = applyDisposition({
      lead: dialing,
      numberIndex: 0,
      code: 'NO_ANSWER',
      now: NOW,
      rules,
      catalog: DEFAULT_DISPOSITIONS,
      tab: TAB,
    });
    ix.upsert(done.lead);
    // The second number has no delay: dialed at once.
    expect(picked(ix)).toEqual(['L2', 1]);
    const second = applyDisposition({
      lead: done.lead,
      numberIndex: 1,
      code: 'VM_OR_NA_UNKNOWN',
      now: NOW,
      rules,
      catalog: DEFAULT_DISPOSITIONS,
      tab: TAB,
    });
    ix.upsert(second.lead);
    const none = ix.pick(PLAY);
    expect(none).toEqual({
      kind: 'none',
      reason: 'NOTHING_DIALABLE',
      reasons: [{ reason: 'RETRY_PENDING', leads: 1 }],
      nextDialableAt: NOW + 60 * MIN,
    });
    expect(picked(ix, NOW + 60 * MIN)).toEqual(['L2', 0]);
  });

  it('gives every undialable lead a reason and says when something opens', () => {
    const leads = [
      makeLead({ rowNumber: 2, numbers: [{ status: 'CORRECT' }, { status: 'SKIPPED' }] }),
      makeLead({ rowNumber: 3, attemptCount: 3, numbers: [{ status: 'NO_ANSWER' }] }),
      makeLead({ rowNumber: 4, numbers: [{ status: 'WRONG' }, { e164: null }] }),
      { ...makeLead({ rowNumber: 5, numbers: [{ status: 'SKIPPED' }] }), lastOutcome: 'DO_NOT_CALL' },
      makeLead({ rowNumber: 6, timeZone: 'Asia/Tokyo' }),
    ];
    leads[3] = {
      ...leads[3]!,
      numbers: leads[3]!.numbers.map((n, i) => (i === 0 ? { ...n, skipReason: 'DO_NOT_CALL' } : n)),
    };
    const ix = indexOf(leads);
    const expected = {
      kind: 'none',
      reason: 'NOTHING_DIALABLE',
      reasons: [
        { reason: 'SIBLING_CORRECT', leads: 1 },
        { reason: 'DO_NOT_CALL', leads: 1 },
        { reason: 'MAX_ATTEMPTS', leads: 1 },
        { reason: 'NO_OPEN_NUMBERS', leads: 1 },
        { reason: 'OUTSIDE_WINDOW', leads: 1 },
      ],
      nextDialableAt: Date.parse('2026-11-25T23:00:00Z'),
    };
    expect(ix.pick(PLAY)).toEqual(expected);
    expect(pickByScan(leads, rules, TEST_PLACES, PLAY)).toEqual(expected);
    expect(['L2', 'L3', 'L4', 'L5', 'L6'].map((id) => ix.explain(id, NOW))).toEqual([
      { dialable: false, reason: 'SIBLING_CORRECT' },
      { dialable: false, reason: 'MAX_ATTEMPTS' },
      { dialable: false, reason: 'NO_OPEN_NUMBERS' },
      { dialable: false, reason: 'DO_NOT_CALL' },
      { dialable: false, reason: 'OUTSIDE_WINDOW' },
    ]);
    expect(ix.explain('L6', NOW, 'PAUSE')).toEqual({ dialable: false, reason: 'NOT_PLAYING' });
    expect(() => ix.explain('nope', NOW)).toThrow(DomainError);
  });

  it('says nothing will ever be dialable when every lead is finished', () => {
    const ix = indexOf([makeLead({ numbers: [{ status: 'CORRECT' }] })]);
    expect(ix.summary(NOW)).toEqual({
      dialable: 0,
      reasons: [{ reason: 'SIBLING_CORRECT', leads: 1 }],
      nextDialableAt: null,
      claimed: 0,
      inProgress: 0,
    });
  });

  it('replaces and removes leads', () => {
    const ix = indexOf([makeLead({ rowNumber: 2 }), makeLead({ rowNumber: 3 })]);
    expect(ix.size()).toBe(2);
    ix.upsert(makeLead({ rowNumber: 2, numbers: [{ status: 'WRONG' }] }));
    expect(ix.size()).toBe(2);
    expect(ix.get('L2')?.numbers[0]?.status).toBe('WRONG');
    expect(picked(ix)).toEqual(['L3', 0]);
    ix.remove('L3');
    ix.remove('missing');
    expect(ix.size()).toBe(1);
    expect(ix.summary(NOW)).toMatchObject({
      dialable: 0,
      reasons: [{ reason: 'NO_OPEN_NUMBERS', leads: 1 }],
    });
  });

  it('stays correct when asked about an earlier time', () => {
    const ix = indexOf([makeLead({ attemptCount: 1, numbers: [{ status: 'NO_ANSWER', retryAt: NOW }] })]);
    expect(picked(ix, NOW)).toEqual(['L2', 0]);
    expect(picked(ix, NOW - MIN)).toBe('NOTHING_DIALABLE');
    expect(picked(ix, NOW)).toEqual(['L2', 0]);
  });

  it('refuses a lead whose time zone does not exist', () => {
    const ix = new PolicyIndex(rules, TEST_PLACES);
    expect(() => ix.upsert(makeLead({ timeZone: 'Moon/Base' }))).toThrow(DomainError);
    expect(ix.size()).toBe(0);
  });

  it('agrees with the scan summary on a mixed tab', () => {
    const leads = [
      makeLead({ rowNumber: 2 }),
      makeLead({
        rowNumber: 3,
        timeZone: 'Asia/Tokyo',
        attemptCount: 1,
        numbers: [{ status: 'NO_ANSWER', retryAt: NOW + MIN }],
      }),
      makeLead({ rowNumber: 4, attemptCount: 1, numbers: [{ status: 'NO_ANSWER', retryAt: NOW + 2 * MIN }] }),
    ];
    const ix = indexOf(leads);
    expect(ix.summary(NOW)).toEqual(summarizeByScan(leads, rules, TEST_PLACES, NOW));
    expect(ix.summary(NOW)).toMatchObject({ dialable: 1, nextDialableAt: NOW });
  });
});

describe('PolicyIndex: calling compliance', () => {
  // Wed 2026-11-25 18:30Z: 13:30 New York, 10:30 Los Angeles, 08:30 Honolulu, 09:30 Anchorage but 08:30
  // Adak (Alaska's area code 907 spans both), 18:30 London, 05:30 Sydney (Thursday).
  const AT = Date.parse('2026-11-25T18:30:00Z');
  const lead = (rowNumber: number, e164: string, timeZone: string | null = null) =>
    makeLead({ rowNumber, numbers: [{ e164 }], timeZone });
  const nineToFive: CampaignRules = {
    ...rules,
    callingHours: { start: '09:00', end: '17:00', days: [1, 2, 3, 4, 5] },
  };

  it("judges a lead without a TimeZone cell in its number's zone, and in every zone of a split area code", () => {
    const ix = indexOf(
      [lead(2, N.sydney), lead(3, N.alaska), lead(4, N.honolulu), lead(5, N.losAngeles)],
      nineToFive,
    );
    expect(picked(ix, AT)).toEqual(['L5', 0]);
    expect(['L2', 'L3', 'L4'].map((id) => ix.explain(id, AT).dialable)).toEqual([false, false, false]);
    // 19:30Z: 09:30 Adak and 10:30 Anchorage: Alaska opens once both are inside.
    expect(ix.explain('L3', AT + 60 * 60_000)).toEqual({ dialable: true, numberIndex: 0 });
    expect(ix.placeOf('L3')).toMatchObject({
      zones: ['America/Adak', 'America/Anchorage'],
      regions: ['US-AK'],
    });
    // The TimeZone cell wins over the number's zone.
    expect(indexOf([lead(2, N.sydney, 'America/New_York')], nineToFive).explain('L2', AT).dialable).toBe(
      true,
    );
  });

  it('never dials a number of unknown zone unless the campaign says to judge it in its own zone', () => {
    const leads = [
      lead(2, N.tollFree),
      makeLead({ rowNumber: 3, numbers: [{ e164: N.tollFree }, { e164: N.newYork }] }),
    ];
    const ix = indexOf(leads);
    expect(ix.explain('L2', AT)).toEqual({ dialable: false, reason: 'UNKNOWN_TIMEZONE' });
    // The lead's other number is placed: that one is dialed, the toll-free one never.
    expect(picked(ix, AT)).toEqual(['L3', 1]);
    ix.remove('L3');
    expect(ix.pick({ sessionState: 'PLAY', now: AT })).toMatchObject({
      reasons: [{ reason: 'UNKNOWN_TIMEZONE', leads: 1 }],
      nextDialableAt: null,
    });
    const lenient = indexOf(leads, { ...rules, unknownTimeZone: 'CAMPAIGN_ZONE' });
    expect(picked(lenient, AT)).toEqual(['L2', 0]);
  });

  it('applies stricter region hours on top of the campaign window, and holidays in lead-local dates', () => {
    const strict: CampaignRules = {
      ...rules,
      regionHours: [{ regions: ['US-CA'], hours: { start: '11:00', end: '17:00', days: [1, 2, 3, 4, 5] } }],
    };
    const ix = indexOf([lead(2, N.losAngeles), lead(3, N.newYork)], strict);
    expect(picked(ix, AT)).toEqual(['L3', 0]); // 10:30 in Los Angeles: before the California rule's 11:00
    expect(picked(indexOf([lead(2, N.losAngeles)], strict), AT + 30 * 60_000)).toEqual(['L2', 0]);
    const holiday = indexOf([lead(2, N.newYork), lead(3, N.sydney)], { ...rules, holidays: ['2026-11-25'] });
    expect(holiday.explain('L2', AT)).toEqual({ dialable: false, reason: 'OUTSIDE_WINDOW' });
    // Thursday 26th in Sydney from 21:00Z (08:00 local): not the holiday there.
    expect(picked(holiday, Date.parse('2026-11-25T21:00:00Z'))).toEqual(['L3', 0]);
    expect(holiday.summary(AT).nextDialableAt).toBe(Date.parse('2026-11-25T21:00:00Z'));
  });
});
