// Two coordinator instances on one Redis behind an imaginary load balancer: the agent's socket is on A while
// Dialpad's webhooks go to B (SHOW_DISPO still reaches the agent), the per-session lock holds across both
// (two concurrent dials, one per instance, start exactly one call) and so does idempotency (the same key sent
// to both runs once and both get the same answer).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, type RedisServerHandle, startRedisServer } from '../../../test/support/redis-server.js';
import { composeCoordinator, type Coordinator } from '../../src/compose.js';
import { type DemoStack, startDemoStack } from '../../src/demo.js';
import { emulatedCalls, endCall, isEvent, manualCalls, TestAgent } from './support/agent-client.js';

let redis: RedisServerHandle;
let a: DemoStack;
let b: Coordinator;
let bUrl: string;
const ANA = 'ana@demo.turbodialer.example';

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
  // Instance B: the same configuration (secrets, Redis, upstreams), its own port and instance id.
  b = await composeCoordinator({ ...a.coordinator.config, port: bPort, instanceId: 'B' });
  await b.listen();
  await manualCalls(a.dialpad.url);
});
afterAll(async () => {
  await b?.stop();
  await a?.stop();
  await redis?.stop();
});

describe('two instances, one Redis', () => {
  it('webhook on B → SHOW_DISPO on the socket held by A; lock and idempotency hold across both', async () => {
    const ana = await new TestAgent(ANA, a.baseUrl).login();
    const snap = await ana.ok('sessionStart', {}, { baseUrl: bUrl });
    const socket = await ana.socket(snap.wsSeq, a.baseUrl);
    expect(socket.messages[0]).toMatchObject({ type: 'HELLO', instanceId: a.coordinator.config.instanceId });

    // Lock: two PLAYs at once, one per instance, different keys (two devices): exactly one call starts.
    const before = (await emulatedCalls(a.dialpad.url)).length;
    const plays = await Promise.all([
      ana.raw('sessionState', { state: 'PLAY' }),
      ana.raw('sessionState', { state: 'PLAY' }, { baseUrl: bUrl }),
    ]);
    const callIds = new Set(
      plays.flatMap((p) => {
        const next = (p.body as { next?: { kind: string; call?: { callId: string } } }).next;
        return p.status === 200 && next?.kind === 'call' && next.call ? [next.call.callId] : [];
      }),
    );
    expect(callIds.size).toBe(1);
    // a dial racing on the other instance while the call is live starts nothing either
    const extra = await Promise.all([ana.raw('dial', {}), ana.raw('dial', {}, { baseUrl: bUrl })]);
    for (const r of extra)
      expect(r.status === 200 ? (r.body as { kind: string }).kind : 'refused').not.toBe('preview');
    const deadline = Date.now() + 5_000;
    while ((await emulatedCalls(a.dialpad.url)).length === before && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    expect((await emulatedCalls(a.dialpad.url)).length).toBe(before + 1);
    const callId = [...callIds][0] as string;

    // Webhook to B, event to the socket on A.
    await endCall(a.dialpad.url, callId, 'hangup');
    await socket.waitFor(
      isEvent('SHOW_DISPO', (e) => e.type === 'SHOW_DISPO' && e.call.callId === callId),
      'SHOW_DISPO on A',
    );

    // Idempotency: the same key and body to both instances at once → one disposition, one answer.
    const body = { callId, code: 'VM_OR_NA_UNKNOWN' };
    const key = 'two-instances-dispo-1';
    const [ra, rb] = await Promise.all([
      ana.raw('disposition', body, { key }),
      ana.raw('disposition', body, { key, baseUrl: bUrl }),
    ]);
    expect(ra.status).toBe(200);
    expect(rb.status).toBe(200);
    expect(rb.body).toEqual(ra.body);
    const stats = await ana.ok('stats', undefined, { baseUrl: bUrl });
    expect(stats.agent.callsCompleted).toBe(1);
    expect((await emulatedCalls(a.dialpad.url)).length).toBe(before + 2); // the one chained dial
    expect(stats.agent.dispositions.VM_OR_NA_UNKNOWN).toBe(1);
    const reuse = await ana.raw('disposition', { ...body, code: 'CORRECT' }, { key });
    expect(reuse.status).toBe(422);
    await socket.close();
  });

  it('each instance reports Redis and circuits on /readyz and the shared queue and quota on /metrics', async () => {
    const ready = await fetch(`${bUrl}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({
      status: 'ready',
      redis: 'up',
      circuits: { sheets: 'closed', dialpad: 'closed' },
    });
    const metrics = await (await fetch(`${a.baseUrl}/metrics`)).text();
    expect(metrics).toMatch(/^dialer_sheets_queue_depth \d+/m);
    expect(metrics).toMatch(/^dialer_sheets_quota_used\{bucket="sheets-read"\} \d+/m);
    expect(metrics).toMatch(/^dialer_circuit_state\{circuit="dialpad"\} 0/m);
    expect(metrics).toMatch(/^dialer_redis_memory_used_bytes [1-9]/m);
  });
});
