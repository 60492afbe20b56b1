// sameJson decides whether a rebuild changed a lead (TabRefreshReport.changedLeads): it must agree with
// comparing the two JSON.stringify renderings, which it replaced (key order aside). changedLeadsOf decides
// whether a refresh merges only the changed leads or rebuilds the index.
import { describe, expect, it } from 'vitest';
import { makeLead } from '../../../src-shared/domain/lead-fixtures.js';
import type { AgentTab } from '../ports.js';
import { changedLeadsOf, sameJson } from './tab-cache.js';

describe('changedLeadsOf', () => {
  const lead = (rowId: string, rowNumber: number) => makeLead({ rowId, rowNumber });
  const tab = (leads: AgentTab['leads']): AgentTab => ({
    spreadsheetId: 's',
    sheetId: 1,
    tabTitle: 't',
    leads,
    rowErrors: [],
  });
  const a = lead('A', 2);
  const b = lead('B', 3);
  const c = lead('C', 4);

  it('names the leads that are new objects on the same rows', () => {
    const b2 = { ...b, notes: 'edited' };
    expect([...(changedLeadsOf(tab([a, b, c]), tab([a, b2, c])) ?? [])]).toEqual([['B', b2]]);
    expect(changedLeadsOf(tab([a, b]), tab([a, b]))?.size).toBe(0);
  });

  it('refuses (null: rebuild) when rows were added, removed or moved', () => {
    expect(changedLeadsOf(tab([a, b]), tab([a, b, c]))).toBeNull();
    expect(changedLeadsOf(tab([a, b, c]), tab([a, c]))).toBeNull();
    expect(changedLeadsOf(tab([a, b]), tab([a, { ...b, rowNumber: 5 }]))).toBeNull();
    expect(changedLeadsOf(tab([a, b]), tab([b, a]))).toBeNull();
  });
});

const viaJson = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

describe('sameJson', () => {
  it('agrees with comparing JSON renderings on leads and their edits', () => {
    const lead = makeLead({ rowNumber: 2 });
    const edits: unknown[] = [
      { ...lead },
      { ...lead, notes: 'called back' },
      { ...lead, attemptCount: lead.attemptCount + 1 },
      { ...lead, numbers: lead.numbers.map((n, i) => (i === 0 ? { ...n, status: 'WRONG' } : n)) },
      { ...lead, numbers: lead.numbers.slice(1) },
      { ...lead, extra: [{ header: 'Company', value: 'Acme' }] },
      { ...lead, timeZone: undefined },
      { ...lead, unknownField: undefined },
      { ...lead, numbers: [...lead.numbers, undefined] },
    ];
    for (const e of edits) expect([e, sameJson(lead, e)]).toEqual([e, viaJson(lead, e)]);
  });

  it('tells scalars, nulls, arrays and objects apart', () => {
    const pairs: [unknown, unknown][] = [
      [1, '1'],
      [null, {}],
      [[], {}],
      [
        [1, 2],
        [1, 2],
      ],
      [{ a: [1, { b: null }] }, { a: [1, { b: null }] }],
      [{ a: 1 }, { a: 1, b: 2 }],
      [[undefined], [null]],
    ];
    for (const [a, b] of pairs) expect([a, b, sameJson(a, b)]).toEqual([a, b, viaJson(a, b)]);
    // Unlike the strings, key order does not matter: same content, same lead.
    expect(sameJson({ a: 1, b: 2 }, { b: 2, a: 1 })).toBe(true);
  });
});
