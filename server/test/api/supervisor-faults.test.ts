// The supervisor console through a Redis crash (SIGKILL, restarted on its AOF): the console's live feed
// rides the bus subscription, which must come back by itself; a sign-out recorded before the crash still
// holds after it (the old token stays refused).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SupervisorSnapshot } from '../../../src-shared/contracts/supervisor.js';
import { type RedisServerHandle, startRedisServer } from '../../../test/support/redis-server.js';
import { type DemoStack, startDemoStack } from '../../src/demo.js';
import { HTTP_API } from '../../../src-shared/contracts/http.js';
import { manualCalls, TestAgent } from './support/agent-client.js';
import { call } from './support/harness.js';
import { TestSupervisor } from './support/supervisor-client.js';

let redis: RedisServerHandle;
let stack: DemoStack;
const ANA = 'ana@demo.turbodialer.example';
const BEN = 'ben@demo.turbodialer.example';
const MAYA = 'maya@demo.turbodialer.example';

beforeAll(async () => {
  redis = await startRedisServer({ appendOnly: true });
  stack = await startDemoStack({
    redisUrl: redis.url,
    port: 0,
    leadsPerAgent: 20,
    webDistDir: null,
    logLevel: 'silent',
  });
  await manualCalls(stack.dialpad.url);
});
afterAll(async () => {
  await stack?.stop();
  await redis?.stop();
});

const row = (s: SupervisorSnapshot, email: string) => s.agents.find((a) => a.email === email);

async function retry<T>(what: string, fn: () => Promise<T>, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    try {
      return await fn();
    } catch (e) {
      if (Date.now() > end) throw new Error(`${what}: ${String(e)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

describe('supervisor console and a Redis crash', () => {
  it('keeps following the agents and keeps a sign-out after Redis is killed and restarted', async () => {
    const maya = await new TestSupervisor(MAYA, stack.baseUrl).login();
    const sv = await maya.console();
    const ana = await new TestAgent(ANA, stack.baseUrl).login();
    await ana.ok('sessionStart');
    await sv.until((s) => row(s, ANA)?.state === 'PAUSED', 'Ana paused after start');
    const ben = await new TestAgent(BEN, stack.baseUrl).login();
    await ben.ok('sessionStart');
    const benPair = HTTP_API.login.response.parse(
      (await call(`${stack.baseUrl}/auth/login`, { body: { demoEmail: BEN } })).body,
    );
    await maya.ok('signOutAgent', { agentEmail: BEN, reason: 'before the crash' });

    await redis.restart();

    // The first requests after the crash may find the connection still coming back: retried as a client would.
    await retry('PLAY after the restart', () => ana.ok('sessionState', { state: 'PLAY' }));
    await sv.until(
      (s) => ['PLAYING', 'DIALING', 'RINGING', 'IN_CALL'].includes(row(s, ANA)?.state ?? ''),
      'the console follows Ana after the crash',
      20_000,
    );
    const refused = await retry('a request after the restart', async () => {
      const r = await ben.raw('sessionCurrent');
      if (r.status >= 500) throw new Error(String(r.status));
      return r;
    });
    expect(refused).toMatchObject({ status: 401, body: { error: { code: 'AGENT_SIGNED_OUT' } } });
    // The refresh reads the record from Redis: it survived the crash (AOF).
    const refresh = await call(`${stack.baseUrl}/auth/refresh`, {
      body: { refreshToken: benPair.refreshToken },
    });
    expect(refresh).toMatchObject({ status: 401, body: { error: { code: 'AGENT_SIGNED_OUT' } } });
    await sv.close();
  });
});
