// The update indicator in the dialer header, driven the way the desktop drives it: the main process pushes
// `updater:state` through the bridge and answers 'updater:install'. Restart is the agent's consent, never
// offered during a call; a refusal is shown in the main process's words; the web shows nothing.
import { act, fireEvent, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { UpdateState } from '../../../src-shared/contracts/ipc';
import { type FakeElectronBridge, fakeElectronBridge } from '../../test/fake-electron-bridge';
import { callView, sessionView, snapshot, T0 } from '../../test/fixtures';
import { R, mountApp, signedIn } from '../../test/harness';
import type { StoreState } from '../../store/types';

const paused = (s: StoreState) =>
  R.applySnapshot(signedIn(s), snapshot({ session: sessionView({ state: 'PAUSE' }) }));

/** The desktop bridge with the main process accepting 'updater:install', or refusing it with `refusal`. */
const desktop = (refusal: string | null = null) =>
  fakeElectronBridge({ 'updater:install': () => ({ accepted: refusal === null, reason: refusal }) });
const installs = (fake: FakeElectronBridge) => fake.of('updater:install').length;

function setup(init: (s: StoreState) => StoreState, fake: FakeElectronBridge | null = desktop()) {
  const h = mountApp(init, undefined, fake?.bridge);
  const push = (state: UpdateState) => act(() => fake?.emit('updater:state', state));
  return { ...h, push };
}

const restart = () => screen.getByRole<HTMLButtonElement>('button', { name: 'Restart to update' });

describe('update indicator', () => {
  it('ready: "Restart to update" asks the main process to install, then says it is restarting', async () => {
    const fake = desktop();
    const { push } = setup(paused, fake);
    expect(screen.queryByTestId('update')).toBeNull(); // nothing before the main process says anything
    push({ kind: 'checking' });
    expect(screen.queryByTestId('update')).toBeNull();
    act(() => fake.emit('updater:state', { kind: 'ready', version: 7 })); // malformed: dropped
    expect(screen.queryByTestId('update')).toBeNull();
    push({ kind: 'ready', version: '1.4.0', installWhen: 'consent' });
    expect(screen.getByTestId('update').textContent).toMatch(/Update 1\.4\.0 ready/);
    expect(restart().disabled).toBe(false);
    restart().focus(); // keyboard reachable: an ordinary focusable button
    expect(document.activeElement).toBe(restart());
    fireEvent.click(restart());
    await screen.findByText('Restarting into 1.4.0…');
    expect(installs(fake)).toBe(1);
    expect(screen.queryByRole('button', { name: 'Restart to update' })).toBeNull();
  });

  it('a live call: the button is disabled with the reason, and a click installs nothing', async () => {
    const fake = desktop();
    const { push, controller } = setup(
      (s) =>
        R.applySnapshot(
          signedIn(s),
          snapshot({
            session: sessionView({ state: 'PLAY' }),
            call: callView({ state: 'CONNECTED', startedAt: T0 }),
          }),
        ),
      fake,
    );
    push({ kind: 'ready', version: '1.4.0', installWhen: 'consent' });
    expect(restart().disabled).toBe(true);
    const noteId = restart().getAttribute('aria-describedby') ?? '';
    expect(document.getElementById(noteId)?.textContent).toBe(
      'Not during a call: available when the call ends',
    );
    fireEvent.click(restart());
    await act(() => controller.updater.install()); // a stale click or a shortcut reaching the controller anyway
    expect(installs(fake)).toBe(0);
    expect(screen.getByTestId('update').textContent).toMatch(/Update 1\.4\.0 ready/);
  });

  it('the main process refuses: its reason is shown beside the button, which stays usable', async () => {
    const fake = desktop('Finish the disposition first: the update installs afterwards');
    const { push } = setup(paused, fake);
    push({ kind: 'ready', version: '1.4.0', installWhen: 'idle' });
    fireEvent.click(restart());
    await screen.findByText('Finish the disposition first: the update installs afterwards');
    expect(installs(fake)).toBe(1);
    expect(restart().disabled).toBe(false);
  });

  it('download progress, IT-managed installs, and a failed check as one muted line (no alert)', () => {
    const { push } = setup(paused);
    push({ kind: 'downloading', version: '1.4.0', percent: 41.6 });
    expect(screen.getByTestId('update').textContent).toBe('Downloading update 42%');
    push({ kind: 'managed-by-it', version: '1.3.0', channel: 'stable', newerMsiDue: '1.5.0' });
    expect(screen.getByTestId('update').textContent).toBe('Managed by IT (stable) · version 1.5.0 due');
    push({ kind: 'managed-by-it', version: '1.3.0', channel: 'stable', newerMsiDue: null });
    expect(screen.queryByTestId('update')).toBeNull();
    push({ kind: 'error', message: 'Update check failed; it will be retried later' });
    expect(screen.getByTestId('update').textContent).toBe('Update check failed; it will be retried later');
    expect(screen.queryByRole('alert')).toBeNull();
    push({ kind: 'disabled', reason: 'Development build: updates are off' });
    expect(screen.queryByTestId('update')).toBeNull();
  });

  it('on the web bridge nothing shows', () => {
    setup(paused, null);
    expect(screen.getByTestId('campaign').textContent).toMatch(/Spring/);
    expect(screen.queryByTestId('update')).toBeNull();
    expect(screen.queryByRole('button', { name: 'Restart to update' })).toBeNull();
  });
});
