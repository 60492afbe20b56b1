// Concurrency rules of the dialer, with two coordinator instances on one Redis: a double click (or two
// devices) starts exactly one call, and two agents dialing the same tab never get the same lead.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ApiError } from '../../../src-shared/contracts/errors.js';
import type { NextStep } from '../../../src-shared/contracts/views.js';
import { ANN, BOB, defaultLeads, startWorld, testRules, type World } from './world.js';

// A fresh world per test: each one dials and edits the sheet, so none may see another's leftovers.
let world: World;
beforeEach(async () => {
  world = await startWorld({ leads: defaultLeads(14) });
});
afterEach(async () => {
  await world?.close();
});

const initiated = () => world.dialpadEm.state.requestLog.count('initiate_call');

describe('DialerService concurrency', () => {
  it('two concurrent dials of one session (two instances) start exactly one call', async () => {
    const rules = testRules({ previewCountdownSeconds: 3 });
    const a = world.makeService({ rules }).service;
    const b = world.makeService({ rules }).service;
    const now = Date.now();
    await a.startSession(ANN, now);
    const play = await b.setSessionState(ANN, 'PLAY', now);
    expect(play.next.kind).toBe('preview');
    const before = initiated();

    const results = await Promise.allSettled([a.dial(ANN, undefined, now), b.dial(ANN, undefined, now)]);
    const calls = results.filter((r) => r.status === 'fulfilled' && r.value.kind === 'call');
    const refused = results.filter((r) => r.status === 'rejected');
    expect(calls).toHaveLength(1);
    expect(refused).toHaveLength(1);
    expect(refused[0]?.status === 'rejected' && (refused[0].reason as ApiError).code).toBe(
      'CALL_IN_PROGRESS',
    );
    expect(initiated()).toBe(before + 1);

    // While the call is live, more dials change nothing.
    const again = await Promise.allSettled([a.dial(ANN, undefined, now), b.dial(ANN, undefined, now)]);
    expect(again.every((r) => r.status === 'rejected')).toBe(true);
    expect(initiated()).toBe(before + 1);

    const call = calls[0]?.status === 'fulfilled' ? calls[0].value : null;
    if (call?.kind !== 'call') throw new Error('no call');
    await a.dispose(ANN, { callId: call.call.callId, code: 'WRONG' }, now);
    await a.setSessionState(ANN, 'STOP', now);
  });

  it('two agents on the same tab, on two instances, never dial the same lead', async () => {
    const a = world.makeService().service;
    const b = world.makeService().service;
    const now = Date.now();
    await Promise.all([a.startSession(ANN, now), b.startSession(BOB, now)]);
    const [pa, pb] = await Promise.all([
      a.setSessionState(ANN, 'PLAY', now),
      b.setSessionState(BOB, 'PLAY', now),
    ]);
    let steps: [NextStep, NextStep] = [pa.next, pb.next];
    const dialed: string[] = [];
    for (let round = 0; round < 20; round++) {
      const live = steps.flatMap((s) => (s.kind === 'call' ? [s] : []));
      if (live.length === 0) break;
      const rows = live.map((s) => s.preview.lead.rowId);
      expect(new Set(rows).size).toBe(rows.length); // never the same lead at the same time
      dialed.push(...rows);
      steps = (await Promise.all(
        steps.map((s, i) => {
          if (s.kind !== 'call') return Promise.resolve(s);
          const svc = i === 0 ? a : b;
          const agent = i === 0 ? ANN : BOB;
          return svc.dispose(agent, { callId: s.call.callId, code: 'WRONG' }, now).then((r) => r.next);
        }),
      )) as [NextStep, NextStep];
    }
    // Every lead has one number: WRONG finishes it, so each one was dialed exactly once, by one agent.
    expect(new Set(dialed).size).toBe(dialed.length);
    expect(dialed.length).toBeGreaterThanOrEqual(12); // earlier tests of this file used at most two
    expect(steps.map((s) => s.kind)).toEqual(['nothing', 'nothing']);
    await Promise.all([a.setSessionState(ANN, 'STOP', now), b.setSessionState(BOB, 'STOP', now)]);
  });
});
