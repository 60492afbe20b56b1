// Hang up from the app, over real HTTP against real Redis and both emulators: POST /call/hangup asks
// Dialpad (the emulator's PUT /api/v2/call/{id}/actions/hangup), the emulator ends the call and sends its
// signed hangup webhook, and SHOW_DISPO reaches the agent's socket. Another agent's call is 403 and stays
// live; an unknown call is 404; a bad body is 400; hanging up an ended call again is a quiet success.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NextStep } from '../../../src-shared/contracts/views.js';
import { type RedisServerHandle, startRedisServer } from '../../../test/support/redis-server.js';
import { type DemoStack, startDemoStack } from '../../src/demo.js';
import { emulatedCalls, isEvent, manualCalls, TestAgent } from './support/agent-client.js';

let redis: RedisServerHandle;
let stack: DemoStack;
const ANA = 'ana@demo.turbodialer.example';
const BEN = 'ben@demo.turbodialer.example';

beforeAll(async () => {
  redis = await startRedisServer({ appendOnly: false });
  stack = await startDemoStack({
    redisUrl: redis.url,
    port: 0,
    leadsPerAgent: 10,
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
  return n.call;
};

describe('POST /call/hangup', () => {
  it('ends the agent’s own call through Dialpad; only hers', async () => {
    const ana = await new TestAgent(ANA, stack.baseUrl).login();
    const snap = await ana.ok('sessionStart');
    const socket = await ana.socket(snap.wsSeq);
    const played = await ana.ok('sessionState', { state: 'PLAY' });
    const call = played.next.kind === 'call' ? played.next.call : callOf(await ana.ok('dial', {}));
    // Dialpad's first event names its call id; until then there is nothing to address.
    await socket.waitFor(
      isEvent('CALL_STATE', (e) => e.type === 'CALL_STATE' && e.call.state === 'CONNECTED'),
      'CONNECTED',
    );

    const ben = await new TestAgent(BEN, stack.baseUrl).login();
    const foreign = await ben.raw('hangup', { callId: call.callId });
    expect(foreign.status).toBe(403);
    expect(foreign.body).toMatchObject({ error: { code: 'FORBIDDEN' } });
    expect((await ben.raw('hangup', { callId: 'no-such-call' })).status).toBe(404);
    expect((await ana.raw('hangup', { callId: '' })).status).toBe(400);
    expect((await ana.raw('hangup', { callId: call.callId, extra: 1 })).status).toBe(400);
    const still = (await emulatedCalls(stack.dialpad.url)).find((c) => c.custom_data?.includes(call.callId));
    expect(still?.date_ended).toBeNull();

    expect(await ana.ok('hangup', { callId: call.callId })).toEqual({
      callId: call.callId,
      result: 'ending',
    });
    const shown = await socket.waitFor(
      isEvent('SHOW_DISPO', (e) => e.type === 'SHOW_DISPO' && e.call.callId === call.callId),
      'SHOW_DISPO after the hangup',
    );
    expect(shown.type === 'EVENT' && shown.event.type === 'SHOW_DISPO' && shown.event.call.endReason).toBe(
      'HANGUP',
    );
    const ended = (await emulatedCalls(stack.dialpad.url)).find((c) => c.custom_data?.includes(call.callId));
    expect(ended?.state).toBe('hangup');
    expect(stack.dialpad.state.requestLog.count('call.hangup', { ok: true })).toBe(1);

    // Again (a second press, or a retry with a new key): already over, nothing sent to Dialpad.
    expect(await ana.ok('hangup', { callId: call.callId })).toEqual({ callId: call.callId, result: 'ended' });
    expect(stack.dialpad.state.requestLog.count('call.hangup')).toBe(1);
    await socket.close();
  });
});
