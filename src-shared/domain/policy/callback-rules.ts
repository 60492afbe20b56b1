// The policy's callback half (docs/domain.md "Callbacks"). A lead with a scheduled callback leaves the
// normal order: until it is due it is held (nobody's pick takes it); once due it is offered FIRST, and
// only to its agent (or to anyone when CallbackAgent is blank), and only while the calling window of the
// number it will dial is open (a due callback outside the window waits). Due callbacks go oldest first,
// then by sheet row, then RowID.
//
// The number a callback dials: the one it was scheduled from when that is still CORRECT or open (the person
// asked to be called back there; the overlay keeps the slot, the sheet has no column for it), else the
// lead's CORRECT number, else the round-robin choice among its open numbers, retry delays ignored (the
// callback time replaces them).
// Either way its zone must be known (or the campaign's zone used, as for a pick). A callback that cannot
// be honoured (no such number, a call in progress on the lead) does not hold the lead: the normal rules
// apply to it as if there were no callback.
import type { CampaignRules } from '../campaign.js';
import { callbackIsFor } from '../callback.js';
import type { Lead } from '../lead.js';
import type { PlaceOf } from '../number-place.js';
import { DIALABLE_STATUSES, MAX_NUMBERS_PER_LEAD } from '../status.js';
import { hasWindow, type LeadPlace } from './lead-rules.js';

export interface CallbackPlan {
  /** When it is due (epoch ms). */
  at: number;
  /** Lower-case email it is held for; null = any agent. */
  agent: string | null;
  /** The slot it dials. */
  slot: number;
  /** Where that number rings (the window is judged there). */
  place: LeadPlace;
}

function placeOfSlot(lead: Lead, i: number, rules: CampaignRules, placeOf: PlaceOf): LeadPlace | null {
  const e164 = lead.numbers[i]?.e164;
  if (!e164) return null;
  const p = placeOf(e164);
  let zones: string[];
  if (lead.timeZone !== null) zones = [lead.timeZone];
  else if (p) zones = [...p.zones].sort();
  else if (rules.unknownTimeZone === 'CAMPAIGN_ZONE' || !hasWindow(rules)) zones = [rules.timeZone];
  else return null;
  const regions = p?.region ? [p.region] : [];
  return { zones, regions, unknownSlots: 0, key: `${zones.join('&')}|${regions.join('&')}` };
}

/** The callback as the policy applies it, or null when the lead has none or it cannot be honoured. */
export function callbackPlan(lead: Lead, rules: CampaignRules, placeOf: PlaceOf): CallbackPlan | null {
  const cb = lead.callback;
  if (!cb) return null;
  if (lead.numbers.some((s) => s.status === 'IN_PROGRESS')) return null;
  const candidates: number[] = [];
  const from = cb.slot === undefined ? undefined : lead.numbers[cb.slot];
  if (from && from.e164 !== null && (from.status === 'CORRECT' || DIALABLE_STATUSES.has(from.status)))
    candidates.push(from.index);
  for (const s of lead.numbers) if (s.status === 'CORRECT' && s.e164 !== null) candidates.push(s.index);
  for (let k = 0; k < MAX_NUMBERS_PER_LEAD; k++) {
    const i = (lead.nextIndex + k) % MAX_NUMBERS_PER_LEAD;
    const s = lead.numbers[i];
    if (s && s.e164 !== null && DIALABLE_STATUSES.has(s.status)) candidates.push(i);
  }
  for (const slot of candidates) {
    const place = placeOfSlot(lead, slot, rules, placeOf);
    if (place) return { at: cb.at, agent: cb.agent, slot, place };
  }
  return null;
}

/** May `agent` take this callback at all (theirs or anyone's)? */
export const planIsFor = (plan: CallbackPlan, agent: string | undefined): boolean =>
  callbackIsFor({ at: plan.at, agent: plan.agent }, agent);

/** Order among due callbacks: oldest due first, then sheet row, then RowID. */
export function compareCallbacks(
  a: { plan: CallbackPlan; lead: Lead },
  b: { plan: CallbackPlan; lead: Lead },
): number {
  if (a.plan.at !== b.plan.at) return a.plan.at - b.plan.at;
  if (a.lead.rowNumber !== b.lead.rowNumber) return a.lead.rowNumber - b.lead.rowNumber;
  return a.lead.rowId < b.lead.rowId ? -1 : a.lead.rowId > b.lead.rowId ? 1 : 0;
}
