// DESIGN "nothing lost", with the faults injected for real: the coordinator runs as a child process (the
// `npm start` entry point) on a real redis-server with AOF; the Sheets emulator refuses every write (503) so
// the accepted dispositions pile up in the durable write-behind queue; then the coordinator is SIGKILLed
// (no graceful stop, no final flush) and redis-server is SIGKILLed and restarted from its AOF. A NEW
// coordinator process on the same Redis must write every accepted disposition to the sheet exactly as
// intended (status cells, siblings SKIPPED in purple, AttemptCount, LastOutcome, Notes), and a retried
// request with the same Idempotency-Key must not apply a disposition twice.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { HTTP_API, type ResponseBody } from '../../../src-shared/contracts/http.js';
import type { NextStep } from '../../../src-shared/contracts/views.js';
import type { DispositionCode } from '../../../src-shared/domain/disposition.js';
import { freePort, type RedisServerHandle, startRedisServer } from '../../../test/support/redis-server.js';
import { createEmulatorLogger } from '../../emulators/common/log.js';
import { DEMO_AGENTS, DEMO_ROUTER_SPREADSHEET_ID } from '../../emulators/demo-agents.js';
import { type DialpadEmulator, startDialpadEmulator } from '../../emulators/dialpad/server.js';
import { buildDemoFixture } from '../../emulators/sheets/demo-seed.js';
import { type SheetsEmulator, startSheetsEmulator } from '../../emulators/sheets/server.js';
import { type CoordinatorProcess, startCoordinatorProcess } from './support/coordinator-process.js';
import { COL, hangUp, manualCalls, TestAgent, tabValues } from './support/agent-client.js';
import { expectAfter, type RowExpectation, sheetMismatches } from './support/sheet-expectations.js';

const WEBHOOK_SECRET = 'crash-test-webhook-secret';
const ANA = DEMO_AGENTS[0]?.email ?? '';
/** The codes disposed before the crash, in order; LEAD_DONE ones (CORRECT, DO_NOT_CALL) paint siblings. */
const CODES: readonly DispositionCode[] = ['WRONG', 'DO_NOT_CALL', 'NO_ANSWER', 'CORRECT', 'VM_SAME_NAME'];

let redis: RedisServerHandle;
let sheets: SheetsEmulator;
let dialpad: DialpadEmulator;
let port: number;
const coordinators: CoordinatorProcess[] = [];

/** The documented environment of one coordinator instance (docs/coordinator.md), demo mode on. */
function coordinatorEnv(instance: string): Record<string, string> {
  return {
    DEMO_MODE: '1',
    HOST: '127.0.0.1',
    INSTANCE_ID: instance,
    LOG_LEVEL: 'info',
    REDIS_URL: redis.url,
    // Shared by both instances, so the agent's access token outlives the crash.
    JWT_SECRET: 'crash-recovery-jwt-secret-0123456789abcdef',
    SHEETS_ROOT_URL: sheets.url,
    SHEETS_ACCESS_TOKEN: 'crash-test-sheets-token',
    ROUTER_SPREADSHEET_ID: DEMO_ROUTER_SPREADSHEET_ID,
    DIALPAD_BASE_URL: dialpad.url,
    DIALPAD_API_KEY: 'crash-test-dialpad-key',
    DIALPAD_WEBHOOK_SECRET: WEBHOOK_SECRET,
    // No calling hours (runs at any time), no preview countdown (PLAY dials), no exhaustion in 5 calls.
    CAMPAIGN_RULES: JSON.stringify({
      '*': { callingHours: null, previewCountdownSeconds: 0, maxAttempts: 50 },
    }),
    WEB_DIST_DIR: '/nonexistent-web-ui',
    SHUTDOWN_GRACE_MS: '1000',
  };
}

async function startCoordinator(instance: string): Promise<CoordinatorProcess> {
  const c = await startCoordinatorProcess(port, coordinatorEnv(instance));
  coordinators.push(c);
  return c;
}

beforeAll(async () => {
  redis = await startRedisServer(); // AOF on, appendfsync always
  sheets = await startSheetsEmulator({
    host: '127.0.0.1',
    seed: buildDemoFixture({
      agents: DEMO_AGENTS,
      leadsPerAgent: 30,
      seed: 7,
      routerSpreadsheetId: DEMO_ROUTER_SPREADSHEET_ID,
    }),
    logger: createEmulatorLogger('sheets-emulator', 'silent'),
  });
  // The coordinator's port is fixed up front: Dialpad's webhook points at it, and the second instance
  // takes it over after the crash (as a restarted pod behind the same URL would).
  port = await freePort();
  dialpad = await startDialpadEmulator({
    host: '127.0.0.1',
    seed: 7,
    rateLimitPerMin: null,
    apiKeys: ['crash-test-dialpad-key'],
    logger: createEmulatorLogger('dialpad-emulator', 'silent'),
    users: DEMO_AGENTS.map((a) => ({ id: a.dialpadUserId, name: a.name, email: a.email })),
    webhook: { url: `http://127.0.0.1:${port}/events/dialpad`, secret: WEBHOOK_SECRET },
  });
  await manualCalls(dialpad.url);
});

afterAll(async () => {
  // Children first (even when the test failed half-way), then what they talk to.
  await Promise.all(coordinators.map((c) => c.kill()));
  await dialpad?.close();
  await sheets?.close();
  await redis?.stop();
});

async function readyz(baseUrl: string) {
  const res = await fetch(`${baseUrl}/readyz`);
  return HTTP_API.readyz.response.parse(await res.json());
}

describe('crash recovery with real process kills', () => {
  it('coordinator SIGKILLed and redis-server SIGKILLed + AOF replay during a Sheets outage: a new coordinator writes every accepted disposition once', async () => {
    onTestFailed(() => {
      coordinators.forEach((c, i) => {
        process.stderr.write(`\n----- coordinator #${i + 1} (pid ${c.pid}) log -----\n${c.logs()}\n`);
      });
    });
    const first = await startCoordinator('crash-a');
    const agent = await new TestAgent(ANA, first.baseUrl).login();
    const snap = await agent.ok('sessionStart');
    const { spreadsheetId: ssId, tabTitle: tab } = snap.session;
    const before = await tabValues(sheets.url, ssId, tab);

    // The outage: Google refuses every write from now on; reads still work.
    sheets.state.setFaults([{ route: 'write', status: 503, retryAfterSec: 0 }]);

    const rows = new Map<string, RowExpectation>();
    const accepted: {
      key: string;
      body: { callId: string; code: DispositionCode; notes?: string };
      response: ResponseBody<'disposition'>;
    }[] = [];
    let step: NextStep = (await agent.ok('sessionState', { state: 'PLAY' })).next;
    for (const [i, code] of CODES.entries()) {
      if (step.kind !== 'call')
        throw new Error(`call ${i + 1}: expected a call, got ${JSON.stringify(step)}`);
      const { call, preview } = step;
      await hangUp(agent, dialpad.url, call.callId);
      const last = i === CODES.length - 1;
      // The last one is disposed while paused, so no live call is left for the crash.
      if (last) await agent.ok('sessionState', { state: 'PAUSE' });
      const note = i === 0 ? `crash-note-${randomUUID().slice(0, 8)}` : null;
      const body = { callId: call.callId, code, ...(note ? { notes: note } : {}) };
      const key = `crash-dispo-${i}-${randomUUID()}`;
      const response = await agent.ok('disposition', body, { key });
      expect(response).toMatchObject({ callId: call.callId, code });
      accepted.push({ key, body, response });
      expectAfter(rows, { ...preview, numberIndex: call.numberIndex }, code, note);
      step = response.next;
    }
    expect(step.kind).not.toBe('call');
    expect([...rows.values()].some((r) => [...r.statuses.values()].includes('SKIPPED'))).toBe(true);

    // Nothing reached the sheet: every accepted disposition lives only in Redis's write-behind queue.
    const during = await tabValues(sheets.url, ssId, tab);
    for (const r of rows.values()) {
      expect(during[r.rowNumber - 1]?.[COL.attemptCount], r.rowId).toBe(
        before[r.rowNumber - 1]?.[COL.attemptCount],
      );
      expect(during[r.rowNumber - 1]?.[COL.lastOutcome], r.rowId).toBe(
        before[r.rowNumber - 1]?.[COL.lastOutcome],
      );
    }
    // ...although the coordinator did try (its flusher runs every second): the emulator refused it.
    const refusedBy = Date.now() + 10_000;
    const refused = () =>
      sheets.state.requestLog.entries.some((e) => e.faulted && e.route.endsWith('batchUpdate'));
    while (!refused() && Date.now() < refusedBy) await new Promise((r) => setTimeout(r, 50));
    expect(refused()).toBe(true);
    expect((await readyz(first.baseUrl)).sheetsQueueDepth).toBeGreaterThan(0);

    // The faults, for real: the coordinator dies without a word (perhaps mid-flush, holding the sheet flush
    // lock: that lock is short-lived and no longer renewed, so it frees up within its 10 s TTL), then Redis
    // dies and replays its AOF.
    await first.kill();
    await redis.restart();

    sheets.state.clearFaults();
    const second = await startCoordinator('crash-b');
    expect(second.baseUrl).toBe(agent.baseUrl);

    // A client retrying its last request after the crash gets the stored answer, not a second disposition.
    const retried = accepted[accepted.length - 1];
    if (!retried) throw new Error('nothing accepted');
    const replay = await agent.raw('disposition', retried.body, { key: retried.key });
    expect(replay.status).toBe(200);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(HTTP_API.disposition.response.parse(replay.body)).toEqual(retried.response);

    // Generous: the new coordinator may first wait out the dead one's flush lock (up to its 10 s TTL).
    let mismatches: string[] = [];
    const deadline = Date.now() + 40_000;
    for (;;) {
      mismatches = await sheetMismatches(sheets, ssId, tab, rows.values());
      if (mismatches.length === 0 || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(mismatches).toEqual([]);

    // Queue drained and still exact: the replayed request added no attempt, no outcome, no stat.
    const drainDeadline = Date.now() + 10_000;
    while ((await readyz(second.baseUrl)).sheetsQueueDepth > 0 && Date.now() < drainDeadline)
      await new Promise((r) => setTimeout(r, 100));
    expect((await readyz(second.baseUrl)).sheetsQueueDepth).toBe(0);
    expect(await sheetMismatches(sheets, ssId, tab, rows.values())).toEqual([]);
    const stats = await agent.ok('stats');
    expect(stats.agent.callsCompleted).toBe(CODES.length);
    expect(stats.agent.dispositions).toMatchObject({ WRONG: 1, DO_NOT_CALL: 1, CORRECT: 1, NO_ANSWER: 1 });
    expect((await agent.ok('sessionCurrent')).session?.state).toBe('PAUSE');
  });
});
