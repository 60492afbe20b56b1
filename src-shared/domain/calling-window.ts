// Calling windows: is it a legal time to call someone in this IANA zone? Evaluated with
// Intl.DateTimeFormat, which applies the zone's DST rules, so "08:00–21:00" means local wall-clock time on
// every day of the year, including the spring-forward and fall-back days.
//
// Window semantics (CallingHours in campaign.ts): start inclusive, end exclusive, on the listed ISO
// weekdays (1 = Monday). A window whose end is before its start runs past midnight (22:00–02:00): the
// weekday that counts is the day the window opened. start === end means the whole day. A schedule is one
// window or several (inside = inside any). Holidays are lead-local dates on which no window opens (for a
// window past midnight, the date it opened counts).
// The policy engine calls this on every pick, so local time is read from a zone offset cached per UTC
// hour (the formatter only where an hour holds a change) and answers are kept per (schedule, zone, minute),
// reused only where a fresh answer would be identical (see `reusable`).
import type { CallingHours, CallingSchedule } from './campaign.js';
import { DomainError } from './errors.js';

export interface CallingWindowState {
  inWindow: boolean;
  /** Local wall-clock time, HH:MM. */
  localTime: string;
  /** Local ISO weekday, 1 = Monday … 7 = Sunday. */
  localWeekday: number;
  /** Local date, YYYY-MM-DD. */
  localDate: string;
  /** Today (lead-local) is one of the campaign's holidays. */
  holiday: boolean;
  /** Epoch ms when the window next opens; null when inside it now, when no window is configured, or when
   *  it does not open within a year (holidays every day). */
  nextOpenAt: number | null;
}

export interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  weekday: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
const validity = new Map<string, boolean>();
const WEEKDAYS: Readonly<Record<string, number>> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };
const MINUTE = 60_000;
const DAY_NAMES = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

export function isValidTimeZone(tz: string): boolean {
  const known = validity.get(tz);
  if (known !== undefined) return known;
  let ok = false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    ok = tz.length > 0;
  } catch {
    ok = false;
  }
  validity.set(tz, ok);
  return ok;
}

function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    if (!isValidTimeZone(tz)) {
      throw new DomainError('INVALID_TIME_ZONE', `"${tz}" is not an IANA time zone name`, { timeZone: tz });
    }
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      weekday: 'short',
    });
    formatters.set(tz, f);
  }
  return f;
}

/** Local wall-clock parts as the zone's formatter reads them (the reference for the fast path below). */
export function formatterLocalParts(tz: string, at: number): LocalParts {
  const p: LocalParts = { year: 0, month: 0, day: 0, hour: 0, minute: 0, weekday: 0 };
  for (const part of formatter(tz).formatToParts(at)) {
    switch (part.type) {
      case 'year':
        p.year = Number(part.value);
        break;
      case 'month':
        p.month = Number(part.value);
        break;
      case 'day':
        p.day = Number(part.value);
        break;
      case 'hour':
        p.hour = Number(part.value) % 24;
        break;
      case 'minute':
        p.minute = Number(part.value);
        break;
      case 'weekday':
        p.weekday = WEEKDAYS[part.value] ?? 0;
        break;
    }
  }
  return p;
}

// Offsets per (zone, UTC hour) so most reads are arithmetic instead of formatToParts (which was ~90 % of a
// supervisor summary's CPU and most of its garbage under a calling window). An hour's offset is cached
// only when the formatter reads the same offset at its first and last minute: a zone changes offset at
// most once in an hour, so equal ends mean no change inside; an hour with a change keeps the formatter.
// Only from 1980 on, when every zone's offset is a whole number of minutes (older local mean times have
// seconds, so the local minute would depend on the instant's seconds).
const HOUR = 3_600_000;
const FAST_FROM = Date.UTC(1980, 0, 1);
const FAST_UNTIL = Date.UTC(9000, 0, 1);
const MIXED = Number.NaN;
const hourOffsets = new Map<string, Map<number, number>>();
const HOUR_OFFSETS_LIMIT = 20_000;

/** Zone offset (local − UTC, ms) read by the formatter at a whole-minute instant. */
function formatterOffset(tz: string, minuteStart: number): number {
  const p = formatterLocalParts(tz, minuteStart);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute) - minuteStart;
}

function hourOffset(tz: string, hour: number): number {
  let perZone = hourOffsets.get(tz);
  if (!perZone) {
    perZone = new Map();
    hourOffsets.set(tz, perZone);
  }
  const known = perZone.get(hour);
  if (known !== undefined) return known;
  const first = formatterOffset(tz, hour * HOUR);
  const last = formatterOffset(tz, hour * HOUR + HOUR - MINUTE);
  const offset = first === last ? first : MIXED;
  if (perZone.size >= HOUR_OFFSETS_LIMIT) perZone.clear();
  perZone.set(hour, offset);
  return offset;
}

/** Local wall-clock parts at an instant: the same answer as the formatter, mostly without calling it. */
export function localParts(tz: string, at: number): LocalParts {
  if (!(at >= FAST_FROM && at < FAST_UNTIL)) return formatterLocalParts(tz, at);
  const offset = hourOffset(tz, Math.floor(at / HOUR));
  if (Number.isNaN(offset)) return formatterLocalParts(tz, at);
  const local = new Date(at - (at % MINUTE) + offset);
  const weekday = local.getUTCDay();
  return {
    year: local.getUTCFullYear(),
    month: local.getUTCMonth() + 1,
    day: local.getUTCDate(),
    hour: local.getUTCHours(),
    minute: local.getUTCMinutes(),
    weekday: weekday === 0 ? 7 : weekday,
  };
}

function toMinutes(hhmm: string): number {
  return Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
}

function windowsOf(schedule: CallingSchedule): readonly CallingHours[] {
  return Array.isArray(schedule) ? schedule : [schedule];
}

const ymd = (y: number, m: number, d: number) =>
  `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;

/** The local date `days` days from (y, m, d) as YYYY-MM-DD. */
function shiftDate(p: { year: number; month: number; day: number }, days: number): string {
  const d = new Date(Date.UTC(p.year, p.month - 1, p.day + days));
  return ymd(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
}

/** Which day's window the local instant is inside: 0 = today's, -1 = yesterday's (past midnight), null = none. */
function insideAt(hours: CallingHours, weekday: number, minuteOfDay: number): 0 | -1 | null {
  const start = toMinutes(hours.start);
  const end = toMinutes(hours.end);
  if (start === end) return hours.days.includes(weekday) ? 0 : null;
  if (start < end)
    return hours.days.includes(weekday) && minuteOfDay >= start && minuteOfDay < end ? 0 : null;
  // Past midnight: the evening part belongs to today, the early-morning part to yesterday's window.
  if (minuteOfDay >= start) return hours.days.includes(weekday) ? 0 : null;
  if (minuteOfDay < end) return hours.days.includes(weekday === 1 ? 7 : weekday - 1) ? -1 : null;
  return null;
}

function insideSchedule(schedule: CallingSchedule, p: LocalParts, holidays: ReadonlySet<string>): boolean {
  const minute = p.hour * 60 + p.minute;
  for (const w of windowsOf(schedule)) {
    const opened = insideAt(w, p.weekday, minute);
    if (opened === null) continue;
    if (holidays.size === 0 || !holidays.has(shiftDate(p, opened))) return true;
  }
  return false;
}

/** Zone offset (local − UTC, in ms) at an instant. */
function offsetAt(tz: string, at: number): number {
  const p = localParts(tz, at);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute);
  return asUtc - (at - (((at % MINUTE) + MINUTE) % MINUTE));
}

/** The instants a local wall-clock time occurs, earliest first: two in a fall-back overlap; for a time
 *  inside a spring-forward gap, one instant just before the gap (nextOpening walks forward to the jump). */
function localToEpochs(
  tz: string,
  y: number,
  mo: number,
  d: number,
  minuteOfDay: number,
): { at: number[]; gap: boolean } {
  const naive = Date.UTC(y, mo - 1, d, Math.floor(minuteOfDay / 60), minuteOfDay % 60);
  const DAY = 86_400_000;
  const a = naive - offsetAt(tz, naive - DAY);
  const b = naive - offsetAt(tz, naive + DAY);
  const candidates = a === b ? [a] : a < b ? [a, b] : [b, a];
  const valid = candidates.filter((t) => offsetAt(tz, t) === naive - t);
  return valid.length > 0 ? { at: valid, gap: false } : { at: [candidates[0] ?? naive], gap: true };
}

/** Days walked forward looking for the next opening: a week, plus one per holiday (capped at a year). */
const walkDays = (holidays: ReadonlySet<string>) => Math.min(8 + holidays.size, 370);

function nextOpening(
  schedule: CallingSchedule,
  tz: string,
  now: number,
  from: LocalParts,
  holidays: ReadonlySet<string>,
): number | null {
  // Walk forward day by day and take the first start after now (every window's start on that day).
  for (let i = 0; i <= walkDays(holidays); i++) {
    const date = new Date(Date.UTC(from.year, from.month - 1, from.day + i));
    const weekday = ((from.weekday - 1 + i) % 7) + 1;
    const y = date.getUTCFullYear();
    const mo = date.getUTCMonth() + 1;
    const d = date.getUTCDate();
    if (holidays.has(ymd(y, mo, d))) continue;
    let best: number | null = null;
    for (const hours of windowsOf(schedule)) {
      if (!hours.days.includes(weekday)) continue;
      const starts = localToEpochs(tz, y, mo, d, toMinutes(hours.start));
      for (let t of starts.at) {
        // In a gap the start "happens" at the jump, which may still be ahead of now: walk from now.
        if (t < now) {
          if (!starts.gap) continue;
          t = now;
        }
        // A start inside a spring-forward gap: the window opens when the clocks jump past it.
        let open = evaluateUncached(schedule, tz, t, holidays).inWindow;
        for (let guard = 0; guard < 180 && !open; guard++) {
          t += MINUTE;
          open = evaluateUncached(schedule, tz, t, holidays).inWindow;
        }
        if (open && (best === null || t < best)) best = t;
        break;
      }
    }
    if (best !== null) return best;
  }
  return null;
}

function evaluateUncached(
  schedule: CallingSchedule | null,
  tz: string,
  at: number,
  holidays: ReadonlySet<string>,
) {
  const p = localParts(tz, at);
  const localTime = `${String(p.hour).padStart(2, '0')}:${String(p.minute).padStart(2, '0')}`;
  const inWindow = schedule === null || insideSchedule(schedule, p, holidays);
  return { p, localTime, inWindow };
}

const NO_HOLIDAYS: ReadonlySet<string> = new Set();
const holidaySets = new WeakMap<readonly string[], ReadonlySet<string>>();
function holidaySet(holidays: readonly string[] | undefined): ReadonlySet<string> {
  if (!holidays || holidays.length === 0) return NO_HOLIDAYS;
  let set = holidaySets.get(holidays);
  if (!set) {
    set = new Set(holidays);
    holidaySets.set(holidays, set);
  }
  return set;
}

// Answers per (schedule, zone, minute), the last asked in each minute: the policy asks the same question
// many times in the same minute, and a supervisor summary asks per place at many minutes (a pending
// lead's time, then the opening it found), so one entry per zone thrashed. A kept answer is given only
// when a fresh one would be identical: at the same instant; inside the window (nothing but the minute
// counts); or closed, opening at a whole minute, asked at and kept from instants that are not whole
// minutes (a window start equal to a whole-minute `now` counts as ahead, and a start inside a DST gap
// opens "now", so those answers depend on the instant within the minute).
type Memo = { at: number; holidays: ReadonlySet<string>; state: CallingWindowState };
const NO_SCHEDULE: CallingHours[] = [];
const memo = new WeakMap<object, Map<string, Map<number, Memo>>>();
const MINUTES_KEPT_PER_ZONE = 4096;

function reusable(m: Memo, now: number, hset: ReadonlySet<string>): boolean {
  if (m.holidays !== hset) return false;
  if (m.at === now || m.state.inWindow) return true;
  const next = m.state.nextOpenAt;
  return next !== null && next % MINUTE === 0 && m.at % MINUTE !== 0 && now % MINUTE !== 0;
}

export function evaluateCallingWindow(
  schedule: CallingSchedule | null,
  timeZone: string,
  now: number,
  holidays?: readonly string[],
): CallingWindowState {
  const minute = Math.floor(now / MINUTE);
  const hset = holidaySet(holidays);
  let perSchedule = memo.get(schedule ?? NO_SCHEDULE);
  if (!perSchedule) {
    perSchedule = new Map();
    memo.set(schedule ?? NO_SCHEDULE, perSchedule);
  }
  let perZone = perSchedule.get(timeZone);
  if (!perZone) {
    perZone = new Map();
    perSchedule.set(timeZone, perZone);
  }
  const m = perZone.get(minute);
  if (m && reusable(m, now, hset)) return m.state;
  const { p, localTime, inWindow } = evaluateUncached(schedule, timeZone, now, hset);
  const nextOpenAt = inWindow || schedule === null ? null : nextOpening(schedule, timeZone, now, p, hset);
  const localDate = ymd(p.year, p.month, p.day);
  const state: CallingWindowState = {
    inWindow,
    localTime,
    localWeekday: p.weekday,
    localDate,
    holiday: hset.has(localDate),
    nextOpenAt,
  };
  if (perZone.size >= MINUTES_KEPT_PER_ZONE) perZone.clear();
  perZone.set(minute, { at: now, holidays: hset, state });
  return state;
}

const abbreviations = new Map<string, Intl.DateTimeFormat>();
/** Names already worked out, by zone and quarter hour: every zone's offset is a whole number of quarter
 *  hours and changes at a whole local minute, so a change falls on a quarter-hour boundary in UTC and one
 *  answer holds for the whole quarter. (formatToParts on every call was ~1 % of the coordinator's CPU.) */
const QUARTER_HOUR_MS = 15 * 60_000;
const abbreviationMemo = new Map<string, string>();

/** The zone's short name at an instant as the agent reads it ("PST", "GMT+5:30"). */
export function zoneAbbreviation(timeZone: string, at: number): string {
  const key = `${timeZone}@${Math.floor(at / QUARTER_HOUR_MS)}`;
  const known = abbreviationMemo.get(key);
  if (known !== undefined) return known;
  let f = abbreviations.get(timeZone);
  if (!f) {
    formatter(timeZone); // throws INVALID_TIME_ZONE for an unknown zone
    f = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'short' });
    abbreviations.set(timeZone, f);
  }
  const name = f.formatToParts(at).find((x) => x.type === 'timeZoneName')?.value ?? timeZone;
  if (abbreviationMemo.size >= 10_000) abbreviationMemo.clear();
  abbreviationMemo.set(key, name);
  return name;
}

function dayList(days: readonly number[]): string {
  const sorted = [...new Set(days)].sort((a, b) => a - b);
  if (sorted.length === 7) return 'Every day';
  // Collapse consecutive runs: [1,2,3,4,5,6] → "Mon–Sat"; [1,3,5] → "Mon, Wed, Fri".
  const parts: string[] = [];
  let i = 0;
  while (i < sorted.length) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === (sorted[j] ?? 0) + 1) j++;
    const a = DAY_NAMES[(sorted[i] ?? 1) - 1];
    const b = DAY_NAMES[(sorted[j] ?? 1) - 1];
    parts.push(j - i >= 2 ? `${a}–${b}` : j === i ? `${a}` : `${a}, ${b}`);
    i = j + 1;
  }
  return parts.join(', ');
}

/** "Mon–Fri 08:00–21:00, Sat–Sun 09:00–20:00"; null when no window is configured (dial any time). */
export function describeCallingHours(schedule: CallingSchedule | null): string | null {
  if (!schedule) return null;
  return windowsOf(schedule)
    .map((hours) => `${dayList(hours.days)} ${hours.start}–${hours.end}`)
    .join(', ');
}
