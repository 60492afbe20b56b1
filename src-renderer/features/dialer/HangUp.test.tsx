// Hang up from the app: the button and H end the live call on screen and open the modal at once, and the
// request (POST /call/hangup, with an idempotency key) names the call. Before Dialpad has reported the call
// (still dialing) there is nothing to hang up: the button is disabled and H does nothing.
import { screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { CallView } from '../../../src-shared/contracts/views';
import { callView, sessionView, snapshot, T0 } from '../../test/fixtures';
import { R, mountApp, signedIn } from '../../test/harness';

function setup(call: CallView) {
  const h = mountApp((s) =>
    R.applySnapshot(signedIn(s), snapshot({ call, session: sessionView({ state: 'PLAY' }) })),
  );
  return h;
}

const connected = () => callView({ state: 'CONNECTED', ringingAt: T0 + 1500, connectedAt: T0 + 2000 });

describe('hang up', () => {
  it('H ends the connected call on screen, opens the modal at once and asks the coordinator', async () => {
    const { user, server } = setup(connected());
    expect(screen.getByText(/mute, hold and transfer: in the dialpad app/i)).toBeTruthy();
    await user.keyboard('h');
    expect(screen.getByRole('dialog', { name: /how did the call go/i })).toBeTruthy();
    await waitFor(() => expect(server.requests.some((r) => r.path === '/call/hangup')).toBe(true));
    const req = server.requests.find((r) => r.path === '/call/hangup')!;
    expect(req.body).toEqual({ callId: 'call-1' });
    expect(req.idempotencyKey).toBeTruthy();
    // A connected call suggests nothing: the agent says how it went.
    expect(screen.getAllByRole('radio').some((r) => (r as HTMLInputElement).checked)).toBe(false);
  });

  it('the button does the same on a ringing call, suggesting No answer', async () => {
    const { user, server } = setup(callView({ state: 'RINGING', ringingAt: T0 + 1500 }));
    await user.click(screen.getByRole('button', { name: /hang up/i }));
    expect((screen.getByRole('radio', { name: /no answer/i }) as HTMLInputElement).checked).toBe(true);
    await waitFor(() => expect(server.requests.filter((r) => r.path === '/call/hangup')).toHaveLength(1));
  });

  it('while still dialing there is nothing to hang up yet', async () => {
    const { user, server } = setup(callView({ state: 'DIALING' }));
    expect((screen.getByRole('button', { name: /hang up/i }) as HTMLButtonElement).disabled).toBe(true);
    await user.keyboard('h');
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(server.requests.filter((r) => r.path === '/call/hangup')).toHaveLength(0);
  });
});
