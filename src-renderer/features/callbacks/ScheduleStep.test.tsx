// The disposition modal's callback step as the agent drives it: B opens it (never while typing notes, never
// on a tab without callback columns), a lead-local quick choice is sent with the disposition in the same
// request, a do-not-call disposition never carries one, and "Callbacks due" lists what the server holds.
import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { CallbackView } from '../../../src-shared/contracts/callbacks';
import { localDateTime, localToEpoch } from '../../../src-shared/domain/callback';
import { endedCall, snapshot } from '../../test/fixtures';
import { R, mountApp, signedIn } from '../../test/harness';
import type { StoreState } from '../../store/types';

const NY = 'America/New_York';
const withCallbacks =
  (enabled: boolean, callbacks: CallbackView[] = []) =>
  (s: StoreState) =>
    R.applyCallbacks(R.applySnapshot(signedIn(s), snapshot({ call: endedCall() })), { enabled, callbacks });

function setup(init: (s: StoreState) => StoreState) {
  const h = mountApp(init);
  return h;
}

describe('scheduling a callback from the disposition modal', () => {
  it('B opens the step in the lead’s zone; a quick choice goes out with the disposition', async () => {
    const { user, server } = setup(withCallbacks(true));
    await user.keyboard('1');
    await user.keyboard('b');
    const step = screen.getByRole('region', { name: /call back/i });
    expect(screen.getByTestId('callback-zone').textContent).toMatch(/EST · America\/New_York \(from the/);
    await user.click(within(step).getByRole('button', { name: 'Tomorrow 10:00' }));
    const tomorrow = localDateTime(Date.now() + 86_400_000, NY).date;
    const at = localToEpoch(tomorrow, '10:00', NY);
    expect(screen.getByTestId('callback-chosen').textContent).toMatch(/^Callback \w{3} \d\d \w{3} 10:00 EST/);
    await user.keyboard('{Enter}');
    await waitFor(() => expect(server.requests.filter((r) => r.path === '/disposition')).toHaveLength(1));
    expect(server.requests.find((r) => r.path === '/disposition')?.body).toEqual({
      callId: 'call-1',
      code: 'CORRECT',
      callback: { at },
    });
  });

  it('a typed lead-local date and time can be used instead', async () => {
    const { user, server } = setup(withCallbacks(true));
    await user.keyboard('5b');
    const next = localDateTime(Date.now() + 3 * 86_400_000, NY).date;
    const date = screen.getByLabelText('Date');
    await user.clear(date);
    await user.type(date, next);
    const time = screen.getByLabelText(/^Time/);
    await user.clear(time);
    await user.type(time, '16:30');
    await user.click(screen.getByRole('button', { name: 'Use this time' }));
    await user.keyboard('{Enter}');
    await waitFor(() => expect(server.requests.filter((r) => r.path === '/disposition')).toHaveLength(1));
    expect(server.requests.find((r) => r.path === '/disposition')?.body).toMatchObject({
      code: 'NO_ANSWER',
      callback: { at: localToEpoch(next, '16:30', NY) },
    });
  });

  it('B does nothing while typing notes or on a tab without callback columns; do-not-call never carries one', async () => {
    const off = setup(withCallbacks(false));
    await off.user.keyboard('b');
    expect(screen.queryByRole('region', { name: /call back/i })).toBeNull();
    expect(screen.queryByRole('button', { name: /call back/i })).toBeNull();
    off.unmount();

    const { user, server } = setup(withCallbacks(true));
    await user.click(screen.getByLabelText(/notes/i));
    await user.keyboard('call back Monday');
    expect(screen.queryByRole('region', { name: /call back/i })).toBeNull();
    (document.activeElement as HTMLElement | null)?.blur();
    await user.keyboard('1b');
    await user.click(screen.getByRole('button', { name: 'In 1 hour' }));
    await user.keyboard('6'); // do not call: the step closes, nothing is scheduled
    expect(screen.queryByRole('region', { name: /call back/i })).toBeNull();
    expect(screen.getByText(/never called back/i)).toBeTruthy();
    await user.keyboard('{Enter}');
    await waitFor(() => expect(server.requests.filter((r) => r.path === '/disposition')).toHaveLength(1));
    expect(server.requests.find((r) => r.path === '/disposition')?.body).toEqual({
      callId: 'call-1',
      code: 'DO_NOT_CALL',
      notes: 'call back Monday',
    });
  });
});

describe('Callbacks due', () => {
  const cb = (over: Partial<CallbackView>): CallbackView => ({
    rowId: 'L7',
    name: 'Ada Lovelace',
    at: Date.now() - 60_000,
    mine: true,
    numberIndex: 0,
    phoneE164: '+12125550107',
    timeZone: NY,
    localDue: '',
    due: true,
    inWindow: true,
    busy: false,
    ...over,
  });

  it('lists due then upcoming callbacks, says which wait for calling hours, and cancels through the outbox', async () => {
    const { user, server } = setup((s) =>
      R.applyCallbacks(signedIn(s), {
        enabled: true,
        callbacks: [
          cb({}),
          cb({ rowId: 'L8', name: 'Alan Turing', inWindow: false }),
          cb({ rowId: 'L9', name: 'Grace Hopper', at: Date.now() + 125 * 60_000, due: false, mine: false }),
        ],
      }),
    );
    const list = screen.getByRole('region', { name: /callbacks due/i });
    expect(within(list).getByText(/2 due · 1 upcoming/)).toBeTruthy();
    expect(within(list).getByRole('listitem', { name: 'Callback Alan Turing' }).textContent).toMatch(
      /waits for calling hours/,
    );
    const grace = within(list).getByRole('listitem', { name: 'Callback Grace Hopper' }).textContent;
    expect(grace).toMatch(/in 2 h 0\d min/);
    expect(grace).toMatch(/\(any agent\)/);
    expect(
      (within(list).getByRole('button', { name: 'Dial Alan Turing now' }) as HTMLButtonElement).disabled,
    ).toBe(true);
    await user.click(within(list).getByRole('button', { name: 'Cancel the callback of Ada Lovelace' }));
    await waitFor(() =>
      expect(server.requests.filter((r) => r.path === '/callbacks/cancel')).toHaveLength(1),
    );
    const sent = server.requests.find((r) => r.path === '/callbacks/cancel');
    expect(sent?.body).toEqual({ rowId: 'L7' });
    expect(sent?.idempotencyKey).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('a chosen callback across a reload', () => {
  it('is kept in the snapshot with the picked code and comes back into the modal', () => {
    let s = R.pickDispo(withCallbacks(true)(R.initialState()), 'CORRECT');
    s = R.setDispoCallback(R.toggleScheduling(s), 1_800_000_000_000);
    const snap = R.toAppSnapshot(s, Date.now(), null);
    expect(snap.pendingDisposition).toMatchObject({ code: 'CORRECT', callbackAt: 1_800_000_000_000 });
    const back = R.restoreAppSnapshot(withCallbacks(true)(R.initialState()), snap, Date.now());
    expect(back.ui.dispo).toMatchObject({ code: 'CORRECT', callbackAt: 1_800_000_000_000, scheduling: true });
  });
});
