// Local presence: which of a campaign's outbound caller IDs (its Dialpad numbers) a call goes out with.
// The closest to the lead wins: the same area code (North America: +1 NPA), else the same region (US
// state, Canadian province, or country), else a shared time zone, else the default (the first listed).
// Ties go to the earlier number in the list, so the choice is deterministic. Pure: places come in through
// PlaceOf (number-place.ts).
import type { PlaceOf } from './number-place.js';

export type CallerIdMatch = 'AREA_CODE' | 'REGION' | 'ZONE' | 'DEFAULT';

export interface CallerIdChoice {
  callerId: string;
  match: CallerIdMatch;
}

/** "+1415…" → "+1415"; null outside North America (+1), where "area code" has no one shape. */
const npaOf = (e164: string): string | null => (/^\+1\d{10}$/.test(e164) ? e164.slice(0, 5) : null);

export function chooseCallerId(
  callerIds: readonly string[] | undefined,
  leadE164: string,
  placeOf: PlaceOf,
): CallerIdChoice | null {
  const first = callerIds?.[0];
  if (!callerIds || first === undefined) return null;
  const npa = npaOf(leadE164);
  if (npa) {
    const same = callerIds.find((c) => npaOf(c) === npa);
    if (same) return { callerId: same, match: 'AREA_CODE' };
  }
  const lead = placeOf(leadE164);
  if (lead) {
    const places = callerIds.map((c) => ({ c, place: placeOf(c) }));
    const region = lead.region && places.find((p) => p.place?.region === lead.region);
    if (region) return { callerId: region.c, match: 'REGION' };
    const zone = places.find((p) => p.place?.zones.some((z) => lead.zones.includes(z)));
    if (zone) return { callerId: zone.c, match: 'ZONE' };
  }
  return { callerId: first, match: 'DEFAULT' };
}
