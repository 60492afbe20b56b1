// The window the agent sees for the number on screen (service/views.ts windowView), with the real phone data.
import { describe, expect, it } from 'vitest';
import { DEFAULT_CAMPAIGN_RULES } from '../../../src-shared/domain/campaign.js';
import { makeLead } from '../../../src-shared/domain/lead-fixtures.js';
import { windowView } from '../service/views.js';

// Wed 2026-11-25 18:30Z: 10:30 in Los Angeles, 08:30 Adak / 09:30 Anchorage, 05:30 Thursday in Sydney.
const AT = Date.parse('2026-11-25T18:30:00Z');

describe('windowView', () => {
  it("shows the number's zone, region and window", () => {
    const lead = makeLead({ numbers: [{ e164: '+13105550123' }] });
    expect(windowView(lead, 0, DEFAULT_CAMPAIGN_RULES, AT)).toEqual({
      inWindow: true,
      timeZone: 'America/Los_Angeles',
      localTime: '10:30',
      hours: 'Mon–Fri 08:00–21:00, Sat, Sun 09:00–20:00',
      zones: [{ timeZone: 'America/Los_Angeles', abbreviation: 'PST', localTime: '10:30', inWindow: true }],
      source: 'PHONE',
      region: 'US-CA',
      rules: [],
      holiday: false,
      nextOpenAt: null,
    });
  });

  it('lists both Alaska zones, applies the region rule, and says when a closed window opens', () => {
    const rules = {
      ...DEFAULT_CAMPAIGN_RULES,
      regionHours: [{ regions: ['US-AK'], hours: { start: '09:00', end: '20:00', days: [1, 2, 3, 4, 5] } }],
    };
    const w = windowView(makeLead({ numbers: [{ e164: '+19075550123' }] }), 0, rules, AT);
    expect(w.zones.map((z) => [z.timeZone, z.localTime, z.inWindow])).toEqual([
      ['America/Adak', '08:30', false],
      ['America/Anchorage', '09:30', true],
    ]);
    expect(w).toMatchObject({ inWindow: false, region: 'US-AK', rules: ['US-AK Mon–Fri 09:00–20:00'] });
    expect(w.nextOpenAt).toBe(Date.parse('2026-11-25T19:00:00Z'));
    // A TimeZone cell wins over the number.
    expect(windowView(makeLead({ timeZone: 'Australia/Sydney' }), 0, rules, AT)).toMatchObject({
      source: 'SHEET',
      inWindow: false,
      timeZone: 'Australia/Sydney',
    });
  });
});
