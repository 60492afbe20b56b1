// Live stats: the agent's screen updates from STATS events, so the service publishes one after every
// change of a counter: a dial (calls initiated), a connect and a call end (connects, talk time), a
// disposition (completed, breakdown, success rate) and a preview skip. Dialpad events are played by hand
// (the world forwards no emulator webhooks) so the counts are exact.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DialpadCallEvent } from '../../../src-shared/contracts/dialpad.js';
import type { CallView, StatsView } from '../../../src-shared/contracts/views.js';
import type { AgentEvent } from '../../../src-shared/contracts/ws.js';
import { ANN, BOB, startWorld, testRules, type World } from './world.js';

let world: World;
beforeAll(async () => {
  world = await startWorld();
});
afterAll(async () => {
  await world?.close();
});

const statsEvents = (events: AgentEvent[]): StatsView[] =>
  events.flatMap((e) => (e.type === 'STATS' ? [e.stats] : []));
const lastStats = async (email: string): Promise<StatsView | undefined> =>
  statsEvents(await world.eventsOf(email)).at(-1);

function event(call: CallView, state: string, extra: Partial<DialpadCallEvent> = {}): DialpadCallEvent {
  return {
    call_id: '70001',
    state,
    custom_data: JSON.stringify({ td: 1, callId: call.callId, sessionId: call.sessionId }),
    target: { id: ANN.dialpadUserId, type: 'user' },
    ...extra,
  };
}

describe('DialerService: live STATS events', () => {
  it('publishes STATS after the dial, the connect, the call end and the disposition', async () => {
    const { service } = world.makeService();
    const t = Date.now();
    await service.startSession(ANN, t);
    expect(statsEvents(await world.eventsOf(ANN.email))).toEqual([]);

    const play = await service.setSessionState(ANN, 'PLAY', t);
    if (play.next.kind !== 'call') throw new Error('expected a call');
    const call = play.next.call;
    await service.settled(); // the dial's events follow Dialpad's answer, after the HTTP answer
    expect(await lastStats(ANN.email)).toMatchObject({ callsInitiated: 1, callsCompleted: 0, connects: 0 });

    await service.onDialpadEvent(event(call, 'connected', { date_connected: t + 1_000 }), t + 1_000);
    expect(await lastStats(ANN.email)).toMatchObject({ callsInitiated: 1, connects: 1, talkTimeSeconds: 0 });

    await service.onDialpadEvent(
      event(call, 'hangup', { date_connected: t + 1_000, date_ended: t + 46_000 }),
      t + 46_000,
    );
    const ended = await lastStats(ANN.email);
    expect(ended).toMatchObject({ connects: 1, talkTimeSeconds: 45, callsCompleted: 0 });
    // SHOW_DISPO comes before the STATS of the same call end (the modal is what the agent acts on).
    const types = (await world.eventsOf(ANN.email)).map((e) => e.type);
    expect(types.lastIndexOf('SHOW_DISPO')).toBeLessThan(types.lastIndexOf('STATS'));

    await service.setSessionState(ANN, 'PAUSE', t + 47_000);
    const before = statsEvents(await world.eventsOf(ANN.email)).length;
    await service.dispose(ANN, { callId: call.callId, code: 'CORRECT' }, t + 50_000);
    const after = statsEvents(await world.eventsOf(ANN.email));
    expect(after.length).toBe(before + 1); // paused: no chained dial, exactly one STATS
    expect(after.at(-1)).toMatchObject({
      callsInitiated: 1,
      callsCompleted: 1,
      connects: 1,
      successRate: 1,
      talkTimeSeconds: 45,
    });
    expect(after.at(-1)?.dispositions.CORRECT).toBe(1);
    // what GET /stats answers is what the socket was told last
    expect((await service.stats(ANN, t + 50_000)).session).toEqual(after.at(-1));
    await service.setSessionState(ANN, 'STOP', t + 51_000);
  });

  it("counts a disposition and its chained dial in the agent's lifetime figures once", async () => {
    const own = await startWorld(); // fresh leads and counters
    try {
      const { service } = own.makeService();
      const t = Date.now();
      await service.startSession(ANN, t);
      const play = await service.setSessionState(ANN, 'PLAY', t);
      if (play.next.kind !== 'call') throw new Error('expected a call');
      const first = play.next.call;
      await service.onDialpadEvent(event(first, 'connected', { date_connected: t + 1_000 }), t + 1_000);
      await service.onDialpadEvent(
        event(first, 'hangup', { date_connected: t + 1_000, date_ended: t + 31_000 }),
        t + 31_000,
      );
      const chained = await service.dispose(ANN, { callId: first.callId, code: 'CORRECT' }, t + 32_000);
      if (chained.next.kind !== 'call') throw new Error('expected the chained call');
      const agent = (await service.stats(ANN, t + 33_000)).agent;
      expect(agent).toMatchObject({ callsInitiated: 2, callsCompleted: 1, connects: 1, talkTimeSeconds: 30 });
      expect(agent.dispositions.CORRECT).toBe(1);
      await service.setSessionState(ANN, 'PAUSE', t + 34_000);
      await service.dispose(ANN, { callId: chained.next.call.callId, code: 'NO_ANSWER' }, t + 35_000);
      await service.setSessionState(ANN, 'STOP', t + 36_000);
      expect((await service.stats(ANN, t + 37_000)).agent).toMatchObject({
        callsInitiated: 2,
        callsCompleted: 2,
        connects: 1,
        talkTimeSeconds: 30,
      });
    } finally {
      await own.close();
    }
  });

  it('publishes STATS after a preview skip (skips) and after the chained dial of a disposition', async () => {
    const { service } = world.makeService({ rules: testRules({ previewCountdownSeconds: 5 }) });
    const t = Date.now();
    await service.startSession(BOB, t);
    const play = await service.setSessionState(BOB, 'PLAY', t);
    if (play.next.kind !== 'preview') throw new Error('expected a preview');
    expect(statsEvents(await world.eventsOf(BOB.email))).toEqual([]); // a preview is not a dial

    const next = await service.skip(BOB, play.next.preview.previewId, t);
    expect(await lastStats(BOB.email)).toMatchObject({ skips: 1, callsInitiated: 0 });
    if (next.kind !== 'preview') throw new Error('expected a second preview');
    const dialed = await service.dial(BOB, next.preview.previewId, t);
    if (dialed.kind !== 'call') throw new Error('expected a call');
    await service.settled();
    expect(await lastStats(BOB.email)).toMatchObject({ skips: 1, callsInitiated: 1 });

    await service.dispose(BOB, { callId: dialed.call.callId, code: 'WRONG' }, t);
    // the disposition's STATS (completed 1) then, in PLAY with a countdown, a new preview (no dial)
    expect(await lastStats(BOB.email)).toMatchObject({ callsCompleted: 1, callsInitiated: 1, skips: 1 });
    expect((await lastStats(BOB.email))?.dispositions.WRONG).toBe(1);
    await service.setSessionState(BOB, 'STOP', t);
  });
});
