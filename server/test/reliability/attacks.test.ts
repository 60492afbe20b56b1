// Attacks, against the real coordinator (production code paths, real Redis, both emulators): every JWT case
// on every authenticated route, refresh-token reuse and fabricated refresh tokens, one agent reaching for
// another's session, call, preview, stats and socket, an agent deactivated in the router sheet (through the
// coordinator's own refresh timer), unsigned and replayed webhooks. Every refusal must change nothing in
// Redis (keyspace notifications), and every log line is scanned for phone numbers and secrets at the end.
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiErrorBodySchema } from '../../../src-shared/contracts/errors.js';
import { HTTP_API, TokenPairSchema } from '../../../src-shared/contracts/http.js';
import { WS_CLOSE } from '../../../src-shared/contracts/ws.js';
import { newRefreshToken } from '../../src/auth/refresh-tokens.js';
import { DIALPAD_WEBHOOK_PATH } from '../../src/http/webhook.js';
import { isEvent, manualCalls, TestAgent } from '../api/support/agent-client.js';
import { call } from '../api/support/harness.js';
import { type InProcessStack, startInProcessStack } from './support/in-process.js';
import { scanLogs } from './support/log-scan.js';

let s: InProcessStack;
let ana: TestAgent;
let ben: TestAgent;
let chloe: TestAgent;
let anaRefresh = '';
const tally = { attacks: 0, refused: 0, writesAfterRefusal: 0 };

beforeAll(async () => {
  s = await startInProcessStack({
    tabRefreshMs: 1_000,
    // Chloe's campaign previews for 30 s before dialing: her previews are there to be stolen.
    rules: {
      '*': { callingHours: null, previewCountdownSeconds: 0 },
      'Roof Renewals': { callingHours: null, previewCountdownSeconds: 30 },
    },
  });
  await manualCalls(s.stack.dialpad.url);
  const [a, b, c] = s.stack.agents;
  ana = await new TestAgent(a?.email ?? '', s.stack.baseUrl).login();
  ben = await new TestAgent(b?.email ?? '', s.stack.baseUrl).login();
  chloe = await new TestAgent(c?.email ?? '', s.stack.baseUrl).login();
  const login = await call(`${s.stack.baseUrl}/auth/login`, { body: { demoEmail: ana.email } });
  anaRefresh = TokenPairSchema.parse(login.body).refreshToken;
}, 120_000);
afterAll(() => s?.close());

const errCode = (body: unknown) => ApiErrorBodySchema.parse(body).error.code;

/** Sends a request that must be refused with `status`; it must write nothing. */
async function refused(
  status: number,
  path: string,
  o: { method?: string; token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<string> {
  await s.writesSince();
  const r = await call(`${s.stack.baseUrl}${path}`, {
    ...o,
    key: `atk-${Math.random().toString(36).slice(2)}-key`,
  });
  const writes = await s.writesSince();
  tally.attacks += 1;
  if (r.status >= 400) tally.refused += 1;
  if (writes.length > 0) tally.writesAfterRefusal += 1;
  expect({ path, status: r.status, writes }).toEqual({ path, status, writes: [] });
  return r.status >= 400 ? errCode(r.body) : '';
}

describe('attacks', () => {
  it('every JWT case is 401 on every authenticated route, writing nothing', async () => {
    const t = await s.tokens(ana.token, ben.token);
    const cases = {
      none: undefined,
      expired: t.expired,
      futureIat: t.futureIat,
      notYetValid: t.notYetValid,
      algNone: t.algNone,
      wrongKey: t.wrongKey,
      wrongAudience: t.wrongAudience,
      wrongIssuer: await new SignJWT({ typ: 'access' })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(ana.email)
        .setIssuer('someone-else')
        .setAudience(s.stack.coordinator.config.jwt.audience)
        .setIssuedAt()
        .setExpirationTime('10m')
        .sign(new TextEncoder().encode(s.stack.coordinator.config.jwt.secret)),
    };
    for (const route of Object.values(HTTP_API).filter((r) => r.auth)) {
      for (const [name, token] of Object.entries(cases)) {
        const code = await refused(401, route.path, {
          method: route.method,
          ...(token ? { token } : {}),
          ...(route.method === 'POST' ? { body: {} } : {}),
        });
        expect([route.path, name, code === 'TOKEN_EXPIRED' ? 'UNAUTHENTICATED' : code]).not.toContain(
          'INTERNAL',
        );
      }
    }
  });

  it('refresh: reuse after the successor was used revokes the family; fabricated tokens write nothing', async () => {
    const refresh = (refreshToken: string) =>
      call(`${s.stack.baseUrl}/auth/refresh`, { body: { refreshToken } });
    const t1 = TokenPairSchema.parse((await refresh(anaRefresh)).body).refreshToken;
    const t2 = TokenPairSchema.parse((await refresh(t1)).body).refreshToken;
    expect((await refresh(anaRefresh)).status).toBe(401); // a stolen copy of the first: family revoked
    expect((await refresh(t2)).status).toBe(401); // ...so the thief's and the owner's latest are dead
    for (const email of [ana.email, 'nobody@example.com'])
      for (let i = 0; i < 25; i++)
        await refused(401, '/auth/refresh', { body: { refreshToken: newRefreshToken(email).token } });
  });

  it("one agent cannot reach another's session, call, preview, stats or socket", async () => {
    // Ana dials (manual outcome: the call stays live); Chloe holds a preview; Ben watches his socket.
    await ana.ok('sessionStart');
    const play = await ana.ok('sessionState', { state: 'PLAY' });
    if (play.next.kind !== 'call') throw new Error(`ana: expected a call, got ${play.next.kind}`);
    const anaCall = play.next.call.callId;
    await chloe.ok('sessionStart');
    const chloePlay = await chloe.ok('sessionState', { state: 'PLAY' });
    if (chloePlay.next.kind !== 'preview')
      throw new Error(`chloe: expected a preview, got ${chloePlay.next.kind}`);
    const chloePreview = chloePlay.next.preview.previewId;
    await ben.ok('sessionStart');
    const benSocket = await ben.socket(null);

    expect(
      await refused(403, '/disposition', { token: ben.token, body: { callId: anaCall, code: 'WRONG' } }),
    ).toBe('FORBIDDEN');
    expect(await refused(403, '/dial', { token: ben.token, body: { previewId: chloePreview } })).toBe(
      'FORBIDDEN',
    );
    expect(await refused(403, '/skip', { token: ben.token, body: { previewId: chloePreview } })).toBe(
      'FORBIDDEN',
    );
    // Ben's own views show nothing of theirs.
    const benNow = await ben.ok('sessionCurrent');
    expect(JSON.stringify(benNow)).not.toContain(anaCall);
    expect(JSON.stringify(benNow)).not.toContain(chloePreview);
    expect((await ben.ok('stats')).agent.callsInitiated).toBe(0);
    // Ana's call ends: her socket would get SHOW_DISPO; Ben's socket gets nothing of it.
    const anaSocket = await ana.socket(null);
    await fetch(`${s.stack.dialpad.url}__emulator/calls`)
      .then((r) => r.json() as Promise<{ calls: { call_id: number; custom_data: string | null }[] }>)
      .then(async ({ calls }) => {
        const c = calls.find((x) => x.custom_data?.includes(anaCall));
        if (!c) throw new Error('ana call not in the emulator');
        await fetch(`${s.stack.dialpad.url}__emulator/calls/${c.call_id}/end`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ state: 'hangup' }),
        });
      });
    await anaSocket.waitFor(isEvent('SHOW_DISPO'), 'SHOW_DISPO on ana');
    await new Promise((r) => setTimeout(r, 300));
    expect(JSON.stringify(benSocket.messages)).not.toContain(anaCall);
    // Paused first, so the disposition chains no new call and Chloe's preview does not dial: the rest of
    // the file needs a quiet store.
    await chloe.ok('sessionState', { state: 'PAUSE' });
    await ana.ok('sessionState', { state: 'PAUSE' });
    await ana.ok('disposition', { callId: anaCall, code: 'NO_ANSWER' });
    await anaSocket.close();
    await benSocket.close();
  });

  it('unsigned and replayed webhooks: 401 writing nothing; a replay is acknowledged and applied once', async () => {
    const event = { call_id: 987654321, state: 'hangup', custom_data: null, event_timestamp: Date.now() };
    await refused(401, DIALPAD_WEBHOOK_PATH, { body: event });
    await refused(401, DIALPAD_WEBHOOK_PATH, {
      body: await new SignJWT(event)
        .setProtectedHeader({ alg: 'HS256' })
        .sign(new TextEncoder().encode('not-the-webhook-secret')),
      headers: { 'content-type': 'application/jwt' },
    });
    const signed = await new SignJWT(event)
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuedAt()
      .sign(new TextEncoder().encode(s.stack.webhookSecret));
    const post = () =>
      fetch(`${s.stack.baseUrl}${DIALPAD_WEBHOOK_PATH}`, {
        method: 'POST',
        headers: { 'content-type': 'application/jwt' },
        body: signed,
      }).then(async (r) => ({ status: r.status, body: await r.json() }));
    const first = await post();
    expect(first.status).toBe(200);
    await s.writesSince();
    const replay = await post();
    expect(replay).toEqual({ status: 200, body: { ok: true, duplicate: true } });
    expect(await s.writesSince()).toEqual([]);
  });

  it('an agent set inactive in the router sheet loses every route and her socket within one refresh', async () => {
    const socket = await chloe.socket(null);
    const row = s.stack.agents.findIndex((a) => a.email === chloe.email) + 2;
    s.stack.sheets.state.setRows(
      s.stack.routerSpreadsheetId,
      'Router',
      [[null, null, null, null, null, 'FALSE']],
      row,
    );
    // The coordinator's timer (TAB_REFRESH_MS = 1 s here) re-reads the router once per tick.
    const closed = await Promise.race([
      socket.closed,
      new Promise<null>((r) => setTimeout(() => r(null), 10_000)),
    ]);
    expect(closed?.code).toBe(WS_CLOSE.AUTH_FAILED);
    for (const route of Object.values(HTTP_API).filter((r) => r.auth)) {
      expect(
        await refused(403, route.path, {
          method: route.method,
          token: chloe.token,
          ...(route.method === 'POST' ? { body: {} } : {}),
        }),
      ).toBe('AGENT_INACTIVE');
    }
    expect((await ben.raw('stats')).status).toBe(200);
  }, 30_000);

  it('no phone number or secret in any log line', () => {
    const found = scanLogs(s.logLines, {
      phones: s.stack.sheets.state.snapshot(),
      secrets: [
        s.stack.coordinator.config.jwt.secret,
        s.stack.webhookSecret,
        ana.token,
        ben.token,
        anaRefresh,
      ],
    });
    console.log(
      JSON.stringify({ scenario: 'attacks', ...tally, logLines: s.logLines.length, leaks: found.length }),
    );
    expect(found.slice(0, 5)).toEqual([]);
  });
});
