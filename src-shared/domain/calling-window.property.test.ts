// Property test of the calling window's local-time reading: the arithmetic fast path (one cached offset
// per zone and UTC hour) reads exactly what the zone's Intl formatter reads, for any instant from 1975 to
// 2045 (so also before the fast path's 1980 start) in zones with DST, half-hour and 45-minute offsets,
// a 30-minute DST (Lord Howe), midnight changes (St John's until 2011) and southern-hemisphere DST,
// with instants drawn around every 2026 DST change at sub-minute precision.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type CallingSchedule, DEFAULT_CAMPAIGN_RULES } from './campaign.js';
import { evaluateCallingWindow, formatterLocalParts, localParts } from './calling-window.js';

const ZONES = [
  'America/New_York',
  'America/St_Johns',
  'America/Sao_Paulo',
  'America/Anchorage',
  'Europe/London',
  'Asia/Kolkata',
  'Asia/Kathmandu',
  'Australia/Lord_Howe',
  'Australia/Adelaide',
  'Pacific/Chatham',
  'Pacific/Apia',
  'Asia/Gaza',
  'UTC',
];
const DST_2026 = [
  '2026-03-08T07:00:00Z',
  '2026-11-01T06:00:00Z',
  '2026-03-29T01:00:00Z',
  '2026-10-25T01:00:00Z',
  '2026-04-04T15:00:00Z',
  '2026-10-03T15:30:00Z',
  '2026-09-27T14:00:00Z',
].map(Date.parse);
const HOUR = 3_600_000;

const instant = fc.oneof(
  fc.integer({ min: Date.UTC(1975, 0, 1), max: Date.UTC(2045, 0, 1) }),
  fc
    .tuple(fc.constantFrom(...DST_2026), fc.integer({ min: -26 * HOUR, max: 26 * HOUR }))
    .map(([t, d]) => t + d),
);

describe('localParts', () => {
  it('reads what the zone formatter reads, at every instant and zone', () => {
    fc.assert(
      fc.property(fc.constantFrom(...ZONES), instant, (zone, at) => {
        expect(localParts(zone, at)).toEqual(formatterLocalParts(zone, at));
      }),
      { numRuns: 5000 },
    );
  });

  it('agrees minute by minute through a day with a DST change in every zone', () => {
    for (const zone of ZONES)
      for (const t of DST_2026)
        for (let at = t - 3 * HOUR + 17_000; at < t + 3 * HOUR; at += 60_000)
          expect(localParts(zone, at)).toEqual(formatterLocalParts(zone, at));
  });
});

const SCHEDULES: CallingSchedule[] = [
  DEFAULT_CAMPAIGN_RULES.callingHours ?? [],
  { start: '09:00', end: '17:00', days: [1, 2, 3, 4, 5] },
  { start: '20:00', end: '02:00', days: [6, 7, 1] },
  { start: '02:00', end: '03:30', days: [1, 2, 3, 4, 5, 6, 7] }, // starts inside the spring-forward gap
  { start: '01:30', end: '01:45', days: [7] }, // inside the fall-back overlap
];
const HOLIDAYS = ['2026-03-08', '2026-11-02', '2026-10-25', '2026-04-05', '2026-03-29'];
const MIN = 60_000;
/** Zones with the instant of one of their 2026 DST changes. */
const CHANGES: [string, number][] = [
  ['America/New_York', Date.parse('2026-03-08T07:00:00Z')],
  ['America/New_York', Date.parse('2026-11-01T06:00:00Z')],
  ['Europe/London', Date.parse('2026-03-29T01:00:00Z')],
  ['Europe/London', Date.parse('2026-10-25T01:00:00Z')],
  ['Australia/Lord_Howe', Date.parse('2026-10-03T15:30:00Z')],
  ['Asia/Kolkata', Date.parse('2026-03-08T07:00:00Z')], // no DST: a control
];

describe('evaluateCallingWindow memo', () => {
  it('answers every question as a fresh evaluation would, whatever was asked before', () => {
    // Questions in a few minutes somewhere in the day and a half after a DST change (often the same
    // minute): whole minutes, their next millisecond, any second.
    const question = fc
      .tuple(fc.integer({ min: 0, max: 3 }), fc.constantFrom(0, 1, 999, 30_000, 59_999))
      .map(([m, ms]) => m * MIN + ms);
    const change = fc.constantFrom(...CHANGES);
    const base = fc.integer({ min: -180, max: 1500 }).map((m) => m * MIN);
    fc.assert(
      fc.property(
        fc.constantFrom(...SCHEDULES),
        change,
        fc.option(fc.subarray(HOLIDAYS), { nil: undefined }),
        base,
        fc.array(question, { minLength: 1, maxLength: 12 }),
        (schedule, [zone, at], holidays, from, asked) => {
          for (const now of asked.map((q) => at + from + q)) {
            const fresh = evaluateCallingWindow(
              structuredClone(schedule),
              zone,
              now,
              holidays && [...holidays],
            );
            expect(evaluateCallingWindow(schedule, zone, now, holidays)).toEqual(fresh);
          }
        },
      ),
      { numRuns: 1500 },
    );
  });
});
