// The stack the fault scenarios run on, all real processes: redis-server with AOF (appendfsync always), the
// Sheets emulator seeded with the demo agents' tabs, the Dialpad emulator with calls that play out by
// themselves in well under a second, and coordinator instances as child processes (the `npm start` entry
// point) that a scenario can SIGKILL and start again on the same port. Instance "A" and "B" each have a
// fixed port; Dialpad's webhook goes to B.
import { DEMO_AGENTS, DEMO_ROUTER_SPREADSHEET_ID } from '../../../emulators/demo-agents.js';
import { createEmulatorLogger } from '../../../emulators/common/log.js';
import { type DialpadEmulator, startDialpadEmulator } from '../../../emulators/dialpad/server.js';
import { buildDemoFixture } from '../../../emulators/sheets/demo-seed.js';
import { type SheetsEmulator, startSheetsEmulator } from '../../../emulators/sheets/server.js';
import { freePort, type RedisServerHandle, startRedisServer } from '../../../../test/support/redis-server.js';
import { type CoordinatorProcess, startCoordinatorProcess } from '../../api/support/coordinator-process.js';

const WEBHOOK_SECRET = 'reliability-webhook-secret';
const DIALPAD_KEY = 'reliability-dialpad-key';

export type InstanceName = 'A' | 'B';

export interface FaultStack {
  redis: RedisServerHandle;
  sheets: SheetsEmulator;
  dialpad: DialpadEmulator;
  urls: Record<InstanceName, string>;
  /** Running instances (a killed one is absent until started again). */
  running: Map<InstanceName, CoordinatorProcess>;
  start(name: InstanceName): Promise<CoordinatorProcess>;
  kill(name: InstanceName): Promise<void>;
  /** Every log line every instance wrote so far (killed ones included). */
  logs(): string;
  close(): Promise<void>;
}

export async function startFaultStack(o: { leadsPerAgent?: number } = {}): Promise<FaultStack> {
  const redis = await startRedisServer();
  const sheets = await startSheetsEmulator({
    host: '127.0.0.1',
    seed: buildDemoFixture({
      agents: DEMO_AGENTS,
      leadsPerAgent: o.leadsPerAgent ?? 60,
      seed: 11,
      routerSpreadsheetId: DEMO_ROUTER_SPREADSHEET_ID,
    }),
    logger: createEmulatorLogger('sheets-emulator', 'silent'),
  });
  const ports: Record<InstanceName, number> = { A: await freePort(), B: await freePort() };
  const urls = { A: `http://127.0.0.1:${ports.A}`, B: `http://127.0.0.1:${ports.B}` };
  const dialpad = await startDialpadEmulator({
    host: '127.0.0.1',
    seed: 11,
    rateLimitPerMin: null,
    apiKeys: [DIALPAD_KEY],
    logger: createEmulatorLogger('dialpad-emulator', 'silent'),
    users: DEMO_AGENTS.map((a) => ({ id: a.dialpadUserId, name: a.name, email: a.email })),
    webhook: { url: `${urls.B}/events/dialpad`, secret: WEBHOOK_SECRET },
    // Calls ring and end by themselves fast: connected (talk 300 ms), no answer, voicemail, missed.
    timings: { dialMs: 40, ringMs: 120, talkMs: 300, noAnswerMs: 250, jitter: 0.2 },
    outcomes: { mix: { connected: 0.3, no_answer: 0.4, voicemail: 0.2, missed: 0.1 } },
    // The sender retries a failed delivery for about 6 s (as the n8n forwarder does, integrations/n8n),
    // so events sent while the only instance restarts are delivered after it.
    delivery: { retries: 6, timeoutMs: 2000 },
  });
  const env = (name: InstanceName): Record<string, string> => ({
    DEMO_MODE: '1',
    HOST: '127.0.0.1',
    INSTANCE_ID: `rel-${name}`,
    LOG_LEVEL: 'info',
    REDIS_URL: redis.url,
    JWT_SECRET: 'reliability-jwt-secret-0123456789abcdefghij',
    SHEETS_ROOT_URL: sheets.url,
    SHEETS_ACCESS_TOKEN: 'reliability-sheets-token',
    ROUTER_SPREADSHEET_ID: DEMO_ROUTER_SPREADSHEET_ID,
    DIALPAD_BASE_URL: dialpad.url,
    DIALPAD_API_KEY: DIALPAD_KEY,
    DIALPAD_WEBHOOK_SECRET: WEBHOOK_SECRET,
    // Any hour, PLAY dials at once, enough attempts; a call with no ending webhook ends itself in 10 s.
    CAMPAIGN_RULES: JSON.stringify({
      '*': {
        callingHours: null,
        previewCountdownSeconds: 0,
        maxAttempts: 50,
        callTimeoutSeconds: 10,
        connectedTimeoutSeconds: 60,
      },
    }),
    CALL_SWEEP_INTERVAL_MS: '1000',
    WEB_DIST_DIR: '/nonexistent-web-ui',
    SHUTDOWN_GRACE_MS: '1000',
  });
  const running = new Map<InstanceName, CoordinatorProcess>();
  const dead: CoordinatorProcess[] = [];
  const stack: FaultStack = {
    redis,
    sheets,
    dialpad,
    urls,
    running,
    async start(name) {
      const c = await startCoordinatorProcess(ports[name], env(name), 40_000);
      running.set(name, c);
      return c;
    },
    async kill(name) {
      const c = running.get(name);
      if (!c) return;
      running.delete(name);
      dead.push(c);
      await c.kill();
    },
    logs: () => [...dead, ...running.values()].map((c) => c.logs()).join('\n'),
    async close() {
      await Promise.all([...running.values()].map((c) => c.kill()));
      await dialpad.close();
      await sheets.close();
      await redis.stop();
    },
  };
  return stack;
}
