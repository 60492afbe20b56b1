// sameJson decides whether a rebuild changed a lead (TabRefreshReport.changedLeads): it must agree with
// comparing the two JSON.stringify renderings, which it replaced (key order aside).
import { describe, expect, it } from 'vitest';
import { makeLead } from '../../../src-shared/domain/lead-fixtures.js';
import { sameJson } from './tab-cache.js';

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
