// Dispositions at the edges: a person edited the dialed number's Status cell during the call (the call
// must still leave the modal, the sheet keeps the person's edit), and a disposition repeated after it
// committed (the client retried after a blip) succeeds again with the next step.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENT_COL } from '../../../src-shared/domain/sheet-codec.js';
import { AGENT_SS, ANN, leadRow, startWorld, TAB, type World } from './world.js';

let world: World;
beforeAll(async () => {
  world = await startWorld();
});
afterAll(async () => {
  await world?.close();
});

describe('dispositions at the edges', () => {
  it('a call whose number a person re-marked during the call is disposed without writing the lead', async () => {
    const notWritten: string[] = [];
    const { service, store } = world.makeService({ onDispositionNotWritten: (why) => notWritten.push(why) });
    const t = Date.now();
    await service.startSession(ANN, t);
    const play = await service.setSessionState(ANN, 'PLAY', t);
    if (play.next.kind !== 'call') throw new Error(`expected a call, got ${play.next.kind}`);
    const call = play.next.call;
    await world.flush(); // IN_PROGRESS reached the sheet
    // A person marks the number CORRECT in the sheet mid-call; the coordinator re-reads the tab.
    const sheetRow = Number(call.leadRowId.slice(1)) + 1;
    const edited = leadRow(call.leadRowId, [call.phoneE164]);
    edited[AGENT_COL.status(call.numberIndex)] = 'CORRECT';
    world.sheetsEm.state.setRows(AGENT_SS, TAB, [edited], sheetRow);
    await service.resync(ANN, Date.now() + 1_000);

    const done = await service.dispose(ANN, { callId: call.callId, code: 'NO_ANSWER' }, t + 2_000);
    expect(done).toMatchObject({ callId: call.callId, code: 'NO_ANSWER', queuedCells: 0 });
    expect(done.next.kind).toBe('call'); // the session moves on
    const tag = (await store.activeSessionOf(ANN.email))?.tag ?? '';
    expect((await store.getCall(tag, call.callId))?.state).toBe('DISPOSED');
    expect(notWritten).toEqual(['NUMBER_CHANGED']);
    await world.flush();
    expect(world.cell(sheetRow, AGENT_COL.status(call.numberIndex))).toBe('CORRECT'); // the person's edit
    if (done.next.kind === 'call')
      await service.dispose(ANN, { callId: done.next.call.callId, code: 'NO_ANSWER' }, t + 3_000);
    await service.setSessionState(ANN, 'STOP', t + 4_000);
  });

  it('the same disposition repeated after it committed succeeds again with the current next step', async () => {
    const { service, store } = world.makeService();
    const t = Date.now();
    await service.startSession(ANN, t);
    const play = await service.setSessionState(ANN, 'PLAY', t);
    if (play.next.kind !== 'call') throw new Error(`expected a call, got ${play.next.kind}`);
    const call = play.next.call;
    const first = await service.dispose(ANN, { callId: call.callId, code: 'NO_ANSWER' }, t + 1_000);
    if (first.next.kind !== 'call') throw new Error(`expected a chained call, got ${first.next.kind}`);

    // The client never saw `first` (a blip) and sends it again: same success, the same chained call.
    const again = await service.dispose(ANN, { callId: call.callId, code: 'NO_ANSWER' }, t + 2_000);
    expect(again).toMatchObject({ callId: call.callId, code: 'NO_ANSWER', queuedCells: 0 });
    expect(again.next.kind === 'call' && again.next.call.callId).toBe(first.next.call.callId);
    const tag = (await store.activeSessionOf(ANN.email))?.tag ?? '';
    expect((await service.stats(ANN, t + 2_000)).session?.callsCompleted).toBe(1); // counted once
    expect((await store.getCall(tag, call.callId))?.disposition).toBe('NO_ANSWER');

    // A different code for a disposed call is still refused.
    await expect(
      service.dispose(ANN, { callId: call.callId, code: 'CORRECT' }, t + 3_000),
    ).rejects.toMatchObject({ code: 'NO_CALL_PENDING' });
    await service.dispose(ANN, { callId: first.next.call.callId, code: 'NO_ANSWER' }, t + 4_000);
    await service.setSessionState(ANN, 'STOP', t + 5_000);
  });
});
