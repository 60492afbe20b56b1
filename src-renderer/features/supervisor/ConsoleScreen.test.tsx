// The console's screen from a store holding a snapshot: every agent's row with its state and figures, a
// row stuck past the threshold flagged (and counted), the filter, the health lines in words, and an agent
// already paused cannot be paused again.
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import {
  AGENT_LIVE_STATES,
  emptyDispositionCounts,
  type SupervisorAgentRow,
  type SupervisorSnapshot,
  type Totals,
} from '../../../src-shared/contracts/supervisor';
import { ConsoleScreen } from './ConsoleScreen';
import { ConsoleProvider } from './context';
import { ConsoleController } from './controller';

afterEach(() => cleanup());

const NOW = Date.now();

function row(email: string, over: Partial<SupervisorAgentRow> = {}): SupervisorAgentRow {
  return {
    email,
    campaignName: 'Spring Solar',
    tabTitle: 'Leads - Ana',
    sessionId: 's',
    sessionStartedAt: NOW - 3_600_000,
    state: 'IN_CALL',
    since: NOW - 30_000,
    calls: 12,
    connects: 5,
    completed: 11,
    contactRate: 5 / 12,
    dispositions: { ...emptyDispositionCounts(), CORRECT: 2, NO_ANSWER: 7 },
    dialsPerHour: 12,
    talkMs: 300_000,
    wrapUpMs: 45_000,
    lastActivityAt: NOW - 30_000,
    lastAction: null,
    ...over,
  };
}

const totals = (): Totals => ({
  agents: 3,
  byState: { ...(Object.fromEntries(AGENT_LIVE_STATES.map((s) => [s, 0])) as Totals['byState']), IN_CALL: 1 },
  calls: 36,
  connects: 15,
  completed: 33,
  contactRate: 15 / 36,
  dispositions: emptyDispositionCounts(),
  leads: {
    leadsTotal: 300,
    leadsLeft: 250,
    dialableNow: 180,
    inProgress: 1,
    notDialable: [{ reason: 'OUTSIDE_WINDOW', leads: 40 }],
    nextDialableAt: null,
    asOf: NOW,
  },
  perHour: [
    { startAt: NOW - (NOW % 3_600_000), dispositions: { ...emptyDispositionCounts(), NO_ANSWER: 9 } },
  ],
});

function setup(agents: SupervisorAgentRow[], health: Partial<SupervisorSnapshot['health']> = {}) {
  const store = { session: window.sessionStorage, local: window.localStorage };
  const c = new ConsoleController({
    baseUrl: 'http://x.invalid',
    wsOrigin: 'ws://x.invalid',
    storage: store,
  });
  const view: SupervisorSnapshot = {
    serverNow: NOW,
    dayStartAt: NOW - (NOW % 86_400_000),
    supervisor: { email: 'maya@x.example', campaigns: ['*'] },
    agents,
    campaigns: [{ campaignName: 'Spring Solar', ...totals() }],
    team: totals(),
    health: {
      sheets: { breaker: 'closed', queueDepth: 3, oldestQueuedAt: NOW - 2000, lastFlushLagMs: 900 },
      dialpad: { breaker: 'open' },
      webhooks: { lastEventAt: NOW - 5000 },
      ...health,
    },
  };
  c.store.setState((s) => ({
    ...s,
    auth: { ...s.auth, phase: 'signed-in', supervisor: view.supervisor },
    live: { view, stream: 'st', seq: 1, clockOffsetMs: 0 },
  }));
  render(
    <ConsoleProvider controller={c}>
      <ConsoleScreen />
    </ConsoleProvider>,
  );
  return c;
}

describe('supervisor console screen', () => {
  it('shows every agent with state, time in state and figures; a stuck row is flagged and counted', () => {
    setup([
      row('ana@x.example'),
      row('ben@x.example', { state: 'WRAP_UP', since: NOW - 5 * 60_000 }),
      row('chloe@x.example', { state: 'PAUSED', since: NOW - 60_000, calls: 0, contactRate: null }),
    ]);
    const table = screen.getByRole('table', { name: 'Agents' });
    const rows = within(table).getAllByRole('row');
    expect(rows).toHaveLength(4);
    const ana = within(table).getByRole('row', { name: /ana@x\.example/ });
    expect(ana.textContent).toMatch(/In call/);
    expect(ana.textContent).toMatch(/42%/);
    expect(ana.textContent).toMatch(/Correct person 2, No answer 7/);
    const ben = within(table).getByRole('row', { name: /ben@x\.example/ });
    expect(ben.getAttribute('data-stuck')).toBe('true');
    expect(ben.textContent).toMatch(/Wrap-up.*Stuck/);
    expect(within(table).getByRole('row', { name: /chloe/ }).getAttribute('data-stuck')).toBeNull();
    expect(screen.getByTestId('stuck-count').textContent).toBe('1');
    expect(
      (within(table).getByRole('button', { name: 'Pause chloe@x.example' }) as HTMLButtonElement).disabled,
    ).toBe(true);
  });

  it('filters rows, and names an open Dialpad breaker in plain words', () => {
    setup([row('ana@x.example'), row('ben@x.example', { campaignName: 'Roof Renewals' })]);
    const filter = screen.getByRole('searchbox', { name: 'Filter agents' });
    act(() => {
      fireEvent.change(filter, { target: { value: 'roof' } });
    });
    const table = screen.getByRole('table', { name: 'Agents' });
    expect(within(table).getAllByRole('row')).toHaveLength(2);
    const health = screen.getByRole('region', { name: /System health/ });
    expect(health.textContent).toMatch(/Dialpad: needs attention/);
    expect(health.textContent).toMatch(/Dialpad calls API failing: requests paused/);
    expect(health.textContent).toMatch(/3 changes waiting/);
    expect(screen.getByRole('img', { name: /Dispositions per hour: \d\d:\d\d 9/ })).toBeTruthy();
  });
});
