// Callbacks (issue 10): the agent schedules a lead-local date and time from the disposition modal; the lead
// is held for that agent and offered first when due, inside calling hours (policy/callback-rules.ts).
// This module is the pure time and cell half: lead-local wall clock ⇄ epoch ms in an IANA zone (DST
// handled by Intl), the quick choices the modal offers, the bounds a callback time must respect, and the
// sheet's optional columns `CallbackAt` (ISO 8601 with the lead's offset, "2026-12-01T10:00:00-05:00") and
// `CallbackAgent` (the agent's email; blank = any agent of the tab). No clock: `now` is passed in.
// Imports nothing heavy (no libphonenumber): the renderer's first-load chunk uses it.
import { DomainError } from './errors.js';
import type { LeadCallback } from './lead.js';

export const CALLBACK_AT_HEADER = 'CallbackAt';
export const CALLBACK_AGENT_HEADER = 'CallbackAgent';

/** 0-based positions of the two callback columns in a tab (both present, or the tab has no callbacks). */
export interface CallbackColumns {
  at: number;
  agent: number;
}

/** A callback may be scheduled at most this far ahead. */
export const CALLBACK_MAX_AHEAD_MS = 366 * 24 * 3600_000;

const MINUTE = 60_000;
const partsFormatters = new Map<string, Intl.DateTimeFormat>();

function partsFormatter(zone: string): Intl.DateTimeFormat {
  let f = partsFormatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      weekday: 'short',
    });
    partsFormatters.set(zone, f);
  }
  return f;
}

export interface LocalDateTime {
  /** YYYY-MM-DD */
  date: string;
  /** HH:MM */
  time: string;
  /** 1 = Monday … 7 = Sunday */
  weekday: number;
}

const WEEKDAYS: Readonly<Record<string, number>> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };

function fields(zone: string, at: number) {
  const o: Record<string, string> = {};
  for (const p of partsFormatter(zone).formatToParts(at)) o[p.type] = p.value;
  return {
    y: Number(o.year),
    mo: Number(o.month),
    d: Number(o.day),
    h: Number(o.hour) % 24,
    mi: Number(o.minute),
    s: Number(o.second),
    weekday: WEEKDAYS[o.weekday ?? ''] ?? 0,
  };
}

const p2 = (n: number) => String(n).padStart(2, '0');

/** The wall clock in `zone` at `at`. */
export function localDateTime(at: number, zone: string): LocalDateTime {
  const f = fields(zone, at);
  return { date: `${f.y}-${p2(f.mo)}-${p2(f.d)}`, time: `${p2(f.h)}:${p2(f.mi)}`, weekday: f.weekday };
}

/** The zone's offset from UTC at `at`, in minutes (New York in winter: -300). */
export function zoneOffsetMinutes(zone: string, at: number): number {
  const f = fields(zone, at);
  const asUtc = Date.UTC(f.y, f.mo - 1, f.d, f.h, f.mi, f.s);
  return Math.round((asUtc - Math.floor(at / 1000) * 1000) / MINUTE);
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME_RE = /^([01]\d|2[0-3]):([0-5]\d)$/;

/**
 * The instant a lead-local wall-clock time names, in `zone`. A time skipped by a spring-forward jump is
 * read as the same wall time before the jump plus the jump (02:30 → 03:30); a time that happens twice
 * (fall back) is the first one. null when the date or time is not well formed.
 */
export function localToEpoch(date: string, time: string, zone: string): number | null {
  const dm = DATE_RE.exec(date);
  const tm = TIME_RE.exec(time);
  if (!dm || !tm) return null;
  const [y, mo, d] = [Number(dm[1]), Number(dm[2]), Number(dm[3])];
  const wall = Date.UTC(y, mo - 1, d, Number(tm[1]), Number(tm[2]));
  const check = new Date(wall);
  if (check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d) return null;
  // Try the offsets in force a day either side: the earlier instant that reads back as `wall` wins.
  const offsets = new Set([
    zoneOffsetMinutes(zone, wall - 86_400_000),
    zoneOffsetMinutes(zone, wall + 86_400_000),
  ]);
  const exact = [...offsets]
    .map((off) => wall - off * MINUTE)
    .filter((at) => {
      const l = localDateTime(at, zone);
      return l.date === date && l.time === time;
    })
    .sort((a, b) => a - b);
  if (exact[0] !== undefined) return exact[0];
  // In a DST gap: the offset before the jump, which lands after it.
  return wall - zoneOffsetMinutes(zone, wall - 86_400_000) * MINUTE;
}

function offsetText(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const m = Math.abs(minutes);
  return `${sign}${p2(Math.floor(m / 60))}:${p2(m % 60)}`;
}

/** The CallbackAt cell: ISO 8601 in the lead's zone with its offset, "2026-12-01T10:00:00-05:00". */
export function formatCallbackAt(at: number, zone: string): string {
  const f = fields(zone, at);
  return `${f.y}-${p2(f.mo)}-${p2(f.d)}T${p2(f.h)}:${p2(f.mi)}:${p2(f.s)}${offsetText(zoneOffsetMinutes(zone, at))}`;
}

const ISO_RE = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})(:\d{2}(?:\.\d{1,3})?)?\s*(Z|[+-]\d{2}:?\d{2})$/i;

/** Reads a CallbackAt cell: blank → null; ISO 8601 date and time WITH an offset (or Z) → epoch ms. A time
 *  without an offset is refused rather than guessed (which zone did the person mean?). */
export function parseCallbackAt(
  text: string,
): { ok: true; at: number | null } | { ok: false; message: string } {
  const t = text.trim();
  if (t === '') return { ok: true, at: null };
  const m = ISO_RE.exec(t);
  if (!m) {
    return {
      ok: false,
      message: `CallbackAt "${t}" is not a date and time with an offset, e.g. 2026-12-01T10:00:00-05:00`,
    };
  }
  const zone = (m[4] ?? 'Z').toUpperCase();
  const off = zone === 'Z' ? 'Z' : zone.includes(':') ? zone : `${zone.slice(0, 3)}:${zone.slice(3)}`;
  const at = Date.parse(`${m[1]}T${m[2]}${m[3] ?? ':00'}${off}`);
  if (!Number.isFinite(at)) return { ok: false, message: `CallbackAt "${t}" is not a real date` };
  return { ok: true, at };
}

const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Reads a CallbackAgent cell: blank → null (any agent), an email → lower-cased, else an error. */
export function parseCallbackAgent(
  text: string,
): { ok: true; agent: string | null } | { ok: false; message: string } {
  const t = text.trim().toLowerCase();
  if (t === '') return { ok: true, agent: null };
  if (!EMAIL_RE.test(t) || t.length > 254)
    return { ok: false, message: `CallbackAgent "${text.trim()}" is not an email` };
  return { ok: true, agent: t };
}

/** Throws CALLBACK_TIME_INVALID unless `at` is in the future and at most CALLBACK_MAX_AHEAD_MS away. */
export function checkCallbackTime(at: number, now: number): void {
  if (!Number.isInteger(at) || at <= now)
    throw new DomainError('CALLBACK_TIME_INVALID', 'a callback must be scheduled in the future', { at, now });
  if (at > now + CALLBACK_MAX_AHEAD_MS)
    throw new DomainError('CALLBACK_TIME_INVALID', 'a callback may be scheduled at most a year ahead', {
      at,
      now,
    });
}

/** Same callback as the sheet can tell: time to the second (the cell's precision) and agent; the zone and
 *  the number it was scheduled from do not matter. */
export function sameCallback(
  a: LeadCallback | null | undefined,
  b: LeadCallback | null | undefined,
): boolean {
  if (!a || !b) return !a && !b;
  return Math.floor(a.at / 1000) === Math.floor(b.at / 1000) && a.agent === b.agent;
}

/** Is the callback held for this agent (theirs, or any agent's)? */
export function callbackIsFor(cb: LeadCallback, agent: string | undefined): boolean {
  return cb.agent === null || (agent !== undefined && cb.agent === agent.toLowerCase());
}

export interface CallbackChoice {
  /** "In 1 hour", "Tomorrow 10:00", "Mon 10:00" */
  label: string;
  at: number;
}

const DAY = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number);
  const t = new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, (d ?? 1) + days));
  return `${t.getUTCFullYear()}-${p2(t.getUTCMonth() + 1)}-${p2(t.getUTCDate())}`;
}

/** The modal's quick choices, lead-local: in 1 hour and in 3 hours (rounded up to 5 minutes), tomorrow at
 *  10:00 and 15:00, and the next Monday at 10:00 (a week ahead when today is Monday). */
export function callbackChoices(now: number, zone: string): CallbackChoice[] {
  const round5 = (t: number) => Math.ceil(t / (5 * MINUTE)) * 5 * MINUTE;
  const today = localDateTime(now, zone);
  const tomorrow = addDays(today.date, 1);
  const toMonday = (8 - today.weekday) % 7 || 7;
  const out: CallbackChoice[] = [
    { label: 'In 1 hour', at: round5(now + 60 * MINUTE) },
    { label: 'In 3 hours', at: round5(now + 180 * MINUTE) },
  ];
  const add = (label: string, date: string, time: string) => {
    const at = localToEpoch(date, time, zone);
    if (at !== null && at > now && !out.some((c) => c.at === at)) out.push({ label, at });
  };
  add('Tomorrow 10:00', tomorrow, '10:00');
  add('Tomorrow 15:00', tomorrow, '15:00');
  add(`${DAY[0]} 10:00`, addDays(today.date, toMonday), '10:00');
  return out;
}
