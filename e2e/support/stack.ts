// Boots the whole stack for the browser tests: Sheets and Dialpad emulators seeded with the demo data and a
// coordinator in demo mode serving the web UI built with its test hook (dist/renderer-e2e), on free ports.
// Redis at `redisUrl` when given (start one with test/support/redis-server.ts), else the demo's own
// throw-away redis-server.
import type { FaultRule } from '../../server/emulators/common/faults.js';
import type { DialpadEmulator, DialpadEmulatorOptions } from '../../server/emulators/dialpad/server.js';
import type { SheetsEmulator } from '../../server/emulators/sheets/server.js';
import type { CampaignOverrides } from '../../server/src/config.js';
import { type DemoStack, startDemoStack } from '../../server/src/demo.js';
import { E2E_DIST_DIR } from './build-ui.js';

export interface StackOptions {
  redisUrl?: string;
  sheetsFaults?: readonly FaultRule[];
  dialpadOptions?: Partial<Omit<DialpadEmulatorOptions, 'users' | 'webhook'>>;
  /** Campaign rule overrides by campaign name ("*" for all); default: no calling-hours limit. */
  rules?: CampaignOverrides;
  /** 0 or absent: a free port. */
  port?: 0;
  leadsPerAgent?: number;
  /** The seeded agents (default: the three demo agents). */
  agents?: DemoStack['agents'];
  /** Extra coordinator environment (e.g. CALL_SWEEP_INTERVAL_MS). */
  env?: Record<string, string>;
}

export interface Stack {
  baseUrl: string;
  sheets: SheetsEmulator;
  dialpad: DialpadEmulator;
  /** The demo agents (emails, names, Dialpad user ids, campaigns). */
  agents: DemoStack['agents'];
  routerSpreadsheetId: string;
  /** Writes every queued sheet patch to the emulator now. */
  flushSheets(): Promise<void>;
  stop(): Promise<void>;
}

export async function startStack(opts: StackOptions = {}): Promise<Stack> {
  const s = await startDemoStack({
    port: 0,
    leadsPerAgent: opts.leadsPerAgent ?? 60,
    // The UI built with its test hook by the suite's globalSetup (build-ui.ts).
    webDistDir: E2E_DIST_DIR,
    ...(opts.redisUrl ? { redisUrl: opts.redisUrl } : {}),
    ...(opts.sheetsFaults ? { sheetsFaults: opts.sheetsFaults } : {}),
    ...(opts.dialpadOptions ? { dialpadOptions: opts.dialpadOptions } : {}),
    ...(opts.rules ? { rules: opts.rules } : {}),
    ...(opts.agents ? { agents: opts.agents } : {}),
    ...(opts.env ? { env: opts.env } : {}),
    logLevel: process.env.LOG_LEVEL ?? 'silent',
  });
  return {
    baseUrl: s.baseUrl,
    sheets: s.sheets,
    dialpad: s.dialpad,
    agents: s.agents,
    routerSpreadsheetId: s.routerSpreadsheetId,
    flushSheets: () => s.coordinator.flushSheets(),
    stop: () => s.stop(),
  };
}
