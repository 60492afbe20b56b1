// Range resolution and the values read/write rules of the Sheets API: open ranges run to the grid's edge,
// explicit bounds past the grid are a 400, reads trim trailing empty rows and cells, writes skip nulls,
// "" clears, and data larger than an explicit range is rejected.
import { type A1Range, A1ParseError, formatA1, indexToCol, parseA1, quoteTitle } from './a1.js';
import { GoogleApiError } from './errors.js';
import {
  type CellValue,
  inputValue,
  type RenderOption,
  renderCell,
  type SheetModel,
  type SpreadsheetModel,
  setCell,
} from './model.js';

export interface Bounds {
  startRow: number;
  endRow: number;
  startCol: number;
  endCol: number;
}

export interface Resolved {
  sheet: SheetModel;
  a1: A1Range;
  bounds: Bounds;
}

export function findSheet(ss: SpreadsheetModel, title: string | undefined): SheetModel | undefined {
  if (title === undefined) return ss.sheets[0];
  return ss.sheets.find((s) => s.title === title);
}

/** Parses and resolves an A1 range against the spreadsheet (400 on unparsable or out-of-grid ranges). */
export function resolveRange(ss: SpreadsheetModel, range: string): Resolved {
  let a1: A1Range;
  try {
    a1 = parseA1(range);
  } catch (e) {
    if (e instanceof A1ParseError) throw new GoogleApiError(400, `Unable to parse range: ${range}`);
    throw e;
  }
  const sheet = findSheet(ss, a1.sheetTitle);
  if (!sheet) throw new GoogleApiError(400, `Unable to parse range: ${range}`);
  const bounds: Bounds = {
    startRow: a1.startRow ?? 0,
    endRow: a1.endRow ?? sheet.rowCount,
    startCol: a1.startCol ?? 0,
    endCol: a1.endCol ?? sheet.columnCount,
  };
  if (
    bounds.endRow > sheet.rowCount ||
    bounds.endCol > sheet.columnCount ||
    bounds.startRow >= sheet.rowCount ||
    bounds.startCol >= sheet.columnCount
  ) {
    const shown = `${quoteTitle(sheet.title)}!${indexToCol(bounds.startCol)}${bounds.startRow + 1}:${indexToCol(
      Math.max(bounds.endCol, bounds.startCol + 1) - 1,
    )}${Math.max(bounds.endRow, bounds.startRow + 1)}`;
    throw new GoogleApiError(
      400,
      `Range (${shown}) exceeds grid limits. Max rows: ${sheet.rowCount}, max columns: ${sheet.columnCount}`,
    );
  }
  return { sheet, a1, bounds };
}

export type MajorDimension = 'ROWS' | 'COLUMNS';

export interface ValueRange {
  range: string;
  majorDimension: MajorDimension;
  values?: (string | number | boolean)[][];
}

function trimMatrix(m: (string | number | boolean)[][]): (string | number | boolean)[][] {
  for (const row of m) {
    while (row.length && row[row.length - 1] === '') row.pop();
  }
  while (m.length && (m[m.length - 1] as unknown[]).length === 0) m.pop();
  return m;
}

export function readValues(r: Resolved, majorDimension: MajorDimension, render: RenderOption): ValueRange {
  const { sheet, bounds } = r;
  const lastRow = Math.min(bounds.endRow, sheet.cells.length);
  const rows: (string | number | boolean)[][] = [];
  for (let i = bounds.startRow; i < lastRow; i += 1) {
    const src = sheet.cells[i];
    const row: (string | number | boolean)[] = [];
    if (src) {
      const lastCol = Math.min(bounds.endCol, src.length);
      for (let j = bounds.startCol; j < lastCol; j += 1) row.push(renderCell(src[j], render));
    }
    rows.push(row);
  }
  let matrix = trimMatrix(rows);
  if (majorDimension === 'COLUMNS') matrix = trimMatrix(transpose(matrix));
  const out: ValueRange = { range: formatA1(sheet.title, bounds), majorDimension };
  if (matrix.length) out.values = matrix;
  return out;
}

function transpose<T>(m: T[][]): (T | '')[][] {
  const width = Math.max(0, ...m.map((r) => r.length));
  const out: (T | '')[][] = [];
  for (let c = 0; c < width; c += 1) out.push(m.map((r) => (c < r.length ? (r[c] as T) : '')));
  return out;
}

export type InputCell = string | number | boolean | null;

export interface PlannedWrite {
  sheet: SheetModel;
  startRow: number;
  startCol: number;
  /** Row-major, nulls kept (they are skipped on apply). */
  matrix: InputCell[][];
  updatedRange: string;
  updatedRows: number;
  updatedColumns: number;
  updatedCells: number;
}

/** Validates one write and computes its result counts without touching the sheet (batch atomicity). */
export function planWrite(
  ss: SpreadsheetModel,
  range: string,
  values: InputCell[][],
  majorDimension: MajorDimension,
): PlannedWrite {
  const r = resolveRange(ss, range);
  const matrix = majorDimension === 'COLUMNS' ? (transpose(values) as InputCell[][]) : values;
  const height = matrix.length;
  const width = Math.max(0, ...matrix.map((row) => row.length));
  const { startRow, startCol } = r.bounds;
  const shownRange = formatA1(r.sheet.title, r.bounds);
  // A single cell ("Tab!A1") is only the anchor: the data may extend from it, as the real API allows.
  const anchorOnly = r.bounds.endRow - startRow === 1 && r.bounds.endCol - startCol === 1;
  if (!anchorOnly && r.a1.endRow !== undefined && startRow + height > r.bounds.endRow) {
    throw new GoogleApiError(
      400,
      `Requested writing within range [${shownRange}], but tried writing to row [${startRow + height}]`,
    );
  }
  if (!anchorOnly && r.a1.endCol !== undefined && startCol + width > r.bounds.endCol) {
    throw new GoogleApiError(
      400,
      `Requested writing within range [${shownRange}], but tried writing to column [${indexToCol(startCol + width - 1)}]`,
    );
  }
  const rowsTouched = new Set<number>();
  const colsTouched = new Set<number>();
  let cells = 0;
  matrix.forEach((row, i) => {
    row.forEach((v, j) => {
      if (v === null || v === undefined) return;
      cells += 1;
      rowsTouched.add(i);
      colsTouched.add(j);
    });
  });
  const updatedRange =
    height && width
      ? formatA1(r.sheet.title, { startRow, startCol, endRow: startRow + height, endCol: startCol + width })
      : shownRange;
  return {
    sheet: r.sheet,
    startRow,
    startCol,
    matrix,
    updatedRange,
    updatedRows: rowsTouched.size,
    updatedColumns: colsTouched.size,
    updatedCells: cells,
  };
}

export function applyWrite(w: PlannedWrite, option: 'RAW' | 'USER_ENTERED'): void {
  w.matrix.forEach((row, i) => {
    row.forEach((v, j) => {
      if (v === null || v === undefined) return;
      const cell: CellValue | undefined = inputValue(v, option);
      setCell(w.sheet, w.startRow + i, w.startCol + j, cell);
    });
  });
}
