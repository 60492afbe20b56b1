// The dialer screen says one thing at a time: while a preview counts down or nothing can be dialed, no
// "waiting" call panel or empty lead card contradicts it; a live call counts in the stats at once.
import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { callView, sessionView, snapshot, statsView, T0 } from '../../test/fixtures';
import { R, mountApp, signedIn } from '../../test/harness';
import type { StoreState } from '../../store/types';

function setup(init: (s: StoreState) => StoreState) {
  const h = mountApp(init);
  return h;
}

const playing = (s: StoreState, over: Parameters<typeof snapshot>[0] = {}) =>
  R.applySnapshot(signedIn(s), snapshot({ session: sessionView({ state: 'PLAY' }), ...over }));

describe('dialer screen', () => {
  it('outside calling hours: one panel, naming the day calling resumes; no waiting line, no empty lead card', () => {
    const inThreeDays = new Date(Date.now() + 3 * 86_400_000);
    inThreeDays.setHours(8, 0, 0, 0);
    setup((s) =>
      R.applyNextStep(playing(s, { preview: null }), {
        kind: 'nothing',
        nothing: {
          reasons: [{ reason: 'OUTSIDE_WINDOW', leads: 59 }],
          nextDialableAt: inThreeDays.getTime(),
        },
      }),
    );
    const panel = screen.getByRole('status', { name: 'Nothing to dial' });
    expect(panel.textContent).toMatch(/Outside calling hours/);
    expect(panel.textContent).toMatch(/can be dialed on [A-Z][a-z]{2} at 08:00/);
    expect(screen.queryByTestId('call-state')).toBeNull();
    expect(screen.queryByRole('heading', { name: /^lead$/i })).toBeNull();
  });

  it('a preview counting down: the number is "next up", no waiting line', () => {
    setup((s) =>
      R.applyNextStep(playing(s), {
        kind: 'preview',
        preview: {
          previewId: 'p-1',
          preview: snapshot().preview!,
          dialAt: Date.now() + 30_000,
        },
      }),
    );
    expect(screen.getByRole('region', { name: 'Preview' }).textContent).toMatch(/Next lead: Grace Hopper/);
    expect(screen.getByRole('list', { name: 'Phone numbers' }).textContent).toMatch(/next up/i);
    expect(screen.queryByTestId('call-state')).toBeNull();
  });

  it('the call being dialed counts in the stats; success is a dash before any call is finished', () => {
    setup((s) =>
      playing(s, {
        call: callView({ state: 'RINGING', startedAt: T0 }),
        stats: statsView({ callsInitiated: 1, callsCompleted: 0, successRate: 0 }),
      }),
    );
    expect(screen.getByTestId('stat-calls').textContent).toBe('1');
    expect(screen.getByText('Success').nextElementSibling?.textContent).toBe('—');
  });

  it('a call Dialpad refused after the answer leaves the screen; the banner says why and what comes next', () => {
    const dialing = (s: StoreState) => playing(s, { call: callView({ state: 'DIALING', startedAt: T0 }) });
    const h = setup(dialing);
    expect(screen.getByTestId('call-state').textContent).toMatch(/Dialing/);
    expect(screen.getAllByText(/Grace Hopper/).length).toBeGreaterThan(0);
    h.unmount();
    setup((s) =>
      R.applyAgentEvent(
        dialing(s),
        11,
        {
          type: 'DIAL_FAILED',
          callId: 'call-1',
          code: 'DIALPAD_REJECTED',
          message:
            'Dialpad refused the call (user is busy); this lead goes back in the queue and the next lead is dialed in a moment.',
          next: { kind: 'idle', sessionState: 'PLAY' },
        },
        Date.now(),
      ),
    );
    expect(screen.getByTestId('call-state').textContent).not.toMatch(/Dialing/);
    expect(screen.queryByText(/Grace Hopper/)).toBeNull(); // the lead card went with the call
    expect(screen.getByTestId('session-state').textContent).toMatch(/Play/i);
    const banner = screen.getByRole('alert');
    expect(banner.textContent).toMatch(/Dialpad refused the call/);
    expect(banner.textContent).toMatch(/the next lead is dialed in a moment/);
  });

  it('a start waiting out a storm says so, not an error', () => {
    setup((s) => ({
      ...signedIn(s),
      session: { session: null, phase: 'starting', startWaitUntil: Date.now() + 3000 },
    }));
    expect(screen.getByTestId('call-state').textContent).toBe('Starting… (waiting for the sheet)');
    expect(screen.getByTestId('session-state').textContent).toBe('Starting…');
    expect(screen.queryByRole('alert')).toBeNull();
  });
});

describe('supervisor console link', () => {
  it('is in the header only for an agent who is also a supervisor', () => {
    const agentOnly = setup((s) => playing(s));
    expect(screen.queryByRole('link', { name: 'Supervisor console' })).toBeNull();
    agentOnly.unmount();
    setup((s) => {
      const t = playing(s);
      return t.auth.agent ? { ...t, auth: { ...t.auth, agent: { ...t.auth.agent, supervisor: true } } } : t;
    });
    expect(screen.getByRole('link', { name: 'Supervisor console' }).getAttribute('href')).toBe('/supervisor');
  });
});
