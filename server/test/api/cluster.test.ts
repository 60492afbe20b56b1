// REDIS_CLUSTER_NODES: the whole coordinator on a real three-master Redis Cluster (ioredis Cluster, no
// cast, no fallback): login, session, PLAY dials, Dialpad's hangup webhook reaches the agent's socket
// (pub/sub on the Cluster), the disposition is accepted with its sheet patch queued, the flush writes the
// sheet, and /readyz and /metrics read Redis through the Cluster.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NextStep } from '../../../src-shared/contracts/views.js';
import { type DemoStack, startDemoStack } from '../../src/demo.js';
import { type RedisClusterHandle, startRedisCluster } from '../support/redis-cluster.js';
import { COL, endCall, isEvent, manualCalls, TestAgent, tabValues } from './support/agent-client.js';

let cluster: RedisClusterHandle;
let stack: DemoStack;
const ANA = 'ana@demo.turbodialer.example';

beforeAll(async () => {
  cluster = await startRedisCluster();
  stack = await startDemoStack({
    port: 0,
    leadsPerAgent: 20,
    webDistDir: null,
    logLevel: 'silent',
    env: { REDIS_CLUSTER_NODES: cluster.nodes.map((n) => `${n.host}:${n.port}`).join(',') },
  });
  await manualCalls(stack.dialpad.url);
});
afterAll(async () => {
  await stack?.stop();
  await cluster?.stop();
});

const callOf = (n: NextStep) => {
  if (n.kind !== 'call') throw new Error(`expected a call, got ${JSON.stringify(n)}`);
  return n;
};

describe('coordinator on Redis Cluster', () => {
  it('runs the agent cycle: dial, webhook → SHOW_DISPO on the socket, disposition, sheet written', async () => {
    expect(stack.coordinator.config.redis.mode).toBe('cluster');
    const ready = await (await fetch(`${stack.baseUrl}/readyz`)).json();
    expect(ready).toMatchObject({ status: 'ready', redis: 'up' });

    const ana = await new TestAgent(ANA, stack.baseUrl).login();
    const snap = await ana.ok('sessionStart');
    const socket = await ana.socket(snap.wsSeq);
    const first = callOf((await ana.ok('sessionState', { state: 'PLAY' })).next);
    await endCall(stack.dialpad.url, first.call.callId, 'hangup');
    await socket.waitFor(
      isEvent('SHOW_DISPO', (e) => e.type === 'SHOW_DISPO' && e.call.callId === first.call.callId),
      'SHOW_DISPO over the Cluster',
    );
    await ana.ok('sessionState', { state: 'PAUSE' });
    const d = await ana.ok('disposition', { callId: first.call.callId, code: 'WRONG' });
    expect(d.queuedCells).toBeGreaterThan(0);
    await socket.close();

    await stack.coordinator.flushSheets();
    const rows = await tabValues(stack.sheets.url, snap.session.spreadsheetId, snap.session.tabTitle);
    expect(rows[first.preview.lead.rowNumber - 1]?.[COL.status(first.call.numberIndex)]).toBe('WRONG');
    const metrics = await (await fetch(`${stack.baseUrl}/metrics`)).text();
    expect(metrics).toMatch(/^dialer_redis_memory_used_bytes [1-9]/m);
    expect(metrics).toMatch(/^dialer_sheets_queue_depth 0$/m);
  });
});
