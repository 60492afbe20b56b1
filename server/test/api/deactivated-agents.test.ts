// An agent set to Active=false in the router, or removed from it, loses access at the next router refresh
// (issue 9 item 6): every authenticated route answers 403 with a still-valid access token, /ws/ticket too,
// and the agent's open socket is closed (4401); other agents carry on; reactivation restores access.
// The check uses the router as last read (no Sheets read per request).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError, ApiErrorBodySchema } from '../../../src-shared/contracts/errors.js';
import { HTTP_API } from '../../../src-shared/contracts/http.js';
import { WS_CLOSE } from '../../../src-shared/contracts/ws.js';
import { AgentAccess } from '../../src/auth/agent-access.js';
import { createLogger } from '../../src/logger.js';
import type { RouterEntry } from '../../src/ports.js';
import { call, type Harness, routerEntry, startHarness } from './support/harness.js';
import { connectAgent } from './support/ws-client.js';

let h: Harness;
const router: RouterEntry[] = [
  routerEntry('ann@example.com'),
  routerEntry('bob@example.com'),
  routerEntry('cid@example.com'),
];
let reads = 0;

beforeAll(async () => {
  h = await startHarness({ router });
});
afterAll(() => h.close());

const authRoutes = Object.values(HTTP_API).filter((r) => r.auth);
const errCode = (body: unknown) => ApiErrorBodySchema.parse(body).error.code;

async function statusOnEveryRoute(token: string): Promise<Record<string, [number, string | null]>> {
  const out: Record<string, [number, string | null]> = {};
  for (const route of authRoutes) {
    const r = await call(`${h.url}${route.path}`, {
      method: route.method,
      token,
      key: `deact-${route.path.replace(/\W/g, '')}-${reads++}`,
      ...(route.method === 'POST' ? { body: {} } : {}),
    });
    out[route.path] = [r.status, r.status >= 400 ? errCode(r.body) : null];
  }
  return out;
}

describe('deactivated and removed agents', () => {
  it('lose every route and their socket at the next refresh; others carry on; reactivation restores', async () => {
    const ann = (await h.login('ann@example.com')).accessToken;
    const bob = (await h.login('bob@example.com')).accessToken;
    const annSocket = await connectAgent(h.url, h.wsUrl, ann, null);
    const bobSocket = await connectAgent(h.url, h.wsUrl, bob, null);
    expect((await call(`${h.url}/stats`, { token: ann })).status).toBe(200);

    (router[0] as RouterEntry).active = false;
    // Before the refresh the last known router still allows her: no per-request Sheets read.
    expect((await call(`${h.url}/stats`, { token: ann })).status).toBe(200);
    expect(await h.refreshAccess()).toBe(1);
    expect(await annSocket.closed).toEqual({ code: WS_CLOSE.AUTH_FAILED, reason: 'agent not active' });
    const refused = await statusOnEveryRoute(ann);
    for (const route of authRoutes)
      expect([route.path, refused[route.path]]).toEqual([route.path, [403, 'AGENT_INACTIVE']]);
    expect((await call(`${h.url}/stats`, { token: bob })).status).toBe(200);
    expect(bobSocket.ws.readyState).toBe(bobSocket.ws.OPEN);

    (router[0] as RouterEntry).active = true;
    await h.refreshAccess();
    expect((await call(`${h.url}/stats`, { token: ann })).status).toBe(200);
    await bobSocket.close();
  });

  it('an agent whose row is removed gets 403 AGENT_NOT_IN_ROUTER and loses the socket', async () => {
    const cid = (await h.login('cid@example.com')).accessToken;
    const socket = await connectAgent(h.url, h.wsUrl, cid, null);
    router.splice(2, 1);
    await h.refreshAccess();
    expect((await socket.closed).code).toBe(WS_CLOSE.AUTH_FAILED);
    const r = await call(`${h.url}/ws/ticket`, { token: cid, body: {} });
    expect([r.status, errCode(r.body)]).toEqual([403, 'AGENT_NOT_IN_ROUTER']);
    const report = await call(`${h.url}/desktop/install-report`, {
      token: cid,
      body: { appVersion: '1.0.0', channel: 'stable', installType: 'msi', platform: 'win32', arch: 'x64' },
    });
    expect(report.status).toBe(403);
  });
});

describe('AgentAccess when the router cannot be read', () => {
  it('allows everyone before a first read, then keeps the last rows through failed reads', async () => {
    const logLines: string[] = [];
    const log = createLogger({ destination: { write: (s: string) => logLines.push(s) } });
    let rows: RouterEntry[] | null = null;
    let freshReads = 0;
    const access = new AgentAccess(
      {
        listRouterEntries: async (opts?: { fresh?: boolean }) => {
          if (opts?.fresh) freshReads += 1;
          if (!rows) throw new ApiError('SHEETS_UNAVAILABLE', 'Sheets down');
          return rows;
        },
      },
      log,
    );
    expect(await access.refresh()).toBe(false);
    expect(access.allows('ann@example.com')).toBe(true); // Sheets down at boot: nobody locked out
    rows = [routerEntry('ann@example.com', false)];
    expect(await access.refresh()).toBe(true);
    expect(access.allows('Ann@Example.com')).toBe(false);
    rows = null;
    expect(await access.refresh()).toBe(false);
    expect(access.allows('ann@example.com')).toBe(false); // the last rows still decide
    expect(logLines.join('')).toContain('keeping the last rows');
    expect(freshReads).toBe(3); // each refresh is a fresh read, not the gateway's cached rows
  });
});
