// The console's agent row folded from the agent's own events: the states a team lead sees, time in state,
// wrap-up time, figures of the current session only, the dispositions each STATS adds, dials per hour
// only once meaningful.
import { describe, expect, it } from 'vitest';
import { emptyDispositionCounts } from '../contracts/supervisor.js';
import { type AgentLive, agentRow, applyLiveEvent, type LiveEvent, newAgentLive } from './agent-live.js';

const session = (id: string, state: 'PLAY' | 'PAUSE' | 'STOP'): LiveEvent => ({
  type: 'SESSION_STATE',
  session: { id, campaignName: 'Solar', tabTitle: 'Leads', state, startedAt: 1_000 },
});
const callEv = (
  state: 'DIALING' | 'RINGING' | 'CONNECTED' | 'ENDED' | 'DISPOSED',
  endedAt: number | null = null,
) => ({ type: 'CALL_STATE', call: { callId: 'c1', sessionId: 's1', state, endedAt } }) as const;
const stats = (calls: number, wrong: number): LiveEvent => ({
  type: 'STATS',
  stats: {
    callsInitiated: calls,
    callsCompleted: wrong,
    connects: 1,
    dispositions: { ...emptyDispositionCounts(), WRONG: wrong },
    talkTimeSeconds: 12,
  },
});

function fold(events: [LiveEvent, number][]): { live: AgentLive; added: number } {
  let live = newAgentLive('a@example.com', 'Solar', 0);
  let added = 0;
  for (const [e, at] of events) {
    const r = applyLiveEvent(live, e, at);
    live = r.live;
    added += r.added?.WRONG ?? 0;
  }
  return { live, added };
}

describe('agent live row', () => {
  it('walks the states of a cycle with the time each began, and sums wrap-up time', () => {
    const steps: [LiveEvent, number][] = [
      [session('s1', 'PAUSE'), 1_000],
      [session('s1', 'PLAY'), 2_000],
      [callEv('DIALING'), 2_100],
      [callEv('RINGING'), 2_500],
      [callEv('CONNECTED'), 3_000],
      [callEv('ENDED', 9_000), 9_100],
    ];
    const states = steps.map((_, i) => fold(steps.slice(0, i + 1)).live.state);
    expect(states).toEqual(['PAUSED', 'PLAYING', 'DIALING', 'RINGING', 'IN_CALL', 'WRAP_UP']);
    const wrap = fold(steps).live;
    expect(wrap.since).toBe(9_100);
    expect(agentRow(wrap, 12_000).wrapUpMs).toBe(3_000);
    const done = fold([...steps, [callEv('DISPOSED'), 14_000]]).live;
    expect(done).toMatchObject({ state: 'PLAYING', since: 14_000, wrapUpMs: 5_000, call: null });
    // a late webhook never moves a call backwards
    expect(fold([...steps, [callEv('RINGING'), 9_500]]).live.state).toBe('WRAP_UP');
  });

  it("drops a call Dialpad refused after it was told DIALING, with no wrap-up; another call's refusal changes nothing", () => {
    const dialing: [LiveEvent, number][] = [
      [session('s1', 'PLAY'), 2_000],
      [callEv('DIALING'), 2_100],
    ];
    const other = fold([...dialing, [{ type: 'DIAL_FAILED', callId: 'c0' }, 2_300]]).live;
    expect(other).toMatchObject({ state: 'DIALING', call: { callId: 'c1' } });
    const refused = fold([...dialing, [{ type: 'DIAL_FAILED', callId: 'c1' }, 2_400]]).live;
    expect(refused).toMatchObject({ state: 'PLAYING', since: 2_400, call: null, wrapUpFrom: null });
    expect(agentRow(refused, 5_000).wrapUpMs).toBe(0);
  });

  it('counts the dispositions each STATS adds, and resets figures on a new session', () => {
    const r = fold([
      [session('s1', 'PLAY'), 1_000],
      [stats(1, 0), 2_000],
      [stats(2, 1), 3_000],
      [stats(2, 1), 3_500],
      [stats(3, 2), 4_000],
    ]);
    expect(r.added).toBe(2);
    expect(agentRow(r.live, 5_000)).toMatchObject({
      calls: 3,
      completed: 2,
      contactRate: 1 / 3,
      talkMs: 12_000,
    });
    const next = applyLiveEvent(r.live, session('s2', 'PAUSE'), 6_000).live;
    expect(agentRow(next, 6_000)).toMatchObject({ calls: 0, sessionId: 's2', contactRate: null });
    expect(applyLiveEvent(next, session('s2', 'STOP'), 7_000).live.state).toBe('NOT_STARTED');
  });

  it('shows dials per hour only after 5 minutes and 3 calls', () => {
    const live = fold([
      [session('s1', 'PLAY'), 1_000],
      [stats(3, 0), 2_000],
    ]).live;
    expect(agentRow(live, 1_000 + 4 * 60_000).dialsPerHour).toBeNull();
    expect(agentRow(live, 1_000 + 6 * 60_000).dialsPerHour).toBe(30);
  });
});
