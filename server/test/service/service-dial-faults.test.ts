// Dialpad failing while a call starts: a timeout (the request may have reached Dialpad) keeps the call so
// its webhooks bind it and the modal opens; a definite refusal undoes the dial and frees the lead.
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
  it('a definite refusal (HTTP 400) undoes the dial: no call is left and the lead is free for Bob', async () => {
    const { service, store } = world.makeService();
    world.dialpadEm.state.setApiFaults([{ route: 'initiate_call', status: 400, times: 1 }]);
    const t = Date.now();
    await service.startSession(ANN, t);
    const ann = await service.setSessionState(ANN, 'PLAY', t);
    expect(ann.next.kind).toBe('idle');
    expect(
      (await world.eventsOf(ANN.email)).some((e) => e.type === 'ERROR' && e.code === 'DIALPAD_REJECTED'),
    ).toBe(true);
    expect(world.dialpadEm.state.listCalls()).toHaveLength(0);

    await service.startSession(BOB, t + 1);
    const bob = await service.setSessionState(BOB, 'PLAY', t + 1);
    if (bob.next.kind !== 'call') throw new Error(`expected a call, got ${bob.next.kind}`);
    expect(bob.next.call.phoneE164).toBe(phoneOf(1)); // the lead Ann's refused dial had claimed
    const tag = (await store.activeSessionOf(BOB.email))?.tag ?? '';
    expect((await store.getCall(tag, bob.next.call.callId))?.state).toBe('DIALING');
    await service.dispose(BOB, { callId: bob.next.call.callId, code: 'NO_ANSWER' }, t + 2);
    await service.setSessionState(ANN, 'STOP', t + 3);
    await service.setSessionState(BOB, 'STOP', t + 3);
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
