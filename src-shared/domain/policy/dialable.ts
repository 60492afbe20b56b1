// One lead, one number, now: may it still be dialed? The same rules as a pick (lead-rules.ts, window.ts),
// (a callback: its own number, due, held for this agent), for a preview that sat for a while (countdown, PAUSE) while the lead, the clock or the window moved.
import type { CampaignRules } from '../campaign.js';
import type { Lead } from '../lead.js';
import type { PlaceOf } from '../number-place.js';
import { callbackPlan, planIsFor } from './callback-rules.js';
import { chooseNumber, leadPlace, staticBlock } from './lead-rules.js';
import { placeInWindow } from './window.js';

export function numberDialableNow(
  lead: Lead,
  numberIndex: number,
  rules: CampaignRules,
  placeOf: PlaceOf,
  now: number,
  agent?: string,
): boolean {
  const cb = callbackPlan(lead, rules, placeOf);
  if (cb)
    return (
      cb.slot === numberIndex && cb.at <= now && planIsFor(cb, agent) && placeInWindow(rules, cb.place, now)
    );
  const place = leadPlace(lead, rules, placeOf);
  return (
    staticBlock(lead, rules, place.unknownSlots) === null &&
    chooseNumber(lead, rules, now, place.unknownSlots) === numberIndex &&
    placeInWindow(rules, place, now)
  );
}
