// The console's reducers: diffs applied in seq order (a replay is ignored, a gap or another stream asks for
// a fresh snapshot), who is stuck under the supervisor's thresholds, the rows a filter shows, thresholds
// typed in minutes.
import { describe, expect, it } from 'vitest';
import {
  AGENT_LIVE_STATES,
  emptyDispositionCounts,
  type SupervisorAgentRow,
  type SupervisorServerMessage,
  type SupervisorSnapshot,
  type Totals,
} from '../../../src-shared/contracts/supervisor';
import { applyMessage, countStates, countStuck, isStuck, setThresholdMinutes, shownRows } from './reducers';
import { initialConsoleState } from './state';

const T0 = 1_764_500_000_000;

function row(email: string, over: Partial<SupervisorAgentRow> = {}): SupervisorAgentRow {
  return {
    email,
    campaignName: 'Spring Solar',
    tabTitle: 'Leads',
    sessionId: 's1',
    sessionStartedAt: T0,
    state: 'PLAYING',
    since: T0,
    calls: 0,
    connects: 0,
    completed: 0,
    contactRate: null,
    dispositions: emptyDispositionCounts(),
    dialsPerHour: null,
    talkMs: 0,
    wrapUpMs: 0,
    lastActivityAt: null,
    lastAction: null,
    ...over,
  };
}

const totals = (): Totals => ({
  agents: 2,
  byState: Object.fromEntries(AGENT_LIVE_STATES.map((s) => [s, 0])) as Totals['byState'],
  calls: 0,
  connects: 0,
  completed: 0,
  contactRate: null,
  dispositions: emptyDispositionCounts(),
  leads: {
    leadsTotal: 10,
    leadsLeft: 10,
    dialableNow: 10,
    inProgress: 0,
    notDialable: [],
    nextDialableAt: null,
    asOf: T0,
  },
  perHour: [],
});

const snapshot = (): SupervisorSnapshot => ({
  serverNow: T0,
  dayStartAt: T0 - 3_600_000,
  supervisor: { email: 'lead@x.example', campaigns: ['Spring Solar'] },
  agents: [row('ana@x.example'), row('ben@x.example')],
  campaigns: [{ campaignName: 'Spring Solar', ...totals() }],
  team: totals(),
  health: {
    sheets: { breaker: 'closed', queueDepth: 0, oldestQueuedAt: null, lastFlushLagMs: null },
    dialpad: { breaker: 'closed' },
    webhooks: { lastEventAt: null },
  },
});

const snap = (seq: number, stream = 'st-1'): SupervisorServerMessage => ({
  v: 1,
  type: 'SNAPSHOT',
  stream,
  seq,
  snapshot: snapshot(),
});
const diff = (seq: number, agents: SupervisorAgentRow[], stream = 'st-1'): SupervisorServerMessage => ({
  v: 1,
  type: 'DIFF',
  stream,
  seq,
  diff: { serverNow: T0 + seq * 1000, agents, removedAgents: [] },
});

describe('console reducers', () => {
  it('applies a snapshot, then diffs in order; the clock follows the server', () => {
    let s = applyMessage(initialConsoleState(), snap(5), T0 - 2000).state;
    expect(s.live.view?.agents).toHaveLength(2);
    expect(s.live.clockOffsetMs).toBe(2000);
    const r = applyMessage(
      s,
      diff(6, [row('ana@x.example', { state: 'DIALING', since: T0 + 6000 })]),
      T0 + 6000,
    );
    expect(r.resync).toBe(false);
    s = r.state;
    expect(s.live.seq).toBe(6);
    expect(s.live.view?.agents.find((a) => a.email === 'ana@x.example')?.state).toBe('DIALING');
  });

  it('ignores a replayed diff and asks for a snapshot on a gap or another stream', () => {
    const s = applyMessage(initialConsoleState(), snap(5), T0).state;
    const replay = applyMessage(s, diff(5, [row('ana@x.example', { state: 'WRAP_UP' })]), T0);
    expect(replay.state).toBe(s);
    expect(replay.resync).toBe(false);
    expect(applyMessage(s, diff(7, []), T0).resync).toBe(true);
    expect(applyMessage(s, diff(6, [], 'st-2'), T0).resync).toBe(true);
    expect(applyMessage(initialConsoleState(), diff(1, []), T0).resync).toBe(true);
    expect(applyMessage(s, { v: 1, type: 'RESUMED', stream: 'st-1', seq: 5, replayed: 0 }, T0).resync).toBe(
      false,
    );
    expect(applyMessage(s, { v: 1, type: 'RESUMED', stream: 'other', seq: 5, replayed: 0 }, T0).resync).toBe(
      true,
    );
  });

  it('keeps an untouched row the same object across a diff', () => {
    const s = applyMessage(initialConsoleState(), snap(1), T0).state;
    const ben = s.live.view?.agents.find((a) => a.email === 'ben@x.example');
    const next = applyMessage(s, diff(2, [row('ana@x.example', { state: 'RINGING' })]), T0).state;
    expect(next.live.view?.agents.find((a) => a.email === 'ben@x.example')).toBe(ben);
  });

  it('is stuck only in wrap-up or paused past its own threshold', () => {
    const t = { WRAP_UP: 120_000, PAUSED: 600_000 };
    expect(isStuck(row('a', { state: 'WRAP_UP', since: T0 }), T0 + 119_000, t)).toBe(false);
    expect(isStuck(row('a', { state: 'WRAP_UP', since: T0 }), T0 + 121_000, t)).toBe(true);
    expect(isStuck(row('a', { state: 'PAUSED', since: T0 }), T0 + 121_000, t)).toBe(false);
    expect(isStuck(row('a', { state: 'PAUSED', since: T0 }), T0 + 601_000, t)).toBe(true);
    expect(isStuck(row('a', { state: 'IN_CALL', since: T0 }), T0 + 9_999_000, t)).toBe(false);
    const rows = [row('a', { state: 'WRAP_UP' }), row('b', { state: 'PAUSED' }), row('c')];
    expect(countStuck(rows, T0 + 200_000, t)).toBe(1);
  });

  it('filters by email or campaign, and to stuck agents only', () => {
    const rows = [
      row('ana@x.example', { state: 'WRAP_UP' }),
      row('ben@x.example', { campaignName: 'Roof Renewals' }),
    ];
    const base = initialConsoleState().settings;
    expect(shownRows(rows, base, T0)).toBe(rows);
    expect(shownRows(rows, { ...base, filter: 'roof' }, T0).map((r) => r.email)).toEqual(['ben@x.example']);
    expect(shownRows(rows, { ...base, stuckOnly: true }, T0 + 10 * 60_000).map((r) => r.email)).toEqual([
      'ana@x.example',
    ]);
  });

  it('takes thresholds in minutes and refuses nonsense', () => {
    const s = initialConsoleState();
    expect(setThresholdMinutes(s, 'WRAP_UP', 0.5).settings.thresholds.WRAP_UP).toBe(30_000);
    expect(setThresholdMinutes(s, 'WRAP_UP', 0)).toBe(s);
    expect(setThresholdMinutes(s, 'PAUSED', Number.NaN)).toBe(s);
    expect(setThresholdMinutes(s, 'PAUSED', -3)).toBe(s);
  });

  it('counts agents per state for the team and each campaign from the rows', () => {
    const counts = countStates([
      row('a', { state: 'IN_CALL' }),
      row('b', { state: 'IN_CALL', campaignName: 'Roof Renewals' }),
      row('c', { state: 'PAUSED' }),
    ]);
    expect(counts.get('')?.IN_CALL).toBe(2);
    expect(counts.get('')?.PAUSED).toBe(1);
    expect(counts.get('Spring Solar')?.IN_CALL).toBe(1);
    expect(counts.get('Roof Renewals')?.IN_CALL).toBe(1);
    expect(counts.get('Roof Renewals')?.PAUSED).toBe(0);
  });
});
