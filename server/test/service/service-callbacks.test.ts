// Callbacks through the DialerService against real Redis and the Sheets and Dialpad emulators: scheduled
// with a disposition, the lead is held for its agent (the other agent's picks pass it by), offered first
// when due on the person's CORRECT number, written to the sheet's CallbackAt / CallbackAgent cells once,
// cleared by the call that answers it, cancelled by a person clearing the cell, kept across a restart of
// Redis (SIGKILL, AOF) and of the coordinator.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../../src-shared/contracts/errors.js';
import type { NextStep } from '../../../src-shared/contracts/views.js';
import { formatCallbackAt } from '../../../src-shared/domain/callback.js';
import { AGENT_COL } from '../../../src-shared/domain/sheet-codec.js';
import { ANN, BOB, leadRow, phoneOf, startWorld, testRules, type World } from './world.js';

const AT_COL = 26; // AA: CallbackAt
const AGENT_COL_CB = 27; // AB: CallbackAgent
const HOUR = 3600_000;

let world: World;
beforeEach(async () => {
  world = await startWorld({
    extraHeader: ['CallbackAt', 'CallbackAgent'],
    leads: [
      leadRow('L1', [phoneOf(1), phoneOf(11)]),
      leadRow('L2', [phoneOf(2)]),
      leadRow('L3', [phoneOf(3)]),
      leadRow('L4', [phoneOf(4)]),
    ],
  });
});
afterEach(async () => {
  await world?.close();
});

const callOf = (step: NextStep) => {
  if (step.kind !== 'call') throw new Error(`expected a call, got ${step.kind}`);
  return step;
};

async function apiError(p: Promise<unknown>): Promise<ApiError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ApiError);
  return e as ApiError;
}

describe('callbacks', () => {
  it('hold the lead for its agent, come first when due on the CORRECT number, and reach the sheet once', async () => {
    const { service } = world.makeService();
    const t0 = Math.floor(Date.now() / 1000) * 1000; // whole seconds, as the CallbackAt cell holds them
    await service.startSession(ANN, t0);
    const first = callOf((await service.setSessionState(ANN, 'PLAY', t0)).next);
    expect(first.preview.lead.rowId).toBe('L1');

    // "Call me back in an hour": CORRECT with a callback; the chained call is the next lead.
    const at = t0 + HOUR;
    const r = await service.dispose(
      ANN,
      { callId: first.call.callId, code: 'CORRECT', callback: { at } },
      t0,
    );
    const second = callOf(r.next);
    expect(second.preview.lead.rowId).toBe('L2');
    const list = await service.callbacks(ANN, t0);
    expect(list.enabled).toBe(true);
    expect(list.callbacks).toEqual([
      expect.objectContaining({
        rowId: 'L1',
        at,
        mine: true,
        due: false,
        numberIndex: 0,
        timeZone: 'America/New_York',
      }),
    ]);
    expect((await service.callbacks(BOB, t0)).callbacks).toEqual([]);

    // The sheet shows it, lead-local, with the agent: written with the disposition's own patch.
    await world.flush();
    expect(world.cell(2, AT_COL)).toBe(formatCallbackAt(at, 'America/New_York'));
    expect(world.cell(2, AGENT_COL_CB)).toBe(ANN.email);
    expect(world.cell(2, AGENT_COL.status(0))).toBe('CORRECT');

    // Bob dials the tab after it is due: never L1 (Ann's), nor L2 (Ann's call).
    const t1 = t0 + 2 * HOUR;
    await service.startSession(BOB, t1);
    const bobs = callOf((await service.setSessionState(BOB, 'PLAY', t1)).next);
    expect(bobs.preview.lead.rowId).toBe('L3');

    // Ann's next pick is the due callback, before L4 (never attempted), on the CORRECT number.
    const third = callOf(
      (await service.dispose(ANN, { callId: second.call.callId, code: 'WRONG' }, t1)).next,
    );
    expect(third.preview.lead.rowId).toBe('L1');
    expect(third.call.numberIndex).toBe(0);
    expect(third.call.phoneE164).toBe(phoneOf(1));

    // The call answers the callback: it is gone, and so are the cells.
    await service.dispose(ANN, { callId: third.call.callId, code: 'CORRECT' }, t1);
    expect((await service.callbacks(ANN, t1)).callbacks).toEqual([]);
    await world.flush();
    expect(world.cell(2, AT_COL)).toBe('');
    expect(world.cell(2, AGENT_COL_CB)).toBe('');
    expect(world.cell(2, AGENT_COL.attemptCount)).toBe('2');
  });

  it('survive a restart; a person clearing CallbackAt cancels it; the agent can dial or cancel one', async () => {
    const first = world.makeService().service;
    const t0 = Math.floor(Date.now() / 1000) * 1000; // whole seconds, as the CallbackAt cell holds them
    await first.startSession(ANN, t0);
    const c1 = callOf((await first.setSessionState(ANN, 'PLAY', t0)).next);
    const c2 = callOf(
      (
        await first.dispose(
          ANN,
          { callId: c1.call.callId, code: 'NO_ANSWER', callback: { at: t0 + HOUR } },
          t0,
        )
      ).next,
    );
    await first.dispose(
      ANN,
      { callId: c2.call.callId, code: 'CORRECT', callback: { at: t0 + 3 * HOUR } },
      t0,
    );
    await first.setSessionState(ANN, 'PAUSE', t0);
    await world.flush();

    // Redis killed (SIGKILL) and restarted on its AOF, then a new coordinator instance: both are still there.
    await world.redisServer.restart();
    const { service } = world.makeService();
    const after = await service.callbacks(ANN, t0);
    expect(after.callbacks.map((c) => [c.rowId, c.at])).toEqual([
      ['L1', t0 + HOUR],
      ['L2', t0 + 3 * HOUR],
    ]);
    // L1's callback dials the number it was scheduled from (Num1), though NO_ANSWER moved NextIndex on.
    expect(after.callbacks[0]?.numberIndex).toBe(0);

    // A person clears L2's CallbackAt: the next read of the tab drops it.
    world.sheetsEm.state.setCell('agent-sheet', 'Team Leads', 3, AT_COL, '');
    await service.resync(ANN, t0 + 1000);
    expect((await service.callbacks(ANN, t0 + 1000)).callbacks.map((c) => c.rowId)).toEqual(['L1']);

    // The chained call (L3) is still live: finish it, paused, with a callback of its own.
    const t1 = t0 + 2000;
    const live = await service.currentSession(ANN, t1);
    expect(live.call?.leadRowId).toBe('L3');
    expect((await apiError(service.dialCallback(ANN, 'L1', t1))).code).toBe('CALL_IN_PROGRESS');
    const callId = live.call?.callId ?? '';
    await service.dispose(ANN, { callId, code: 'WRONG', callback: { at: t0 + 2 * HOUR } }, t1);
    // Nothing is due yet, so PLAY dials the normal order (L4).
    const l4 = callOf((await service.setSessionState(ANN, 'PLAY', t1)).next);
    expect(l4.preview.lead.rowId).toBe('L4');
    expect((await service.dispose(ANN, { callId: l4.call.callId, code: 'WRONG' }, t1)).next.kind).toBe(
      'nothing',
    );
    // Paused, the agent dials L1's callback an hour early from the list: the session resumes with it, on
    // the number it was scheduled from.
    await service.setSessionState(ANN, 'PAUSE', t1);
    const early = callOf(await service.dialCallback(ANN, 'L1', t1));
    expect([early.preview.lead.rowId, early.call.numberIndex]).toEqual(['L1', 0]);
    expect((await service.currentSession(ANN, t1)).session.state).toBe('PLAY');

    // Bob cannot cancel Ann's callbacks.
    expect((await apiError(service.cancelCallback(BOB, 'L3', t1))).code).toBe('NO_ACTIVE_SESSION');
    await service.startSession(BOB, t1);
    expect((await apiError(service.cancelCallback(BOB, 'L3', t1))).code).toBe('NOT_FOUND');

    // Ann cancels L3's: the cells are cleared in the sheet.
    const left = await service.cancelCallback(ANN, 'L3', t1);
    // (L1's is on the line now, so the list has none left; its cells stay until the disposition.)
    expect(left.callbacks).toEqual([]);
    await world.flush();
    expect(world.cell(4, AT_COL)).toBe('');
    expect(world.cell(2, AT_COL)).not.toBe('');
  });

  it('in a preview campaign a due callback is previewed first; skipping it cancels it, not the number', async () => {
    const { service } = world.makeService({ rules: testRules({ previewCountdownSeconds: 30 }) });
    const t0 = Math.floor(Date.now() / 1000) * 1000;
    await service.startSession(ANN, t0);
    const p1 = (await service.setSessionState(ANN, 'PLAY', t0)).next;
    if (p1.kind !== 'preview') throw new Error(`expected a preview, got ${p1.kind}`);
    const c1 = callOf(await service.dial(ANN, p1.preview.previewId, t0));
    expect(c1.preview.lead.rowId).toBe('L1');
    const p2 = (
      await service.dispose(ANN, { callId: c1.call.callId, code: 'CORRECT', callback: { at: t0 + HOUR } }, t0)
    ).next;
    if (p2.kind !== 'preview') throw new Error(`expected a preview, got ${p2.kind}`);
    expect(p2.preview.preview.lead.rowId).toBe('L2'); // not due yet: the normal order
    const p3 = await service.skip(ANN, p2.preview.previewId, t0 + 2 * HOUR);
    if (p3.kind !== 'preview') throw new Error(`expected a preview, got ${p3.kind}`);
    // Due now: previewed first, on the CORRECT number. Skipping it cancels the callback and keeps CORRECT.
    expect([p3.preview.preview.lead.rowId, p3.preview.preview.numberIndex]).toEqual(['L1', 0]);
    await service.skip(ANN, p3.preview.previewId, t0 + 2 * HOUR);
    expect((await service.callbacks(ANN, t0 + 2 * HOUR)).callbacks).toEqual([]);
    await world.flush();
    expect(world.cell(2, AT_COL)).toBe('');
    expect(world.cell(2, AGENT_COL.status(0))).toBe('CORRECT');
  });

  it('is refused, changing nothing, on a tab without the CallbackAt and CallbackAgent columns', async () => {
    await world.close();
    world = await startWorld();
    const { service } = world.makeService();
    const t0 = Math.floor(Date.now() / 1000) * 1000; // whole seconds, as the CallbackAt cell holds them
    await service.startSession(ANN, t0);
    const c1 = callOf((await service.setSessionState(ANN, 'PLAY', t0)).next);
    expect((await service.callbacks(ANN, t0)).enabled).toBe(false);
    const e = await apiError(
      service.dispose(ANN, { callId: c1.call.callId, code: 'CORRECT', callback: { at: t0 + HOUR } }, t0),
    );
    expect(e.code).toBe('CALLBACKS_NOT_ENABLED');
    // The call is still waiting for its disposition, which goes through without the callback.
    const ok = await service.dispose(ANN, { callId: c1.call.callId, code: 'CORRECT' }, t0);
    expect(ok.alreadySaved).toBeUndefined();
  });
});
