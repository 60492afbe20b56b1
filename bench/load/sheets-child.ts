// The benchmark's Sheets emulator process: one spreadsheet with a Router tab and one tab per agent
// (`leads` leads each), zero added latency. It keeps a journal of every AttemptCount cell that changes
// through the API (tab, row, value, epoch ms) so the orchestrator can time each disposition landing and
// check none was lost. Scans only the tabs a write names, after the write is applied.
import { z } from 'zod';
import { createEmulatorLogger } from '../../server/emulators/common/log.js';
import { buildDemoFixture } from '../../server/emulators/sheets/demo-seed.js';
import { type SheetsWrite, startSheetsEmulator } from '../../server/emulators/sheets/server.js';
import { ATTEMPT_COUNT_COL, BENCH_SPREADSHEET_ID, benchAgents } from './fixture.js';
import { childConfig, onParent, SheetsChildConfigSchema, toParent } from './messages.js';
import { journalKey, type SheetJournal } from './report.js';

const cfg = childConfig(SheetsChildConfigSchema);
const agents = benchAgents(cfg.agents);
const fixture = buildDemoFixture({
  agents,
  leadsPerAgent: cfg.leads,
  seed: 7,
  routerSpreadsheetId: BENCH_SPREADSHEET_ID,
});
const journal: SheetJournal = {};
const last = new Map<string, number>();
const WriteBodySchema = z.object({ data: z.array(z.object({ range: z.string() })) });

/** The tab of an A1 range: `'Leads - X'!Y5` or `Tab!Y5`. */
const tabOfRange = (range: string): string | null => {
  const m = /^'((?:[^']|'')+)'!|^([^!']+)!/.exec(range);
  if (!m) return null;
  return m[1] !== undefined ? m[1].replace(/''/g, "'") : (m[2] ?? null);
};

const onWrite = (w: SheetsWrite) => {
  const at = performance.timeOrigin + performance.now();
  // values.batchUpdate names its tabs; any other write (rare: backgrounds, single ranges) scans them all.
  const parsed =
    w.op === 'values.batchUpdate' ? WriteBodySchema.safeParse(JSON.parse(w.body.toString('utf8'))) : null;
  const tabs = parsed?.success
    ? new Set(parsed.data.data.map((d) => tabOfRange(d.range)).filter((t) => t !== null))
    : rowsOf.keys();
  for (const tab of tabs) scanTab(tab, at);
};

const rowsOf = new Map<string, number>();
const scanTab = (tab: string, at: number) => {
  const rows = rowsOf.get(tab);
  if (rows === undefined) return;
  for (let row = 2; row <= rows; row += 1) {
    const v = Number(emu.state.getCell(BENCH_SPREADSHEET_ID, tab, row, ATTEMPT_COUNT_COL) || '0');
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
