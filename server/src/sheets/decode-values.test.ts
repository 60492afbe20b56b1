// decodeValues: what Sheets sends (strings) passes through unchanged; anything else is ValuesSchema's
// answer, cell for cell, and a shape that is not a grid is refused as before.
import { describe, expect, it } from 'vitest';
import { decodeValues, ValuesSchema } from './tab-titles.js';

describe('decodeValues', () => {
  it('returns an all-string grid as is, ragged rows and empty rows included', () => {
    const grid = [['RowID', 'Name'], [], ['A1', 'Ann', '+12125550123']];
    expect(decodeValues(grid)).toBe(grid);
    expect(decodeValues([])).toEqual([]);
  });

  it('gives the schema’s answer for numbers, booleans and nulls', () => {
    const mixed = [['A1', 3, true, null], ['x']];
    expect(decodeValues(mixed)).toEqual([['A1', '3', 'true', ''], ['x']]);
    expect(decodeValues(mixed)).toEqual(ValuesSchema.parse(mixed));
  });

  it('refuses what is not a grid of cells', () => {
    for (const bad of [{ a: 1 }, ['row'], [[{}]], [[['nested']]], 'text'])
      expect(() => decodeValues(bad)).toThrow();
  });
});
