// The one set of disposition choices in both dialogs, as the agent sees it: in the disposition modal the
// picked code says what it will do to the lead; in "Change the last disposition" the saved code is checked
// and marked, picking it again changes nothing (Change stays disabled), another code says what it does,
// and focus follows 1–6 and is given back when the dialog closes.
import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { StoreState } from '../../store/types';
import { endedCall, snapshot } from '../../test/fixtures';
import { R, mountApp, signedIn } from '../../test/harness';

function setup(init: (s: StoreState) => StoreState) {
  const h = mountApp(init);
  return h;
}

const withReceipt = (s: StoreState): StoreState => {
  const base = R.applySnapshot(signedIn(s), snapshot());
  return {
    ...base,
    ui: {
      ...base.ui,
      receipt: {
        callId: 'call-0',
        leadName: 'Aisha Chen',
        label: 'Correct person',
        skipped: 2,
        code: 'CORRECT',
        amendableUntil: Date.now() + 300_000,
      },
    },
  };
};

describe('the disposition choices', () => {
  it('the disposition modal says what the picked code does to the lead', async () => {
    const { user } = setup((s) => R.applySnapshot(signedIn(s), snapshot({ call: endedCall() })));
    const dialog = screen.getByRole('dialog', { name: /how did the call go/i });
    const effect = within(dialog).getByTestId('disposition-effect');
    expect(effect.textContent).toBe(
      'No answer: this number is tried again after 60 min; the lead continues.',
    );
    await user.keyboard('1');
    expect(effect.textContent).toBe(
      'Correct person: the lead is finished; its other open numbers are skipped.',
    );
    await user.keyboard('6');
    expect(effect.textContent).toMatch(/^Do not call: the number goes on the do-not-call list/);
    expect(within(dialog).queryByText('saved')).toBeNull();
  });

  it('the change dialog marks the saved code, refuses a no-op, and says what another code does', async () => {
    const { user, server } = setup(withReceipt);
    const play = screen.getByRole('button', { name: /play/i });
    play.focus();
    await user.keyboard('c');
    const dialog = screen.getByRole('dialog', { name: /change the last disposition/i });
    const correct = within(dialog).getByRole('radio', { name: /correct person/i }) as HTMLInputElement;
    expect(correct.checked).toBe(true);
    expect(document.activeElement).toBe(correct);
    expect(within(dialog).getByText('saved').closest('label')).toBe(correct.closest('label'));
    const effect = within(dialog).getByTestId('disposition-effect');
    expect(effect.textContent).toBe('Already saved: nothing changes.');
    const change = within(dialog).getByRole('button', { name: /^change/i }) as HTMLButtonElement;
    expect(change.disabled).toBe(true);

    await user.keyboard('2');
    const wrong = within(dialog).getByRole('radio', { name: /wrong number/i });
    expect(document.activeElement).toBe(wrong);
    expect(effect.textContent).toBe(
      'Wrong number: this number is done; the lead continues with its next number.',
    );
    expect(change.disabled).toBe(false);

    await user.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(document.activeElement).toBe(play);
    expect(server.requests.filter((r) => r.path === '/disposition/amend')).toHaveLength(0);
  });
});
