// The console's diff rule: a DIFF replaces changed agent rows and sections whole, removes agents, keeps the rest.
import { describe, expect, it } from 'vitest';
import {
  applySupervisorDiff,
  emptyDispositionCounts,
  type SupervisorAgentRow,
  type SupervisorSnapshot,
  SupervisorSnapshotSchema,
  type Totals,
} from './supervisor.js';

const totals: Totals = {
  agents: 0,
  byState: {
    NOT_STARTED: 0,
    PLAYING: 0,
    PAUSED: 0,
    DIALING: 0,
    RINGING: 0,
    IN_CALL: 0,
    WRAP_UP: 0,
  },
  calls: 0,
  connects: 0,
  completed: 0,
  contactRate: null,
  dispositions: emptyDispositionCounts(),
  leads: {
    leadsTotal: 0,
    leadsLeft: 0,
    dialableNow: 0,
    inProgress: 0,
    notDialable: [],
    nextDialableAt: null,
    asOf: null,
  },
  perHour: [],
};

function row(email: string, state: SupervisorAgentRow['state']): SupervisorAgentRow {
  return {
    email,
    campaignName: 'Demo',
    tabTitle: null,
    sessionId: null,
    sessionStartedAt: null,
    state,
    since: 0,
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
  };
}

const snap: SupervisorSnapshot = {
  serverNow: 1,
  dayStartAt: 0,
  supervisor: { email: 'lead@example.com', campaigns: ['Demo'] },
  agents: [row('a@example.com', 'PLAYING'), row('b@example.com', 'PAUSED')],
  campaigns: [{ ...totals, campaignName: 'Demo' }],
  team: totals,
  health: {
    sheets: { breaker: 'closed', queueDepth: 0, oldestQueuedAt: null, lastFlushLagMs: null },
    dialpad: { breaker: 'closed' },
    webhooks: { lastEventAt: null },
  },
};

describe('supervisor snapshot contract', () => {
  it('parses a snapshot, and refuses a disposition count missing a code', () => {
    expect(SupervisorSnapshotSchema.parse(snap)).toEqual(snap);
    const { CORRECT: _dropped, ...partial } = emptyDispositionCounts();
    const bad = { ...snap, team: { ...totals, dispositions: partial } };
    expect(SupervisorSnapshotSchema.safeParse(bad).success).toBe(false);
  });

  it('applies a diff: changed rows replaced, removed rows gone, new rows sorted in, sections kept', () => {
    const next = applySupervisorDiff(snap, {
      serverNow: 2,
      agents: [row('b@example.com', 'IN_CALL'), row('0@example.com', 'NOT_STARTED')],
      removedAgents: ['a@example.com'],
      health: { ...snap.health, webhooks: { lastEventAt: 2 } },
    });
    expect(next.agents.map((a) => [a.email, a.state])).toEqual([
      ['0@example.com', 'NOT_STARTED'],
      ['b@example.com', 'IN_CALL'],
    ]);
    expect(next.health.webhooks.lastEventAt).toBe(2);
    expect(next.team).toBe(snap.team);
    expect(next.serverNow).toBe(2);
  });
});
