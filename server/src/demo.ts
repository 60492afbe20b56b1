// `npm run demo`: the whole product on one machine. Starts the Sheets emulator seeded with a router and three
// demo agents' tabs (a few hundred realistic leads each), the Dialpad emulator (signed webhooks, varied
// outcomes, few-second calls) and the coordinator in demo mode on Redis: REDIS_URL when set, else a
// throw-away redis-server of its own (temp dir, free port, AOF off; stopped with the demo, Ctrl-C included;
// installed with apt-get as root on Debian when missing, else one line naming the install command). Serves
// the built web UI; then prints the URL, the demo agents and how to log in.
// `startDemoStack` is the same wiring for tests (e2e/support/stack.ts).
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import type { FaultRule } from '../emulators/common/faults.js';
import { createEmulatorLogger } from '../emulators/common/log.js';
import {
  DEMO_AGENTS,
  DEMO_ROUTER_SPREADSHEET_ID,
  DEMO_SUPERVISORS,
  type DemoAgent,
} from '../emulators/demo-agents.js';
import { DEMO_OUTCOME_MIX } from '../emulators/dialpad/outcomes.js';
import {
  type DialpadEmulator,
  type DialpadEmulatorOptions,
  startDialpadEmulator,
} from '../emulators/dialpad/server.js';
import { buildDemoFixture } from '../emulators/sheets/demo-seed.js';
import { type SheetsEmulator, startSheetsEmulator } from '../emulators/sheets/server.js';
import { composeCoordinator, type Coordinator } from './compose.js';
import { type CampaignOverrides, loadConfig } from './config.js';
import type { Logger } from './logger.js';
import { type RedisServerHandle, startRedisServer } from './redis/redis-server.js';
import { stopOnSignals } from './server.js';

/** The demo company's Dialpad lines, one near each group of demo leads (local presence). */
export const DEMO_CALLER_IDS: readonly string[] = [
  '+12125550100', // New York: the default (first)
  '+14155550100', // San Francisco
  '+13125550100', // Chicago
  '+13035550100', // Denver
  '+18085550100', // Honolulu
  '+19075550100', // Anchorage
  '+442079460100', // London
];

/** What `npm run demo` dials with: calling hours ON (the default federal window, lead-local, zones
 *  inferred from the numbers), a stricter Florida window, and local presence. Tests that must dial at any
 *  hour keep startDemoStack's default (no calling hours). */
export const DEMO_CAMPAIGN_RULES: CampaignOverrides = {
  '*': {
    regionHours: [{ regions: ['US-FL'], hours: { start: '08:00', end: '20:00', days: [1, 2, 3, 4, 5, 6] } }],
    callerIds: [...DEMO_CALLER_IDS],
  },
};

export interface DemoStackOptions {
  /** Use Redis at this URL (or the Cluster of `env.REDIS_CLUSTER_NODES`); absent = a throw-away
   *  redis-server started (and stopped) with the stack. */
  redisUrl?: string;
  /** Coordinator port; 0/absent = a free port. */
  port?: number;
  /** Ports of the Sheets and Dialpad emulators; 0/absent = a free port. */
  sheetsPort?: number;
  dialpadPort?: number;
  host?: string;
  leadsPerAgent?: number;
  /** The agents seeded in the router, their tabs and the Dialpad users (default: the three demo agents). */
  agents?: readonly DemoAgent[];
  /** Seed of the lead data and of the Dialpad emulator's outcome mix. */
  seed?: number;
  sheetsFaults?: readonly FaultRule[];
  /** Dialpad emulator options. The demo lifts the emulator's 5 initiate_call/min per-user limit
   *  (`rateLimitPerMin: null`): an agent dialing back to back would hit 429 by the sixth call. Tests that
   *  want the real limit pass `rateLimitPerMin: 5`. */
  dialpadOptions?: Partial<Omit<DialpadEmulatorOptions, 'users' | 'webhook'>>;
  /** Campaign rule overrides (CAMPAIGN_RULES); default: no calling hours, so tests dial at any hour
   *  (`npm run demo` passes DEMO_CAMPAIGN_RULES: calling hours on). */
  rules?: CampaignOverrides;
  /** Built web UI; default dist/renderer. null = API only. */
  webDistDir?: string | null;
  logger?: Logger;
  logLevel?: string;
  /** Extra coordinator env (e.g. CALL_SWEEP_INTERVAL_MS). */
  env?: Record<string, string>;
  /** Where the Dialpad emulator posts webhooks (default: this coordinator); tests aim it at another instance. */
  webhookBaseUrl?: string;
}

export interface DemoStack {
  baseUrl: string;
  coordinator: Coordinator;
  sheets: SheetsEmulator;
  dialpad: DialpadEmulator;
  /** The Redis the coordinator uses (for display); `ownRedis` is the throw-away server the stack started. */
  redisUrl: string;
  ownRedis: RedisServerHandle | null;
  agents: readonly DemoAgent[];
  routerSpreadsheetId: string;
  webhookSecret: string;
  stop(): Promise<void>;
}

export const DEMO_WEBHOOK_SECRET = 'demo-webhook-secret';
const DEMO_DIALPAD_KEY = 'demo-dialpad-key';

async function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, host, () => {
      const a = srv.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export async function startDemoStack(o: DemoStackOptions = {}): Promise<DemoStack> {
  const host = o.host ?? '127.0.0.1';
  const port = o.port && o.port > 0 ? o.port : await freePort(host);
  const baseUrl = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`;
  const seed = o.seed ?? 42;
  const agents = o.agents ?? DEMO_AGENTS;
  const emulatorLevel = process.env.EMULATOR_LOG_LEVEL ?? (o.logLevel === 'silent' ? 'silent' : 'warn');
  let ownRedis: RedisServerHandle | null = null;
  let redisUrl: string;
  const cluster = o.env?.REDIS_CLUSTER_NODES;
  if (o.redisUrl) redisUrl = o.redisUrl;
  else if (cluster) redisUrl = `redis-cluster://${cluster}`;
  else {
    ownRedis = await startRedisServer({ appendOnly: false, install: true });
    redisUrl = ownRedis.url;
  }
  let sheets: SheetsEmulator;
  try {
    sheets = await startSheetsEmulator({
      host: '127.0.0.1',
      port: o.sheetsPort ?? 0,
      seed: buildDemoFixture({
        agents,
        leadsPerAgent: o.leadsPerAgent ?? 300,
        seed,
        routerSpreadsheetId: DEMO_ROUTER_SPREADSHEET_ID,
        supervisors: DEMO_SUPERVISORS,
      }),
      ...(o.sheetsFaults ? { faults: o.sheetsFaults } : {}),
      logger: createEmulatorLogger('sheets-emulator', emulatorLevel),
    });
  } catch (e) {
    await ownRedis?.stop();
    throw e;
  }
  let dialpad: DialpadEmulator | null = null;
  try {
    dialpad = await startDialpadEmulator({
      host: '127.0.0.1',
      port: o.dialpadPort ?? 0,
      seed,
      outcomes: { mix: DEMO_OUTCOME_MIX },
      timings: { dialMs: 700, ringMs: 2500, talkMs: 5000, noAnswerMs: 4500, jitter: 0.3 },
      logger: createEmulatorLogger('dialpad-emulator', emulatorLevel),
      rateLimitPerMin: null,
      apiKeys: [DEMO_DIALPAD_KEY],
      companyNumbers: DEMO_CALLER_IDS,
      ...o.dialpadOptions,
      users: agents.map((a) => ({ id: a.dialpadUserId, name: a.name, email: a.email })),
      webhook: { url: `${o.webhookBaseUrl ?? baseUrl}/events/dialpad`, secret: DEMO_WEBHOOK_SECRET },
    });
    const config = loadConfig({
      DEMO_MODE: '1',
      PORT: String(port),
      HOST: host,
      INSTANCE_ID: `demo-${port}`,
      LOG_LEVEL: o.logLevel ?? process.env.LOG_LEVEL ?? 'warn',
      ...(cluster ? {} : { REDIS_URL: redisUrl }),
      SHEETS_ROOT_URL: sheets.url,
      SHEETS_ACCESS_TOKEN: 'demo-sheets-token',
      ROUTER_SPREADSHEET_ID: DEMO_ROUTER_SPREADSHEET_ID,
      DIALPAD_BASE_URL: dialpad.url,
      DIALPAD_API_KEY: DEMO_DIALPAD_KEY,
      DIALPAD_WEBHOOK_SECRET: DEMO_WEBHOOK_SECRET,
      CAMPAIGN_RULES: JSON.stringify(o.rules ?? { '*': { callingHours: null } }),
      WEB_DIST_DIR: o.webDistDir === null ? '/nonexistent-web-ui' : (o.webDistDir ?? 'dist/renderer'),
      SHUTDOWN_GRACE_MS: '5000',
      ...o.env,
    });
    const coordinator = await composeCoordinator(config, o.logger ? { logger: o.logger } : {});
    await coordinator.listen();
    const dp = dialpad;
    return {
      baseUrl,
      coordinator,
      sheets,
      dialpad: dp,
      redisUrl,
      ownRedis,
      agents,
      routerSpreadsheetId: DEMO_ROUTER_SPREADSHEET_ID,
      webhookSecret: DEMO_WEBHOOK_SECRET,
      async stop() {
        await coordinator.stop();
        await dp.close();
        await sheets.close();
        await ownRedis?.stop();
      },
    };
  } catch (e) {
    await dialpad?.close();
    await sheets.close();
    await ownRedis?.stop();
    throw e;
  }
}

/** DEMO_DIALPAD_RATE_LIMIT: initiate_call per minute per user in the emulator; absent or `off` = no limit. */
export function demoRateLimit(raw: string | undefined): number | null {
  if (!raw || raw === 'off') return null;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1)
    throw new Error(`DEMO_DIALPAD_RATE_LIMIT ("${raw}"): a whole number of calls per minute, or "off"`);
  return n;
}

/** The Dialpad line of the banner: what the emulator does, and its rate limit (off unless asked for). */
export function dialpadBannerLine(url: string, rateLimitPerMin: number | null): string {
  const limit =
    rateLimitPerMin === null
      ? "Dialpad's 5 calls/min per-user limit is OFF in the demo (DEMO_DIALPAD_RATE_LIMIT=5 to restore it)"
      : `rate limit ${rateLimitPerMin} calls/min per agent, as Dialpad's (a faster agent gets 429)`;
  return `  Dialpad:   emulator, its calls at ${url}__emulator/calls (each ends by itself after a few seconds;\n             ${limit})`;
}

const portVar = z.coerce.number().int().min(0).max(65_535);
/** The demo's own environment (docs/emulators.md): the coordinator's port and the emulators' (0 = free). */
const DemoEnvSchema = z.object({
  PORT: portVar.default(8080),
  SHEETS_EMULATOR_PORT: portVar.default(0),
  DIALPAD_EMULATOR_PORT: portVar.default(0),
});

export function demoPorts(env: Record<string, string | undefined>): z.infer<typeof DemoEnvSchema> {
  const r = DemoEnvSchema.safeParse(env);
  if (r.success) return r.data;
  const bad = r.error.issues.map((i) => `${i.path.join('.')} ("${env[String(i.path[0])]}"): a port, 0-65535`);
  throw new Error(`bad demo setting: ${bad.join('; ')}`);
}

/** The banner `npm run demo` prints. Every URL in it answers a GET (the curl line: the POST it shows). */
export function demoBanner(stack: DemoStack, o: { uiBuilt: boolean }): string {
  const lines = [
    '',
    'Turbo Dialer demo is running.',
    '',
    `  Open:      ${stack.baseUrl}/`,
    o.uiBuilt
      ? ''
      : '  web UI not built yet: run npx vite build (then restart npm run demo); the API works meanwhile.',
    `  Store:     ${stack.ownRedis ? `throw-away redis-server at ${stack.redisUrl} (gone when the demo stops; set REDIS_URL to use yours)` : `Redis at ${stack.redisUrl}`}`,
    `  Sheets:    emulator, its state at ${stack.sheets.url}__emulator/state (SHEETS_EMULATOR_PORT sets its port)`,
    dialpadBannerLine(stack.dialpad.url, stack.dialpad.state.rateLimitPerMin),
    '             DIALPAD_EMULATOR_PORT sets its port',
    '',
    '  Log in as one of the demo agents (demo mode: pick the email on the login screen, no password):',
    ...stack.agents.map((a) => `    - ${a.email.padEnd(34)} ${a.name} (${a.campaignName})`),
    `  Supervisor console: ${stack.baseUrl}/supervisor as`,
    ...DEMO_SUPERVISORS.map(
      (s) =>
        `    - ${s.email.padEnd(34)} ${s.name} (${s.campaigns.includes('*') ? 'every campaign' : s.campaigns.join(', ')})`,
    ),
    '',
    `  API by hand: curl -s -X POST ${stack.baseUrl}/auth/login -H 'content-type: application/json' \\`,
    `                 -d '{"demoEmail":"${stack.agents[0]?.email}"}'`,
    `  Metrics:   ${stack.baseUrl}/metrics   Health: ${stack.baseUrl}/readyz`,
    '',
    '  Ctrl+C stops everything.',
    '',
  ].filter((l, i, all) => l !== '' || all[i - 1] !== '');
  return `${lines.join('\n')}\n`;
}

async function main(): Promise<void> {
  const ports = demoPorts(process.env);
  const rateLimitPerMin = demoRateLimit(process.env.DEMO_DIALPAD_RATE_LIMIT);
  const stack = await startDemoStack({
    port: ports.PORT,
    sheetsPort: ports.SHEETS_EMULATOR_PORT,
    dialpadPort: ports.DIALPAD_EMULATOR_PORT,
    dialpadOptions: { rateLimitPerMin },
    rules: DEMO_CAMPAIGN_RULES,
    ...(process.env.REDIS_URL ? { redisUrl: process.env.REDIS_URL } : {}),
    ...(process.env.LOG_LEVEL ? { logLevel: process.env.LOG_LEVEL } : {}),
  });
  const uiBuilt = existsSync(join('dist', 'renderer', 'index.html'));
  process.stdout.write(demoBanner(stack, { uiBuilt }));
  stopOnSignals(stack.coordinator, async () => {
    await stack.dialpad.close();
    await stack.sheets.close();
    await stack.ownRedis?.stop();
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((err: unknown) => {
    process.stderr.write(
      `demo failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    process.exit(1);
  });
}
