// values.get, values.batchGet, values.batchGetByDataFilter (a1Range filters), values.update and
// values.batchUpdate: query and body parsed with zod into the API's own 400s, atomic batches (all ranges
// validated before any cell changes), size limits as limits.ts describes them.
import { z } from 'zod';
import type { RequestContext } from '../common/http.js';
import { GoogleApiError } from './errors.js';
import {
  applyWrite,
  type MajorDimension,
  planWrite,
  type Resolved,
  readValues,
  resolveRange,
} from './grid.js';
import { checkCellText, checkRangeCount, type SheetsLimits } from './limits.js';
import type { RenderOption, SpreadsheetModel } from './model.js';

const DimensionSchema = z
  .enum(['ROWS', 'COLUMNS', 'DIMENSION_UNSPECIFIED'])
  .transform((d): MajorDimension => (d === 'COLUMNS' ? 'COLUMNS' : 'ROWS'));
const RenderSchema = z.enum(['FORMATTED_VALUE', 'UNFORMATTED_VALUE', 'FORMULA']);
const InputOptionSchema = z.enum(['RAW', 'USER_ENTERED']);
const CellInputSchema = z.union([z.string(), z.number(), z.boolean(), z.null()]);

const ValueRangeInputSchema = z.object({
  range: z.string().optional(),
  majorDimension: DimensionSchema.optional(),
  values: z.array(z.array(CellInputSchema)).optional(),
});

const BatchUpdateValuesSchema = z.object({
  valueInputOption: InputOptionSchema.optional(),
  data: z.array(ValueRangeInputSchema.extend({ range: z.string() })).default([]),
  includeValuesInResponse: z.boolean().optional(),
  responseValueRenderOption: RenderSchema.optional(),
  responseDateTimeRenderOption: z.string().optional(),
});

function enumParam<T>(
  schema: z.ZodType<T>,
  raw: string | null,
  field: string,
  typeName: string,
): T | undefined {
  if (raw === null) return undefined;
  const r = schema.safeParse(raw);
  if (!r.success) {
    throw new GoogleApiError(
      400,
      `Invalid value at '${field}' (type.googleapis.com/google.apps.sheets.v4.${typeName}), "${raw}"`,
    );
  }
  return r.data;
}

function readOptions(url: URL): { dim: MajorDimension; render: RenderOption } {
  return {
    dim:
      enumParam(DimensionSchema, url.searchParams.get('majorDimension'), 'major_dimension', 'Dimension') ??
      'ROWS',
    render:
      enumParam(
        RenderSchema,
        url.searchParams.get('valueRenderOption'),
        'value_render_option',
        'ValueRenderOption',
      ) ?? 'FORMATTED_VALUE',
  };
}

/** Omits zero counters, as proto3 JSON does. */
function nz(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== 0));
}

export function valuesGet(ss: SpreadsheetModel, ctx: RequestContext): unknown {
  const { dim, render } = readOptions(ctx.url);
  return readValues(resolveRange(ss, ctx.params.range ?? ''), dim, render);
}

export function valuesBatchGet(ss: SpreadsheetModel, ctx: RequestContext, limits: SheetsLimits): unknown {
  const { dim, render } = readOptions(ctx.url);
  const ranges = ctx.url.searchParams.getAll('ranges');
  checkRangeCount(ranges.length, limits, 'ranges');
  return {
    spreadsheetId: ss.spreadsheetId,
    valueRanges: ranges.map((r) => readValues(resolveRange(ss, r), dim, render)),
  };
}

const GridRangeSchema = z
  .object({
    sheetId: z.number().int().min(0).default(0),
    startRowIndex: z.number().int().min(0).optional(),
    endRowIndex: z.number().int().min(0).optional(),
    startColumnIndex: z.number().int().min(0).optional(),
    endColumnIndex: z.number().int().min(0).optional(),
  })
  .strict();
const DataFilterSchema = z.union([
  z.object({ a1Range: z.string() }).strict(),
  z.object({ gridRange: GridRangeSchema }).strict(),
]);

/** A GridRange (sheet by id: no title needed) resolved like an A1 range; 400 for an unknown sheet id. */
function resolveGridRange(ss: SpreadsheetModel, g: z.output<typeof GridRangeSchema>): Resolved {
  const sheet = ss.sheets.find((s) => s.sheetId === g.sheetId);
  if (!sheet) throw new GoogleApiError(400, `Invalid dataFilter.gridRange: No grid with id: ${g.sheetId}`);
  const bounds = {
    startRow: g.startRowIndex ?? 0,
    endRow: Math.min(g.endRowIndex ?? sheet.rowCount, sheet.rowCount),
    startCol: g.startColumnIndex ?? 0,
    endCol: Math.min(g.endColumnIndex ?? sheet.columnCount, sheet.columnCount),
  };
  return { sheet, a1: { sheetTitle: sheet.title, ...bounds }, bounds };
}
const BatchGetByDataFilterSchema = z.object({
  dataFilters: z.array(DataFilterSchema).default([]),
  majorDimension: DimensionSchema.optional(),
  valueRenderOption: RenderSchema.optional(),
  dateTimeRenderOption: z.string().optional(),
});

/** The POST form of batchGet (no URL length to outgrow). `a1Range` and `gridRange` filters are emulated. */
export function valuesBatchGetByDataFilter(
  ss: SpreadsheetModel,
  body: unknown,
  limits: SheetsLimits,
): unknown {
  const b = parseBody(BatchGetByDataFilterSchema, body);
  checkRangeCount(b.dataFilters.length, limits, 'data filters');
  const dim = b.majorDimension ?? 'ROWS';
  const render = b.valueRenderOption ?? 'FORMATTED_VALUE';
  return {
    spreadsheetId: ss.spreadsheetId,
    valueRanges: b.dataFilters.map((f) => ({
      valueRange: readValues(
        'a1Range' in f ? resolveRange(ss, f.a1Range) : resolveGridRange(ss, f.gridRange),
        dim,
        render,
      ),
      dataFilters: [f],
    })),
  };
}

function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  const r = schema.safeParse(body ?? {});
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new GoogleApiError(
      400,
      `Invalid JSON payload received. Invalid value at '${issue?.path.join('.') ?? ''}': ${issue?.message ?? ''}`,
    );
  }
  return r.data;
}

export function valuesBatchUpdate(ss: SpreadsheetModel, body: unknown, limits: SheetsLimits): unknown {
  const b = parseBody(BatchUpdateValuesSchema, body);
  if (!b.valueInputOption) throw new GoogleApiError(400, "'valueInputOption' is required but not specified");
  checkRangeCount(b.data.length, limits, 'data ranges');
  for (const d of b.data) for (const row of d.values ?? []) for (const v of row) checkCellText(v);
  const plans = b.data.map((d) => planWrite(ss, d.range, d.values ?? [], d.majorDimension ?? 'ROWS'));
  for (const p of plans) applyWrite(p, b.valueInputOption);
  const responses = plans.map((p, i) => {
    const r: Record<string, unknown> = nz({
      spreadsheetId: ss.spreadsheetId,
      updatedRange: p.updatedRange,
      updatedRows: p.updatedRows,
      updatedColumns: p.updatedColumns,
      updatedCells: p.updatedCells,
    });
    if (b.includeValuesInResponse) {
      r.updatedData = readValues(
        resolveRange(ss, p.updatedRange),
        b.data[i]?.majorDimension ?? 'ROWS',
        b.responseValueRenderOption ?? 'FORMATTED_VALUE',
      );
    }
    return r;
  });
  const sum = (k: 'updatedRows' | 'updatedColumns' | 'updatedCells') => plans.reduce((n, p) => n + p[k], 0);
  return {
    ...nz({
      spreadsheetId: ss.spreadsheetId,
      totalUpdatedRows: sum('updatedRows'),
      totalUpdatedColumns: sum('updatedColumns'),
      totalUpdatedCells: sum('updatedCells'),
      totalUpdatedSheets: new Set(plans.filter((p) => p.updatedCells > 0).map((p) => p.sheet)).size,
    }),
    ...(responses.length ? { responses } : {}),
  };
}

export function valuesUpdate(ss: SpreadsheetModel, ctx: RequestContext, body: unknown): unknown {
  const option = enumParam(
    InputOptionSchema,
    ctx.url.searchParams.get('valueInputOption'),
    'value_input_option',
    'ValueInputOption',
  );
  if (!option) throw new GoogleApiError(400, "'valueInputOption' is required but not specified");
  const b = parseBody(ValueRangeInputSchema, body);
  for (const row of b.values ?? []) for (const v of row) checkCellText(v);
  const range = ctx.params.range ?? '';
  const plan = planWrite(ss, range, b.values ?? [], b.majorDimension ?? 'ROWS');
  applyWrite(plan, option);
  return nz({
    spreadsheetId: ss.spreadsheetId,
    updatedRange: plan.updatedRange,
    updatedRows: plan.updatedRows,
    updatedColumns: plan.updatedColumns,
    updatedCells: plan.updatedCells,
  });
}
