import { describe, expect, it } from 'vitest';
import { chooseCallerId } from './caller-id.js';
import { placeLookup } from './number-place.js';
import { TEST_PLACE_DATA } from './place-fixtures.js';

// The test data plus a second Los Angeles-zone area code in another state (Seattle, 206) and Chicago's 773.
const places = placeLookup({
  zones: { ...TEST_PLACE_DATA.zones, '1206': 'America/Los_Angeles', '1773': 'America/Chicago' },
  regions: { ...TEST_PLACE_DATA.regions, '1206': 'US-WA', '1773': 'US-IL' },
});
const IDS = ['+12125550100', '+12135550100', '+13125550100', '+12065550100', '+442079460100'];

describe('chooseCallerId (local presence)', () => {
  it.each([
    ['same area code', '+12135550199', '+12135550100', 'AREA_CODE'],
    ['same state, other area code (Chicago 773 → 312)', '+17735550199', '+13125550100', 'REGION'],
    ['same country abroad (London)', '+442079460999', '+442079460100', 'REGION'],
    ['Honolulu: no caller ID in Hawaii or its zone → default', '+18085550199', '+12125550100', 'DEFAULT'],
    ['unknown zone (toll-free) → default', '+18005550199', '+12125550100', 'DEFAULT'],
    ['Sydney: nothing close → default', '+61291234567', '+12125550100', 'DEFAULT'],
  ])('%s', (_label, lead, callerId, match) => {
    expect(chooseCallerId(IDS, lead, places)).toEqual({ callerId, match });
  });

  it('takes a shared time zone when no area code or region matches', () => {
    // Seattle's number is in Washington but shares Pacific time with a Los Angeles lead once 213 is gone.
    const ids = ['+12125550100', '+12065550100'];
    expect(chooseCallerId(ids, '+12135550199', places)).toEqual({ callerId: '+12065550100', match: 'ZONE' });
  });

  it('prefers the earlier number on a tie, and says nothing without caller IDs', () => {
    expect(chooseCallerId(['+12125550100', '+12125550111'], '+12125550199', places)?.callerId).toBe(
      '+12125550100',
    );
    expect(chooseCallerId(undefined, '+12125550199', places)).toBeNull();
    expect(chooseCallerId([], '+12125550199', places)).toBeNull();
  });
});
