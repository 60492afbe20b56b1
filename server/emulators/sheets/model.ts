// The in-memory spreadsheet model: typed cell values, per-cell CellData extras (formats, notes), grid size.
// Also the value conventions of the API: RAW vs USER_ENTERED input, and the three render options.
import type { CellJson } from './fixture.js';

export type CellValue = string | number | boolean | { formula: string };

export interface SheetModel {
  sheetId: number;
  title: string;
  rowCount: number;
  columnCount: number;
  /** cells[row][col], 0-based; holes are empty cells. */
  cells: (CellValue | undefined)[][];
  /** `${row},${col}` (0-based) → CellData fields other than the value (userEnteredFormat, note, …). */
  meta: Map<string, Record<string, unknown>>;
}

export interface SpreadsheetModel {
  spreadsheetId: string;
  title: string;
  sheets: SheetModel[];
}

export const metaKey = (row: number, col: number): string => `${row},${col}`;

export function getCell(sheet: SheetModel, row: number, col: number): CellValue | undefined {
  return sheet.cells[row]?.[col];
}

export function setCell(sheet: SheetModel, row: number, col: number, value: CellValue | undefined): void {
  if (value === undefined || value === '') {
    const r = sheet.cells[row];
    if (r) delete r[col];
    return;
  }
  let r = sheet.cells[row];
  if (!r) {
    r = [];
    sheet.cells[row] = r;
  }
  r[col] = value;
  if (row >= sheet.rowCount) sheet.rowCount = row + 1;
  if (col >= sheet.columnCount) sheet.columnCount = col + 1;
}

export type RenderOption = 'FORMATTED_VALUE' | 'UNFORMATTED_VALUE' | 'FORMULA';

/** A cell as values.get renders it. The emulator does not evaluate formulas: their text is returned. */
export function renderCell(v: CellValue | undefined, render: RenderOption): string | number | boolean {
  if (v === undefined) return '';
  if (typeof v === 'object') return v.formula;
  if (render === 'FORMATTED_VALUE') {
    if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
    return String(v);
  }
  return v;
}

const NUMERIC = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

/** Converts one written value: RAW stores it as given, USER_ENTERED parses it as if typed in the UI. */
export function inputValue(
  v: string | number | boolean,
  option: 'RAW' | 'USER_ENTERED',
): CellValue | undefined {
  if (typeof v !== 'string' || option === 'RAW') return v;
  if (v.startsWith("'")) return v.slice(1);
  if (v.startsWith('=') && v.length > 1) return { formula: v };
  if (NUMERIC.test(v.trim())) return Number(v);
  if (/^(true|false)$/i.test(v)) return v.toUpperCase() === 'TRUE';
  return v;
}

export function toCellJson(v: CellValue | undefined): CellJson {
  return v === undefined ? null : v;
}

export function fromCellJson(v: CellJson): CellValue | undefined {
  return v === null || v === '' ? undefined : v;
}

/** ExtendedValue (CellData.userEnteredValue) ↔ CellValue. */
export function toExtendedValue(v: CellValue | undefined): Record<string, unknown> | undefined {
  if (v === undefined) return undefined;
  if (typeof v === 'object') return { formulaValue: v.formula };
  if (typeof v === 'number') return { numberValue: v };
  if (typeof v === 'boolean') return { boolValue: v };
  return { stringValue: v };
}

export function fromExtendedValue(x: unknown): CellValue | undefined {
  if (x === null || typeof x !== 'object') return undefined;
  const o = x as Record<string, unknown>;
  if (typeof o.stringValue === 'string') return o.stringValue;
  if (typeof o.numberValue === 'number') return o.numberValue;
  if (typeof o.boolValue === 'boolean') return o.boolValue;
  if (typeof o.formulaValue === 'string') return { formula: o.formulaValue };
  return undefined;
}
