// Graceful shutdown of a whole instance (its own throw-away Redis, both emulators): a request in flight when stop()
// begins still gets its full answer (here a PLAY whose Dialpad call is slow), sockets are closed with 1001,
// and the instance accepts nothing afterwards.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WS_CLOSE } from '../../../src-shared/contracts/ws.js';
import { type DemoStack, startDemoStack } from '../../src/demo.js';
import { manualCalls, TestAgent } from './support/agent-client.js';

let stack: DemoStack;
beforeAll(async () => {
  stack = await startDemoStack({ port: 0, leadsPerAgent: 20, webDistDir: null, logLevel: 'silent' });
  await manualCalls(stack.dialpad.url);
});
afterAll(async () => {
  await stack?.stop();
});

describe('graceful shutdown', () => {
  it('finishes the in-flight request, closes sockets with 1001, then refuses new work', async () => {
    const ana = await new TestAgent('ana@demo.turbodialer.example', stack.baseUrl).login();
    const snap = await ana.ok('sessionStart');
    const socket = await ana.socket(snap.wsSeq);
    // The next Dialpad API call takes 1.5 s: PLAY (which dials) is in flight while we stop.
    const res = await fetch(`${stack.dialpad.url}__emulator/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ api: { route: '*', latencyMs: 1500, times: 1 } }),
    });
    expect(res.ok).toBe(true);
    const play = ana.raw('sessionState', { state: 'PLAY' });
    const deadline = Date.now() + 10_000;
    while (stack.coordinator.inflightRequests() === 0 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 5));
    expect(stack.coordinator.inflightRequests()).toBeGreaterThan(0);
    const stopping = stack.coordinator.stop();
    const answered = await play;
    expect(answered.status).toBe(200);
    expect((answered.body as { next: { kind: string } }).next.kind).toBe('call');
    expect((await socket.closed).code).toBe(WS_CLOSE.SHUTDOWN);
    await stopping;
    await expect(fetch(`${stack.baseUrl}/healthz`)).rejects.toThrow();
  });
});
