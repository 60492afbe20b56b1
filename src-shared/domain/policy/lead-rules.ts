// The per-lead half of the policy, shared by the index (policy-index.ts) and the naive scan (scan.ts) so
// both apply exactly the same rules and the same order.
//
// A lead is dialable now when: the session is PLAY; it is not claimed by another session; it has no
// CORRECT number; AttemptCount < maxAttempts; no number is IN_PROGRESS (a call is on it); it is inside
// the calling window in every zone its open numbers ring in (leadPlace: the TimeZone cell, else each
// number's zones from the phone data, else the campaign's zone if the campaign allows it; a number of
// unknown zone is left out); and some open number (valid E.164, NEW/VOICEMAIL/NO_ANSWER, zone known) is
// ready (retryAt null or ≤ now, or retry delays disabled). The number dialed is the first ready open one
// at or after NextIndex, wrapping (round robin).
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
// UNKNOWN_TIMEZONE (open numbers, but none of known zone), CLAIMED, OUTSIDE_WINDOW, RETRY_PENDING.
import type { CampaignRules } from '../campaign.js';
import type { Lead } from '../lead.js';
import type { PlaceOf } from '../number-place.js';
import { DIALABLE_STATUSES, MAX_NUMBERS_PER_LEAD, type SkipReason } from '../status.js';

/** Reasons that depend on the lead alone (not on time, window or claims). */
export type StaticBlock =
  | 'SIBLING_CORRECT'
  | 'DO_NOT_CALL'
  | 'MAX_ATTEMPTS'
  | 'IN_PROGRESS'
  | 'NO_OPEN_NUMBERS'
  | 'UNKNOWN_TIMEZONE';

/** The reasons counted in a "nothing to dial" summary (the NothingToDial contract's set). */
export type BlockReason = SkipReason | 'NO_OPEN_NUMBERS';

/** Summary order of reasons (stable output). */
export const BLOCK_REASON_ORDER: readonly BlockReason[] = [
  'SIBLING_CORRECT',
  'DO_NOT_CALL',
  'MAX_ATTEMPTS',
  'NO_OPEN_NUMBERS',
  'UNKNOWN_TIMEZONE',
  'OUTSIDE_WINDOW',
  'RETRY_PENDING',
];

/** Where a lead is judged: the zones its open numbers ring in, their regions, and the open slots left out
 *  because their zone is unknown. Computed once per upsert. */
export interface LeadPlace {
  /** Sorted, distinct. The window must hold in every one of them. Empty when no open number is placed. */
  zones: readonly string[];
  /** Sorted, distinct ("US-CA", "GB"): the regions whose stricter hours apply. */
  regions: readonly string[];
  /** Bit i set: slot i is open but its zone is unknown, so it is never dialed. */
  unknownSlots: number;
  /** zones and regions as one string: leads with the same key share every window answer. */
  key: string;
}

const isOpen = (lead: Lead, i: number) => {
  const s = lead.numbers[i];
  return s !== undefined && s.e164 !== null && DIALABLE_STATUSES.has(s.status);
};

/** A campaign with no calling hours, holidays or region rules dials any time: zones do not matter. */
export const hasWindow = (rules: CampaignRules): boolean =>
  rules.callingHours !== null || (rules.holidays?.length ?? 0) > 0 || (rules.regionHours?.length ?? 0) > 0;

export function leadPlace(lead: Lead, rules: CampaignRules, placeOf: PlaceOf): LeadPlace {
  const windowed = hasWindow(rules);
  const zones = new Set<string>();
  const regions = new Set<string>();
  let unknownSlots = 0;
  if (lead.timeZone !== null) zones.add(lead.timeZone);
  for (let i = 0; i < MAX_NUMBERS_PER_LEAD; i++) {
    const e164 = lead.numbers[i]?.e164;
    if (!isOpen(lead, i) || !e164) continue;
    const place = placeOf(e164);
    if (place?.region) regions.add(place.region);
    if (lead.timeZone !== null) continue; // the TimeZone cell says where the lead is
    if (place) for (const z of place.zones) zones.add(z);
    else if (rules.unknownTimeZone === 'CAMPAIGN_ZONE' || !windowed) zones.add(rules.timeZone);
    else unknownSlots |= 1 << i;
  }
  const z = [...zones].sort();
  const r = [...regions].sort();
  return { zones: z, regions: r, unknownSlots, key: `${z.join('&')}|${r.join('&')}` };
}

/** Whether leadPlace would answer the same for both leads (same TimeZone cell, the same numbers open in the
 *  same slots): an upsert of a lead whose call only changed statuses among open ones, its attempt count or
 *  retry times keeps the place it had, without building its sets and key again. */
export function samePlaceInputs(a: Lead, b: Lead): boolean {
  if (a.timeZone !== b.timeZone) return false;
  for (let i = 0; i < MAX_NUMBERS_PER_LEAD; i++) {
    const open = isOpen(a, i);
    if (open !== isOpen(b, i)) return false;
    if (open && a.numbers[i]?.e164 !== b.numbers[i]?.e164) return false;
  }
  return true;
}

export function staticBlock(lead: Lead, rules: CampaignRules, unknownSlots = 0): StaticBlock | null {
  let open = false;
  let placed = false;
  let inProgress = false;
  let dnc = false;
  for (const s of lead.numbers) {
    if (s.status === 'CORRECT') return 'SIBLING_CORRECT';
    if (s.status === 'IN_PROGRESS') inProgress = true;
    if (s.skipReason === 'DO_NOT_CALL') dnc = true;
    if (s.e164 !== null && DIALABLE_STATUSES.has(s.status)) {
      open = true;
      if ((unknownSlots & (1 << s.index)) === 0) placed = true;
    }
  }
  if (!open && dnc) return 'DO_NOT_CALL';
  if (lead.attemptCount >= rules.maxAttempts) return 'MAX_ATTEMPTS';
  if (inProgress) return 'IN_PROGRESS';
  if (!open) return 'NO_OPEN_NUMBERS';
  if (!placed) return 'UNKNOWN_TIMEZONE';
  return null;
}

/** Earliest moment one of the lead's open, placed numbers may be dialed (-Infinity = now). */
export function leadReadyAt(lead: Lead, rules: CampaignRules, unknownSlots = 0): number {
  if (!rules.retryDelaysEnabled) return Number.NEGATIVE_INFINITY;
  let at = Number.POSITIVE_INFINITY;
  for (const s of lead.numbers) {
    if (s.e164 === null || !DIALABLE_STATUSES.has(s.status)) continue;
    if ((unknownSlots & (1 << s.index)) !== 0) continue;
    const r = s.retryAt ?? Number.NEGATIVE_INFINITY;
    if (r < at) at = r;
  }
  return at;
}

/** The slot round robin dials now: the first open, placed, ready slot at or after NextIndex (wrapping). */
export function chooseNumber(lead: Lead, rules: CampaignRules, now: number, unknownSlots = 0): number | null {
  for (let k = 0; k < MAX_NUMBERS_PER_LEAD; k++) {
    const i = (lead.nextIndex + k) % MAX_NUMBERS_PER_LEAD;
    const s = lead.numbers[i];
    if (!s || s.e164 === null || !DIALABLE_STATUSES.has(s.status)) continue;
    if ((unknownSlots & (1 << i)) !== 0) continue;
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
