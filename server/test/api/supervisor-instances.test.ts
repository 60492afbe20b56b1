// The supervisor console across two coordinator instances on one Redis: the agent works on B (HTTP and
// Dialpad's webhooks), the supervisor watches on A. A sees every state change (the bus delivers every agent's
// notices to every instance), B's tab lead progress and webhook age (the shared Lua merge), and can pause the
// agent. Then A is restarted: the new A seeds the agent's row from the store and takes the day's hourly
// dispositions back from B, so the chart survives a restart.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, type RedisServerHandle, startRedisServer } from '../../../test/support/redis-server.js';
import type { SupervisorSnapshot } from '../../../src-shared/contracts/supervisor.js';
import type { NextStep } from '../../../src-shared/contracts/views.js';
import { composeCoordinator, type Coordinator } from '../../src/compose.js';
import { type DemoStack, startDemoStack } from '../../src/demo.js';
import { endCall, manualCalls, TestAgent } from './support/agent-client.js';
import { TestSupervisor } from './support/supervisor-client.js';

let redis: RedisServerHandle;
let a: DemoStack;
let b: Coordinator;
let bUrl: string;
const ANA = 'ana@demo.turbodialer.example';
const MAYA = 'maya@demo.turbodialer.example';

beforeAll(async () => {
  redis = await startRedisServer({ appendOnly: false });
  const bPort = await freePort();
  bUrl = `http://127.0.0.1:${bPort}`;
  a = await startDemoStack({
    redisUrl: redis.url,
    port: 0,
    leadsPerAgent: 40,
    webDistDir: null,
    logLevel: 'silent',
    webhookBaseUrl: bUrl,
  });
  b = await composeCoordinator({ ...a.coordinator.config, port: bPort, instanceId: 'B' });
  await b.listen();
  await manualCalls(a.dialpad.url);
});
afterAll(async () => {
  await b?.stop();
  await a?.stop();
  await redis?.stop();
});

const callOf = (n: NextStep) => {
  if (n.kind !== 'call') throw new Error(`expected a call, got ${JSON.stringify(n)}`);
  return n;
};
const ana = (s: SupervisorSnapshot) => s.agents.find((x) => x.email === ANA);
const solar = (s: SupervisorSnapshot) => s.campaigns.find((c) => c.campaignName === 'Spring Solar');

describe('supervisor console on two instances', () => {
  it('shows an agent served by B on A, acts on it, and survives a restart of A', async () => {
    const maya = await new TestSupervisor(MAYA, a.baseUrl).login();
    const sv = await maya.console();
    await sv.until((s) => ana(s)?.state === 'NOT_STARTED', 'snapshot on A');

    const agent = await new TestAgent(ANA, bUrl).login();
    await agent.ok('sessionStart');
    const played = await agent.ok('sessionState', { state: 'PLAY' });
    const first = played.next.kind === 'call' ? played.next : callOf(await agent.ok('dial', {}));
    await sv.until((s) => ana(s)?.state === 'IN_CALL', 'A sees the call B placed');
    await endCall(a.dialpad.url, first.call.callId, 'hangup');
    await sv.until((s) => ana(s)?.state === 'WRAP_UP', 'A sees the webhook B received');
    await agent.ok('disposition', { callId: first.call.callId, code: 'VM_SAME_NAME' });
    await sv.until(
      (s) => ana(s)?.calls === 2 && solar(s)?.perHour.at(-1)?.dispositions.VM_SAME_NAME === 1,
      'figures and the hourly chart on A',
    );

    // B has the tab loaded; A learns its lead progress and B's last webhook through the shared merge.
    await b.supervisor.console.sync();
    await a.coordinator.supervisor.console.sync();
    const merged = await sv.until(
      (s) => solar(s)?.leads.leadsTotal === 40 && s.health.webhooks.lastEventAt !== null,
      'lead progress and webhook age from B',
    );
    expect(solar(merged)?.leads.inProgress).toBe(1);

    // Pause from A: the session (served by B) pauses.
    expect(await maya.ok('pauseAgent', { agentEmail: ANA })).toMatchObject({ changed: true });
    expect((await agent.ok('sessionCurrent')).session.state).toBe('PAUSE');
    await sv.close();

    // Restart A (same port): the new instance seeds Ana from the store and the chart from B's counts.
    const aConfig = a.coordinator.config;
    const port = Number(new URL(a.baseUrl).port);
    await b.supervisor.console.sync();
    await a.coordinator.stop();
    const a2 = await composeCoordinator({ ...aConfig, port, instanceId: 'A2' });
    try {
      await a2.listen();
      await a2.supervisor.console.start();
      const again = await new TestSupervisor(MAYA, a.baseUrl).login();
      const snap = await again.ok('snapshot');
      expect(ana(snap)).toMatchObject({ state: 'IN_CALL', calls: 2, sessionId: expect.any(String) });
      expect(ana(snap)?.dispositions.VM_SAME_NAME).toBe(1);
      expect(solar(snap)?.perHour.at(-1)?.dispositions.VM_SAME_NAME).toBe(1);
    } finally {
      await a2.stop();
    }
  });
});
