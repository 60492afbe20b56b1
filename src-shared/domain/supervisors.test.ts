// The Supervisors tab codec: header checked by name, bad rows skipped with the column, campaigns matched
// case-insensitively, `*` for every campaign.
import { describe, expect, it } from 'vitest';
import { campaignsOf, parseSupervisorRows, supervisesCampaign } from './supervisors.js';

describe('Supervisors tab', () => {
  it('reads rows, skips bad ones with their column, keeps inactive ones marked', () => {
    const { entries, rowErrors } = parseSupervisorRows([
      ['Email', 'Campaigns', 'Active'],
      ['Maya@Example.com', '*', 'TRUE'],
      ['omar@example.com', 'Roof Renewals; Spring Solar', 'yes'],
      [],
      ['nobody', 'X', 'TRUE'],
      ['lee@example.com', '', 'TRUE'],
      ['kim@example.com', 'X', 'maybe'],
      ['maya@example.com', 'X', 'TRUE'],
      ['old@example.com', 'X', 'FALSE'],
    ]);
    expect(entries).toEqual([
      { email: 'maya@example.com', campaigns: ['*'], active: true },
      { email: 'omar@example.com', campaigns: ['Roof Renewals', 'Spring Solar'], active: true },
      { email: 'old@example.com', campaigns: ['X'], active: false },
    ]);
    expect(rowErrors.map((e) => [e.row, e.column])).toEqual([
      [5, 'A'],
      [6, 'B'],
      [7, 'C'],
      [8, 'A'],
    ]);
  });

  it('refuses a wrong header, naming the column', () => {
    expect(() => parseSupervisorRows([['Email', 'Campaign list', 'Active']])).toThrow(/column B/);
  });

  it('matches campaigns case-insensitively; * covers all', () => {
    expect(supervisesCampaign(['roof renewals'], 'Roof Renewals')).toBe(true);
    expect(supervisesCampaign(['Roof Renewals'], 'Spring Solar')).toBe(false);
    expect(campaignsOf(['*'], ['B', 'A', 'B'])).toEqual(['A', 'B']);
  });
});
