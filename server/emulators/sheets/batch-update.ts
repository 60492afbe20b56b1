// spreadsheets.batchUpdate for the requests the coordinator sends: repeatCell and updateCells with a field
// mask rooted at CellData (api-facts B). Atomic like the real API: every request is validated first, and
// one bad request means a 400 and nothing applied.
import { z } from 'zod';
import { GoogleApiError } from './errors.js';
import { applyMask, type FieldPath, parseFieldMask } from './field-mask.js';
import { checkCellText, checkRangeCount, type SheetsLimits } from './limits.js';
import {
  fromExtendedValue,
  getCell,
  metaKey,
  type SheetModel,
  type SpreadsheetModel,
  setCell,
  toExtendedValue,
} from './model.js';

const GridRangeSchema = z
  .object({
    sheetId: z.number().int().min(0).default(0),
    startRowIndex: z.number().int().min(0).optional(),
    endRowIndex: z.number().int().min(0).optional(),
    startColumnIndex: z.number().int().min(0).optional(),
    endColumnIndex: z.number().int().min(0).optional(),
  })
  .strict();

const CellDataSchema = z.record(z.string(), z.unknown());

const RepeatCellSchema = z
  .object({ range: GridRangeSchema, cell: CellDataSchema.default({}), fields: z.string().optional() })
  .strict();

const UpdateCellsSchema = z
  .object({
    rows: z.array(z.object({ values: z.array(CellDataSchema).optional() }).strict()).default([]),
    fields: z.string().optional(),
    range: GridRangeSchema.optional(),
    start: z
      .object({
        sheetId: z.number().int().min(0).default(0),
        rowIndex: z.number().int().min(0).default(0),
        columnIndex: z.number().int().min(0).default(0),
      })
      .strict()
      .optional(),
  })
  .strict();

export const BatchUpdateBodySchema = z.object({
  requests: z.array(z.record(z.string(), z.unknown())).default([]),
  includeSpreadsheetInResponse: z.boolean().optional(),
  responseRanges: z.array(z.string()).optional(),
  responseIncludeGridData: z.boolean().optional(),
});

/** CellData fields a mask may name (the top level of the mask). */
const CELL_FIELDS = new Set([
  'userEnteredValue',
  'userEnteredFormat',
  'note',
  'textFormatRuns',
  'dataValidation',
  'pivotTable',
  'dataSourceFormula',
  'chipRuns',
]);

/** Google request types the emulator knows exist but does not implement. */
const KNOWN_UNSUPPORTED = new Set([
  'deleteSheet',
  'updateSheetProperties',
  'appendCells',
  'insertDimension',
  'deleteDimension',
  'updateBorders',
  'mergeCells',
  'addConditionalFormatRule',
  'setDataValidation',
  'findReplace',
  'sortRange',
  'autoResizeDimensions',
]);

interface CellOp {
  sheet: SheetModel;
  row: number;
  col: number;
  source: Record<string, unknown>;
  paths: FieldPath[];
}

function maskPaths(fields: string | undefined, where: string): FieldPath[] {
  if (!fields) throw new GoogleApiError(400, `Invalid ${where}: At least one field must be specified.`);
  let paths: FieldPath[];
  try {
    paths = parseFieldMask(fields);
  } catch {
    throw new GoogleApiError(400, `Invalid ${where}: Invalid field mask: ${fields}`);
  }
  for (const p of paths) {
    const head = p[0] ?? '';
    if (!(head === '*' && p.length === 1) && !CELL_FIELDS.has(head)) {
      throw new GoogleApiError(
        400,
        `Invalid ${where}: Invalid field mask: ${fields}, '${head}' is not a field of CellData.`,
      );
    }
  }
  return paths;
}

function sheetById(ss: SpreadsheetModel, sheetId: number, where: string): SheetModel {
  const sheet = ss.sheets.find((s) => s.sheetId === sheetId);
  if (!sheet) throw new GoogleApiError(400, `Invalid ${where}: No grid with id: ${sheetId}`);
  return sheet;
}

function gridBounds(sheet: SheetModel, r: z.output<typeof GridRangeSchema>, where: string) {
  const b = {
    startRow: r.startRowIndex ?? 0,
    endRow: r.endRowIndex ?? sheet.rowCount,
    startCol: r.startColumnIndex ?? 0,
    endCol: r.endColumnIndex ?? sheet.columnCount,
  };
  if (b.endRow > sheet.rowCount || b.endCol > sheet.columnCount) {
    throw new GoogleApiError(
      400,
      `Invalid ${where}: Range ('${sheet.title}'!R${b.startRow + 1}C${b.startCol + 1}:R${b.endRow}C${b.endCol}) exceeds grid limits. Max rows: ${sheet.rowCount}, max columns: ${sheet.columnCount}`,
    );
  }
  if (b.startRow > b.endRow || b.startCol > b.endCol) {
    throw new GoogleApiError(400, `Invalid ${where}: The range's start index is greater than its end index.`);
  }
  return b;
}

function zodMessage(e: z.ZodError): string {
  const issue = e.issues[0];
  return issue ? `${issue.path.join('.')}: ${issue.message}` : 'invalid';
}

/** Validates every request and returns the cell operations they imply (nothing applied yet). */
export function planBatchUpdate(
  ss: SpreadsheetModel,
  requests: readonly Record<string, unknown>[],
  limits: SheetsLimits,
): CellOp[] {
  checkRangeCount(requests.length, limits, 'requests');
  const ops: CellOp[] = [];
  requests.forEach((req, i) => {
    const kinds = Object.keys(req);
    if (kinds.length !== 1) {
      throw new GoogleApiError(400, `Invalid requests[${i}]: exactly one kind of request must be set.`);
    }
    const kind = kinds[0] as string;
    const where = `requests[${i}].${kind}`;
    if (kind === 'repeatCell') {
      const parsed = RepeatCellSchema.safeParse(req[kind]);
      if (!parsed.success) throw new GoogleApiError(400, `Invalid ${where}: ${zodMessage(parsed.error)}`);
      const paths = maskPaths(parsed.data.fields, where);
      const sheet = sheetById(ss, parsed.data.range.sheetId, where);
      const b = gridBounds(sheet, parsed.data.range, where);
      for (let r = b.startRow; r < b.endRow; r += 1) {
        for (let c = b.startCol; c < b.endCol; c += 1) {
          ops.push({ sheet, row: r, col: c, source: parsed.data.cell, paths });
        }
      }
    } else if (kind === 'updateCells') {
      const parsed = UpdateCellsSchema.safeParse(req[kind]);
      if (!parsed.success) throw new GoogleApiError(400, `Invalid ${where}: ${zodMessage(parsed.error)}`);
      const u = parsed.data;
      const paths = maskPaths(u.fields, where);
      if ((u.range === undefined) === (u.start === undefined)) {
        throw new GoogleApiError(400, `Invalid ${where}: exactly one of range or start must be set.`);
      }
      if (u.range) {
        // With a range, cells of the range that `rows` does not cover are cleared for the masked fields.
        const sheet = sheetById(ss, u.range.sheetId, where);
        const b = gridBounds(sheet, u.range, where);
        if (u.rows.length > b.endRow - b.startRow) {
          throw new GoogleApiError(400, `Invalid ${where}: more rows than the range holds.`);
        }
        for (let r = b.startRow; r < b.endRow; r += 1) {
          const values = u.rows[r - b.startRow]?.values ?? [];
          if (values.length > b.endCol - b.startCol) {
            throw new GoogleApiError(400, `Invalid ${where}: more values than the range holds.`);
          }
          for (let c = b.startCol; c < b.endCol; c += 1) {
            ops.push({ sheet, row: r, col: c, source: values[c - b.startCol] ?? {}, paths });
          }
        }
      } else if (u.start) {
        const sheet = sheetById(ss, u.start.sheetId, where);
        const { rowIndex, columnIndex } = u.start;
        u.rows.forEach((row, ri) => {
          (row.values ?? []).forEach((cell, ci) => {
            ops.push({ sheet, row: rowIndex + ri, col: columnIndex + ci, source: cell, paths });
          });
        });
        const width = Math.max(0, ...u.rows.map((row) => row.values?.length ?? 0));
        if (rowIndex + u.rows.length > sheet.rowCount || columnIndex + width > sheet.columnCount) {
          throw new GoogleApiError(
            400,
            `Invalid ${where}: Range exceeds grid limits. Max rows: ${sheet.rowCount}, max columns: ${sheet.columnCount}`,
          );
        }
      }
    } else if (KNOWN_UNSUPPORTED.has(kind)) {
      throw new GoogleApiError(400, `Invalid ${where}: the Sheets emulator does not implement ${kind}.`);
    } else {
      throw new GoogleApiError(
        400,
        `Invalid JSON payload received. Unknown name "${kind}" at 'requests[${i}]': Cannot find field.`,
      );
    }
  });
  for (const op of ops) checkCellText(stringValueOf(op.source.userEnteredValue));
  return ops;
}

function stringValueOf(v: unknown): unknown {
  return v !== null && typeof v === 'object' ? (v as Record<string, unknown>).stringValue : undefined;
}

/** Applies validated operations (in request order, so a later request wins). */
export function applyBatchUpdate(ops: readonly CellOp[]): void {
  for (const op of ops) {
    const key = metaKey(op.row, op.col);
    const current: Record<string, unknown> = structuredClone(op.sheet.meta.get(key) ?? {});
    const value = toExtendedValue(getCell(op.sheet, op.row, op.col));
    if (value) current.userEnteredValue = value;
    applyMask(current, op.source, op.paths);
    const { userEnteredValue, ...rest } = current;
    setCell(op.sheet, op.row, op.col, fromExtendedValue(userEnteredValue));
    if (Object.keys(rest).length) op.sheet.meta.set(key, rest);
    else op.sheet.meta.delete(key);
  }
}
