// Calling windows: is it a legal time to call someone in this IANA zone? Evaluated with
// Intl.DateTimeFormat, which applies the zone's DST rules, so "08:00–21:00" means local wall-clock time on
// every day of the year, including the spring-forward and fall-back days.
//
// Window semantics (CallingHours in campaign.ts): start inclusive, end exclusive, on the listed ISO
// weekdays (1 = Monday). A window whose end is before its start runs past midnight (22:00–02:00): the
// weekday that counts is the day the window opened. start === end means the whole day.
// The policy engine calls this on every pick, so formatters are cached per zone and the last result per
// (zone, minute) is memoised: zone offsets are whole minutes, so the answer cannot change inside a minute.
import type { CallingHours } from './campaign.js';
import { DomainError } from './errors.js';

export interface CallingWindowState {
  inWindow: boolean;
  /** Local wall-clock time, HH:MM. */
  localTime: string;
  /** Local ISO weekday, 1 = Monday … 7 = Sunday. */
  localWeekday: number;
  /** Epoch ms when the window next opens; null when inside it now or when no window is configured. */
  nextOpenAt: number | null;
}

interface LocalParts {
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

function localParts(tz: string, at: number): LocalParts {
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

function toMinutes(hhmm: string): number {
  return Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
}

function insideAt(hours: CallingHours, weekday: number, minuteOfDay: number): boolean {
  const start = toMinutes(hours.start);
  const end = toMinutes(hours.end);
  if (start === end) return hours.days.includes(weekday);
  if (start < end) return hours.days.includes(weekday) && minuteOfDay >= start && minuteOfDay < end;
  // Past midnight: the evening part belongs to today, the early-morning part to yesterday's window.
  if (minuteOfDay >= start) return hours.days.includes(weekday);
  if (minuteOfDay < end) return hours.days.includes(weekday === 1 ? 7 : weekday - 1);
  return false;
}

/** Zone offset (local − UTC, in ms) at an instant. */
function offsetAt(tz: string, at: number): number {
  const p = localParts(tz, at);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute);
  return asUtc - (at - (((at % MINUTE) + MINUTE) % MINUTE));
}

/** The instant a local wall-clock time occurs (for a time inside a DST gap: an instant near it, see nextOpening). */
function localToEpoch(tz: string, y: number, mo: number, d: number, minuteOfDay: number): number {
  const naive = Date.UTC(y, mo - 1, d, Math.floor(minuteOfDay / 60), minuteOfDay % 60);
  const o1 = offsetAt(tz, naive);
  const t1 = naive - o1;
  const o2 = offsetAt(tz, t1);
  return o2 === o1 ? t1 : naive - o2;
}

function nextOpening(hours: CallingHours, tz: string, now: number, from: LocalParts): number | null {
  const start = toMinutes(hours.start);
  // Walk forward day by day (a week covers every weekday) and take the first start after now.
  for (let i = 0; i <= 8; i++) {
    const date = new Date(Date.UTC(from.year, from.month - 1, from.day + i));
    const weekday = ((from.weekday - 1 + i) % 7) + 1;
    if (!hours.days.includes(weekday)) continue;
    let t = localToEpoch(tz, date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate(), start);
    if (t < now) continue;
    // A start inside a spring-forward gap: the window opens when the clocks jump past it.
    for (let guard = 0; guard < 180 && !evaluateUncached(hours, tz, t).inWindow; guard++) t += MINUTE;
    if (t >= now) return t;
  }
  return null;
}

function evaluateUncached(hours: CallingHours | null, tz: string, at: number) {
  const p = localParts(tz, at);
  const localTime = `${String(p.hour).padStart(2, '0')}:${String(p.minute).padStart(2, '0')}`;
  const inWindow = hours === null || insideAt(hours, p.weekday, p.hour * 60 + p.minute);
  return { p, localTime, inWindow };
}

// One-entry memo per zone: the policy asks the same question many times in the same minute.
const memo = new Map<string, { minute: number; hours: CallingHours | null; state: CallingWindowState }>();

export function evaluateCallingWindow(
  hours: CallingHours | null,
  timeZone: string,
  now: number,
): CallingWindowState {
  const minute = Math.floor(now / MINUTE);
  const m = memo.get(timeZone);
  if (m && m.minute === minute && m.hours === hours) {
    if (m.state.nextOpenAt === null || m.state.nextOpenAt >= now) return m.state;
  }
  const { p, localTime, inWindow } = evaluateUncached(hours, timeZone, now);
  const nextOpenAt = inWindow || hours === null ? null : nextOpening(hours, timeZone, now, p);
  const state: CallingWindowState = { inWindow, localTime, localWeekday: p.weekday, nextOpenAt };
  memo.set(timeZone, { minute, hours, state });
  return state;
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

/** "Mon–Sat 08:00–21:00"; null when no window is configured (dial any time). */
export function describeCallingHours(hours: CallingHours | null): string | null {
  if (!hours) return null;
  return `${dayList(hours.days)} ${hours.start}–${hours.end}`;
}
