// The Spreadsheet resource as spreadsheets.get returns it: properties, sheets[].properties, and (with
// includeGridData, or a `fields` mask that asks for `data`) GridData with values and formats per cell.
import { type Bounds, resolveRange } from './grid.js';
import { outEffectiveFormat, outUserFormat } from './colors.js';
import {
  getCell,
  metaKey,
  renderCell,
  type SheetModel,
  type SpreadsheetModel,
  toExtendedValue,
} from './model.js';

export function sheetProperties(sheet: SheetModel, index: number): Record<string, unknown> {
  return {
    sheetId: sheet.sheetId,
    title: sheet.title,
    index,
    sheetType: 'GRID',
    gridProperties: { rowCount: sheet.rowCount, columnCount: sheet.columnCount },
  };
}

/** One CellData as the API reports it ({} for a cell with neither value nor format). */
function cellData(sheet: SheetModel, row: number, col: number): Record<string, unknown> {
  const v = getCell(sheet, row, col);
  const meta = sheet.meta.get(metaKey(row, col));
  const out: Record<string, unknown> = {};
  if (v !== undefined) {
    out.userEnteredValue = toExtendedValue(v);
    // Formulas are not evaluated: the effective value is the formula's text.
    out.effectiveValue = toExtendedValue(typeof v === 'object' ? v.formula : v);
    out.formattedValue = String(renderCell(v, 'FORMATTED_VALUE'));
  }
  const { userEnteredFormat, ...rest } = meta ?? {};
  if (userEnteredFormat && typeof userEnteredFormat === 'object') {
    out.userEnteredFormat = outUserFormat(userEnteredFormat as Record<string, unknown>);
  }
  if (v !== undefined || userEnteredFormat) {
    out.effectiveFormat = outEffectiveFormat(userEnteredFormat as Record<string, unknown> | undefined);
  }
  Object.assign(out, structuredClone(rest));
  return out;
}

function lastUsedRow(sheet: SheetModel): number {
  let last = sheet.cells.length - 1;
  while (last >= 0 && !(sheet.cells[last] ?? []).some((c) => c !== undefined)) last -= 1;
  for (const key of sheet.meta.keys()) last = Math.max(last, Number(key.split(',')[0]));
  return last;
}

function gridData(sheet: SheetModel, b: Bounds): Record<string, unknown> {
  const lastRow = Math.min(b.endRow - 1, lastUsedRow(sheet));
  const rowData: Record<string, unknown>[] = [];
  for (let r = b.startRow; r <= lastRow; r += 1) {
    const values: Record<string, unknown>[] = [];
    for (let c = b.startCol; c < b.endCol; c += 1) values.push(cellData(sheet, r, c));
    while (values.length && Object.keys(values[values.length - 1] as object).length === 0) values.pop();
    rowData.push(values.length ? { values } : {});
  }
  while (rowData.length && Object.keys(rowData[rowData.length - 1] as object).length === 0) rowData.pop();
  const data: Record<string, unknown> = {};
  if (b.startRow) data.startRow = b.startRow;
  if (b.startCol) data.startColumn = b.startCol;
  if (rowData.length) data.rowData = rowData;
  data.rowMetadata = Array.from({ length: b.endRow - b.startRow }, () => ({ pixelSize: 21 }));
  data.columnMetadata = Array.from({ length: b.endCol - b.startCol }, () => ({ pixelSize: 100 }));
  return data;
}

export interface ViewOptions {
  ranges: readonly string[];
  includeGridData: boolean;
}

/** Builds the Spreadsheet resource. `ranges` limits the sheets (and grid data) to those ranges. */
export function spreadsheetView(ss: SpreadsheetModel, opts: ViewOptions): Record<string, unknown> {
  const perSheet = new Map<SheetModel, Bounds[]>();
  if (opts.ranges.length) {
    for (const range of opts.ranges) {
      const r = resolveRange(ss, range);
      perSheet.set(r.sheet, [...(perSheet.get(r.sheet) ?? []), r.bounds]);
    }
  }
  const sheets = ss.sheets
    .map((sheet, index) => ({ sheet, index }))
    .filter(({ sheet }) => !opts.ranges.length || perSheet.has(sheet))
    .map(({ sheet, index }) => {
      const out: Record<string, unknown> = { properties: sheetProperties(sheet, index) };
      if (opts.includeGridData) {
        const bounds = perSheet.get(sheet) ?? [
          { startRow: 0, endRow: sheet.rowCount, startCol: 0, endCol: sheet.columnCount },
        ];
        out.data = bounds.map((b) => gridData(sheet, b));
      }
      return out;
    });
  return {
    spreadsheetId: ss.spreadsheetId,
    properties: {
      title: ss.title,
      locale: 'en_US',
      autoRecalc: 'ON_CHANGE',
      timeZone: 'America/Los_Angeles',
      defaultFormat: outEffectiveFormat(undefined),
    },
    sheets,
    spreadsheetUrl: `https://docs.google.com/spreadsheets/d/${ss.spreadsheetId}/edit`,
  };
}
