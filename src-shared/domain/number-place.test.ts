import { describe, expect, it } from 'vitest';
import { NO_PLACES, placeLookup } from './number-place.js';
import { PLACED_NUMBERS as N, TEST_PLACE_DATA, TEST_PLACES } from './place-fixtures.js';

describe('placeLookup (libphonenumber time-zone and geocoding prefixes)', () => {
  it('places a number by its longest matching prefix, with its region', () => {
    expect(TEST_PLACES(N.newYork)).toEqual({ zones: ['America/New_York'], region: 'US-NY' });
    expect(TEST_PLACES(N.honolulu)).toEqual({ zones: ['Pacific/Honolulu'], region: 'US-HI' });
    expect(TEST_PLACES(N.sydney)).toEqual({ zones: ['Australia/Sydney'], region: 'AU' });
    expect(TEST_PLACES(N.india)).toEqual({ zones: ['Asia/Calcutta'], region: 'IN' });
  });

  it('gives every zone of an area code that spans several', () => {
    expect(TEST_PLACES(N.alaska)).toEqual({ zones: ['America/Adak', 'America/Anchorage'], region: 'US-AK' });
    expect(TEST_PLACES(N.southDakota)?.zones).toEqual(['America/Denver', 'America/North_Dakota/Center']);
  });

  it('accepts a country-wide answer only when its zones keep the same clock all year', () => {
    // +44: London, Jersey, Guernsey, Isle of Man always agree.
    expect(TEST_PLACES(N.london)).toEqual({
      zones: ['Europe/Guernsey', 'Europe/Isle_of_Man', 'Europe/Jersey', 'Europe/London'],
      region: 'GB',
    });
    // +1 800: only the country code matches, and +1 spans many clocks: undetermined.
    expect(TEST_PLACES(N.tollFree)).toBeNull();
    // +61 with no area match: Perth and Sydney differ.
    expect(TEST_PLACES('+61891234567')).toBeNull();
  });

  it('places nothing without data, and drops zone names this runtime does not know', () => {
    expect(NO_PLACES(N.newYork)).toBeNull();
    const lookup = placeLookup({
      zones: { '1212': 'Moon/Base&America/New_York', '1213': 'Moon/Base' },
      regions: {},
    });
    expect(lookup(N.newYork)).toEqual({ zones: ['America/New_York'], region: 'US' });
    expect(lookup(N.losAngeles)).toBeNull();
    expect(placeLookup(TEST_PLACE_DATA)('not a number')).toBeNull();
  });
});
