// The disposition modal as the agent drives it from the keyboard: 1–6 pick, Enter confirms (and the
// disposition goes on the wire), Esc hides, typing in notes never triggers hotkeys, Space toggles
// Play/Pause only when no modal is open, and focus stays inside the modal and comes back after.
import { act, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { endedCall, sessionView, snapshot } from '../../test/fixtures';
import { R, mountApp, signedIn } from '../../test/harness';

const withEndedCall = (s: Parameters<typeof signedIn>[0]) =>
  R.applySnapshot(signedIn(s), snapshot({ call: endedCall() }));

function setup(init = withEndedCall) {
  const h = mountApp(init);
  return h;
}

const radio = (name: RegExp) => screen.getByRole('radio', { name });

describe('disposition modal keys', () => {
  it('opens on an ended call with the suggested disposition picked and focused', () => {
    setup();
    expect(screen.getByRole('dialog', { name: /how did the call go/i })).toBeTruthy();
    expect((radio(/no answer/i) as HTMLInputElement).checked).toBe(true);
    expect(document.activeElement).toBe(radio(/no answer/i));
  });

  it('1–6 pick the matching option', async () => {
    const { user } = setup();
    await user.keyboard('1');
    expect((radio(/correct person/i) as HTMLInputElement).checked).toBe(true);
    expect(document.activeElement).toBe(radio(/correct person/i)); // focus follows the pick
    await user.keyboard('6');
    expect((radio(/do not call/i) as HTMLInputElement).checked).toBe(true);
    await user.keyboard('2');
    expect((radio(/wrong number/i) as HTMLInputElement).checked).toBe(true);
  });

  it('Enter confirms: the picked code and notes are sent once, with an idempotency key, and the modal closes', async () => {
    const { user, server } = setup();
    await user.keyboard('3');
    await user.click(screen.getByLabelText(/notes/i));
    await user.keyboard('left msg');
    await user.keyboard('{Enter}');
    await waitFor(() => expect(server.requests.filter((r) => r.path === '/disposition')).toHaveLength(1));
    const sent = server.requests.find((r) => r.path === '/disposition')!;
    expect(sent.body).toEqual({ callId: 'call-1', code: 'VM_SAME_NAME', notes: 'left msg' });
    expect(sent.idempotencyKey).toMatch(/^[0-9a-f-]{36}$/);
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('typing digits and spaces in the notes never picks an option or toggles Play', async () => {
    const { user, server } = setup();
    await user.click(screen.getByLabelText(/notes/i));
    await user.keyboard('call back at 5 pm, ext 1 2 3');
    expect((screen.getByLabelText(/notes/i) as HTMLTextAreaElement).value).toBe(
      'call back at 5 pm, ext 1 2 3',
    );
    expect((radio(/no answer/i) as HTMLInputElement).checked).toBe(true);
    expect(server.requests.filter((r) => r.path === '/session/state')).toHaveLength(0);
  });

  it('Shift+Enter in the notes is a new line, not a confirm', async () => {
    const { user, server } = setup();
    await user.click(screen.getByLabelText(/notes/i));
    await user.keyboard('a{Shift>}{Enter}{/Shift}b');
    expect((screen.getByLabelText(/notes/i) as HTMLTextAreaElement).value).toBe('a\nb');
    expect(server.requests.filter((r) => r.path === '/disposition')).toHaveLength(0);
  });

  it('Esc closes the modal without sending; the choice is kept and Enter brings it back', async () => {
    const { user, server } = setup();
    await user.keyboard('2');
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(screen.getByText(/a disposition is needed/i)).toBeTruthy();
    expect(server.requests).toHaveLength(0);
    (document.activeElement as HTMLElement | null)?.blur();
    await user.keyboard('{Enter}');
    expect((radio(/wrong number/i) as HTMLInputElement).checked).toBe(true);
  });

  it('Esc works while typing in the notes too', async () => {
    const { user } = setup();
    await user.click(screen.getByLabelText(/notes/i));
    await user.keyboard('x{Escape}');
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('Space does not toggle Play/Pause while the modal is open', async () => {
    const { user, server } = setup();
    await user.keyboard(' ');
    expect(server.requests.filter((r) => r.path === '/session/state')).toHaveLength(0);
  });
});

describe('focus', () => {
  it('Tab and Shift+Tab stay inside the modal', async () => {
    const { user } = setup();
    const dialog = screen.getByRole('dialog');
    for (let i = 0; i < 8; i++) {
      await user.tab();
      expect(dialog.contains(document.activeElement)).toBe(true);
    }
    for (let i = 0; i < 8; i++) {
      await user.tab({ shift: true });
      expect(dialog.contains(document.activeElement)).toBe(true);
    }
  });

  it('wraps from Confirm to the options and back', async () => {
    const { user } = setup();
    screen.getByRole('button', { name: /confirm/i }).focus();
    await user.tab();
    expect(document.activeElement).toBe(radio(/no answer/i));
    await user.tab({ shift: true });
    expect(document.activeElement).toBe(screen.getByRole('button', { name: /confirm/i }));
  });

  it('gives focus back to where it was when the modal closes', async () => {
    const { user, controller } = setup((s) => R.applySnapshot(signedIn(s), snapshot()));
    const play = screen.getByRole('button', { name: /play/i });
    play.focus();
    act(() => {
      controller.store.setState(
        R.applyAgentEvent(
          controller.store.getState(),
          11,
          { type: 'SHOW_DISPO', call: endedCall(), preview: null },
          0,
        ),
      );
    });
    expect(screen.getByRole('dialog')).toBeTruthy();
    expect(document.activeElement).not.toBe(play);
    await user.keyboard('{Escape}');
    expect(document.activeElement).toBe(play);
  });

  it('Esc then Enter with focus back on Pause reopens the modal and never pauses the session', async () => {
    const { user, server, controller } = setup((s) =>
      R.applySnapshot(signedIn(s), snapshot({ session: sessionView({ state: 'PLAY' }) })),
    );
    const play = screen.getByRole('button', { name: /pause/i });
    play.focus();
    act(() => {
      controller.store.setState(
        R.applyAgentEvent(
          controller.store.getState(),
          11,
          { type: 'SHOW_DISPO', call: endedCall(), preview: null },
          0,
        ),
      );
    });
    await user.keyboard('2');
    await user.keyboard('{Escape}');
    expect(document.activeElement).toBe(play);
    await user.keyboard('{Enter}');
    expect(screen.getByRole('dialog')).toBeTruthy();
    expect((radio(/wrong number/i) as HTMLInputElement).checked).toBe(true);
    expect(server.requests.filter((r) => r.path === '/session/state')).toHaveLength(0);
  });
});

describe('outside the modal', () => {
  it('Space toggles Play, then Pause', async () => {
    const { user, server } = setup((s) => R.applySnapshot(signedIn(s), snapshot()));
    await user.keyboard(' ');
    await waitFor(() => expect(screen.getByTestId('session-state').dataset.state).toBe('PLAY'));
    await user.keyboard(' ');
    await waitFor(() => expect(screen.getByTestId('session-state').dataset.state).toBe('PAUSE'));
    const states = server.requests.filter((r) => r.path === '/session/state').map((r) => r.body);
    expect(states).toEqual([{ state: 'PLAY' }, { state: 'PAUSE' }]);
  });

  it('Space with the Stop button focused still means Play/Pause, never Stop', async () => {
    const { user, server } = setup((s) => R.applySnapshot(signedIn(s), snapshot()));
    screen.getByRole('button', { name: /stop/i }).focus();
    await user.keyboard(' ');
    await waitFor(() => expect(server.requests.some((r) => r.path === '/session/state')).toBe(true));
    expect(server.requests.find((r) => r.path === '/session/state')?.body).toEqual({ state: 'PLAY' });
  });
});
