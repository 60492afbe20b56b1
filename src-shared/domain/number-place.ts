// Where a phone number rings: its IANA time zones and its region (US state, Canadian province, or
// country), read from Google's libphonenumber data, which the server loads and passes in as plain prefix
// tables (src-shared stays pure: no files, no clock). Zones are judged at the precision the data has: an
// area code that spans zones gives all of them (the window must hold in all); a number known only by its
// country code is undetermined (null) when that country's zones keep different clocks (+1, +7, +61…),
// and determined when they all keep the same clock (+44: London, Jersey, Guernsey, Isle of Man).
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { evaluateCallingWindow, isValidTimeZone } from './calling-window.js';

export interface NumberPlace {
  /** IANA zones the number may ring in, sorted, at least one. */
  zones: readonly string[];
  /** "US-CA", "CA-ON", or the country "GB"; null when not known. */
  region: string | null;
}

/** The place of an E.164 number; null when its time zone cannot be told. */
export type PlaceOf = (e164: string) => NumberPlace | null;

export interface PhonePlaceData {
  /** libphonenumber's time-zone map: E.164 digits prefix (no "+") → IANA zones joined with "&". */
  zones: Readonly<Record<string, string>>;
  /** E.164 digits prefix → region code ("1212" → "US-NY"), from libphonenumber's geocoding data. */
  regions: Readonly<Record<string, string>>;
}

/** No data: every number's zone is unknown (only TimeZone cells, or CAMPAIGN_ZONE, place a lead). */
export const NO_PLACES: PlaceOf = () => null;

// Two instants half a year apart: zones with the same local clock at both never differ (DST included).
const PROBES = [Date.UTC(2026, 0, 15, 12), Date.UTC(2026, 6, 15, 12)];
const sameClock = (zones: readonly string[]) =>
  PROBES.every((at) => {
    const clocks = zones.map((z) => {
      const w = evaluateCallingWindow(null, z, at);
      return `${w.localDate} ${w.localTime}`;
    });
    return clocks.every((c) => c === clocks[0]);
  });

function longestPrefix(table: Readonly<Record<string, string>>, digits: string, maxLen: number) {
  for (let n = Math.min(digits.length, maxLen); n > 0; n--) {
    const key = digits.slice(0, n);
    const v = Object.hasOwn(table, key) ? table[key] : undefined;
    if (v !== undefined) return { key, value: v };
  }
  return null;
}

const MEMO_LIMIT = 200_000;

/** A PlaceOf over the data, memoised per prefix: the answer depends only on the longest keys of the
 *  tables (9 digits in libphonenumber's), so every number sharing those digits shares it. */
export function placeLookup(data: PhonePlaceData): PlaceOf {
  const maxZoneKey = Math.max(0, ...Object.keys(data.zones).map((k) => k.length));
  const maxRegionKey = Math.max(0, ...Object.keys(data.regions).map((k) => k.length));
  const prefixChars = 1 + Math.max(maxZoneKey, maxRegionKey);
  const memo = new Map<string, NumberPlace | null>();
  const sameClockMemo = new Map<string, boolean>();
  return (e164) => {
    const key = e164.slice(0, prefixChars);
    const known = memo.get(key);
    if (known !== undefined) return known;
    const place = lookup(e164);
    if (memo.size >= MEMO_LIMIT) memo.clear();
    memo.set(key, place);
    return place;
  };

  function lookup(e164: string): NumberPlace | null {
    const parsed = parsePhoneNumberFromString(e164);
    if (!parsed || !/^\+\d+$/.test(e164)) return null;
    const digits = e164.slice(1);
    const hit = longestPrefix(data.zones, digits, maxZoneKey);
    if (!hit) return null;
    const zones = [...new Set(hit.value.split('&'))].filter(isValidTimeZone).sort();
    if (zones.length === 0) return null;
    if (hit.key === parsed.countryCallingCode && zones.length > 1) {
      let same = sameClockMemo.get(hit.key);
      if (same === undefined) {
        same = sameClock(zones);
        sameClockMemo.set(hit.key, same);
      }
      if (!same) return null;
    }
    const region = longestPrefix(data.regions, digits, maxRegionKey)?.value ?? parsed.country ?? null;
    return { zones, region };
  }
}
