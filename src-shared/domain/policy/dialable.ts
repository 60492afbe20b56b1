// One lead, one number, now: may it still be dialed? The same rules as a pick (lead-rules.ts, window.ts),
// for a preview that sat for a while (countdown, PAUSE) while the lead, the clock or the window moved.
import type { CampaignRules } from '../campaign.js';
import type { Lead } from '../lead.js';
import type { PlaceOf } from '../number-place.js';
import { chooseNumber, leadPlace, staticBlock } from './lead-rules.js';
import { placeInWindow } from './window.js';

export function numberDialableNow(
  lead: Lead,
  numberIndex: number,
  rules: CampaignRules,
  placeOf: PlaceOf,
  now: number,
): boolean {
  const place = leadPlace(lead, rules, placeOf);
  return (
    staticBlock(lead, rules, place.unknownSlots) === null &&
    chooseNumber(lead, rules, now, place.unknownSlots) === numberIndex &&
    placeInWindow(rules, place, now)
  );
}
