// The naive reference policy: look at every lead on every pick. Used by the property tests (the index
// must always agree with it) and as the benchmark's baseline. Same rules, same order (lead-rules.ts).
import type { CampaignRules } from '../campaign.js';
import type { Lead } from '../lead.js';
import type { SessionState } from '../session.js';
import {
  BLOCK_REASON_ORDER,
  type BlockReason,
  chooseNumber,
  comparePriority,
  leadReadyAt,
  leadZone,
  type RankedLead,
  staticBlock,
} from './lead-rules.js';
import type { PolicyPick, PolicySummary } from './types.js';
import { zoneInWindow, zoneOpenFrom } from './window.js';

type Verdict =
  | { dialable: true; readyAt: number }
  | { dialable: false; reason: BlockReason | 'IN_PROGRESS' | 'CLAIMED'; readyAt: number; zone: string };

function verdict(
  lead: Lead,
  rules: CampaignRules,
  now: number,
  claimed: ReadonlySet<string> | undefined,
  windowOf: (zone: string) => boolean,
): Verdict {
  const zone = leadZone(lead, rules);
  const readyAt = leadReadyAt(lead, rules);
  const block = staticBlock(lead, rules);
  if (block) return { dialable: false, reason: block, readyAt, zone };
  if (claimed?.has(lead.rowId)) return { dialable: false, reason: 'CLAIMED', readyAt, zone };
  if (!windowOf(zone)) return { dialable: false, reason: 'OUTSIDE_WINDOW', readyAt, zone };
  if (readyAt > now) return { dialable: false, reason: 'RETRY_PENDING', readyAt, zone };
  return { dialable: true, readyAt };
}

function windowCache(rules: CampaignRules, now: number): (zone: string) => boolean {
  const cache = new Map<string, boolean>();
  return (zone) => {
    let open = cache.get(zone);
    if (open === undefined) {
      open = zoneInWindow(rules.callingHours, zone, now);
      cache.set(zone, open);
    }
    return open;
  };
}

/** Summary by looking at every lead (the reference for PolicyIndex.summary). */
export function summarizeByScan(
  leads: readonly Lead[],
  rules: CampaignRules,
  now: number,
  claimed?: ReadonlySet<string>,
): PolicySummary {
  const windowOf = windowCache(rules, now);
  const counts = new Map<BlockReason, number>();
  let dialable = 0;
  let claimedCount = 0;
  let inProgress = 0;
  let next: number | null = null;
  for (const lead of leads) {
    const v = verdict(lead, rules, now, claimed, windowOf);
    if (v.dialable) {
      dialable++;
      next = now;
      continue;
    }
    if (v.reason === 'CLAIMED') claimedCount++;
    else if (v.reason === 'IN_PROGRESS') inProgress++;
    else counts.set(v.reason, (counts.get(v.reason) ?? 0) + 1);
    if (v.reason === 'OUTSIDE_WINDOW' || v.reason === 'RETRY_PENDING') {
      const at = zoneOpenFrom(rules.callingHours, v.zone, Math.max(v.readyAt, now));
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
  input: { sessionState: SessionState; now: number },
  claimed?: ReadonlySet<string>,
): PolicyPick {
  if (input.sessionState !== 'PLAY') return { kind: 'none', reason: 'NOT_PLAYING' };
  const { now } = input;
  const windowOf = windowCache(rules, now);
  let best: RankedLead | null = null;
  for (const lead of leads) {
    const v = verdict(lead, rules, now, claimed, windowOf);
    if (!v.dialable) continue;
    const ranked = { lead, readyAt: v.readyAt };
    if (best === null || comparePriority(ranked, best) < 0) best = ranked;
  }
  if (best) {
    const numberIndex = chooseNumber(best.lead, rules, now);
    if (numberIndex !== null) return { kind: 'pick', lead: best.lead, numberIndex };
  }
  const s = summarizeByScan(leads, rules, now, claimed);
  return { kind: 'none', reason: 'NOTHING_DIALABLE', reasons: s.reasons, nextDialableAt: s.nextDialableAt };
}
