// The benchmark's Sheets emulator process: one spreadsheet with a Router tab and one tab per agent
// (`leads` leads each), zero added latency. It keeps a journal of every AttemptCount cell that changes
// through the API (tab, row, value, epoch ms) so the orchestrator can time each disposition landing and
// check none was lost. Scans only the agent tabs a write names (A1 ranges, or sheetIds in a spreadsheets
// batchUpdate), after the write is applied; a write it cannot read makes it scan every tab.
import { z } from 'zod';
import { createEmulatorLogger } from '../../server/emulators/common/log.js';
import { type SheetsWrite, startSheetsEmulator } from '../../server/emulators/sheets/server.js';
import { sheetIdsNamed } from '../../server/emulators/sheets/structure.js';
import { ATTEMPT_COUNT_COL, BENCH_SPREADSHEET_ID, benchSheetsFixture } from './fixture.js';
import { childConfig, onParent, SheetsChildConfigSchema, toParent } from './messages.js';
import { journalKey, type SheetJournal } from './report.js';

const cfg = childConfig(SheetsChildConfigSchema);
const fixture = benchSheetsFixture(cfg.agents, cfg.leads, { supervisor: true });
const journal: SheetJournal = {};
const last = new Map<string, number>();
const ValuesWriteSchema = z.object({ data: z.array(z.object({ range: z.string() })) });
/** spreadsheets.batchUpdate: each request names the tabs it touches by sheetId (updateCells' `start`,
 *  repeatCell's `range`, appendDimension's own `sheetId`, …: sheetIdsNamed finds them wherever they are). */
const SheetWriteSchema = z.object({ requests: z.array(z.record(z.string(), z.unknown())) });

/** The tab of an A1 range: `'Leads - X'!Y5` or `Tab!Y5`. */
const tabOfRange = (range: string): string | null => {
  const m = /^'((?:[^']|'')+)'!|^([^!']+)!/.exec(range);
  if (!m) return null;
  return m[1] !== undefined ? m[1].replace(/''/g, "'") : (m[2] ?? null);
};

/** The tabs a write names; null when it cannot tell (then every tab is scanned). */
const tabsOfWrite = (w: SheetsWrite): Set<string> | null => {
  const body: unknown = JSON.parse(w.body.toString('utf8'));
  if (w.op === 'values.batchUpdate') {
    const p = ValuesWriteSchema.safeParse(body);
    return p.success ? new Set(p.data.data.map((d) => tabOfRange(d.range)).filter((t) => t !== null)) : null;
  }
  if (w.op === 'spreadsheets.batchUpdate') {
    const p = SheetWriteSchema.safeParse(body);
    if (!p.success) return null;
    const tabs = new Set<string>();
    for (const req of p.data.requests) {
      const ids = sheetIdsNamed(req);
      if (ids.size === 0) return null;
      // A sheetId that is not an agent tab (the Call log's appendDimension in every flush, a tab the
      // flusher adds) has no AttemptCount to journal; taking it for "cannot tell" scanned all 500 tabs on
      // every flush, ~40 % of this process's CPU at 500 agents.
      for (const id of ids) {
        const title = titleOfSheetId.get(id);
        if (title !== undefined) tabs.add(title);
      }
    }
    return tabs;
  }
  return null;
};

const onWrite = (w: SheetsWrite) => {
  const at = performance.timeOrigin + performance.now();
  for (const tab of tabsOfWrite(w) ?? rowsOf.keys()) scanTab(tab, at);
};

const titleOfSheetId = new Map<number, string>();
const rowsOf = new Map<string, number>();
const scanTab = (tab: string, at: number) => {
  const rows = rowsOf.get(tab);
  if (rows === undefined) return;
  // Only the AttemptCount column: building the whole tab's grid (getValues) for every tab of every flush was
  // ~2/3 of this process's CPU at 500 agents, competing with the coordinator for the 2 cores every 2 s.
  const column = emu.state.getColumn(BENCH_SPREADSHEET_ID, tab, ATTEMPT_COUNT_COL);
  for (let row = 2; row <= rows; row += 1) {
    const v = Number(column[row - 1] || '0');
    const key = journalKey(tab, row);
    if (last.get(key) !== v) {
      last.set(key, v);
      const changes = journal[key] ?? [];
      changes.push([v, at]);
      journal[key] = changes;
    }
  }
};

const emu = await startSheetsEmulator({
  port: cfg.port,
  host: '127.0.0.1',
  seed: fixture,
  onWrite,
  logger: createEmulatorLogger('sheets-emulator', process.env.EMULATOR_LOG_LEVEL ?? 'warn'),
});
for (const sheet of fixture.spreadsheets[0]?.sheets ?? []) {
  if (sheet.title === 'Router') continue;
  const rows = sheet.rows?.length ?? 0;
  rowsOf.set(sheet.title, rows);
  titleOfSheetId.set(sheet.sheetId, sheet.title);
  for (let row = 2; row <= rows; row += 1) {
    last.set(
      journalKey(sheet.title, row),
      Number(emu.state.getCell(BENCH_SPREADSHEET_ID, sheet.title, row, ATTEMPT_COUNT_COL) || '0'),
    );
  }
}
onParent((m) => {
  if (m.type === 'journal') toParent({ type: 'journal', journal });
});
toParent({ type: 'ready', url: emu.url });
