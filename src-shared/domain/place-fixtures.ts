// Phone-place data for tests and benches: a few rows copied from libphonenumber's time-zone and geocoding
// maps (the server loads the full maps, server/src/compliance/phone-places.ts), so pure tests can place
// numbers in several US zones, abroad, across an area code that spans two zones, and not at all.
import { type PhonePlaceData, placeLookup } from './number-place.js';

export const TEST_PLACE_DATA: PhonePlaceData = {
  zones: {
    '1': 'America/Chicago&America/Denver&America/Los_Angeles&America/New_York&Pacific/Honolulu',
    '1212': 'America/New_York',
    '1213': 'America/Los_Angeles',
    '1312': 'America/Chicago',
    '1605': 'America/Denver&America/North_Dakota/Center',
    '1808': 'Pacific/Honolulu',
    '1907': 'America/Adak&America/Anchorage',
    '44': 'Europe/Guernsey&Europe/Isle_of_Man&Europe/Jersey&Europe/London',
    '61': 'Australia/Adelaide&Australia/Brisbane&Australia/Perth&Australia/Sydney',
    '612': 'Australia/Sydney',
    '91': 'Asia/Calcutta',
  },
  regions: {
    '1212': 'US-NY',
    '1213': 'US-CA',
    '1312': 'US-IL',
    '1605': 'US-SD',
    '1808': 'US-HI',
    '1907': 'US-AK',
  },
};

/** Places numbers with TEST_PLACE_DATA (+1 800… is placed nowhere: the +1 zones keep different clocks). */
export const TEST_PLACES = placeLookup(TEST_PLACE_DATA);

/** Valid numbers, one per place of TEST_PLACE_DATA, plus one whose zone is unknown. */
export const PLACED_NUMBERS = {
  newYork: '+12125550123',
  losAngeles: '+12135550123',
  chicago: '+13125550123',
  southDakota: '+16055550123',
  honolulu: '+18085550123',
  alaska: '+19075550123',
  london: '+442079460958',
  sydney: '+61291234567',
  india: '+919876543210',
  tollFree: '+18005550123',
} as const;
