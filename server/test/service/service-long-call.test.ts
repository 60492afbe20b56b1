// A real conversation outlives the ringing deadline: once CONNECTED, the no-webhook sweep waits for the
// campaign's connected limit, so a 16-minute call is not ended into the modal mid-conversation.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DialpadCallEvent } from '../../../src-shared/contracts/dialpad.js';
import type { CallView } from '../../../src-shared/contracts/views.js';
import type { DialerServiceRuntime } from '../../src/service/index.js';
import type { Store } from '../../src/store/types.js';
import { ANN, startWorld, testRules, type World } from './world.js';

let world: World;
beforeAll(async () => {
  world = await startWorld();
});
afterAll(async () => {
  await world?.close();
});

const connected = (call: CallView, at: number): DialpadCallEvent => ({
  call_id: '91001',
  state: 'connected',
  date_connected: at,
  custom_data: JSON.stringify({ td: 1, callId: call.callId, sessionId: call.sessionId }),
  target: { id: ANN.dialpadUserId, type: 'user' },
});

const rules = testRules({ callTimeoutSeconds: 900, connectedTimeoutSeconds: 4 * 3600 });
const twins: [string, () => { service: DialerServiceRuntime; store: Store }][] = [
  ['redis', () => world.makeService({ rules })],
];

describe.each(twins)('a long connected call (%s store)', (_name, make) => {
  it('is not swept at the ringing deadline, only after the connected limit', async () => {
    const { service, store } = make();
    const t = Date.now();
    await service.startSession(ANN, t);
    const play = await service.setSessionState(ANN, 'PLAY', t);
    if (play.next.kind !== 'call') throw new Error(`expected a call, got ${play.next.kind}`);
    const call = play.next.call;
    const tag = (await store.activeSessionOf(ANN.email))?.tag ?? '';
    await service.onDialpadEvent(connected(call, t + 5_000), t + 5_000);
    expect((await store.getCall(tag, call.callId))?.timeoutAt).toBe(t + 5_000 + 4 * 3600_000);

    // 16 minutes in: still talking.
    expect(await service.sweepTimeouts(t + 16 * 60_000)).toBe(0);
    expect((await store.getCall(tag, call.callId))?.state).toBe('CONNECTED');
    expect(await service.sweepTimeouts(t + 5_000 + 4 * 3600_000 - 1)).toBe(0);
    expect(await service.sweepTimeouts(t + 5_000 + 4 * 3600_000 + 1)).toBe(1);
    const ended = await store.getCall(tag, call.callId);
    expect(ended).toMatchObject({ state: 'ENDED', endReason: 'TIMEOUT' });
    await service.dispose(ANN, { callId: call.callId, code: 'CORRECT' }, t + 5_000 + 4 * 3600_000 + 2);
    await service.setSessionState(ANN, 'STOP', t + 5_000 + 4 * 3600_000 + 3);
  });
});
