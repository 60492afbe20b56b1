// A1 parsing edge cases the coordinator and people use: quoted tabs, open ranges, bare tabs, no tab.
import { describe, expect, it } from 'vitest';
import { colToIndex, formatA1, indexToCol, parseA1, quoteTitle } from './a1.js';

describe('A1 notation', () => {
  it.each([
    ['Sheet1!A1:B2', { sheetTitle: 'Sheet1', startRow: 0, endRow: 2, startCol: 0, endCol: 2 }],
    [
      "'My Tab'!A:A",
      { sheetTitle: 'My Tab', startRow: undefined, endRow: undefined, startCol: 0, endCol: 1 },
    ],
    ["'It''s'!C3", { sheetTitle: "It's", startRow: 2, endRow: 3, startCol: 2, endCol: 3 }],
    ['Sheet1!1:2', { sheetTitle: 'Sheet1', startRow: 0, endRow: 2, startCol: undefined, endCol: undefined }],
    ['Sheet1!A5:A', { sheetTitle: 'Sheet1', startRow: 4, endRow: undefined, startCol: 0, endCol: 1 }],
    ['A:Z', { sheetTitle: undefined, startRow: undefined, endRow: undefined, startCol: 0, endCol: 26 }],
    [
      'Leads',
      { sheetTitle: 'Leads', startRow: undefined, endRow: undefined, startCol: undefined, endCol: undefined },
    ],
    [
      "'Agent - Ana'",
      {
        sheetTitle: 'Agent - Ana',
        startRow: undefined,
        endRow: undefined,
        startCol: undefined,
        endCol: undefined,
      },
    ],
    ['b2:a1', { sheetTitle: undefined, startRow: 0, endRow: 2, startCol: 0, endCol: 2 }],
    ['Tab!$A$1:$AA$10', { sheetTitle: 'Tab', startRow: 0, endRow: 10, startCol: 0, endCol: 27 }],
  ])('parses %s', (input, expected) => {
    expect(parseA1(input)).toEqual(expected);
  });

  it.each(['', "'unterminated!A1", 'Tab!', 'Tab!A:1', 'Tab!A1:B2:C3', "'x'A1"])('rejects %j', (input) => {
    expect(() => parseA1(input)).toThrow();
  });

  it('converts column letters both ways', () => {
    expect(colToIndex('A')).toBe(0);
    expect(colToIndex('Z')).toBe(25);
    expect(colToIndex('AA')).toBe(26);
    for (const i of [0, 25, 26, 51, 701, 702, 18_277]) expect(colToIndex(indexToCol(i))).toBe(i);
  });

  it('quotes tab titles only when needed and formats ranges as the API echoes them', () => {
    expect(quoteTitle('Sheet1')).toBe('Sheet1');
    expect(quoteTitle('My Tab')).toBe("'My Tab'");
    expect(quoteTitle("Ana's")).toBe("'Ana''s'");
    expect(quoteTitle('A1')).toBe("'A1'");
    expect(formatA1('Sheet1', { startRow: 0, endRow: 1000, startCol: 0, endCol: 26 })).toBe(
      'Sheet1!A1:Z1000',
    );
    expect(formatA1('Sheet1', { startRow: 4, endRow: 5, startCol: 1, endCol: 2 })).toBe('Sheet1!B5');
  });
});
