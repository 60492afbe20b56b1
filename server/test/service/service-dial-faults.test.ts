// Dialpad failing while a call starts (after the answer, which carries the call once the dial is committed):
// an unknown outcome (a timeout, a connection lost after the request was written, a 500/502/504: the request
// may have reached Dialpad) keeps the call so its webhooks bind it, or its timeout ends it, into the modal;
// a definite refusal undoes the dial, frees the lead and tells the agent (DIAL_FAILED).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AGENT_COL } from '../../../src-shared/domain/sheet-codec.js';
import { ANN, BOB, eventually, phoneOf, startWorld, type World } from './world.js';

// A fresh world per test: each one dials and edits the sheet, so none may see another's leftovers.
let world: World;
beforeEach(async () => {
  world = await startWorld();
});
afterEach(async () => {
  await world?.close();
});

describe('DialerService when Dialpad answers late or refuses', () => {
  it('a definite refusal (HTTP 400) after the answer undoes the dial, tells the agent, frees the lead for Bob', async () => {
    const { service, store } = world.makeService();
    world.dialpadEm.state.setApiFaults([{ route: 'initiate_call', status: 400, times: 1 }]);
    const t = Date.now();
    await service.startSession(ANN, t);
    // The answer carries the call once the dial is committed; Dialpad refuses it afterwards.
    const ann = await service.setSessionState(ANN, 'PLAY', t);
    if (ann.next.kind !== 'call') throw new Error(`expected a call, got ${ann.next.kind}`);
    await service.settled();
    const told = (await world.eventsOf(ANN.email)).filter((e) => e.type === 'DIAL_FAILED');
    expect(told).toEqual([
      expect.objectContaining({
        callId: ann.next.call.callId,
        code: 'DIALPAD_REJECTED',
        next: { kind: 'idle', sessionState: 'PLAY' },
      }),
    ]);
    expect(world.dialpadEm.state.listCalls()).toHaveLength(0);
    const tag = (await store.activeSessionOf(ANN.email))?.tag ?? '';
    expect(await store.getCall(tag, ann.next.call.callId)).toMatchObject({ endReason: 'DIAL_FAILED' });

    await service.startSession(BOB, t + 1);
    const bob = await service.setSessionState(BOB, 'PLAY', t + 1);
    if (bob.next.kind !== 'call') throw new Error(`expected a call, got ${bob.next.kind}`);
    expect(bob.next.call.phoneE164).toBe(phoneOf(1)); // the lead Ann's refused dial had claimed
    expect((await store.getCall(tag, bob.next.call.callId))?.state).toBe('DIALING');
    await service.dispose(BOB, { callId: bob.next.call.callId, code: 'NO_ANSWER' }, t + 2);
    await service.setSessionState(ANN, 'STOP', t + 3);
    await service.setSessionState(BOB, 'STOP', t + 3);
  });

  it("a disposition's chained dial refused after the answer: the agent is told, the lock is free again", async () => {
    const { service, store } = world.makeService();
    const t = Date.now();
    await service.startSession(ANN, t);
    const play = await service.setSessionState(ANN, 'PLAY', t);
    if (play.next.kind !== 'call') throw new Error(`expected a call, got ${play.next.kind}`);
    const first = play.next.call;
    await service.settled();
    world.dialpadEm.state.setApiFaults([{ route: 'initiate_call', status: 400, times: 1 }]);
    const r = await service.dispose(ANN, { callId: first.callId, code: 'WRONG' }, t + 1);
    if (r.next.kind !== 'call') throw new Error(`expected the chained call, got ${r.next.kind}`);
    const refused = r.next.call;
    await service.settled();
    const events = await world.eventsOf(ANN.email);
    // The disposition's own step told the disposition (DISPOSED) with the call its answer carried
    // (DIALING: before Dialpad was asked, so a crash then leaves the agent told); then the refusal of that
    // call, which ends it for anyone watching (the supervisor console drops it: agent-live.ts).
    const told = events.map((e) =>
      e.type === 'CALL_STATE'
        ? `${e.call.callId}:${e.call.state}`
        : e.type === 'DIAL_FAILED'
          ? `${e.callId}:FAILED`
          : e.type,
    );
    const from = told.indexOf(`${first.callId}:DISPOSED`);
    expect(told.slice(from)).toEqual([
      `${first.callId}:DISPOSED`,
      `${refused.callId}:DIALING`,
      'STATS',
      `${refused.callId}:FAILED`,
      'STATS',
    ]);
    expect(events.filter((e) => e.type === 'DIAL_FAILED')).toEqual([
      expect.objectContaining({ callId: refused.callId, code: 'DIALPAD_REJECTED' }),
    ]);
    const s = await store.activeSessionOf(ANN.email);
    expect(s?.callId).toBeNull();
    // The Dialpad leg released the session lock: the app's next request is served at once, not after a TTL.
    expect(await store.acquireLock(s?.tag ?? '', s?.id ?? '', 'probe', 1_000)).toBe(true);
    await store.releaseLock(s?.tag ?? '', s?.id ?? '', 'probe');
    const again = await service.dial(ANN, undefined, t + 2);
    if (again.kind !== 'call') throw new Error(`expected a call, got ${again.kind}`);
    await service.settled();
    await service.dispose(ANN, { callId: again.call.callId, code: 'WRONG' }, t + 3);
    await service.setSessionState(ANN, 'STOP', t + 4);
  });

  it('a connection Dialpad dropped after placing the call: the call stays, its modal opens, never DIAL_FAILED', async () => {
    const { service, store } = world.makeService();
    world.webhookTarget = service;
    // Dialpad places the call, then the connection drops before its answer (a crash, a proxy reset).
    world.dialpadEm.state.setApiFaults([{ route: 'initiate_call', drop: 'after', times: 1 }]);
    const t = Date.now();
    await service.startSession(ANN, t);
    const play = await service.setSessionState(ANN, 'PLAY', t);
    if (play.next.kind !== 'call') throw new Error(`expected a call, got ${play.next.kind}`);
    const call = play.next.call;
    await service.settled();
    const events = await world.eventsOf(ANN.email);
    expect(events.some((e) => e.type === 'DIAL_FAILED')).toBe(false);
    expect(events).toContainEqual(expect.objectContaining({ type: 'ERROR', code: 'UPSTREAM_TIMEOUT' }));
    await eventually(
      async () =>
        (await world.eventsOf(ANN.email)).some(
          (e) => e.type === 'SHOW_DISPO' && e.call.callId === call.callId,
        ),
      'the modal for the call whose answer was lost',
    );
    const placed = world.dialpadEm.state.listCalls().filter((c) => c.external_number === call.phoneE164);
    expect(placed).toHaveLength(1); // never sent twice
    const tag = (await store.activeSessionOf(ANN.email))?.tag ?? '';
    expect(await store.getCall(tag, call.callId)).toMatchObject({ state: 'ENDED' });
    await service.dispose(ANN, { callId: call.callId, code: 'NO_ANSWER' }, t + 2);
    await service.setSessionState(ANN, 'STOP', t + 3);
    world.webhookTarget = null;
  });

  it('a 502 from a gateway after Dialpad placed the call: the call stays, the agent is told, the modal opens, the lead is dialed once and its disposition lands', async () => {
    const { service, store } = world.makeService();
    world.webhookTarget = service;
    world.dialpadEm.state.setApiFaults([
      { route: 'initiate_call', status: 502, statusWhen: 'after', times: 1 },
    ]);
    world.dialpadEm.state.enqueueOutcomes('manual'); // answered, and talking until the test ends it
    const t = Date.now();
    await service.startSession(ANN, t);
    const play = await service.setSessionState(ANN, 'PLAY', t);
    if (play.next.kind !== 'call') throw new Error(`expected a call, got ${play.next.kind}`);
    const call = play.next.call;
    await service.settled();
    const events = await world.eventsOf(ANN.email);
    expect(events.some((e) => e.type === 'DIAL_FAILED')).toBe(false);
    expect(events).toContainEqual(
      expect.objectContaining({
        type: 'ERROR',
        code: 'UPSTREAM_TIMEOUT',
        message: expect.stringMatching(/HTTP 502.*the call may have started: check the Dialpad app/),
      }),
    );
    const tag = (await store.activeSessionOf(ANN.email))?.tag ?? '';
    await eventually(
      async () => (await store.getCall(tag, call.callId))?.state === 'CONNECTED',
      'the webhooks of the call placed behind the 502 bind it',
    );
    // Dialpad reported it: its confirmation deadline leaves it alone.
    expect(await service.sweepTimeouts(t + 61_000)).toBe(0);
    expect((await store.getCall(tag, call.callId))?.state).toBe('CONNECTED');
    const behind502 = world.dialpadEm.state.listCalls().find((c) => c.external_number === call.phoneE164);
    world.dialpadEm.state.endCall(behind502?.call_id ?? 0); // the customer hangs up
    await eventually(
      async () =>
        (await world.eventsOf(ANN.email)).some(
          (e) => e.type === 'SHOW_DISPO' && e.call.callId === call.callId,
        ),
      'the modal for the call placed behind the 502',
    );
    expect(await store.getCall(tag, call.callId)).toMatchObject({ state: 'ENDED', endReason: 'HANGUP' });
    // The lead is still Ann's: Bob dials another one.
    await service.startSession(BOB, t + 1);
    const bob = await service.setSessionState(BOB, 'PLAY', t + 1);
    if (bob.next.kind !== 'call') throw new Error(`expected a call, got ${bob.next.kind}`);
    expect(bob.next.call.phoneE164).not.toBe(call.phoneE164);
    await service.dispose(ANN, { callId: call.callId, code: 'NO_ANSWER' }, t + 2);
    await service.setSessionState(ANN, 'STOP', t + 3);
    await service.dispose(BOB, { callId: bob.next.call.callId, code: 'NO_ANSWER' }, t + 2);
    await service.setSessionState(BOB, 'STOP', t + 3);
    await service.settled();
    const placed = world.dialpadEm.state.listCalls().filter((c) => c.external_number === call.phoneE164);
    expect(placed).toHaveLength(1);
    await world.flush();
    expect(world.cell(2, AGENT_COL.status(0))).toBe('NO_ANSWER'); // L1, the call behind the 502
    expect(world.cell(2, AGENT_COL.attemptCount)).toBe('1');
    world.webhookTarget = null;
  });

  it('a 502 before Dialpad saw the request: the call stays until its confirmation deadline (60 s, not the 10-min call timeout) ends it into the modal, and nobody dials the lead meanwhile', async () => {
    const { service, store } = world.makeService(); // call timeout 600 s
    world.webhookTarget = service;
    world.dialpadEm.state.setApiFaults([{ route: 'initiate_call', status: 502, times: 1 }]);
    const t = Date.now();
    await service.startSession(ANN, t);
    const play = await service.setSessionState(ANN, 'PLAY', t);
    if (play.next.kind !== 'call') throw new Error(`expected a call, got ${play.next.kind}`);
    const call = play.next.call;
    await service.settled();
    const events = await world.eventsOf(ANN.email);
    expect(events.some((e) => e.type === 'DIAL_FAILED')).toBe(false);
    expect(events).toContainEqual(expect.objectContaining({ type: 'ERROR', code: 'UPSTREAM_TIMEOUT' }));
    expect(world.dialpadEm.state.listCalls()).toHaveLength(0); // indeed never placed
    // Bob is given another lead, and Ann's own PLAY keeps her on the unsettled call.
    await service.startSession(BOB, t + 1);
    const bob = await service.setSessionState(BOB, 'PLAY', t + 1);
    if (bob.next.kind !== 'call') throw new Error(`expected a call, got ${bob.next.kind}`);
    expect(bob.next.call.phoneE164).not.toBe(call.phoneE164);
    expect((await service.currentSession(ANN, t + 2)).call).toMatchObject({
      callId: call.callId,
      state: 'DIALING',
    });
    // No webhook ever comes: 60 s after the dial the sweep ends it, into the modal, once (Bob's call,
    // reported by Dialpad, keeps its 600 s).
    expect(await service.sweepTimeouts(t + 59_000)).toBe(0);
    expect(await service.sweepTimeouts(t + 61_000)).toBe(1);
    expect(await service.sweepTimeouts(t + 62_000)).toBe(0);
    expect(
      (await world.eventsOf(ANN.email)).filter(
        (e) => e.type === 'SHOW_DISPO' && e.call.callId === call.callId,
      ),
    ).toEqual([
      expect.objectContaining({ call: expect.objectContaining({ state: 'ENDED', endReason: 'TIMEOUT' }) }),
    ]);
    const tag = (await store.activeSessionOf(ANN.email))?.tag ?? '';
    expect(await store.getCall(tag, call.callId)).toMatchObject({ state: 'ENDED', endReason: 'TIMEOUT' });
    await service.setSessionState(ANN, 'STOP', t + 61_500);
    await service.dispose(ANN, { callId: call.callId, code: 'NO_ANSWER' }, t + 62_000);
    await service.dispose(BOB, { callId: bob.next.call.callId, code: 'NO_ANSWER' }, t + 62_000);
    await service.setSessionState(BOB, 'STOP', t + 62_000);
    await service.settled();
    expect(world.dialpadEm.state.listCalls().filter((c) => c.external_number === call.phoneE164)).toEqual([]);
    await world.flush();
    expect(world.cell(2, AGENT_COL.status(0))).toBe('NO_ANSWER');
    expect(world.cell(2, AGENT_COL.attemptCount)).toBe('1');
    world.webhookTarget = null;
  });

  it('a timed-out initiate_call that Dialpad still placed stays the call: modal opens, no second dial', async () => {
    const { service, store } = world.makeService({ dialpadTimeoutMs: 150 });
    world.webhookTarget = service;
    // Dialpad holds the request past the client's timeout, then places the call anyway.
    world.dialpadEm.state.setApiFaults([{ route: 'initiate_call', latencyMs: 700, times: 1 }]);
    const t = Date.now();
    await service.startSession(ANN, t);
    const play = await service.setSessionState(ANN, 'PLAY', t);
    if (play.next.kind !== 'call') throw new Error(`expected a call, got ${play.next.kind}`);
    const call = play.next.call;
    await service.settled(); // Dialpad's (late) answer comes after the HTTP answer
    expect(
      (await world.eventsOf(ANN.email)).some((e) => e.type === 'ERROR' && e.code === 'UPSTREAM_TIMEOUT'),
    ).toBe(true);

    // The emulator's webhooks (custom_data) bind the call and end it into the modal.
    await eventually(
      async () =>
        (await world.eventsOf(ANN.email)).some(
          (e) => e.type === 'SHOW_DISPO' && e.call.callId === call.callId,
        ),
      'the modal for the slow call',
    );
    const tag = (await store.activeSessionOf(ANN.email))?.tag ?? '';
    expect(await store.getCall(tag, call.callId)).toMatchObject({ state: 'ENDED' });

    // The lead is still Ann's: Bob dials the next lead, never the one that may be ringing.
    await service.startSession(BOB, t + 1);
    const bob = await service.setSessionState(BOB, 'PLAY', t + 1);
    if (bob.next.kind !== 'call') throw new Error(`expected a call, got ${bob.next.kind}`);
    expect(bob.next.call.phoneE164).not.toBe(call.phoneE164);
    const placed = world.dialpadEm.state.listCalls().filter((c) => c.external_number === call.phoneE164);
    expect(placed).toHaveLength(1);

    const done = await service.dispose(ANN, { callId: call.callId, code: 'NO_ANSWER' }, t + 2);
    expect(done.code).toBe('NO_ANSWER');
    await service.setSessionState(ANN, 'STOP', t + 3);
    await service.dispose(BOB, { callId: bob.next.call.callId, code: 'NO_ANSWER' }, t + 2);
    await service.setSessionState(BOB, 'STOP', t + 3);
    world.webhookTarget = null;
  });
});
