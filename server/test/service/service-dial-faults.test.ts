// Dialpad failing while a call starts (after the answer, which carries the call once the dial is committed):
// a timeout or a connection lost after the request was written (the request may have reached Dialpad) keeps
// the call so its webhooks bind it and the modal opens; a definite refusal undoes the dial, frees the lead
// and tells the agent (DIAL_FAILED).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
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
    // The disposition is told (DISPOSED), then the refusal of the call the answer carried; no CALL_STATE
    // ever showed that call to anyone watching (the supervisor console).
    expect(
      events.some(
        (e) => e.type === 'CALL_STATE' && e.call.callId === first.callId && e.call.state === 'DISPOSED',
      ),
    ).toBe(true);
    expect(events.filter((e) => e.type === 'DIAL_FAILED')).toEqual([
      expect.objectContaining({ callId: refused.callId, code: 'DIALPAD_REJECTED' }),
    ]);
    expect(events.some((e) => e.type === 'CALL_STATE' && e.call.callId === refused.callId)).toBe(false);
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
