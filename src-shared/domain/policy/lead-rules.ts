// The per-lead half of the policy, shared by the index (policy-index.ts) and the naive scan (scan.ts) so
// both apply exactly the same rules and the same order.
//
// A lead is dialable now when: the session is PLAY; it is not claimed by another session; it has no
// CORRECT number; AttemptCount < maxAttempts; no number is IN_PROGRESS (a call is on it); its zone
// (lead.timeZone, else the campaign's) is inside the calling window; and some open number (valid E.164,
// NEW/VOICEMAIL/NO_ANSWER) is ready (retryAt null or ≤ now, or retry delays disabled). The number dialed
// is the first ready open one at or after NextIndex, wrapping (round robin).
//
// Order among dialable leads (total, so picks are deterministic):
//   1. leads never attempted (AttemptCount 0), in sheet row order;
//   2. then the others by readyAt (the moment their earliest retry delay ended; a lead with an open number
//      and no delay at all counts as ready since forever), oldest first; ties by fewest attempts (so with
//      delays off the campaign is swept breadth-first, not one lead hammered), then sheet row order;
//   3. RowID breaks any remaining tie.
//
// Why a lead is not dialable, first match wins (permanent reasons before temporary ones, so "nothing to
// dial" tells the truth about whether waiting helps): SIBLING_CORRECT (has a CORRECT number),
// DO_NOT_CALL (no open number and one was marked do-not-call), MAX_ATTEMPTS, IN_PROGRESS, NO_OPEN_NUMBERS,
// CLAIMED, OUTSIDE_WINDOW, RETRY_PENDING.
import type { CampaignRules } from '../campaign.js';
import type { Lead } from '../lead.js';
import { DIALABLE_STATUSES, MAX_NUMBERS_PER_LEAD, type SkipReason } from '../status.js';

/** Reasons that depend on the lead alone (not on time, window or claims). */
export type StaticBlock =
  | 'SIBLING_CORRECT'
  | 'DO_NOT_CALL'
  | 'MAX_ATTEMPTS'
  | 'IN_PROGRESS'
  | 'NO_OPEN_NUMBERS';

/** The reasons counted in a "nothing to dial" summary (the NothingToDial contract's set). */
export type BlockReason = SkipReason | 'NO_OPEN_NUMBERS';

/** Summary order of reasons (stable output). */
export const BLOCK_REASON_ORDER: readonly BlockReason[] = [
  'SIBLING_CORRECT',
  'DO_NOT_CALL',
  'MAX_ATTEMPTS',
  'NO_OPEN_NUMBERS',
  'OUTSIDE_WINDOW',
  'RETRY_PENDING',
];

export function staticBlock(lead: Lead, rules: CampaignRules): StaticBlock | null {
  let open = false;
  let inProgress = false;
  let dnc = false;
  for (const s of lead.numbers) {
    if (s.status === 'CORRECT') return 'SIBLING_CORRECT';
    if (s.status === 'IN_PROGRESS') inProgress = true;
    if (s.skipReason === 'DO_NOT_CALL') dnc = true;
    if (s.e164 !== null && DIALABLE_STATUSES.has(s.status)) open = true;
  }
  if (!open && dnc) return 'DO_NOT_CALL';
  if (lead.attemptCount >= rules.maxAttempts) return 'MAX_ATTEMPTS';
  if (inProgress) return 'IN_PROGRESS';
  if (!open) return 'NO_OPEN_NUMBERS';
  return null;
}

/** Earliest moment one of the lead's open numbers may be dialed (-Infinity = now). */
export function leadReadyAt(lead: Lead, rules: CampaignRules): number {
  if (!rules.retryDelaysEnabled) return Number.NEGATIVE_INFINITY;
  let at = Number.POSITIVE_INFINITY;
  for (const s of lead.numbers) {
    if (s.e164 === null || !DIALABLE_STATUSES.has(s.status)) continue;
    const r = s.retryAt ?? Number.NEGATIVE_INFINITY;
    if (r < at) at = r;
  }
  return at;
}

export function leadZone(lead: Lead, rules: CampaignRules): string {
  return lead.timeZone ?? rules.timeZone;
}

/** The slot round robin dials now: the first open, ready slot at or after NextIndex (wrapping). */
export function chooseNumber(lead: Lead, rules: CampaignRules, now: number): number | null {
  for (let k = 0; k < MAX_NUMBERS_PER_LEAD; k++) {
    const i = (lead.nextIndex + k) % MAX_NUMBERS_PER_LEAD;
    const s = lead.numbers[i];
    if (!s || s.e164 === null || !DIALABLE_STATUSES.has(s.status)) continue;
    if (!rules.retryDelaysEnabled || s.retryAt === null || s.retryAt <= now) return i;
  }
  return null;
}

/** What the order needs to know about a lead, computed once per upsert. */
export interface RankedLead {
  lead: Lead;
  readyAt: number;
}

export function comparePriority(a: RankedLead, b: RankedLead): number {
  const ta = a.lead.attemptCount === 0 ? 0 : 1;
  const tb = b.lead.attemptCount === 0 ? 0 : 1;
  if (ta !== tb) return ta - tb;
  if (ta === 1) {
    if (a.readyAt !== b.readyAt) return a.readyAt < b.readyAt ? -1 : 1;
    if (a.lead.attemptCount !== b.lead.attemptCount) return a.lead.attemptCount - b.lead.attemptCount;
  }
  if (a.lead.rowNumber !== b.lead.rowNumber) return a.lead.rowNumber - b.lead.rowNumber;
  return a.lead.rowId < b.lead.rowId ? -1 : a.lead.rowId > b.lead.rowId ? 1 : 0;
}
