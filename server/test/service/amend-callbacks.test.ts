// Changing the last disposition when it scheduled a callback (a tab with CallbackAt / CallbackAgent):
// a change keeps the callback the agent scheduled (the cells stay), a change to DO_NOT_CALL drops it and
// clears both cells (a do-not-call lead is never called back); real Redis and the emulators.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { NextStep } from '../../../src-shared/contracts/views.js';
import { formatCallbackAt } from '../../../src-shared/domain/callback.js';
import { AGENT_COL } from '../../../src-shared/domain/sheet-codec.js';
import { ANN, leadRow, phoneOf, startWorld, type World } from './world.js';

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
    ],
  });
});
afterEach(async () => {
  await world?.close();
});

const callOf = (step: NextStep) => {
  if (step.kind !== 'call') throw new Error(`expected a call, got ${step.kind}`);
  return step.call;
};

describe('changing a disposition that scheduled a callback', () => {
  it('keeps the callback through a change, and drops it (cells cleared) on a change to DO_NOT_CALL', async () => {
    const { service } = world.makeService();
    const t0 = Date.now();
    await service.startSession(ANN, t0);
    const first = callOf((await service.setSessionState(ANN, 'PLAY', t0)).next);
    const at = Math.floor((t0 + HOUR) / 1000) * 1000; // the CallbackAt cell holds whole seconds
    await service.dispose(ANN, { callId: first.callId, code: 'NO_ANSWER', callback: { at } }, t0);
    await world.flush();
    expect(world.cell(2, AT_COL)).toBe(formatCallbackAt(at, 'America/New_York'));

    const kept = await service.amendDisposition(
      ANN,
      { callId: first.callId, code: 'VM_SAME_NAME' },
      t0 + 1000,
    );
    expect(kept.code).toBe('VM_SAME_NAME');
    expect((await service.callbacks(ANN, t0 + 1000)).callbacks).toEqual([
      expect.objectContaining({ rowId: 'L1', at }),
    ]);
    await world.flush();
    expect(world.cell(2, AGENT_COL.status(0))).toBe('VOICEMAIL');
    expect(world.cell(2, AT_COL)).toBe(formatCallbackAt(at, 'America/New_York'));
    expect(world.cell(2, AGENT_COL_CB)).toBe(ANN.email);

    await service.amendDisposition(ANN, { callId: first.callId, code: 'DO_NOT_CALL' }, t0 + 2000);
    expect((await service.callbacks(ANN, t0 + 2000)).callbacks).toEqual([]);
    await world.flush();
    expect(world.cell(2, AGENT_COL.status(0))).toBe('SKIPPED');
    expect(world.cell(2, AT_COL)).toBe('');
    expect(world.cell(2, AGENT_COL_CB)).toBe('');
  });
});
