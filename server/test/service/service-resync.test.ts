// A person edits the sheet while agents dial: after a resync their edits count where our writes were
// already flushed, our queued (unflushed) writes win where they were not, new rows become dialable, and a
// row that left the sheet during a call does not strand the agent's disposition.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AGENT_COL } from '../../../src-shared/domain/sheet-codec.js';
import { AGENT_SS, ANN, BOB, leadRow, phoneOf, startWorld, TAB, type World } from './world.js';

// A fresh world per test: each one dials and edits the sheet, so none may see another's leftovers.
let world: World;
beforeEach(async () => {
  world = await startWorld({
    leads: [leadRow('P1', [phoneOf(1)]), leadRow('P2', [phoneOf(2)]), leadRow('P3', [phoneOf(3)])],
  });
});
afterEach(async () => {
  await world?.close();
});

const setRow = (row: number, cells: string[]) => world.sheetsEm.state.setRows(AGENT_SS, TAB, [cells], row);

describe('resync with a sheet a person edits', () => {
  it('honours edits to flushed cells, keeps unflushed writes, and picks up new rows', async () => {
    const { service } = world.makeService();
    const t0 = Date.now();
    await service.startSession(ANN, t0);
    const p1 = (await service.setSessionState(ANN, 'PLAY', t0)).next;
    if (p1.kind !== 'call') throw new Error('expected a call');
    const p2 = (await service.dispose(ANN, { callId: p1.call.callId, code: 'NO_ANSWER' }, t0)).next;
    if (p2.kind !== 'call') throw new Error('expected a call');
    await world.flush(); // P1 = NO_ANSWER (retry in 60 min) is in the sheet now
    await service.dispose(ANN, { callId: p2.call.callId, code: 'NO_ANSWER' }, t0); // P2: NOT flushed
    await service.setSessionState(ANN, 'PAUSE', t0);

    // A person: marks P1's number WRONG, overwrites P2's status (our queued write must still win), adds P4.
    const p1Row = leadRow('P1', [phoneOf(1)]);
    p1Row[AGENT_COL.status(0)] = 'WRONG';
    setRow(2, p1Row);
    const p2Row = leadRow('P2', [phoneOf(2)]);
    p2Row[AGENT_COL.status(0)] = 'CORRECT';
    setRow(3, p2Row);
    setRow(5, leadRow('P4', [phoneOf(4)]));

    const r = await service.resync(ANN, t0 + 1_000);
    expect(r.leadsTotal).toBe(4);
    expect(r.changedLeads).toBeGreaterThanOrEqual(2);

    // 61 minutes later both retries are due; P1 is WRONG (the person's edit), P2 still retries (ours).
    const later = t0 + 61 * 60_000;
    await service.setSessionState(ANN, 'PAUSE', later);
    const dialed: string[] = [];
    let step = (await service.setSessionState(ANN, 'PLAY', later)).next;
    while (step.kind === 'call' && dialed.length < 10) {
      dialed.push(step.preview.lead.rowId);
      step = (await service.dispose(ANN, { callId: step.call.callId, code: 'WRONG' }, later)).next;
    }
    expect(dialed.sort()).toEqual(['P2', 'P3', 'P4']);
    await world.flush();
    expect(world.cell(3, AGENT_COL.status(0))).toBe('WRONG'); // our writes reached the sheet
    await service.setSessionState(ANN, 'STOP', later);
  });

  it('accepts the disposition of a call whose row left the sheet meanwhile', async () => {
    // P5 is the only dialable lead: a person marked P1..P3 reached (CORRECT).
    for (const [row, id, n] of [
      [2, 'P1', 1],
      [3, 'P2', 2],
      [4, 'P3', 3],
    ] as const) {
      const reached = leadRow(id, [phoneOf(n)]);
      reached[AGENT_COL.status(0)] = 'CORRECT';
      setRow(row, reached);
    }
    setRow(6, leadRow('P5', [phoneOf(5)]));
    const { service, store } = world.makeService();
    const now = Date.now() + 2 * 3600_000;
    await service.startSession(BOB, now);
    const step = (await service.setSessionState(BOB, 'PLAY', now)).next;
    if (step.kind !== 'call') throw new Error('expected a call');
    expect(step.preview.lead.rowId).toBe('P5');
    setRow(6, Array<string>(26).fill('')); // a person cleared the row during the call
    await service.resync(BOB, now + 1);
    const res = await service.dispose(BOB, { callId: step.call.callId, code: 'NO_ANSWER' }, now + 2);
    expect(res.queuedCells).toBe(0);
    const tag = (await store.activeSessionOf(BOB.email))?.tag ?? '';
    expect((await store.getCall(tag, step.call.callId))?.state).toBe('DISPOSED');
    expect((await store.activeSessionOf(BOB.email))?.callId).toBeNull();
    await service.setSessionState(BOB, 'STOP', now + 3);
  });
});
