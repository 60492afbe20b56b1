// What must survive a crash: retry timing lives in Redis (a new coordinator instance honours it), and a
// disposition the API accepted is never lost, even when redis-server is killed (SIGKILL, AOF) mid-run:
// its lead state and its queued sheet patch were written by one Lua script, so both are there or neither.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NextStep } from '../../../src-shared/contracts/views.js';
import { AGENT_COL } from '../../../src-shared/domain/sheet-codec.js';
import { tabTag } from '../../src/redis/keys.js';
import {
  AGENT_SS,
  ANN,
  BOB,
  defaultLeads,
  leadRow,
  phoneOf,
  startWorld,
  TAB_ID,
  type World,
} from './world.js';

const TAG = tabTag(AGENT_SS, TAB_ID);

describe('retry timing survives a coordinator restart', () => {
  let world: World;
  beforeAll(async () => {
    world = await startWorld({ leads: [leadRow('R1', [phoneOf(1)]), leadRow('R2', [phoneOf(2)])] });
  });
  afterAll(async () => {
    await world?.close();
  });

  it('a new service instance on the same Redis waits out the NO_ANSWER delay, then dials again', async () => {
    const t0 = Date.now();
    const first = world.makeService();
    await first.service.startSession(ANN, t0);
    const play = await first.service.setSessionState(ANN, 'PLAY', t0);
    if (play.next.kind !== 'call') throw new Error('expected a call');
    expect(play.next.preview.lead.rowId).toBe('R1');
    const after = await first.service.dispose(ANN, { callId: play.next.call.callId, code: 'NO_ANSWER' }, t0);
    if (after.next.kind !== 'call') throw new Error('expected the chained call');
    expect(after.next.preview.lead.rowId).toBe('R2');
    await first.service.dispose(ANN, { callId: after.next.call.callId, code: 'WRONG' }, t0);
    await world.flush(); // the sheet now says NO_ANSWER for R1; the retry time exists only in Redis
    expect(world.cell(2, AGENT_COL.status(0))).toBe('NO_ANSWER');
    await first.service.close(); // the coordinator goes away

    const second = world.makeService().service;
    const snap = await second.currentSession(ANN, t0 + 60_000);
    expect(snap.session.state).toBe('PLAY');
    const early = await second.dial(ANN, undefined, t0 + 59 * 60_000);
    expect(early.kind).toBe('nothing');
    if (early.kind !== 'nothing') throw new Error('expected nothing to dial');
    expect(early.nothing.nextDialableAt).toBe(t0 + 60 * 60_000);
    expect(early.nothing.reasons).toContainEqual({ reason: 'RETRY_PENDING', leads: 1 });

    const due = await second.dial(ANN, undefined, t0 + 61 * 60_000);
    expect(due.kind === 'call' && due.preview.lead.rowId).toBe('R1');
    if (due.kind === 'call')
      await second.dispose(ANN, { callId: due.call.callId, code: 'CORRECT' }, t0 + 62 * 60_000);
    await second.setSessionState(ANN, 'STOP', t0 + 62 * 60_000);
  });
});

describe('a disposition the API accepted is never lost', () => {
  let world: World;
  beforeAll(async () => {
    world = await startWorld({ leads: defaultLeads(30) });
  });
  afterAll(async () => {
    await world?.close();
  });

  it('redis-server killed (SIGKILL) and restarted from AOF mid-run: every accepted disposition and its patch remain', async () => {
    const { service, store } = world.makeService();
    const now = Date.now();
    await service.startSession(BOB, now);
    let step: NextStep = (await service.setSessionState(BOB, 'PLAY', now)).next;
    const accepted: { rowId: string; rowNumber: number }[] = [];
    let restarted: Promise<void> | null = null;
    for (let i = 0; i < 40 && accepted.length < 16; i++) {
      if (step.kind !== 'call') {
        // A dial that failed while Redis was down: ask again.
        step = await service.dial(BOB, undefined, now).catch(() => step);
        continue;
      }
      if (accepted.length === 6 && !restarted) restarted = world.redisServer.restart();
      const current = step;
      try {
        const res = await service.dispose(BOB, { callId: current.call.callId, code: 'WRONG' }, now);
        accepted.push({ rowId: current.preview.lead.rowId, rowNumber: current.preview.lead.rowNumber });
        step = res.next;
      } catch {
        // Not accepted (Redis was down at that instant): the agent would retry; this test moves on.
        step = await service.currentSession(BOB, now).then(
          (s) =>
            s.call && s.preview
              ? { kind: 'call', call: s.call, preview: s.preview }
              : { kind: 'idle', sessionState: 'PLAY' },
          () => step,
        );
      }
    }
    await restarted;
    expect(restarted).not.toBeNull();
    expect(accepted.length).toBeGreaterThanOrEqual(10);

    for (const a of accepted) {
      const lead = await store.getLead(TAG, a.rowId);
      expect(lead?.state.slots[0]?.status, a.rowId).toBe('WRONG');
      expect(lead?.state.lastOutcome).toBe('WRONG');
    }
    const unflushed = await store.unflushedCells(TAG);
    for (const a of accepted) expect(unflushed.get(a.rowId)?.has(AGENT_COL.lastOutcome), a.rowId).toBe(true);
    await world.flush();
    for (const a of accepted) {
      expect(world.cell(a.rowNumber, AGENT_COL.status(0)), a.rowId).toBe('WRONG');
      expect(world.cell(a.rowNumber, AGENT_COL.attemptCount), a.rowId).toBe('1');
    }
  });
});
