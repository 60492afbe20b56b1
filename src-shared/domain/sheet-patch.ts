// A sheet patch: the exact cells one change writes, as data. applyDisposition (and a manual skip) produce
// one; the coordinator enqueues it in the durable write-behind queue; the flusher coalesces patches per
// spreadsheet (a later write to the same cell supersedes an earlier one) into one values.batchUpdate and
// one spreadsheets.batchUpdate for backgrounds.
import { z } from 'zod';
import { CallLogEntrySchema } from './call-log.js';

export const CellWriteSchema = z.object({
  /** 1-based sheet row (header = row 1). */
  row: z.number().int().min(1),
  /** 0-based column index (A = 0 … Z = 25; beyond Z only the optional callback columns, with `header`). */
  col: z.number().int().min(0).max(18_277),
  /** Written RAW: never evaluated as a formula. "" clears the cell. */
  value: z.string(),
  /** For a column after Z: the header it was found under when the tab was read (CallbackAt, CallbackAgent). */
  header: z.enum(['CallbackAt', 'CallbackAgent']).optional(),
});
export type CellWrite = z.infer<typeof CellWriteSchema>;

export const RgbColorSchema = z.object({
  red: z.number().min(0).max(1),
  green: z.number().min(0).max(1),
  blue: z.number().min(0).max(1),
});
export type RgbColor = z.infer<typeof RgbColorSchema>;

export const CellBackgroundSchema = z.object({
  row: z.number().int().min(1),
  col: z.number().int().min(0).max(25),
  /** null = clear the background (back to the sheet default). */
  color: RgbColorSchema.nullable(),
});
export type CellBackground = z.infer<typeof CellBackgroundSchema>;

export const SheetPatchSchema = z.object({
  spreadsheetId: z.string().min(1),
  /** Numeric sheet (tab) id, for GridRange. */
  sheetId: z.number().int().min(0),
  /** Tab title, for A1 ranges. */
  tabTitle: z.string().min(1),
  /** RowID of the lead the patch is about: the flusher re-checks that the row still holds this lead. */
  rowId: z.string().min(1),
  values: z.array(CellWriteSchema),
  backgrounds: z.array(CellBackgroundSchema),
  /** The finished call's row for the spreadsheet's `Call log` tab (call-log.ts), written with this patch. */
  callLog: CallLogEntrySchema.optional(),
});
export type SheetPatch = z.infer<typeof SheetPatchSchema>;

/** #8E7CC3 as Sheets' 0..1 floats. */
export const SKIPPED_RGB: RgbColor = { red: 0x8e / 255, green: 0x7c / 255, blue: 0xc3 / 255 };
