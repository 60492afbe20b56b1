// The Sheets emulator's admin API under /__emulator/ (no auth; never logged as API traffic): faults,
// request log, whole-state snapshot/reset, and per-tab cells and formats so tests can read what the
// coordinator wrote and simulate a person editing the sheet. Documented in docs/emulators.md.
import { z } from 'zod';
import { FaultRuleSchema } from '../common/faults.js';
import { type RequestContext, Router, parseJsonBody, sendJson } from '../common/http.js';
import { SheetsFixtureSchema } from './fixture.js';
import type { SheetsEmulatorState } from './state.js';

const RgbSchema = z.object({
  red: z.number().min(0).max(1),
  green: z.number().min(0).max(1),
  blue: z.number().min(0).max(1),
  alpha: z.number().min(0).max(1).optional(),
});

const CellEditsSchema = z.object({
  cells: z.array(
    z.object({
      /** 1-based row, 0-based column (as in SheetPatch). */
      row: z.number().int().min(1),
      col: z.number().int().min(0),
      value: z.union([z.string(), z.number(), z.boolean(), z.null()]).optional(),
      background: RgbSchema.nullable().optional(),
    }),
  ),
});

const RowsSchema = z.object({
  rows: z.array(z.array(z.string().nullable())),
  startRow: z.number().int().min(1).default(1),
});

const FaultsBodySchema = z.object({ faults: z.array(FaultRuleSchema) });

const TAB = '/__emulator/spreadsheets/(?<id>[^/]+)/tabs/(?<title>[^/]+)';

export function createSheetsAdminRouter(state: SheetsEmulatorState): Router {
  const body = (ctx: RequestContext) => parseJsonBody(ctx.body);
  const tab = (ctx: RequestContext) => [ctx.params.id ?? '', ctx.params.title ?? ''] as const;
  return new Router()
    .add('GET', /^\/__emulator\/health$/, 'admin', (c) => sendJson(c.res, 200, { ok: true }))
    .add('GET', /^\/__emulator\/requests$/, 'admin', (c) =>
      sendJson(c.res, 200, { counts: state.requestLog.counts(), entries: state.requestLog.entries }),
    )
    .add('DELETE', /^\/__emulator\/requests$/, 'admin', (c) => {
      state.requestLog.clear();
      sendJson(c.res, 200, {});
    })
    .add('GET', /^\/__emulator\/faults$/, 'admin', (c) =>
      sendJson(c.res, 200, { faults: state.faults.list() }),
    )
    .add('PUT', /^\/__emulator\/faults$/, 'admin', (c) => {
      state.setFaults(FaultsBodySchema.parse(body(c)).faults);
      sendJson(c.res, 200, { faults: state.faults.list() });
    })
    .add('POST', /^\/__emulator\/faults$/, 'admin', (c) => {
      state.addFault(FaultRuleSchema.parse(body(c)));
      sendJson(c.res, 200, { faults: state.faults.list() });
    })
    .add('DELETE', /^\/__emulator\/faults$/, 'admin', (c) => {
      state.clearFaults();
      sendJson(c.res, 200, { faults: [] });
    })
    .add('GET', /^\/__emulator\/state$/, 'admin', (c) => sendJson(c.res, 200, state.snapshot()))
    .add('PUT', /^\/__emulator\/state$/, 'admin', (c) => {
      state.reset(SheetsFixtureSchema.parse(body(c)));
      sendJson(c.res, 200, { spreadsheetIds: state.spreadsheetIds() });
    })
    .add('GET', new RegExp(`^${TAB}/values$`), 'admin', (c) => {
      const [id, title] = tab(c);
      sendJson(c.res, 200, { sheetId: state.sheetIdOf(id, title), values: state.getValues(id, title) });
    })
    .add('PUT', new RegExp(`^${TAB}/values$`), 'admin', (c) => {
      const [id, title] = tab(c);
      const b = RowsSchema.parse(body(c));
      state.setRows(id, title, b.rows, b.startRow);
      sendJson(c.res, 200, { values: state.getValues(id, title) });
    })
    .add('GET', new RegExp(`^${TAB}/formats$`), 'admin', (c) => {
      const [id, title] = tab(c);
      sendJson(c.res, 200, { formats: state.listFormats(id, title) });
    })
    .add('POST', new RegExp(`^${TAB}/cells$`), 'admin', (c) => {
      const [id, title] = tab(c);
      const sheetId = state.sheetIdOf(id, title);
      const edits = CellEditsSchema.parse(body(c)).cells;
      for (const e of edits) {
        if (e.value !== undefined) state.setCell(id, title, e.row, e.col, e.value);
        if (e.background !== undefined) state.setBackground(id, sheetId, e.row, e.col, e.background);
      }
      sendJson(c.res, 200, { updated: edits.length });
    });
}
