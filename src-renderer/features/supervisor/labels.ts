// The console's words: agent states as a team lead says them (with a colour each), the reasons a lead is
// not dialable now, short disposition names for the table, breaker states in plain words, and compact
// durations ("4m 05s", "1h 12m").
import type {
  BreakerStateName,
  AgentLiveState,
  NotDialableReason,
} from '../../../src-shared/contracts/supervisor';
import {
  DEFAULT_DISPOSITIONS,
  type DispositionCode,
  findDisposition,
} from '../../../src-shared/domain/disposition';

export const STATE_LABEL: Record<AgentLiveState, string> = {
  NOT_STARTED: 'Not started',
  PLAYING: 'Ready',
  PAUSED: 'Paused',
  DIALING: 'Dialing',
  RINGING: 'Ringing',
  IN_CALL: 'In call',
  WRAP_UP: 'Wrap-up',
};

/** Chip classes: green = talking, blue/amber = on the way to a call, violet = wrap-up, grey = idle. */
export const STATE_TONE: Record<AgentLiveState, string> = {
  NOT_STARTED: 'border-slate-600 text-slate-400',
  PLAYING: 'border-emerald-700 text-emerald-200',
  PAUSED: 'border-amber-500/70 text-amber-200',
  DIALING: 'border-amber-400 text-amber-100',
  RINGING: 'border-sky-400 text-sky-100',
  IN_CALL: 'border-emerald-400 bg-emerald-500/20 text-emerald-100',
  WRAP_UP: 'border-violet-400 text-violet-100',
};

export const REASON_LABEL: Record<NotDialableReason, string> = {
  SIBLING_CORRECT: 'done (a number was correct)',
  MAX_ATTEMPTS: 'out of attempts',
  OUTSIDE_WINDOW: 'outside calling hours',
  RETRY_PENDING: 'waiting for a retry',
  MANUAL_SKIP: 'skipped by an agent',
  DO_NOT_CALL: 'do not call',
  UNKNOWN_TIMEZONE: 'unknown time zone',
  NO_OPEN_NUMBERS: 'no number left to try',
};

/** Short names for the table's disposition column (the full label is in its accessible name). */
export const DISPO_SHORT: Record<DispositionCode, string> = {
  CORRECT: 'OK',
  WRONG: 'WR',
  VM_SAME_NAME: 'VM',
  VM_OR_NA_UNKNOWN: 'VU',
  NO_ANSWER: 'NA',
  DO_NOT_CALL: 'DNC',
};

/** The disposition's name as the default catalog says it (the console shows every campaign's agents). */
export function dispoLabel(code: DispositionCode): string {
  return findDisposition(DEFAULT_DISPOSITIONS, code).label;
}

export const BREAKER_LABEL: Record<BreakerStateName, string> = {
  closed: 'working',
  'half-open': 'recovering (testing with one request)',
  open: 'failing: requests paused',
};

/** "42s", "4m 05s", "1h 12m": short enough for a table cell. */
export function shortDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}

/** "61%", or a dash before anything to divide by. */
export function percent(rate: number | null): string {
  return rate === null ? '—' : `${Math.round(rate * 100)}%`;
}

/** "all campaigns" for the `*` of a supervisor of every campaign, else the names. */
export function campaignsText(campaigns: readonly string[]): string {
  if (campaigns.includes('*')) return 'all campaigns';
  return campaigns.join(', ') || 'no campaign';
}
