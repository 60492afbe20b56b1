// The seed / persistence format of the Sheets emulator: spreadsheets → tabs → rows of cells, plus the
// cell formats (backgrounds) the coordinator writes. The same shape is loaded from a seed object, written
// to the persist file, and returned by the admin snapshot, so a snapshot can seed another emulator.
import { z } from 'zod';

/** A stored cell: text, number, boolean, a formula (never evaluated by the emulator), or empty. */
export const CellJsonSchema = z.union([
  z.string(),
  z.number(),
  z.boolean(),
  z.null(),
  z.object({ formula: z.string().startsWith('=') }).strict(),
]);
export type CellJson = z.infer<typeof CellJsonSchema>;

export const CellMetaJsonSchema = z.object({
  /** 1-based sheet row (row 1 = the header), like SheetPatch. */
  row: z.number().int().min(1),
  /** 0-based column (A = 0), like SheetPatch. */
  col: z.number().int().min(0),
  /** CellData fields other than the value: userEnteredFormat, note, … */
  data: z.record(z.string(), z.unknown()),
});

export const SheetFixtureSchema = z.object({
  sheetId: z.number().int().min(0),
  title: z.string().min(1).max(100),
  /** Row 0 here is sheet row 1. */
  rows: z.array(z.array(CellJsonSchema)).default([]),
  /** Grid size; grown to fit the rows. Defaults: 1000 rows × 26 columns, as a new Google sheet. */
  rowCount: z.number().int().min(1).optional(),
  columnCount: z.number().int().min(1).optional(),
  cells: z.array(CellMetaJsonSchema).optional(),
});

export const SpreadsheetFixtureSchema = z.object({
  spreadsheetId: z.string().min(1),
  title: z.string().optional(),
  sheets: z.array(SheetFixtureSchema).min(1),
});

export const SheetsFixtureSchema = z.object({ spreadsheets: z.array(SpreadsheetFixtureSchema) });

/** What `seed` accepts: `{ spreadsheets: [{ spreadsheetId, sheets: [{ sheetId, title, rows: string[][] }] }] }`. */
export type SheetsFixture = z.input<typeof SheetsFixtureSchema>;
export type ParsedSheetsFixture = z.output<typeof SheetsFixtureSchema>;
