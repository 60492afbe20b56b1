import { describe, expect, it } from 'vitest';
import { type CallingHours, type CallingSchedule, DEFAULT_CAMPAIGN_RULES } from './campaign.js';
import {
  describeCallingHours,
  evaluateCallingWindow,
  isValidTimeZone,
  zoneAbbreviation,
} from './calling-window.js';
import { DomainError } from './errors.js';

const MON_SAT_8_21: CallingHours = { start: '08:00', end: '21:00', days: [1, 2, 3, 4, 5, 6] };
const EVERY_DAY_8_21: CallingHours = { start: '08:00', end: '21:00', days: [1, 2, 3, 4, 5, 6, 7] };
const at = (iso: string) => Date.parse(iso);

describe('evaluateCallingWindow', () => {
  it('reads local time and weekday in the zone', () => {
    // Wed 2026-11-25 15:00Z = 10:00 EST in New York, 15:00 GMT in London, 00:00 Thu in Tokyo.
    expect(evaluateCallingWindow(MON_SAT_8_21, 'America/New_York', at('2026-11-25T15:00:00Z'))).toEqual({
      inWindow: true,
      localTime: '10:00',
      localWeekday: 3,
      localDate: '2026-11-25',
      holiday: false,
      nextOpenAt: null,
    });
    const tokyo = evaluateCallingWindow(MON_SAT_8_21, 'Asia/Tokyo', at('2026-11-25T15:00:00Z'));
    expect(tokyo).toMatchObject({ inWindow: false, localTime: '00:00', localWeekday: 4 });
    expect(tokyo.nextOpenAt).toBe(at('2026-11-25T23:00:00Z')); // 08:00 JST Thursday
  });

  it('treats start as inclusive and end as exclusive', () => {
    expect(evaluateCallingWindow(MON_SAT_8_21, 'America/New_York', at('2026-11-25T13:00:00Z')).inWindow).toBe(
      true,
    );
    expect(evaluateCallingWindow(MON_SAT_8_21, 'America/New_York', at('2026-11-25T12:59:00Z')).inWindow).toBe(
      false,
    );
    expect(evaluateCallingWindow(MON_SAT_8_21, 'America/New_York', at('2026-11-26T01:59:00Z')).inWindow).toBe(
      true,
    );
    expect(evaluateCallingWindow(MON_SAT_8_21, 'America/New_York', at('2026-11-26T02:00:00Z')).inWindow).toBe(
      false,
    );
  });

  it('is closed on days not listed and points at the next allowed day', () => {
    // Sunday 2026-11-29 noon in New York: closed; opens Monday 08:00 EST = 13:00Z.
    const w = evaluateCallingWindow(MON_SAT_8_21, 'America/New_York', at('2026-11-29T17:00:00Z'));
    expect(w).toMatchObject({ inWindow: false, localWeekday: 7, localTime: '12:00' });
    expect(w.nextOpenAt).toBe(at('2026-11-30T13:00:00Z'));
  });

  it('follows New York across spring-forward (2026-03-08)', () => {
    // Saturday 07 March: 08:00 EST = 13:00Z. Monday 09 March (after the change): 08:00 EDT = 12:00Z.
    expect(
      evaluateCallingWindow(EVERY_DAY_8_21, 'America/New_York', at('2026-03-07T13:00:00Z')).localTime,
    ).toBe('08:00');
    expect(
      evaluateCallingWindow(EVERY_DAY_8_21, 'America/New_York', at('2026-03-09T12:00:00Z')),
    ).toMatchObject({
      inWindow: true,
      localTime: '08:00',
    });
    expect(
      evaluateCallingWindow(EVERY_DAY_8_21, 'America/New_York', at('2026-03-09T11:59:00Z')).inWindow,
    ).toBe(false);
    // On the day itself clocks jump 02:00 → 03:00: 06:59Z is 01:59 EST, 07:00Z is 03:00 EDT.
    expect(
      evaluateCallingWindow(EVERY_DAY_8_21, 'America/New_York', at('2026-03-08T06:59:00Z')).localTime,
    ).toBe('01:59');
    expect(
      evaluateCallingWindow(EVERY_DAY_8_21, 'America/New_York', at('2026-03-08T07:00:00Z')).localTime,
    ).toBe('03:00');
    // Window opens at 08:00 EDT that Sunday = 12:00Z, one hour earlier in UTC than the day before.
    const before = evaluateCallingWindow(EVERY_DAY_8_21, 'America/New_York', at('2026-03-08T08:00:00Z'));
    expect(before.nextOpenAt).toBe(at('2026-03-08T12:00:00Z'));
  });

  it('follows New York across fall-back (2026-11-01)', () => {
    // 01:00–02:00 happens twice; 21:00 EST closes at 02:00Z on the 2nd.
    expect(
      evaluateCallingWindow(EVERY_DAY_8_21, 'America/New_York', at('2026-11-01T05:30:00Z')).localTime,
    ).toBe('01:30');
    expect(
      evaluateCallingWindow(EVERY_DAY_8_21, 'America/New_York', at('2026-11-01T06:30:00Z')).localTime,
    ).toBe('01:30');
    expect(
      evaluateCallingWindow(EVERY_DAY_8_21, 'America/New_York', at('2026-11-01T12:59:00Z')).inWindow,
    ).toBe(false);
    expect(
      evaluateCallingWindow(EVERY_DAY_8_21, 'America/New_York', at('2026-11-01T13:00:00Z')).inWindow,
    ).toBe(true);
    expect(
      evaluateCallingWindow(EVERY_DAY_8_21, 'America/New_York', at('2026-11-02T01:59:00Z')).inWindow,
    ).toBe(true);
    expect(
      evaluateCallingWindow(EVERY_DAY_8_21, 'America/New_York', at('2026-11-02T02:00:00Z')).inWindow,
    ).toBe(false);
    // At 00:30 EDT the window opens at 08:00 EST = 13:00Z (not 12:00Z).
    expect(
      evaluateCallingWindow(EVERY_DAY_8_21, 'America/New_York', at('2026-11-01T04:30:00Z')).nextOpenAt,
    ).toBe(at('2026-11-01T13:00:00Z'));
  });

  it('follows London across spring-forward (2026-03-29) and fall-back (2026-10-25)', () => {
    // BST starts: 08:00 local is 07:00Z on the 29th, 08:00Z the day before.
    expect(evaluateCallingWindow(EVERY_DAY_8_21, 'Europe/London', at('2026-03-28T07:59:00Z')).inWindow).toBe(
      false,
    );
    expect(evaluateCallingWindow(EVERY_DAY_8_21, 'Europe/London', at('2026-03-28T08:00:00Z')).inWindow).toBe(
      true,
    );
    expect(evaluateCallingWindow(EVERY_DAY_8_21, 'Europe/London', at('2026-03-29T07:00:00Z'))).toMatchObject({
      inWindow: true,
      localTime: '08:00',
    });
    expect(evaluateCallingWindow(EVERY_DAY_8_21, 'Europe/London', at('2026-03-29T01:00:00Z')).localTime).toBe(
      '02:00',
    );
    // BST ends: 08:00 local is 08:00Z on the 25th, 07:00Z on the 24th.
    expect(evaluateCallingWindow(EVERY_DAY_8_21, 'Europe/London', at('2026-10-24T07:00:00Z')).inWindow).toBe(
      true,
    );
    expect(evaluateCallingWindow(EVERY_DAY_8_21, 'Europe/London', at('2026-10-25T07:30:00Z')).inWindow).toBe(
      false,
    );
    expect(
      evaluateCallingWindow(EVERY_DAY_8_21, 'Europe/London', at('2026-10-25T07:30:00Z')).nextOpenAt,
    ).toBe(at('2026-10-25T08:00:00Z'));
  });

  it('opens a window whose start falls in the spring-forward gap when the clocks jump', () => {
    const h: CallingHours = { start: '02:30', end: '05:00', days: [7] };
    // Sunday 2026-03-08 01:00 EST (06:00Z): 02:30 never happens; the window opens at 03:00 EDT = 07:00Z.
    const w = evaluateCallingWindow(h, 'America/New_York', at('2026-03-08T06:00:00Z'));
    expect(w.nextOpenAt).toBe(at('2026-03-08T07:00:00Z'));
    expect(evaluateCallingWindow(h, 'America/New_York', at('2026-03-08T07:00:00Z')).inWindow).toBe(true);
  });

  it('runs a window that ends before it starts past midnight, counting the opening day', () => {
    const h: CallingHours = { start: '22:00', end: '02:00', days: [5] }; // Friday night
    // Fri 2026-11-27 23:00 UTC, Sat 01:00 UTC: in; Sat 23:00 UTC: out (Saturday not listed).
    expect(evaluateCallingWindow(h, 'UTC', at('2026-11-27T23:00:00Z')).inWindow).toBe(true);
    expect(evaluateCallingWindow(h, 'UTC', at('2026-11-28T01:00:00Z')).inWindow).toBe(true);
    expect(evaluateCallingWindow(h, 'UTC', at('2026-11-28T02:00:00Z')).inWindow).toBe(false);
    expect(evaluateCallingWindow(h, 'UTC', at('2026-11-28T23:00:00Z')).inWindow).toBe(false);
  });

  it('is always open without calling hours', () => {
    expect(evaluateCallingWindow(null, 'Asia/Tokyo', at('2026-11-29T17:00:00Z'))).toMatchObject({
      inWindow: true,
      nextOpenAt: null,
    });
  });

  it('rejects an unknown zone with a clear error', () => {
    expect(isValidTimeZone('America/New_York')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus_Mons')).toBe(false);
    expect(isValidTimeZone('')).toBe(false);
    expect(() => evaluateCallingWindow(MON_SAT_8_21, 'Mars/Olympus_Mons', 0)).toThrow(DomainError);
    expect(() => evaluateCallingWindow(MON_SAT_8_21, 'Mars/Olympus_Mons', 0)).toThrow(/Mars\/Olympus_Mons/);
  });
});

describe('describeCallingHours', () => {
  it('summarises days and hours', () => {
    expect(describeCallingHours(MON_SAT_8_21)).toBe('Mon–Sat 08:00–21:00');
    expect(describeCallingHours(EVERY_DAY_8_21)).toBe('Every day 08:00–21:00');
    expect(describeCallingHours({ start: '09:00', end: '17:30', days: [5, 1, 3] })).toBe(
      'Mon, Wed, Fri 09:00–17:30',
    );
    expect(describeCallingHours({ start: '09:00', end: '17:00', days: [1, 2, 6, 7] })).toBe(
      'Mon, Tue, Sat, Sun 09:00–17:00',
    );
    expect(describeCallingHours(null)).toBeNull();
  });
});

describe('calling schedules and holidays', () => {
  const FEDERAL: CallingSchedule = DEFAULT_CAMPAIGN_RULES.callingHours ?? [];

  it('applies the weekday window on weekdays and the weekend window on weekends', () => {
    // Sat 2026-11-28 13:30Z = 08:30 in New York: closed on Saturday until 09:00.
    const sat = evaluateCallingWindow(FEDERAL, 'America/New_York', at('2026-11-28T13:30:00Z'));
    expect(sat).toMatchObject({ inWindow: false, localTime: '08:30', localWeekday: 6 });
    expect(sat.nextOpenAt).toBe(at('2026-11-28T14:00:00Z'));
    // Sat 20:30 local is past the weekend end (20:00); the next opening is Sunday 09:00.
    const late = evaluateCallingWindow(FEDERAL, 'America/New_York', at('2026-11-29T01:30:00Z'));
    expect(late).toMatchObject({ inWindow: false, localTime: '20:30' });
    expect(late.nextOpenAt).toBe(at('2026-11-29T14:00:00Z'));
    // Fri 2026-11-27 13:30Z = 08:30 Friday: open (weekday window from 08:00).
    expect(evaluateCallingWindow(FEDERAL, 'America/New_York', at('2026-11-27T13:30:00Z')).inWindow).toBe(
      true,
    );
    expect(describeCallingHours(FEDERAL)).toBe('Mon–Fri 08:00–21:00, Sat, Sun 09:00–20:00');
  });

  it('does not open on a holiday (lead-local date) and says when it opens after it', () => {
    const holidays = ['2026-11-26'];
    // Thu 2026-11-26 15:00Z: 10:00 Thanksgiving in New York.
    const w = evaluateCallingWindow(FEDERAL, 'America/New_York', at('2026-11-26T15:00:00Z'), holidays);
    expect(w).toMatchObject({ inWindow: false, holiday: true, localDate: '2026-11-26' });
    expect(w.nextOpenAt).toBe(at('2026-11-27T13:00:00Z'));
    // Same instant in Tokyo is already Friday 27th: not a holiday there.
    expect(evaluateCallingWindow(FEDERAL, 'Asia/Tokyo', at('2026-11-26T23:00:00Z'), holidays).inWindow).toBe(
      true,
    );
    // A past-midnight window's tail belongs to the day it opened: closed when that day is a holiday.
    const late: CallingHours = { start: '22:00', end: '02:00', days: [1, 2, 3, 4, 5, 6, 7] };
    expect(evaluateCallingWindow(late, 'UTC', at('2026-11-27T01:00:00Z'), ['2026-11-26']).inWindow).toBe(
      false,
    );
    expect(evaluateCallingWindow(late, 'UTC', at('2026-11-27T01:00:00Z'), ['2026-11-27']).inWindow).toBe(
      true,
    );
  });

  it('names the zone as the agent reads it', () => {
    expect(zoneAbbreviation('America/Los_Angeles', at('2026-11-25T15:00:00Z'))).toBe('PST');
    expect(zoneAbbreviation('America/Los_Angeles', at('2026-07-01T15:00:00Z'))).toBe('PDT');
    expect(zoneAbbreviation('Asia/Calcutta', at('2026-07-01T15:00:00Z'))).toBe('GMT+5:30');
  });

  it('opens at the jump when the start is in the gap, and at the first occurrence in the overlap', () => {
    const night: CallingHours = { start: '01:30', end: '03:30', days: [1, 2, 3, 4, 5, 6, 7] };
    // London 2026-03-29: 01:00 GMT jumps to 02:00 BST (01:00Z); 01:30 never happens, so it opens at the jump.
    expect(evaluateCallingWindow(night, 'Europe/London', at('2026-03-28T13:00:00Z')).nextOpenAt).toBe(
      at('2026-03-29T01:00:00Z'),
    );
    // London 2026-10-25: 01:30 happens twice (00:30Z BST, 01:30Z GMT); the window opens at the first.
    expect(evaluateCallingWindow(night, 'Europe/London', at('2026-10-24T13:00:00Z')).nextOpenAt).toBe(
      at('2026-10-25T00:30:00Z'),
    );
  });
});
