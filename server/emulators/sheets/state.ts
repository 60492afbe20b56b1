// The Sheets emulator's state and its direct-access API for tests: spreadsheets in memory (optionally
// persisted to a JSON file after every change, written atomically), faults, and the request log.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { FaultInjector, type FaultRule } from '../common/faults.js';
import { RequestLog } from '../common/request-log.js';
import { createRng } from '../common/rng.js';
import { parseA1 } from './a1.js';
import { effectiveBackground, type Rgb } from './colors.js';
import { type ParsedSheetsFixture, type SheetsFixture, SheetsFixtureSchema } from './fixture.js';
import { findSheet } from './grid.js';
import {
  type CellValue,
  fromCellJson,
  getCell,
  metaKey,
  renderCell,
  type SheetModel,
  type SpreadsheetModel,
  setCell,
  toCellJson,
} from './model.js';

/** Operation names (for the request log and fault selectors) and the groups a fault may name. */
export const SHEETS_OPERATIONS = [
  'values.get',
  'values.batchGet',
  'values.batchGetByDataFilter',
  'values.update',
  'values.batchUpdate',
  'spreadsheets.get',
  'spreadsheets.batchUpdate',
] as const;
export type SheetsOperation = (typeof SHEETS_OPERATIONS)[number];

export const SHEETS_FAULT_GROUPS: Readonly<Record<string, readonly SheetsOperation[]>> = {
  read: ['values.get', 'values.batchGet', 'values.batchGetByDataFilter', 'spreadsheets.get'],
  write: ['values.update', 'values.batchUpdate', 'spreadsheets.batchUpdate'],
  values: [
    'values.get',
    'values.batchGet',
    'values.batchGetByDataFilter',
    'values.update',
    'values.batchUpdate',
  ],
  batchUpdate: ['values.batchUpdate', 'spreadsheets.batchUpdate'],
};

function buildModel(fixture: ParsedSheetsFixture): Map<string, SpreadsheetModel> {
  const out = new Map<string, SpreadsheetModel>();
  for (const s of fixture.spreadsheets) {
    const ids = new Set<number>();
    const titles = new Set<string>();
    const sheets = s.sheets.map((f): SheetModel => {
      if (ids.has(f.sheetId) || titles.has(f.title)) {
        throw new Error(
          `spreadsheet ${s.spreadsheetId}: duplicate sheet id or title (${f.sheetId}, ${f.title})`,
        );
      }
      ids.add(f.sheetId);
      titles.add(f.title);
      const width = Math.max(0, ...f.rows.map((r) => r.length), ...(f.cells ?? []).map((c) => c.col + 1));
      const height = Math.max(f.rows.length, ...(f.cells ?? []).map((c) => c.row));
      const sheet: SheetModel = {
        sheetId: f.sheetId,
        title: f.title,
        rowCount: Math.max(f.rowCount ?? 1000, height),
        columnCount: Math.max(f.columnCount ?? 26, width),
        cells: [],
        meta: new Map(),
      };
      f.rows.forEach((row, r) => {
        row.forEach((v, c) => {
          setCell(sheet, r, c, fromCellJson(v));
        });
      });
      for (const c of f.cells ?? []) sheet.meta.set(metaKey(c.row - 1, c.col), structuredClone(c.data));
      return sheet;
    });
    out.set(s.spreadsheetId, { spreadsheetId: s.spreadsheetId, title: s.title ?? s.spreadsheetId, sheets });
  }
  return out;
}

export class SheetsEmulatorState {
  #spreadsheets: Map<string, SpreadsheetModel>;
  readonly #persistFile: string | undefined;
  readonly requestLog = new RequestLog();
  readonly faults: FaultInjector;

  constructor(opts: {
    seed?: SheetsFixture;
    persistFile?: string;
    faults?: readonly FaultRule[];
    rngSeed?: number;
  }) {
    this.#persistFile = opts.persistFile;
    this.faults = new FaultInjector(createRng(opts.rngSeed ?? 1), SHEETS_FAULT_GROUPS);
    if (opts.faults) this.faults.set(opts.faults);
    // A persist file that exists wins over the seed: that is what makes a restart keep its data.
    const fromFile =
      this.#persistFile && existsSync(this.#persistFile)
        ? (JSON.parse(readFileSync(this.#persistFile, 'utf8')) as unknown)
        : undefined;
    this.#spreadsheets = buildModel(SheetsFixtureSchema.parse(fromFile ?? opts.seed ?? { spreadsheets: [] }));
    if (!fromFile) this.persist();
  }

  /** Replaces all spreadsheets with a fixture (validated). */
  reset(fixture: SheetsFixture): void {
    this.#spreadsheets = buildModel(SheetsFixtureSchema.parse(fixture));
    this.persist();
  }

  spreadsheet(spreadsheetId: string): SpreadsheetModel | undefined {
    return this.#spreadsheets.get(spreadsheetId);
  }

  spreadsheetIds(): string[] {
    return [...this.#spreadsheets.keys()];
  }

  #sheetByTitle(spreadsheetId: string, title: string): SheetModel {
    const ss = this.#spreadsheets.get(spreadsheetId);
    const sheet = ss && findSheet(ss, title);
    if (!sheet) throw new Error(`no tab '${title}' in spreadsheet ${spreadsheetId}`);
    return sheet;
  }

  #sheetById(spreadsheetId: string, sheetId: number): SheetModel {
    const sheet = this.#spreadsheets.get(spreadsheetId)?.sheets.find((s) => s.sheetId === sheetId);
    if (!sheet) throw new Error(`no sheet id ${sheetId} in spreadsheet ${spreadsheetId}`);
    return sheet;
  }

  /** The tab's values as a person sees them (formatted strings), trailing empty rows and cells trimmed. */
  getValues(spreadsheetId: string, title: string): string[][] {
    const sheet = this.#sheetByTitle(spreadsheetId, title);
    const rows = sheet.cells.map((row) => {
      const out = Array.from({ length: row?.length ?? 0 }, (_, c) =>
        String(renderCell(row?.[c], 'FORMATTED_VALUE')),
      );
      while (out.length && out[out.length - 1] === '') out.pop();
      return out;
    });
    while (rows.length && (rows[rows.length - 1] as string[]).length === 0) rows.pop();
    return rows;
  }

  /** One column's formatted values from row 1 down to the tab's last row ('' when empty), `col` 0-based:
   *  what a scan of one column needs without building the whole tab's grid (getValues). */
  getColumn(spreadsheetId: string, title: string, col: number): string[] {
    const cells = this.#sheetByTitle(spreadsheetId, title).cells;
    const out: string[] = new Array(cells.length);
    for (let r = 0; r < cells.length; r++) out[r] = String(renderCell(cells[r]?.[col], 'FORMATTED_VALUE'));
    return out;
  }

  /** One cell's formatted value ('' when empty). `row` is 1-based (the header is row 1), `col` 0-based (A = 0). */
  getCell(spreadsheetId: string, title: string, row: number, col: number): string {
    return String(
      renderCell(getCell(this.#sheetByTitle(spreadsheetId, title), row - 1, col), 'FORMATTED_VALUE'),
    );
  }

  /** The stored value with its type (e.g. `{formula: '=1+1'}` after a USER_ENTERED write; a string after RAW). */
  getCellValue(spreadsheetId: string, title: string, row: number, col: number): CellValue | undefined {
    return getCell(this.#sheetByTitle(spreadsheetId, title), row - 1, col);
  }

  /** A cell by A1 ("Tab!B5" or "'My Tab'!B5"). */
  getCellA1(spreadsheetId: string, a1: string): string {
    const r = parseA1(a1);
    const ss = this.#spreadsheets.get(spreadsheetId);
    const sheet = ss && findSheet(ss, r.sheetTitle);
    if (!sheet || r.startRow === undefined || r.startCol === undefined) throw new Error(`bad cell ${a1}`);
    return String(renderCell(getCell(sheet, r.startRow, r.startCol), 'FORMATTED_VALUE'));
  }

  /** Simulates a person typing in a cell ('' or null clears it). Row 1-based, col 0-based. */
  setCell(
    spreadsheetId: string,
    title: string,
    row: number,
    col: number,
    value: string | number | boolean | null,
  ): void {
    setCell(this.#sheetByTitle(spreadsheetId, title), row - 1, col, value ?? undefined);
    this.persist();
  }

  /** Writes a block of rows starting at `startRow` (1-based) and column A; '' clears, null leaves as is. */
  setRows(spreadsheetId: string, title: string, rows: (string | null)[][], startRow = 1): void {
    const sheet = this.#sheetByTitle(spreadsheetId, title);
    rows.forEach((row, i) => {
      row.forEach((v, c) => {
        if (v !== null) setCell(sheet, startRow - 1 + i, c, v);
      });
    });
    this.persist();
  }

  /** The cell's background (backgroundColorStyle wins over backgroundColor); null when none is set. */
  getBackground(spreadsheetId: string, sheetId: number, row: number, col: number): Rgb | null {
    const meta = this.#sheetById(spreadsheetId, sheetId).meta.get(metaKey(row - 1, col));
    return effectiveBackground(meta?.userEnteredFormat as Record<string, unknown> | undefined);
  }

  /** The cell's userEnteredFormat as stored (undefined when none). */
  getFormat(
    spreadsheetId: string,
    sheetId: number,
    row: number,
    col: number,
  ): Record<string, unknown> | undefined {
    const meta = this.#sheetById(spreadsheetId, sheetId).meta.get(metaKey(row - 1, col));
    return meta?.userEnteredFormat as Record<string, unknown> | undefined;
  }

  /** Simulates a person painting a cell (null clears the background). */
  setBackground(spreadsheetId: string, sheetId: number, row: number, col: number, color: Rgb | null): void {
    const sheet = this.#sheetById(spreadsheetId, sheetId);
    const key = metaKey(row - 1, col);
    const meta = structuredClone(sheet.meta.get(key) ?? {});
    const fmt = { ...((meta.userEnteredFormat as Record<string, unknown> | undefined) ?? {}) };
    delete fmt.backgroundColor;
    delete fmt.backgroundColorStyle;
    if (color) fmt.backgroundColorStyle = { rgbColor: color };
    if (Object.keys(fmt).length) meta.userEnteredFormat = fmt;
    else delete meta.userEnteredFormat;
    if (Object.keys(meta).length) sheet.meta.set(key, meta);
    else sheet.meta.delete(key);
    this.persist();
  }

  /** The numeric id (gid) of a tab. */
  sheetIdOf(spreadsheetId: string, title: string): number {
    return this.#sheetByTitle(spreadsheetId, title).sheetId;
  }

  /** Every formatted cell of a tab: 1-based row, 0-based col, its userEnteredFormat and background. */
  listFormats(
    spreadsheetId: string,
    title: string,
  ): { row: number; col: number; userEnteredFormat: Record<string, unknown>; background: Rgb | null }[] {
    const sheet = this.#sheetByTitle(spreadsheetId, title);
    const out = [];
    for (const [key, meta] of sheet.meta) {
      const fmt = meta.userEnteredFormat as Record<string, unknown> | undefined;
      if (!fmt) continue;
      const [r, c] = key.split(',').map(Number);
      out.push({
        row: (r ?? 0) + 1,
        col: c ?? 0,
        userEnteredFormat: fmt,
        background: effectiveBackground(fmt),
      });
    }
    return out.sort((a, b) => a.row - b.row || a.col - b.col);
  }

  setFaults(rules: readonly FaultRule[]): void {
    this.faults.set(rules);
  }

  addFault(rule: FaultRule): void {
    this.faults.add(rule);
  }

  clearFaults(): void {
    this.faults.clear();
  }

  /** Everything, in the fixture format (values, grid sizes, formats): seeds another emulator as is. */
  snapshot(): ParsedSheetsFixture {
    return {
      spreadsheets: [...this.#spreadsheets.values()].map((ss) => ({
        spreadsheetId: ss.spreadsheetId,
        title: ss.title,
        sheets: ss.sheets.map((s) => ({
          sheetId: s.sheetId,
          title: s.title,
          rowCount: s.rowCount,
          columnCount: s.columnCount,
          rows: Array.from(s.cells, (row) => Array.from(row ?? [], (v) => toCellJson(v))),
          cells: [...s.meta.entries()].map(([key, data]) => {
            const [r, c] = key.split(',').map(Number);
            return { row: (r ?? 0) + 1, col: c ?? 0, data };
          }),
        })),
      })),
    };
  }

  /** Writes the state to the persist file (temp file + rename, so a crash never leaves half a file). */
  persist(): void {
    if (!this.#persistFile) return;
    const tmp = `${this.#persistFile}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.snapshot()));
    renameSync(tmp, this.#persistFile);
  }
}
