// The naive reference policy: look at every lead on every pick. Used by the property tests (the index
// must always agree with it) and as the benchmark's baseline. Same rules, same order (lead-rules.ts).
import type { CampaignRules } from '../campaign.js';
import type { Lead } from '../lead.js';
import type { PlaceOf } from '../number-place.js';
import type { SessionState } from '../session.js';
import { type CallbackPlan, callbackPlan, compareCallbacks, planIsFor } from './callback-rules.js';
import {
  BLOCK_REASON_ORDER,
  type BlockReason,
  chooseNumber,
  comparePriority,
  type LeadPlace,
  leadPlace,
  leadReadyAt,
  type RankedLead,
  staticBlock,
} from './lead-rules.js';
import type { PolicyPick, PolicySummary } from './types.js';
import { placeInWindow, placeOpenFrom } from './window.js';

/** One window answer per place per scan (as the index does), so the scan baseline is not handicapped. */
function windowCache(rules: CampaignRules, now: number): (place: LeadPlace) => boolean {
  const cache = new Map<string, boolean>();
  return (place) => {
    let open = cache.get(place.key);
    if (open === undefined) {
      open = placeInWindow(rules, place, now);
      cache.set(place.key, open);
    }
    return open;
  };
}

type Verdict =
  | { dialable: true; readyAt: number; place: LeadPlace; cb: CallbackPlan | null }
  | { dialable: false; reason: BlockReason | 'IN_PROGRESS' | 'CLAIMED'; readyAt: number; place: LeadPlace };

function verdict(
  lead: Lead,
  rules: CampaignRules,
  placeOf: PlaceOf,
  now: number,
  claimed: ReadonlySet<string> | undefined,
  windowOf: (place: LeadPlace) => boolean,
  agent: string | undefined,
): Verdict {
  const cb = callbackPlan(lead, rules, placeOf);
  if (cb) {
    const place = cb.place;
    if (claimed?.has(lead.rowId) || !planIsFor(cb, agent))
      return { dialable: false, reason: 'CLAIMED', readyAt: cb.at, place };
    if (cb.at > now) return { dialable: false, reason: 'RETRY_PENDING', readyAt: cb.at, place };
    if (!windowOf(place)) return { dialable: false, reason: 'OUTSIDE_WINDOW', readyAt: cb.at, place };
    return { dialable: true, readyAt: cb.at, place, cb };
  }
  const place = leadPlace(lead, rules, placeOf);
  const readyAt = leadReadyAt(lead, rules, place.unknownSlots);
  const block = staticBlock(lead, rules, place.unknownSlots);
  if (block) return { dialable: false, reason: block, readyAt, place };
  if (claimed?.has(lead.rowId)) return { dialable: false, reason: 'CLAIMED', readyAt, place };
  if (!windowOf(place)) return { dialable: false, reason: 'OUTSIDE_WINDOW', readyAt, place };
  if (readyAt > now) return { dialable: false, reason: 'RETRY_PENDING', readyAt, place };
  return { dialable: true, readyAt, place, cb: null };
}

/** Summary by looking at every lead (the reference for PolicyIndex.summary). */
export function summarizeByScan(
  leads: readonly Lead[],
  rules: CampaignRules,
  placeOf: PlaceOf,
  now: number,
  claimed?: ReadonlySet<string>,
  agent?: string,
): PolicySummary {
  const windowOf = windowCache(rules, now);
  const counts = new Map<BlockReason, number>();
  let dialable = 0;
  let claimedCount = 0;
  let inProgress = 0;
  let next: number | null = null;
  for (const lead of leads) {
    const v = verdict(lead, rules, placeOf, now, claimed, windowOf, agent);
    if (v.dialable) {
      dialable++;
      next = now;
      continue;
    }
    if (v.reason === 'CLAIMED') claimedCount++;
    else if (v.reason === 'IN_PROGRESS') inProgress++;
    else counts.set(v.reason, (counts.get(v.reason) ?? 0) + 1);
    if (v.reason === 'OUTSIDE_WINDOW' || v.reason === 'RETRY_PENDING') {
      const at = placeOpenFrom(rules, v.place, Math.max(v.readyAt, now));
      if (at !== null && (next === null || at < next)) next = at;
    }
  }
  const reasons = BLOCK_REASON_ORDER.filter((r) => (counts.get(r) ?? 0) > 0).map((r) => ({
    reason: r,
    leads: counts.get(r) ?? 0,
  }));
  return { dialable, reasons, nextDialableAt: next, claimed: claimedCount, inProgress };
}

/** Picks by looking at every lead: O(n) per pick. */
export function pickByScan(
  leads: readonly Lead[],
  rules: CampaignRules,
  placeOf: PlaceOf,
  input: { sessionState: SessionState; now: number; agent?: string | undefined },
  claimed?: ReadonlySet<string>,
): PolicyPick {
  if (input.sessionState !== 'PLAY') return { kind: 'none', reason: 'NOT_PLAYING' };
  const { now } = input;
  const windowOf = windowCache(rules, now);
  let best: (RankedLead & { unknownSlots: number }) | null = null;
  let due: { lead: Lead; plan: CallbackPlan } | null = null;
  for (const lead of leads) {
    const v = verdict(lead, rules, placeOf, now, claimed, windowOf, input.agent);
    if (!v.dialable) continue;
    if (v.cb) {
      const c = { lead, plan: v.cb };
      if (due === null || compareCallbacks(c, due) < 0) due = c;
      continue;
    }
    const ranked = { lead, readyAt: v.readyAt, unknownSlots: v.place.unknownSlots };
    if (best === null || comparePriority(ranked, best) < 0) best = ranked;
  }
  if (due) return { kind: 'pick', lead: due.lead, numberIndex: due.plan.slot };
  if (best) {
    const numberIndex = chooseNumber(best.lead, rules, now, best.unknownSlots);
    if (numberIndex !== null) return { kind: 'pick', lead: best.lead, numberIndex };
  }
  const s = summarizeByScan(leads, rules, placeOf, now, claimed, input.agent);
  return { kind: 'none', reason: 'NOTHING_DIALABLE', reasons: s.reasons, nextDialableAt: s.nextDialableAt };
}
