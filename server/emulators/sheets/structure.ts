// The two structural requests of spreadsheets.batchUpdate the coordinator sends for its call log: addSheet
// (a tab created when missing) and appendDimension (rows added at the end of a tab). A batch carrying one is
// run on a copy of the spreadsheet, request by request, and the copy replaces the original only when every
// request succeeded: Google's batchUpdate is atomic, and a later request may use the tab an earlier one
// added.
import { z } from 'zod';
import { GoogleApiError } from './errors.js';
import type { SheetModel, SpreadsheetModel } from './model.js';

export const STRUCTURAL = new Set(['addSheet', 'appendDimension']);

const AddSheetSchema = z
  .object({
    properties: z
      .object({
        sheetId: z.number().int().min(0).optional(),
        title: z.string().min(1).optional(),
        index: z.number().int().min(0).optional(),
        gridProperties: z
          .object({
            rowCount: z.number().int().min(1).optional(),
            columnCount: z.number().int().min(1).optional(),
          })
          .passthrough()
          .optional(),
      })
      .passthrough()
      .default({}),
  })
  .strict();

const AppendDimensionSchema = z
  .object({
    sheetId: z.number().int().min(0),
    dimension: z.enum(['ROWS', 'COLUMNS']),
    length: z.number().int().min(1),
  })
  .strict();

/** Applies one structural request to `ss` (a copy); returns its reply. */
export function applyStructural(ss: SpreadsheetModel, kind: string, body: unknown, where: string): unknown {
  if (kind === 'addSheet') {
    const parsed = AddSheetSchema.safeParse(body);
    if (!parsed.success)
      throw new GoogleApiError(400, `Invalid ${where}: ${parsed.error.issues[0]?.message}`);
    const p = parsed.data.properties;
    const sheetId = p.sheetId ?? Math.max(0, ...ss.sheets.map((s) => s.sheetId)) + 1;
    const title = p.title ?? `Sheet${ss.sheets.length + 1}`;
    if (ss.sheets.some((s) => s.sheetId === sheetId)) {
      throw new GoogleApiError(400, `Invalid ${where}: A sheet with the id ${sheetId} already exists.`);
    }
    if (ss.sheets.some((s) => s.title.toLowerCase() === title.toLowerCase())) {
      throw new GoogleApiError(
        400,
        `Invalid ${where}: A sheet with the name "${title}" already exists. Please enter another name.`,
      );
    }
    const sheet: SheetModel = {
      sheetId,
      title,
      rowCount: p.gridProperties?.rowCount ?? 1000,
      columnCount: p.gridProperties?.columnCount ?? 26,
      cells: [],
      meta: new Map(),
    };
    ss.sheets.splice(Math.min(p.index ?? ss.sheets.length, ss.sheets.length), 0, sheet);
    return {
      addSheet: {
        properties: {
          sheetId,
          title,
          index: ss.sheets.indexOf(sheet),
          sheetType: 'GRID',
          gridProperties: { rowCount: sheet.rowCount, columnCount: sheet.columnCount },
        },
      },
    };
  }
  const parsed = AppendDimensionSchema.safeParse(body);
  if (!parsed.success) throw new GoogleApiError(400, `Invalid ${where}: ${parsed.error.issues[0]?.message}`);
  const sheet = ss.sheets.find((s) => s.sheetId === parsed.data.sheetId);
  if (!sheet) throw new GoogleApiError(400, `Invalid ${where}: No grid with id: ${parsed.data.sheetId}`);
  if (parsed.data.dimension === 'ROWS') sheet.rowCount += parsed.data.length;
  else sheet.columnCount += parsed.data.length;
  return {};
}

/** A deep copy of the spreadsheet's tabs (cells and formats), for an all-or-nothing batch. */
export function copySpreadsheet(ss: SpreadsheetModel, named?: ReadonlySet<number>): SpreadsheetModel {
  if (!named) return { ...ss, sheets: structuredClone(ss.sheets) };
  // Copy on write: a batchUpdate request changes only the sheets it names by sheetId, so the others are
  // shared (a deep copy of every tab per write was most of the emulator's CPU with 500 tabs).
  return { ...ss, sheets: ss.sheets.map((s) => (named.has(s.sheetId) ? structuredClone(s) : s)) };
}

/** Every `sheetId` number anywhere in `value` (the tabs a list of batchUpdate requests names). */
export function sheetIdsNamed(value: unknown, out = new Set<number>()): Set<number> {
  if (Array.isArray(value)) for (const v of value) sheetIdsNamed(v, out);
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === 'sheetId' && typeof v === 'number') out.add(v);
      else sheetIdsNamed(v, out);
    }
  }
  return out;
}
