// Dialpad events as they really arrive: repeated, out of order, without our custom_data, for calls we do
// not know, or never (the timeout sweep). Events are played by hand here (the emulator's own webhooks are
// not forwarded), through the same onDialpadEvent the webhook route calls.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DialpadCallEvent } from '../../../src-shared/contracts/dialpad.js';
import type { CallView } from '../../../src-shared/contracts/views.js';
import type { AgentEvent } from '../../../src-shared/contracts/ws.js';
import { ANN, BOB, ROUTER_ID, startWorld, testRules, type World } from './world.js';

let world: World;
beforeAll(async () => {
  world = await startWorld();
});
afterAll(async () => {
  await world?.close();
});

const showDispos = (events: AgentEvent[], callId: string) =>
  events.filter((e) => e.type === 'SHOW_DISPO' && e.call.callId === callId);

function event(call: CallView, state: string, extra: Partial<DialpadCallEvent> = {}): DialpadCallEvent {
  return {
    call_id: '90001',
    state,
    custom_data: JSON.stringify({ td: 1, callId: call.callId, sessionId: call.sessionId }),
    target: { id: ANN.dialpadUserId, type: 'user' },
    direction: 'outbound',
    ...extra,
  };
}

describe('DialerService webhooks', () => {
  it('never moves a call backwards and opens the modal once, whatever the order and repeats', async () => {
    const { service, store } = world.makeService();
    const t = Date.now();
    await service.startSession(ANN, t);
    const play = await service.setSessionState(ANN, 'PLAY', t);
    if (play.next.kind !== 'call') throw new Error('expected a call');
    const call = play.next.call;
    const tag = (await store.activeSessionOf(ANN.email))?.tag ?? '';

    await service.onDialpadEvent(event(call, 'ringing', { date_rang: t + 1_000 }), t + 1_000);
    await service.onDialpadEvent(
      event(call, 'hangup', { date_connected: t + 2_000, date_ended: t + 9_000 }),
      t + 9_000,
    );
    // Late and repeated: connected after hangup, hangup again, calling again.
    await service.onDialpadEvent(event(call, 'connected', { date_connected: t + 2_000 }), t + 9_100);
    await service.onDialpadEvent(event(call, 'hangup', { date_ended: t + 9_500 }), t + 9_500);
    await service.onDialpadEvent(event(call, 'calling'), t + 9_600);

    const rec = await store.getCall(tag, call.callId);
    expect(rec).toMatchObject({
      state: 'ENDED',
      ringingAt: t + 1_000,
      connectedAt: t + 2_000,
      endedAt: t + 9_000,
      endReason: 'HANGUP',
      suggested: null, // it connected: only the agent knows how it went
      dialpadCallId: '90001',
    });
    const events = await world.eventsOf(ANN.email);
    expect(showDispos(events, call.callId)).toHaveLength(1);
    expect((await service.stats(ANN, t + 10_000)).session).toMatchObject({ connects: 1, talkTimeSeconds: 7 });

    // Disposed: any later event is ignored.
    await service.dispose(ANN, { callId: call.callId, code: 'CORRECT' }, t + 10_000);
    await service.onDialpadEvent(event(call, 'voicemail'), t + 11_000);
    expect((await store.getCall(tag, call.callId))?.state).toBe('DISPOSED');
    await service.setSessionState(ANN, 'STOP', t + 12_000);
  });

  it('finds the call by the agent’s Dialpad user when custom_data is missing; ignores unknown calls', async () => {
    const { service, store } = world.makeService();
    const t = Date.now();
    await service.startSession(ANN, t);
    const play = await service.setSessionState(ANN, 'PLAY', t);
    if (play.next.kind !== 'call') throw new Error('expected a call');
    const call = play.next.call;
    const tag = (await store.activeSessionOf(ANN.email))?.tag ?? '';

    await service.onDialpadEvent(event(call, 'voicemail', { custom_data: null, call_id: '777' }), t + 5_000);
    const rec = await store.getCall(tag, call.callId);
    expect(rec).toMatchObject({ state: 'ENDED', endReason: 'VOICEMAIL', suggested: 'VM_OR_NA_UNKNOWN' });

    // Unknown call id in custom_data, and a user with no session: nothing happens, nothing throws.
    const stranger = { ...call, callId: 'not-ours' };
    await service.onDialpadEvent(event(stranger, 'hangup'), t + 6_000);
    await service.onDialpadEvent(
      event(call, 'hangup', { custom_data: null, target: { id: BOB.dialpadUserId } }),
      t + 6_000,
    );
    expect(showDispos(await world.eventsOf(ANN.email), call.callId)).toHaveLength(1);
    await service.dispose(ANN, { callId: call.callId, code: 'VM_OR_NA_UNKNOWN' }, t + 7_000);
    await service.setSessionState(ANN, 'STOP', t + 7_000);
  });

  it('ends a call whose ending webhook never came into the modal (TIMEOUT), once', async () => {
    const { service } = world.makeService({ rules: testRules({ callTimeoutSeconds: 60 }) });
    const t = Date.now();
    await service.startSession(BOB, t);
    const play = await service.setSessionState(BOB, 'PLAY', t);
    if (play.next.kind !== 'call') throw new Error('expected a call');
    const call = play.next.call;
    expect(call.timeoutAt).toBe(t + 60_000);

    expect(await service.sweepTimeouts(t + 59_000)).toBe(0);
    expect(await service.sweepTimeouts(t + 61_000)).toBe(1);
    expect(await service.sweepTimeouts(t + 62_000)).toBe(0);
    const dispo = showDispos(await world.eventsOf(BOB.email), call.callId);
    expect(dispo).toHaveLength(1);
    expect(dispo[0]?.type === 'SHOW_DISPO' && dispo[0].call).toMatchObject({
      state: 'ENDED',
      endReason: 'TIMEOUT',
      suggestedDisposition: 'NO_ANSWER',
    });
    const snap = await service.currentSession(BOB, t + 62_000);
    expect(snap.call?.state).toBe('ENDED');
    await service.dispose(BOB, { callId: call.callId, code: 'NO_ANSWER' }, t + 63_000);
    await service.setSessionState(BOB, 'STOP', t + 63_000);
  });

  it('sweeps where calls are due: the dialing instance on its next tick, another at its next full walk', async () => {
    const own = await startWorld(); // fresh leads: the tests above used this world's up
    try {
      await sweepCase(own);
    } finally {
      await own.close();
    }
  });

  it('without custom_data binds only outbound events, and unknown Dialpad users do not re-read the router', async () => {
    const own = await startWorld(); // fresh leads: the tests above used this world's up
    try {
      await fallbackCase(own);
    } finally {
      await own.close();
    }
  });
});

async function fallbackCase(world: World): Promise<void> {
  const { service, store } = world.makeService();
  const t = Date.now();
  await service.startSession(ANN, t);
  const play = await service.setSessionState(ANN, 'PLAY', t);
  if (play.next.kind !== 'call') throw new Error('expected a call');
  const call = play.next.call;
  const tag = (await store.activeSessionOf(ANN.email))?.tag ?? '';
  const routerReads = () =>
    world.sheetsEm.state.requestLog.entries.filter((e) => e.path.includes(ROUTER_ID)).length;

  // An inbound call to Ann's line hangs up: it is not her outbound call.
  await service.onDialpadEvent(
    event(call, 'hangup', { custom_data: null, call_id: '555', direction: 'inbound' }),
    t + 1_000,
  );
  expect((await store.getCall(tag, call.callId))?.state).toBe('DIALING');

  // Events for a Dialpad user who is not in the router (another team's line), over and over.
  const before = routerReads();
  for (let i = 0; i < 5; i++)
    await service.onDialpadEvent(
      event(call, 'ringing', { custom_data: null, call_id: `6${i}`, target: { id: '4040404' } }),
      t + 2_000 + i,
    );
  expect(routerReads() - before).toBeLessThanOrEqual(1);

  // Ann's own outbound call still binds by her user id.
  await service.onDialpadEvent(event(call, 'hangup', { custom_data: null, call_id: '777' }), t + 3_000);
  expect((await store.getCall(tag, call.callId))?.state).toBe('ENDED');
  await service.dispose(ANN, { callId: call.callId, code: 'NO_ANSWER' }, t + 4_000);
  await service.setSessionState(ANN, 'STOP', t + 4_000);
}

async function sweepCase(world: World): Promise<void> {
  const rules = testRules({ callTimeoutSeconds: 60 });
  const { service: a } = world.makeService({ rules });
  const { service: b } = world.makeService({ rules });
  const t = Date.now();
  await a.startSession(ANN, t);
  const play = await a.setSessionState(ANN, 'PLAY', t);
  if (play.next.kind !== 'call') throw new Error('expected a call');
  const first = play.next.call;
  // Each instance's first tick walks every tab (a restart finds every open call): nothing is due yet.
  expect(await a.sweepTimeouts(t + 30_000)).toBe(0);
  expect(await b.sweepTimeouts(t + 30_000)).toBe(0);
  // Past the deadline, B (which did not dial it, and walks every tab only every 60 s) leaves it alone;
  // A, which dialed it, ends it at once.
  expect(await b.sweepTimeouts(t + 61_000)).toBe(0);
  expect(await a.sweepTimeouts(t + 61_000)).toBe(1);
  expect(showDispos(await world.eventsOf(ANN.email), first.callId)).toHaveLength(1);

  // The chained call's instance stops sweeping (A is gone): B's next full walk ends it, once.
  const done = await a.dispose(ANN, { callId: first.callId, code: 'NO_ANSWER' }, t + 62_000);
  if (done.next.kind !== 'call') throw new Error('expected the chained call');
  const second = done.next.call;
  expect(second.timeoutAt).toBe(t + 122_000);
  expect(await b.sweepTimeouts(t + 89_000)).toBe(0); // not a full walk, and nothing B knows is due
  expect(await b.sweepTimeouts(t + 123_000)).toBe(1); // 93 s after its last full walk
  expect(await b.sweepTimeouts(t + 124_000)).toBe(0);
  expect(showDispos(await world.eventsOf(ANN.email), second.callId)).toHaveLength(1);
  await b.dispose(ANN, { callId: second.callId, code: 'NO_ANSWER' }, t + 125_000);
  await b.setSessionState(ANN, 'STOP', t + 125_000);
}

describe('DialerService webhooks on another instance', () => {
  it('another instance finds a call it never saw and tells the agent once; a redelivery is a duplicate', async () => {
    const world = await startWorld();
    try {
      const { service: dialer, store } = world.makeService();
      const t = Date.now();
      await dialer.startSession(ANN, t);
      const play = await dialer.setSessionState(ANN, 'PLAY', t);
      if (play.next.kind !== 'call') throw new Error('expected a call');
      const call = play.next.call;
      const tag = (await store.activeSessionOf(ANN.email))?.tag ?? '';
      // What the dial sent Dialpad: our call and its session (the other instance reads the session's
      // counters with the call, for STATS).
      const placed = world.dialpadEm.state.listCalls().find((c) => c.custom_data?.includes(call.callId));
      expect(JSON.parse(placed?.custom_data ?? '{}')).toEqual({
        td: 1,
        callId: call.callId,
        sessionId: call.sessionId,
      });
      const { service: other } = world.makeService();
      const ended = {
        ...event(call, 'hangup', { date_ended: t + 3_000 }),
        custom_data: placed?.custom_data ?? null,
      };
      const seen: (boolean | undefined)[] = [];
      const claim = async (s?: boolean) => {
        seen.push(s);
        return !s;
      };
      await other.onDialpadEvent(ended, t + 3_000, claim);
      await other.onDialpadEvent(ended, t + 3_100, claim); // redelivered: a duplicate
      expect(seen).toEqual([false, true]);
      expect(showDispos(await world.eventsOf(ANN.email), call.callId)).toHaveLength(1);
      expect((await store.getCall(tag, call.callId))?.state).toBe('ENDED');
      await dialer.dispose(ANN, { callId: call.callId, code: 'NO_ANSWER' }, t + 4_000);
      await dialer.setSessionState(ANN, 'STOP', t + 5_000);
    } finally {
      await world.close();
    }
  });
});
