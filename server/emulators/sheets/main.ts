// `npm run emulator:sheets`: the Sheets emulator on its own, seeded from a fixture file or the demo seed.
// Options (argument or environment): --port / SHEETS_EMULATOR_PORT (9401), --host / SHEETS_EMULATOR_HOST,
// --seed-file / SHEETS_EMULATOR_SEED_FILE (JSON fixture), --persist / SHEETS_EMULATOR_PERSIST_FILE,
// --demo-seed / SHEETS_EMULATOR_DEMO_SEED (42), --leads / SHEETS_EMULATOR_LEADS (300 per agent),
// --faults / SHEETS_EMULATOR_FAULTS (JSON array of fault rules), --tokens / SHEETS_EMULATOR_TOKENS (comma-
// separated access tokens / API keys accepted; default any). See docs/emulators.md.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { cliNumber, cliOption, closeOnSignals } from '../common/cli.js';
import { FaultRuleSchema } from '../common/faults.js';
import { createEmulatorLogger } from '../common/log.js';
import { DEMO_AGENTS, DEMO_ROUTER_SPREADSHEET_ID, DEMO_SUPERVISORS } from '../demo-agents.js';
import { buildDemoFixture } from './demo-seed.js';
import { SheetsFixtureSchema } from './fixture.js';
import { startSheetsEmulator } from './server.js';

const logger = createEmulatorLogger('sheets-emulator', process.env.EMULATOR_LOG_LEVEL ?? 'info');
const seedFile = cliOption('seed-file', 'SHEETS_EMULATOR_SEED_FILE');
const persistFile = cliOption('persist', 'SHEETS_EMULATOR_PERSIST_FILE');
const faultsJson = cliOption('faults', 'SHEETS_EMULATOR_FAULTS');
const tokens = cliOption('tokens', 'SHEETS_EMULATOR_TOKENS')
  ?.split(',')
  .map((t) => t.trim())
  .filter((t) => t !== '');

const seed = seedFile
  ? SheetsFixtureSchema.parse(JSON.parse(readFileSync(seedFile, 'utf8')))
  : buildDemoFixture({
      agents: DEMO_AGENTS,
      leadsPerAgent: cliNumber('leads', 'SHEETS_EMULATOR_LEADS', 300),
      seed: cliNumber('demo-seed', 'SHEETS_EMULATOR_DEMO_SEED', 42),
      routerSpreadsheetId: DEMO_ROUTER_SPREADSHEET_ID,
      supervisors: DEMO_SUPERVISORS,
    });

const emu = await startSheetsEmulator({
  port: cliNumber('port', 'SHEETS_EMULATOR_PORT', 9401),
  host: cliOption('host', 'SHEETS_EMULATOR_HOST') ?? '127.0.0.1',
  seed,
  ...(persistFile ? { persistFile } : {}),
  ...(faultsJson ? { faults: z.array(FaultRuleSchema).parse(JSON.parse(faultsJson)) } : {}),
  ...(tokens && tokens.length > 0 ? { acceptTokens: tokens } : {}),
  logger,
});
logger.info(
  { rootUrl: emu.url, spreadsheets: emu.state.spreadsheetIds(), admin: `${emu.url}__emulator/` },
  'Sheets emulator ready: pass rootUrl to the googleapis client',
);
closeOnSignals(emu.close);
