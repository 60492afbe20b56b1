import { describe, expect, it } from 'vitest';
import { DomainError } from './errors.js';
import { makeLead } from './lead-fixtures.js';
import {
  a1,
  a1Range,
  AGENT_TAB_HEADER,
  columnLetter,
  encodeStatus,
  leadToCells,
  parseAgentRows,
  parseRouterRows,
  parseStatus,
  ROUTER_HEADER,
  validateAgentHeader,
} from './sheet-codec.js';

const H = [...AGENT_TAB_HEADER];
/** An agent row from a few named cells (everything else blank), like a person would type it. */
function row(cells: Record<string, string>): string[] {
  const out = H.map((name) => cells[name] ?? '');
  // Sheets drops trailing empty cells: emulate the ragged rows it returns.
  while (out.length > 0 && out[out.length - 1] === '') out.pop();
  return out;
}

describe('A1 addressing', () => {
  it('names columns', () => {
    expect([0, 1, 11, 12, 25, 26, 27, 51, 52, 701, 702].map(columnLetter)).toEqual([
      'A',
      'B',
      'L',
      'M',
      'Z',
      'AA',
      'AB',
      'AZ',
      'BA',
      'ZZ',
      'AAA',
    ]);
    expect(() => columnLetter(-1)).toThrow(RangeError);
  });
  it('quotes tab names, escaping quotes', () => {
    expect(a1('Leads', 5, 12)).toBe("'Leads'!M5");
    expect(a1('My Tab', 1, 0)).toBe("'My Tab'!A1");
    expect(a1("Bob's leads", 2, 25)).toBe("'Bob''s leads'!Z2");
    expect(a1Range('My Tab', 2, 0, 100, 25)).toBe("'My Tab'!A2:Z100");
  });
});

describe('validateAgentHeader', () => {
  it('accepts the exact header, and a case/space variant of it', () => {
    expect(validateAgentHeader(H)).toEqual({ ok: true, optional: {} });
    const loose = H.map((h) => h.toUpperCase().replace(/(\d+)$/, ' $1'));
    loose[0] = ' row id ';
    expect(validateAgentHeader(loose).ok).toBe(true);
  });
  it('finds optional columns after NextIndex and ignores unknown extras', () => {
    expect(validateAgentHeader([...H, 'Owner', 'time zone'])).toEqual({
      ok: true,
      optional: { TimeZone: 27 },
    });
  });
  it('names the column letter of a wrong header cell', () => {
    const bad = [...H];
    bad[13] = 'Stat2';
    expect(validateAgentHeader(bad)).toEqual({
      ok: false,
      column: 'N',
      expected: 'Status2',
      found: 'Stat2',
      message: 'header column N is "Stat2": expected "Status2"',
    });
  });
  it('names the first missing column of a short header', () => {
    const r = validateAgentHeader(H.slice(0, 24));
    expect(r).toMatchObject({ ok: false, column: 'Y', expected: 'AttemptCount', found: '' });
  });
  it('makes parseAgentRows throw HEADER_MISMATCH naming the column', () => {
    const swapped = [...H];
    swapped[2] = 'Num2';
    swapped[3] = 'Num1';
    try {
      parseAgentRows([swapped]);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(DomainError);
      expect((e as DomainError).code).toBe('HEADER_MISMATCH');
      expect((e as DomainError).message).toContain('column C');
      expect((e as DomainError).details).toMatchObject({ column: 'C', expected: 'Num1', found: 'Num2' });
    }
  });
});

describe('parseStatus / encodeStatus', () => {
  it.each([
    ['', 'NEW'],
    ['  ', 'NEW'],
    ['new', 'NEW'],
    ['no answer', 'NO_ANSWER'],
    ['No-Answer', 'NO_ANSWER'],
    ['in progress', 'IN_PROGRESS'],
    ['Voicemail', 'VOICEMAIL'],
    [' correct ', 'CORRECT'],
    ['SKIPPED', 'SKIPPED'],
    ['exhausted', 'EXHAUSTED'],
  ])('reads %j as %s', (cell, status) => {
    expect(parseStatus(cell)).toBe(status);
  });
  it.each(['Corect', 'done', 'SKIPPED (SIBLING_CORRECT)', '1'])('does not guess %j', (cell) => {
    expect(parseStatus(cell)).toBeNull();
  });
  it('writes NEW as an empty cell and every other status as its word', () => {
    expect(encodeStatus('NEW')).toBe('');
    expect(encodeStatus('NO_ANSWER')).toBe('NO_ANSWER');
  });
});

describe('parseAgentRows', () => {
  it('decodes a real-looking tab: blank rows, ragged rows, punctuation, lower-case statuses', () => {
    const values = [
      H,
      row({
        RowID: 'A-1',
        Name: 'Ada Lovelace',
        Num1: '(212) 555-0101',
        Num2: '212.555.0102',
        Status1: 'no answer',
        AttemptCount: '1',
        NextIndex: '2',
      }),
      [],
      ['', '', '   '],
      row({
        RowID: 'A-2',
        Name: ' Alan Turing ',
        Num1: '+1 212 555 0103',
        Num3: 'tel:212-555-0104',
        Status1: 'wrong',
        Notes: 'call after 5',
      }),
      ['A-3', 'Grace Hopper', '2125550105'],
    ];
    const { leads, rowErrors } = parseAgentRows(values);
    expect(rowErrors).toEqual([]);
    expect(leads.map((l) => [l.rowId, l.rowNumber, l.name])).toEqual([
      ['A-1', 2, 'Ada Lovelace'],
      ['A-2', 5, 'Alan Turing'],
      ['A-3', 6, 'Grace Hopper'],
    ]);
    const [ada, alan, grace] = leads;
    expect(ada?.numbers.slice(0, 3).map((n) => [n.raw, n.e164, n.status])).toEqual([
      ['(212) 555-0101', '+12125550101', 'NO_ANSWER'],
      ['212.555.0102', '+12125550102', 'NEW'],
      ['', null, 'NEW'],
    ]);
    expect(ada).toMatchObject({ attemptCount: 1, nextIndex: 1, notes: '', lastOutcome: '', timeZone: null });
    expect(alan?.numbers[2]).toMatchObject({ e164: '+12125550104', status: 'NEW', retryAt: null });
    expect(alan).toMatchObject({ attemptCount: 0, nextIndex: 0, notes: 'call after 5' });
    expect(alan?.numbers[0]?.status).toBe('WRONG');
    expect(grace?.numbers).toHaveLength(10);
    expect(grace?.numbers[0]?.e164).toBe('+12125550105');
  });

  it('reports a malformed number by row and column and keeps the lead with that slot undialable', () => {
    const { leads, rowErrors } = parseAgentRows([
      H,
      row({ RowID: 'B-1', Num1: '555-01', Num2: '212 555 0107' }),
    ]);
    expect(rowErrors).toEqual([{ row: 2, column: 'C', message: 'Num1: too short', leadSkipped: false }]);
    expect(leads[0]?.numbers[0]).toMatchObject({ raw: '555-01', e164: null });
    expect(leads[0]?.numbers[1]?.e164).toBe('+12125550107');
  });

  it('leaves out a lead with an unknown status word, naming row and column', () => {
    const { leads, rowErrors } = parseAgentRows([
      H,
      row({ RowID: 'C-1', Num1: '212 555 0108', Num2: '212 555 0109', Status2: 'Corect' }),
      row({ RowID: 'C-2', Num1: '212 555 0110' }),
    ]);
    expect(leads.map((l) => l.rowId)).toEqual(['C-2']);
    expect(rowErrors).toEqual([
      { row: 2, column: 'N', message: 'Status2: unknown status "Corect"', leadSkipped: true },
    ]);
  });

  it('keeps the first of two rows with the same RowID and reports the second', () => {
    const { leads, rowErrors } = parseAgentRows([
      H,
      row({ RowID: 'D-1', Name: 'first', Num1: '212 555 0111' }),
      row({ RowID: 'D-1', Name: 'second', Num1: '212 555 0112' }),
      row({ Name: 'no id', Num1: '212 555 0113' }),
    ]);
    expect(leads.map((l) => l.name)).toEqual(['first']);
    expect(rowErrors).toEqual([
      { row: 3, column: 'A', message: 'duplicate RowID "D-1" (first on row 2)', leadSkipped: true },
      { row: 4, column: 'A', message: 'RowID is empty', leadSkipped: true },
    ]);
  });

  it('reads counters: blanks are 0, NextIndex is 1-based in the sheet, garbage is an error', () => {
    const { leads, rowErrors } = parseAgentRows([
      H,
      row({ RowID: 'E-1', Num1: '212 555 0114', AttemptCount: '3', NextIndex: '10' }),
      row({ RowID: 'E-2', Num1: '212 555 0115', NextIndex: '0' }),
      row({ RowID: 'E-3', Num1: '212 555 0116', AttemptCount: 'two' }),
      row({ RowID: 'E-4', Num1: '212 555 0117', NextIndex: '11' }),
    ]);
    expect(leads.map((l) => [l.rowId, l.attemptCount, l.nextIndex])).toEqual([
      ['E-1', 3, 9],
      ['E-2', 0, 0],
    ]);
    expect(rowErrors.map((e) => [e.row, e.column])).toEqual([
      [4, 'Y'],
      [5, 'Z'],
    ]);
  });

  it('reads IN_PROGRESS left by a crash as is, and infers skip reasons that the sheet implies', () => {
    const { leads } = parseAgentRows([
      H,
      row({ RowID: 'F-1', Num1: '212 555 0118', Status1: 'IN_PROGRESS' }),
      row({
        RowID: 'F-2',
        Num1: '212 555 0119',
        Num2: '212 555 0120',
        Status1: 'CORRECT',
        Status2: 'skipped',
      }),
      row({
        RowID: 'F-3',
        Num1: '212 555 0121',
        Num2: '212 555 0122',
        Status1: 'SKIPPED',
        Status2: 'SKIPPED',
        LastOutcome: 'DO_NOT_CALL',
      }),
      row({
        RowID: 'F-4',
        Num1: '212 555 0123',
        Status1: 'SKIPPED',
        Num2: '212 555 0124',
        Status2: 'EXHAUSTED',
      }),
    ]);
    expect(leads[0]?.numbers[0]?.status).toBe('IN_PROGRESS');
    expect(leads[1]?.numbers[1]?.skipReason).toBe('SIBLING_CORRECT');
    expect(leads[2]?.numbers.slice(0, 2).map((n) => n.skipReason)).toEqual(['DO_NOT_CALL', 'DO_NOT_CALL']);
    expect(leads[3]?.numbers.slice(0, 2).map((n) => n.skipReason)).toEqual([null, 'MAX_ATTEMPTS']);
  });

  it('reads the optional TimeZone column, and rejects a zone that does not exist', () => {
    const header = [...H, 'Owner', 'TimeZone'];
    const { leads, rowErrors } = parseAgentRows([
      header,
      [...row({ RowID: 'G-1', Num1: '212 555 0125', NextIndex: '1' }), 'me', 'America/Chicago'],
      [...row({ RowID: 'G-2', Num1: '212 555 0126', NextIndex: '1' }), 'me'],
      [...row({ RowID: 'G-3', Num1: '212 555 0127', NextIndex: '1' }), '', 'Central'],
    ]);
    expect(leads.map((l) => [l.rowId, l.timeZone])).toEqual([
      ['G-1', 'America/Chicago'],
      ['G-2', null],
    ]);
    expect(rowErrors).toEqual([
      { row: 4, column: 'AB', message: 'TimeZone "Central" is not an IANA time zone', leadSkipped: true },
    ]);
  });

  it('carries the row’s own columns after NextIndex by header name (not TimeZone), non-empty cells only', () => {
    const header = [...H, 'Company', 'TimeZone', ' ', 'Address'];
    const full = (cells: Record<string, string>) => H.map((name) => cells[name] ?? '');
    const { leads } = parseAgentRows([
      header,
      [...full({ RowID: 'X-1', Num1: '212 555 0125' }), 'Acme', 'America/Chicago', 'ignored', '1 Main St '],
      [...full({ RowID: 'X-2', Num1: '212 555 0126' }), '', ''],
      row({ RowID: 'X-3', Num1: '212 555 0127' }),
    ]);
    expect(leads.map((l) => [l.rowId, l.extra])).toEqual([
      [
        'X-1',
        [
          { header: 'Company', value: 'Acme' },
          { header: 'Address', value: '1 Main St' },
        ],
      ],
      ['X-2', undefined],
      ['X-3', undefined],
    ]);
    // The dialer never writes them: a lead's cells (and so every patch) stay A..Z.
    expect(leadToCells(leads[0]!)).toHaveLength(26);
  });

  it('uses the default country for national numbers', () => {
    const { leads } = parseAgentRows([H, row({ RowID: 'H-1', Num1: '020 7946 0958' })], {
      defaultCountry: 'GB',
    });
    expect(leads[0]?.numbers[0]?.e164).toBe('+442079460958');
  });

  it('round-trips a lead through its 26 cells', () => {
    const lead = makeLead({
      rowId: 'R-9',
      rowNumber: 2,
      name: 'Round Trip',
      numbers: [{ status: 'NO_ANSWER' }, { status: 'WRONG' }, {}],
      attemptCount: 2,
      nextIndex: 2,
      notes: 'line one\nline two',
      lastOutcome: 'WRONG',
    });
    const cells = leadToCells(lead);
    expect(cells).toHaveLength(26);
    expect(cells[12]).toBe('NO_ANSWER');
    expect(cells[14]).toBe('');
    expect(cells[25]).toBe('3');
    const { leads, rowErrors } = parseAgentRows([H, cells]);
    expect(rowErrors).toEqual([]);
    expect(leads[0]).toEqual(lead);
  });
});

describe('parseAgentRows with the previous decode (memo)', () => {
  const tab = () => [
    H,
    row({ RowID: 'L-1', Name: 'Ann', Num1: '(212) 555-0101' }),
    row({ RowID: 'L-2', Name: 'Bob', Num1: '(212) 555-0102', Status1: 'NO_ANSWER', AttemptCount: '1' }),
    row({ RowID: 'L-3', Name: 'Cy', Num1: '(212) 555-0103', Status1: 'bogus' }),
    row({ RowID: 'L-4', Name: 'Di', Num1: 'not a number' }),
  ];
  const fresh = (values: string[][]) => {
    const { memo: _m, ...r } = parseAgentRows(values);
    return r;
  };

  it('decodes exactly as from scratch, and keeps the Lead objects of unchanged rows', () => {
    const first = parseAgentRows(tab());
    const edited = tab(); // new arrays with the same cells, then two edits
    edited[2] = row({
      RowID: 'L-2',
      Name: 'Bob',
      Num1: '(212) 555-0102',
      Status1: 'WRONG',
      AttemptCount: '2',
    });
    edited.push(row({ RowID: 'L-5', Name: 'Ed', Num1: '(212) 555-0105' }));
    const again = parseAgentRows(edited, { memo: first.memo });
    const { memo: _m, ...r } = again;
    expect(r).toEqual(fresh(edited));
    const byId = (leads: typeof first.leads, id: string) => leads.find((l) => l.rowId === id);
    expect(byId(again.leads, 'L-1')).toBe(byId(first.leads, 'L-1')); // unchanged: not decoded again
    expect(byId(again.leads, 'L-4')).toBe(byId(first.leads, 'L-4'));
    expect(byId(again.leads, 'L-2')).not.toBe(byId(first.leads, 'L-2'));
    expect(byId(again.leads, 'L-2')?.numbers[0]?.status).toBe('WRONG');
    // The bad row's error is still reported (it was reused, not dropped).
    expect(again.rowErrors.map((e) => e.row)).toEqual(first.rowErrors.map((e) => e.row));
  });

  it('decodes again a row whose RowID became a duplicate, and rows under a changed header', () => {
    const first = parseAgentRows(tab());
    const dup = tab();
    dup[1] = row({ RowID: 'L-4', Name: 'Ann', Num1: '(212) 555-0101' }); // row 2 now claims L-4 first
    const r1 = parseAgentRows(dup, { memo: first.memo });
    expect({ ...r1, memo: null }).toEqual({ ...fresh(dup), memo: null });
    expect(r1.rowErrors.some((e) => e.message.includes('duplicate RowID "L-4"'))).toBe(true);
    expect(r1.leads.map((l) => l.rowId)).toEqual(['L-4', 'L-2']);

    const widened = tab().map((cells, i) => (i === 0 ? [...H, 'TimeZone'] : cells));
    widened[1] = [...H.map((_, c) => widened[1]?.[c] ?? ''), 'Europe/London'];
    const r2 = parseAgentRows(widened, { memo: first.memo });
    expect({ ...r2, memo: null }).toEqual({ ...fresh(widened), memo: null });
    expect(r2.leads[0]?.timeZone).toBe('Europe/London');
  });
});

describe('parseAgentRows reusing the header of the previous decode', () => {
  const header = [...H, 'TimeZone', 'CallbackAt', 'CallbackAgent', 'Company'];
  const wide = (cells: string[], extra: string[]) => [...H.map((_, c) => cells[c] ?? ''), ...extra];
  const tab = () => [
    header,
    wide(row({ RowID: 'L-1', Name: 'Ann', Num1: '(212) 555-0101' }), ['Europe/London', '', '', 'Acme']),
    wide(row({ RowID: 'L-2', Name: 'Bob', Num1: '020 7946 0018' }), ['', '', '', 'Beta']),
    wide(row({ RowID: 'L-3', Name: 'Cy', Num1: '(212) 555-0103' }), ['', '', '', '']),
  ];
  const fresh = (values: string[][], defaultCountry?: 'US' | 'GB') => {
    const { memo: _m, ...r } = parseAgentRows(values, defaultCountry ? { defaultCountry } : {});
    return r;
  };

  it('decodes as from scratch: extra and optional columns, a row gone blank, another default country', () => {
    const first = parseAgentRows(tab());
    const edited = tab();
    edited[1] = wide(row({ RowID: 'L-1', Name: 'Ann', Num1: '(212) 555-0101' }), [
      'Nowhere/City',
      '',
      '',
      'Acme 2',
    ]);
    edited[2] = wide(row({ RowID: 'L-2', Name: 'Bob', Num1: '020 7946 0018' }), ['', '', '', 'Beta 2']);
    edited[3] = wide([], ['', '', '', '']); // a person cleared the row
    const again = parseAgentRows(edited, { memo: first.memo });
    expect({ ...again, memo: null }).toEqual({ ...fresh(edited), memo: null });
    expect(again.leads.map((l) => l.rowId)).toEqual(['L-2']); // L-1's time zone is not one: skipped
    expect(again.leads[0]?.extra).toEqual([{ header: 'Company', value: 'Beta 2' }]);
    expect(again.rowErrors.some((e) => e.message.includes('Nowhere/City'))).toBe(true);
    expect(again.callbackColumns).toEqual(first.callbackColumns);
    // The same header under another default country: every row decoded again.
    const gb = parseAgentRows(edited, { memo: again.memo, defaultCountry: 'GB' });
    expect({ ...gb, memo: null }).toEqual({ ...fresh(edited, 'GB'), memo: null });
    expect(gb.leads[0]).not.toBe(again.leads[0]);
    expect(gb.leads[0]?.numbers[0]?.e164).toBe('+442079460018');
  });
});

describe('parseRouterRows', () => {
  const RH = [...ROUTER_HEADER];
  it('decodes rows: emails lower-cased, Active words tolerated, blank rows skipped', () => {
    const { entries, rowErrors } = parseRouterRows([
      RH,
      ['Ada@Example.com', '5001', 'sheet-1', '0', 'Spring', 'TRUE'],
      [],
      ['alan@example.com', '5002', 'sheet-1', '123456', 'Spring', 'yes'],
      ['grace@example.com', '5003', 'sheet-2', '7', 'Fall', 'y'],
      ['edsger@example.com', '5004', 'sheet-2', '8', 'Fall', '1'],
      ['barbara@example.com', '5005', 'sheet-2', '9', 'Fall', 'false'],
      ['ken@example.com', '5006', 'sheet-2', '10', 'Fall'],
    ]);
    expect(rowErrors).toEqual([]);
    expect(entries[0]).toEqual({
      agentEmail: 'ada@example.com',
      dialpadUserId: '5001',
      spreadsheetId: 'sheet-1',
      tabId: 0,
      campaignName: 'Spring',
      active: true,
    });
    expect(entries.map((e) => e.active)).toEqual([true, true, true, true, false, false]);
  });
  it('reports bad cells by row and column and leaves those rows out', () => {
    const { entries, rowErrors } = parseRouterRows([
      RH,
      ['not-an-email', '5001', 'sheet-1', '0', 'Spring', 'TRUE'],
      ['ada@example.com', '5001', 'sheet-1', 'first tab', 'Spring', 'TRUE'],
      ['alan@example.com', '5002', 'sheet-1', '1', 'Spring', 'maybe'],
      ['grace@example.com', '5003', 'sheet-1', '2', 'Spring', 'TRUE'],
      ['GRACE@example.com', '5004', 'sheet-1', '3', 'Spring', 'TRUE'],
    ]);
    expect(entries.map((e) => e.agentEmail)).toEqual(['grace@example.com']);
    expect(rowErrors.map((e) => [e.row, e.column])).toEqual([
      [2, 'A'],
      [3, 'D'],
      [4, 'F'],
      [6, 'A'],
    ]);
  });
  it('throws HEADER_MISMATCH naming the column of a wrong router header', () => {
    expect(() =>
      parseRouterRows([['AgentEmail', 'DialpadUserID', 'Spreadsheet', 'TabId', 'CampaignName', 'Active']]),
    ).toThrow(/column C/);
  });
});
