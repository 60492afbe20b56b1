// A crash between two steps of the hot path loses nothing (issue 9 item 8). The coordinator runs as a child
// process on a real redis-server (AOF) and kills itself (SIGKILL) at a fault point (TD_FAULT_EXIT_AT):
//   - ended-before-answer: the hangup webhook's ENDED step and its SHOW_DISPO are committed (one script), the
//     webhook is not answered. The agent's resumed socket replays SHOW_DISPO; Dialpad's redeliveries of the
//     same webhook to the restarted coordinator are duplicates and announce nothing.
//   - disposed-before-chain: the disposition is committed, the chained dial is not. The agent's retry gets
//     the saved disposition and the next call; the sheet gets the outcome once.
//   - killed while Dialpad is asked for the chained dial (after the answer, before Dialpad's): the agent is
//     told all the same (the disposition's script appended the step), its resumed socket replays it.
// Webhooks are posted by the test (signed like Dialpad's), so each step is exactly where the fault is.
import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import type { NextStep } from '../../../src-shared/contracts/views.js';
import { freePort, type RedisServerHandle, startRedisServer } from '../../../test/support/redis-server.js';
import { createEmulatorLogger } from '../../emulators/common/log.js';
import { DEMO_AGENTS, DEMO_ROUTER_SPREADSHEET_ID } from '../../emulators/demo-agents.js';
import { type DialpadEmulator, startDialpadEmulator } from '../../emulators/dialpad/server.js';
import { buildDemoFixture } from '../../emulators/sheets/demo-seed.js';
import { type SheetsEmulator, startSheetsEmulator } from '../../emulators/sheets/server.js';
import type { FaultPoint } from '../../src/service/fault-points.js';
import { COL, isEvent, TestAgent, tabValues } from '../api/support/agent-client.js';
import { type CoordinatorProcess, startCoordinatorProcess } from '../api/support/coordinator-process.js';

const SECRET = 'crash-points-webhook-secret';
const AGENT = DEMO_AGENTS[0] ?? { email: '', dialpadUserId: '', name: '', campaignName: '' };

let redis: RedisServerHandle;
let sheets: SheetsEmulator;
let dialpad: DialpadEmulator;
let port: number;
const children: CoordinatorProcess[] = [];

async function coordinator(fault: FaultPoint | null): Promise<CoordinatorProcess> {
  const c = await startCoordinatorProcess(port, {
    DEMO_MODE: '1',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    REDIS_URL: redis.url,
    JWT_SECRET: 'crash-points-jwt-secret-0123456789abcdef', // the agent's token outlives the crash
    SHEETS_ROOT_URL: sheets.url,
    SHEETS_ACCESS_TOKEN: 'crash-points-sheets-token',
    ROUTER_SPREADSHEET_ID: DEMO_ROUTER_SPREADSHEET_ID,
    DIALPAD_BASE_URL: dialpad.url,
    DIALPAD_API_KEY: 'crash-points-dialpad-key',
    DIALPAD_WEBHOOK_SECRET: SECRET,
    CAMPAIGN_RULES: JSON.stringify({ '*': { callingHours: null, previewCountdownSeconds: 0 } }),
    WEB_DIST_DIR: '/nonexistent-web-ui',
    ...(fault ? { TD_FAULT_EXIT_AT: fault } : {}),
  });
  children.push(c);
  onTestFailed(() => {
    process.stderr.write(`--- coordinator ${c.pid} (${fault ?? 'no fault'}) logs:\n${c.logs()}\n`);
  });
  return c;
}

async function signed(event: Record<string, unknown>): Promise<string> {
  return new SignJWT(event)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .sign(new TextEncoder().encode(SECRET));
}

/** Dialpad's webhook for our call `callId` of session `sessionId` (Dialpad's own id `dialpadCallId`). */
const callWebhook = (
  dialpadCallId: number,
  callId: string,
  sessionId: string,
  event: Record<string, unknown>,
) => ({
  call_id: dialpadCallId,
  direction: 'outbound',
  custom_data: JSON.stringify({ td: 1, callId, sessionId }),
  target: { id: AGENT.dialpadUserId, type: 'user' },
  ...event,
});

/** Posts a signed webhook; null when the connection died (the coordinator crashed mid-request). */
async function deliver(jwt: string): Promise<{ status: number; body: unknown } | null> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/events/dialpad`, {
      method: 'POST',
      headers: { 'content-type': 'application/jwt' },
      body: jwt,
    });
    return { status: res.status, body: await res.json() };
  } catch {
    return null;
  }
}

beforeAll(async () => {
  redis = await startRedisServer(); // AOF on, appendfsync always
  sheets = await startSheetsEmulator({
    host: '127.0.0.1',
    seed: buildDemoFixture({
      agents: [AGENT],
      leadsPerAgent: 10,
      seed: 11,
      routerSpreadsheetId: DEMO_ROUTER_SPREADSHEET_ID,
    }),
    logger: createEmulatorLogger('sheets-emulator', 'silent'),
  });
  port = await freePort();
  // Dialpad places the calls; its own webhooks go nowhere: the test delivers each one itself.
  dialpad = await startDialpadEmulator({
    host: '127.0.0.1',
    rateLimitPerMin: null,
    rejectWhenBusy: false,
    outcomes: { default: 'manual' },
    apiKeys: ['crash-points-dialpad-key'],
    logger: createEmulatorLogger('dialpad-emulator', 'silent'),
    users: [{ id: AGENT.dialpadUserId, name: AGENT.name, email: AGENT.email }],
    webhook: { url: 'http://127.0.0.1:9/nowhere', secret: SECRET },
  });
});

afterAll(async () => {
  await Promise.all(children.map((c) => c.kill()));
  await dialpad?.close();
  await sheets?.close();
  await redis?.stop();
});

const callOf = (n: NextStep) => {
  if (n.kind !== 'call') throw new Error(`expected a call, got ${JSON.stringify(n)}`);
  return n;
};

describe('a coordinator killed between two steps loses nothing', () => {
  it('SHOW_DISPO once after a crash between the ENDED step and its answer; the retries are duplicates', async () => {
    const a = await coordinator('ended-before-answer');
    const agent = await new TestAgent(AGENT.email, a.baseUrl).login();
    await agent.ok('sessionStart');
    const first = callOf((await agent.ok('sessionState', { state: 'PLAY' })).next);
    const { callId, sessionId } = first.call;
    const t = Date.now();
    const event = (fields: Record<string, unknown>) => callWebhook(8_100_001, callId, sessionId, fields);
    expect((await deliver(await signed(event({ state: 'ringing', date_rang: t + 1 }))))?.status).toBe(200);
    const seen = (await agent.ok('sessionCurrent')).wsSeq; // what the agent's client has
    const hangup = await signed(event({ state: 'hangup', date_rang: t + 1, date_ended: t + 5 }));
    expect(await deliver(hangup)).toBeNull(); // killed mid-request: Dialpad will redeliver
    await a.kill();

    const b = await coordinator(null);
    const snap = await agent.ok('sessionCurrent');
    expect(snap.call).toMatchObject({ callId, state: 'ENDED' }); // the step itself was committed
    const socket = await agent.socket(seen); // the client resumes from what it had
    await socket.waitFor(
      isEvent('SHOW_DISPO', (e) => e.type === 'SHOW_DISPO' && e.call.callId === callId),
      'SHOW_DISPO replayed on resume',
    );
    // Redelivered twice: duplicates, nothing announced again (events are ordered: the disposition's
    // CALL_STATE comes after anything a duplicate could have published).
    expect(await deliver(hangup)).toEqual({ status: 200, body: { ok: true, duplicate: true } });
    expect(await deliver(hangup)).toEqual({ status: 200, body: { ok: true, duplicate: true } });
    const done = await agent.ok('disposition', { callId, code: 'NO_ANSWER' });
    await socket.waitFor(
      isEvent('CALL_STATE', (e) => e.type === 'CALL_STATE' && e.call.state === 'DISPOSED'),
      'the disposition',
    );
    const shown = socket.messages.filter(
      isEvent('SHOW_DISPO', (e) => e.type === 'SHOW_DISPO' && e.call.callId === callId),
    );
    expect(shown).toHaveLength(1);
    await socket.close();
    expect(done.next.kind).toBe('call');
    await b.kill();
  });

  it('the next call after a crash between the committed disposition and its chained dial', async () => {
    const c = await coordinator('disposed-before-chain');
    const agent = await new TestAgent(AGENT.email, c.baseUrl).login();
    const current = await agent.ok('sessionCurrent');
    const callId = current.call?.callId ?? '';
    const rowNumber = current.preview?.lead.rowNumber ?? 0;
    const t = Date.now();
    const hangup = await signed(
      callWebhook(8_100_002, callId, current.session.id, { state: 'hangup', date_ended: t }),
    );
    expect((await deliver(hangup))?.status).toBe(200);
    const crashed = await agent.raw('disposition', { callId, code: 'WRONG' }).catch(() => null);
    expect(crashed).toBeNull(); // killed after the commit, before the answer
    await c.kill();

    const d = await coordinator(null);
    // The client retries (the same key would wait out the crashed request's 30 s pending marker; a new
    // key is what a client that lost the answer across a reconnect sends): the saved disposition answers,
    // with the chained dial that the crash prevented.
    const again = await agent.ok('disposition', { callId, code: 'WRONG' }, { key: `retry-${randomUUID()}` });
    expect(again).toMatchObject({ callId, code: 'WRONG' });
    const next = callOf(again.next);
    expect(next.call.callId).not.toBe(callId);
    // A different outcome for the same call is refused: the first one stands.
    expect((await agent.raw('disposition', { callId, code: 'CORRECT' })).status).toBe(409);
    const res = await fetch(`${d.baseUrl}/readyz`);
    expect(res.status).toBe(200);
    // The sheet gets the outcome once (the patch was queued by the committed script).
    const lastOutcome = async () =>
      (await tabValues(sheets.url, current.session.spreadsheetId, current.session.tabTitle))[rowNumber - 1]?.[
        COL.lastOutcome
      ];
    const deadline = Date.now() + 20_000; // the flusher's own pace; no timing is asserted
    while ((await lastOutcome()) !== 'WRONG' && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    expect(await lastOutcome()).toBe('WRONG');
    await d.kill();
  });

  it("the agent is told after a crash while Dialpad is asked for the disposition's chained dial", async () => {
    const e = await coordinator(null);
    const agent = await new TestAgent(AGENT.email, e.baseUrl).login();
    const current = await agent.ok('sessionCurrent');
    const callId = current.call?.callId ?? '';
    const hangup = await signed(
      callWebhook(8_100_003, callId, current.session.id, { state: 'hangup', date_ended: Date.now() }),
    );
    expect((await deliver(hangup))?.status).toBe(200);
    const seen = (await agent.ok('sessionCurrent')).wsSeq; // what the agent's client has
    // Dialpad holds the chained dial's request: the answer (which does not wait for it) arrives, and the
    // coordinator dies before Dialpad answers, so nothing after the disposition's own script runs.
    dialpad.state.setApiFaults([{ route: 'initiate_call', hang: true, times: 1 }]);
    const done = await agent.ok('disposition', { callId, code: 'NO_ANSWER' });
    const next = callOf(done.next);
    await e.kill();
    dialpad.state.setApiFaults([]);

    const f = await coordinator(null);
    const socket = await agent.socket(seen, f.baseUrl); // the client resumes from what it had
    await socket.waitFor(isEvent('STATS'), "the disposition's step replayed on resume");
    const told = socket.messages.flatMap((m) =>
      m.type !== 'EVENT'
        ? []
        : m.event.type === 'CALL_STATE'
          ? [`${m.event.call.callId}:${m.event.call.state}`]
          : [m.event.type],
    );
    expect(told).toEqual([`${callId}:DISPOSED`, `${next.call.callId}:DIALING`, 'STATS']);
    await socket.close();
    await f.kill();
  });
});
