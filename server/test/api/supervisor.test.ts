// The supervisor console over the real wire (issue 11), against real Redis and both emulators: supervisors
// named in the router spreadsheet's Supervisors tab sign in; an agent's token gets 403 on every supervisor
// route and its ticket is refused on the console's socket; the console's figures follow real cycles (dial,
// Dialpad's signed webhooks, disposition); pause and sign-out reach the agent's app and are audited; a
// reconnecting console resumes; and the `Call log` tab holds one masked row per disposed call.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HTTP_API } from '../../../src-shared/contracts/http.js';
import {
  SUPERVISOR_API,
  SUPERVISOR_WS_CLOSE,
  type SupervisorSnapshot,
} from '../../../src-shared/contracts/supervisor.js';
import type { NextStep } from '../../../src-shared/contracts/views.js';
import { WS_CLOSE } from '../../../src-shared/contracts/ws.js';
import { CALL_LOG_HEADER, CALL_LOG_TAB } from '../../../src-shared/domain/call-log.js';
import { type RedisServerHandle, startRedisServer } from '../../../test/support/redis-server.js';
import { type DemoStack, startDemoStack } from '../../src/demo.js';
import { svKeys } from '../../src/supervisor/keys.js';
import { endCall, isEvent, manualCalls, TestAgent, tabValues } from './support/agent-client.js';
import { call } from './support/harness.js';
import { openConsole, TestSupervisor } from './support/supervisor-client.js';
import { ticketFor } from './support/ws-client.js';

let redis: RedisServerHandle;
let stack: DemoStack;
const ANA = 'ana@demo.turbodialer.example';
const BEN = 'ben@demo.turbodialer.example';
const CHLOE = 'chloe@demo.turbodialer.example';
const MAYA = 'maya@demo.turbodialer.example';
const OMAR = 'omar@demo.turbodialer.example';

beforeAll(async () => {
  redis = await startRedisServer({ appendOnly: false });
  stack = await startDemoStack({
    redisUrl: redis.url,
    port: 0,
    leadsPerAgent: 40,
    webDistDir: null,
    logLevel: 'silent',
  });
  await manualCalls(stack.dialpad.url);
});
afterAll(async () => {
  await stack?.stop();
  await redis?.stop();
});

const callOf = (n: NextStep) => {
  if (n.kind !== 'call') throw new Error(`expected a call, got ${JSON.stringify(n)}`);
  return n;
};
const row = (s: SupervisorSnapshot, email: string) => s.agents.find((a) => a.email === email);

describe('supervisor console', () => {
  it('signs in supervisors named in the Supervisors tab; agents get 403 on every route and the socket', async () => {
    const config = SUPERVISOR_API.authConfig.response.parse(
      (await call(`${stack.baseUrl}/supervisor/auth/config`)).body,
    );
    expect(config.mode).toBe('demo');
    expect(config.demoSupervisors.map((s) => s.email).sort()).toEqual([MAYA, OMAR]);

    const maya = await new TestSupervisor(MAYA, stack.baseUrl).login();
    const snap = await maya.ok('snapshot');
    expect(snap.supervisor).toEqual({ email: MAYA, campaigns: ['Roof Renewals', 'Spring Solar'] });
    expect(snap.agents.map((a) => [a.email, a.state])).toEqual([
      [ANA, 'NOT_STARTED'],
      [BEN, 'NOT_STARTED'],
      [CHLOE, 'NOT_STARTED'],
    ]);
    // Omar leads Roof Renewals only: he sees Chloe alone and cannot act on Ana.
    const omar = await new TestSupervisor(OMAR, stack.baseUrl).login();
    expect((await omar.ok('snapshot')).agents.map((a) => a.email)).toEqual([CHLOE]);
    const foreign = await omar.raw('pauseAgent', { agentEmail: ANA });
    expect(foreign.status).toBe(403);

    // An agent is not a supervisor: refused at login, and their token gets 403 on every supervisor route.
    expect((await maya.raw('login', { demoEmail: ANA }, { token: '' })).status).toBe(403);
    const ana = await new TestAgent(ANA, stack.baseUrl).login();
    for (const name of ['wsTicket', 'snapshot', 'pauseAgent', 'signOutAgent'] as const) {
      const r = await maya.raw(name, { agentEmail: BEN }, { token: ana.token });
      expect({ name, status: r.status, body: r.body }).toMatchObject({
        name,
        status: 403,
        body: { error: { code: 'FORBIDDEN' } },
      });
    }
    // ... and their /ws ticket on the console's socket: AUTH_FAILED FORBIDDEN, close 4403.
    const agentTicket = await ticketFor(stack.baseUrl, ana.token);
    const refused = await openConsole(stack.baseUrl, agentTicket, null);
    expect(await refused.closed).toMatchObject({ code: SUPERVISOR_WS_CLOSE.FORBIDDEN });
    expect(refused.messages).toMatchObject([{ type: 'AUTH_FAILED', code: 'FORBIDDEN' }]);
    // A supervisor's token is not an agent's: 403 on the agent routes.
    const r = await call(`${stack.baseUrl}${HTTP_API.sessionStart.path}`, {
      token: maya.token,
      body: {},
      key: 'k-supervisor-start',
    });
    expect(r.status).toBe(403);
    // Bad input changes nothing.
    expect((await maya.raw('pauseAgent', { agentEmail: 'not-an-email' })).status).toBe(400);
    // Refresh rotates and keeps the role.
    const pair = await maya.ok('refresh', { refreshToken: maya.refreshToken });
    expect(pair.supervisor.email).toBe(MAYA);
    expect((await maya.raw('snapshot', undefined, { token: pair.accessToken })).status).toBe(200);

    // The tab is the source of truth: Chloe (an agent) becomes a supervisor, Omar is set inactive; after
    // the next refresh tick Chloe's agent sign-in says so (the dialer links to the console), Omar is refused.
    expect(
      HTTP_API.login.response.parse(
        (await call(`${stack.baseUrl}/auth/login`, { body: { demoEmail: CHLOE } })).body,
      ).agent.supervisor,
    ).toBeUndefined();
    const omarConsole = await omar.console();
    await omarConsole.waitFor((m) => m.type === 'SNAPSHOT', 'Omar console');
    stack.sheets.state.setRows(
      stack.routerSpreadsheetId,
      'Supervisors',
      [
        [OMAR, 'Roof Renewals', 'FALSE'],
        [CHLOE, 'Roof Renewals', 'TRUE'],
      ],
      3,
    );
    await stack.coordinator.supervisor.refresh();
    expect((await omarConsole.closed).code).toBe(SUPERVISOR_WS_CLOSE.FORBIDDEN);
    const chloePair = HTTP_API.login.response.parse(
      (await call(`${stack.baseUrl}/auth/login`, { body: { demoEmail: CHLOE } })).body,
    );
    expect(chloePair.agent.supervisor).toBe(true);
    expect((await omar.raw('snapshot')).status).toBe(403);
    expect((await new TestSupervisor(CHLOE, stack.baseUrl).login()).token).not.toBe('');
  });

  it('shows real cycles live: states, figures, hourly dispositions; pause reaches the agent, audited', async () => {
    const maya = await new TestSupervisor(MAYA, stack.baseUrl).login();
    const sv = await maya.console();
    await sv.until((s) => row(s, ANA)?.state === 'NOT_STARTED', 'the first snapshot');

    const ana = await new TestAgent(ANA, stack.baseUrl).login();
    const snap = await ana.ok('sessionStart');
    const socket = await ana.socket(snap.wsSeq);
    await sv.until((s) => row(s, ANA)?.state === 'PAUSED', 'Ana PAUSED after start');

    const played = await ana.ok('sessionState', { state: 'PLAY' });
    const first = played.next.kind === 'call' ? played.next : callOf(await ana.ok('dial', {}));
    await sv.until(
      (s) => ['DIALING', 'RINGING', 'IN_CALL'].includes(row(s, ANA)?.state ?? ''),
      'Ana on a call',
    );
    // The states reach the console in DIFFs applied in seq order (the client refuses a gap); states that
    // last less than one diff interval (250 ms) are merged into the next.
    const seen = new Set<string>();
    const states = () => {
      for (const m of sv.messages)
        if (m.type === 'DIFF') for (const r of m.diff.agents) if (r.email === ANA) seen.add(r.state);
      return seen;
    };
    await sv.until(() => states().has('IN_CALL'), 'Ana in call (Dialpad webhook)');

    await endCall(stack.dialpad.url, first.call.callId, 'hangup');
    const wrap = await sv.until((s) => row(s, ANA)?.state === 'WRAP_UP', 'Ana in wrap-up');
    expect(row(wrap, ANA)?.tabTitle).toBe(snap.session.tabTitle);

    const d1 = await ana.ok('disposition', { callId: first.call.callId, code: 'WRONG' });
    const second = callOf(d1.next);
    // Rows go out every 250 ms; campaign and team totals follow within a second.
    const after = await sv.until(
      (s) =>
        row(s, ANA)?.calls === 2 &&
        row(s, ANA)?.dispositions.WRONG === 1 &&
        s.campaigns.find((c) => c.campaignName === 'Spring Solar')?.dispositions.WRONG === 1,
      'Ana: 2 calls, 1 WRONG, in the campaign totals too',
    );
    const a = row(after, ANA);
    expect(a).toMatchObject({ completed: 1, sessionId: snap.session.id, campaignName: 'Spring Solar' });
    expect(a?.wrapUpMs).toBeGreaterThanOrEqual(0);
    expect(a?.lastActivityAt).not.toBeNull();
    const solar = after.campaigns.find((c) => c.campaignName === 'Spring Solar');
    expect(solar?.dispositions.WRONG).toBe(1);
    expect(solar?.perHour.at(-1)?.dispositions.WRONG).toBe(1);
    expect(after.team.calls).toBe(2);
    expect(after.team.byState.NOT_STARTED).toBe(2);
    // Lead progress comes from the tab index (shared on the next sync).
    await stack.coordinator.supervisor.console.sync();
    const leads = await sv.until(
      (s) => (s.campaigns.find((c) => c.campaignName === 'Spring Solar')?.leads.leadsTotal ?? 0) > 0,
      'Spring Solar lead progress',
    );
    const progress = leads.campaigns.find((c) => c.campaignName === 'Spring Solar')?.leads;
    expect(progress?.leadsTotal).toBe(40);
    expect(progress?.inProgress).toBe(1);
    expect(leads.team.leads.leadsTotal).toBe(40);
    await sv.until((s) => s.health.webhooks.lastEventAt !== null, 'the last webhook on the health panel');

    // Pause from the console: the session pauses, the agent's app is told who and why.
    const key = 'pause-ana-0001';
    const paused = await maya.ok('pauseAgent', { agentEmail: ANA, reason: 'coaching' }, { key });
    expect(paused).toMatchObject({ agentEmail: ANA, action: 'PAUSED', changed: true });
    expect((await ana.ok('sessionCurrent')).session.state).toBe('PAUSE');
    await socket.waitFor(
      isEvent('SUPERVISOR_ACTION', (e) => e.type === 'SUPERVISOR_ACTION' && e.notice.by === MAYA),
      'SUPERVISOR_ACTION on the agent socket',
    );
    // The live call goes on; once disposed, the paused row shows who paused it.
    await endCall(stack.dialpad.url, second.call.callId, 'missed');
    await sv.until((s) => row(s, ANA)?.state === 'WRAP_UP', 'second call in wrap-up');
    const d2 = await ana.ok('disposition', { callId: second.call.callId, code: 'NO_ANSWER' });
    expect(d2.next.kind).toBe('idle');
    const p = await sv.until((s) => row(s, ANA)?.state === 'PAUSED', 'Ana PAUSED by Maya');
    expect(row(p, ANA)?.lastAction).toMatchObject({ action: 'PAUSED', by: MAYA, reason: 'coaching' });
    // A retry with the same key replays; nothing happens twice.
    const again = await maya.raw('pauseAgent', { agentEmail: ANA, reason: 'coaching' }, { key });
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    const r = new Redis(redis.url);
    try {
      const audit = await r.xrange(svKeys.audit(), '-', '+');
      expect(audit).toHaveLength(1);
      expect(audit[0]?.[1]).toEqual(
        expect.arrayContaining(['supervisor', MAYA, 'action', 'PAUSED', 'agent', ANA, 'reason', 'coaching']),
      );
    } finally {
      r.disconnect();
    }

    // The console resumes after a reconnect: the diffs it missed, in order, no snapshot.
    const stream = sv.stream();
    const lastSeq = sv.lastSeq();
    const before = sv.view();
    await sv.close();
    await ana.ok('sessionState', { state: 'PLAY' });
    const resumedTicket = await maya.ok('wsTicket', {});
    const resumed = await openConsole(stack.baseUrl, resumedTicket.ticket, { stream, lastSeq }, before);
    await resumed.waitFor((m) => m.type === 'RESUMED', 'RESUMED');
    await resumed.until(
      (s) => ['DIALING', 'RINGING', 'IN_CALL'].includes(row(s, ANA)?.state ?? ''),
      'resumed view',
    );
    expect(resumed.messages.some((m) => m.type === 'SNAPSHOT')).toBe(false);
    await ana.ok('sessionState', { state: 'PAUSE' });
    await resumed.close();
    await socket.close();

    // The call log: one row per disposed call, the number masked to its last 4 digits.
    await stack.coordinator.flushSheets();
    const log = await tabValues(stack.sheets.url, stack.routerSpreadsheetId, CALL_LOG_TAB);
    expect(log[0]).toEqual([...CALL_LOG_HEADER]);
    const rows = log.slice(1).filter((l) => l[1] === ANA);
    expect(rows.map((l) => [l[6], l.at(-1)])).toEqual([
      ['WRONG', first.call.callId],
      ['NO_ANSWER', second.call.callId],
    ]);
    for (const l of rows) {
      expect(l[4]).toMatch(/^\*\*\*\d{4}$/);
      expect(l.join(' ')).not.toContain(first.call.phoneE164.slice(1));
    }
  });

  it('signs an agent out: the app is told why, its socket closes 4409, old tokens are refused until login', async () => {
    const maya = await new TestSupervisor(MAYA, stack.baseUrl).login();
    const ben = await new TestAgent(BEN, stack.baseUrl).login();
    const snap = await ben.ok('sessionStart');
    const socket = await ben.socket(snap.wsSeq);
    const res = await maya.ok('signOutAgent', { agentEmail: BEN, reason: 'end of shift' });
    expect(res).toMatchObject({ agentEmail: BEN, action: 'SIGNED_OUT', changed: true });
    await socket.waitFor(
      isEvent(
        'SUPERVISOR_ACTION',
        (e) => e.type === 'SUPERVISOR_ACTION' && e.notice.action === 'SIGNED_OUT' && e.notice.by === MAYA,
      ),
      'SIGNED_OUT notice',
    );
    expect((await socket.closed).code).toBe(WS_CLOSE.SIGNED_OUT);
    const refused = await ben.raw('sessionCurrent');
    expect(refused).toMatchObject({ status: 401, body: { error: { code: 'AGENT_SIGNED_OUT' } } });
    const sv = await maya.ok('snapshot');
    expect(row(sv, BEN)).toMatchObject({ state: 'NOT_STARTED', lastAction: { action: 'SIGNED_OUT' } });
    // Logging in again is allowed; the new token works and the old session is gone.
    await ben.login();
    expect((await ben.raw('sessionCurrent')).status).toBe(404);
  });
});
