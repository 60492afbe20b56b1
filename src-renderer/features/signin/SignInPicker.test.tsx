// The sign-in picker both pages use: the first seeded account is picked and Enter signs in with it; another
// pick is sent instead; "Another email" (the console) sends what was typed, trimmed, and nothing while it is
// empty; before the config it says it is contacting the server; without demo or OIDC it says to tell IT.
import { cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import type { LoginRequest } from '../../../src-shared/contracts/http';
import { type SignInPickerProps, SignInPicker } from './SignInPicker';

afterEach(() => cleanup());

const demo = { mode: 'demo' as const, oidc: null };
const accounts = [
  { email: 'ana@example.com', detail: 'Spring Solar' },
  { email: 'ben@example.com', detail: 'Roof Renewals' },
];

function setup(over: Partial<SignInPickerProps> = {}) {
  const sent: LoginRequest[] = [];
  render(
    <SignInPicker
      config={demo}
      accounts={accounts}
      who="agent"
      busy={false}
      onLogin={(b) => sent.push(b)}
      {...over}
    />,
  );
  return { sent, user: userEvent.setup() };
}

describe('sign-in picker', () => {
  it('the first seeded account is picked: Enter signs in with it; another pick is sent instead', async () => {
    const { sent, user } = setup();
    expect(screen.getByRole('group', { name: /choose a seeded agent/i })).toBeTruthy();
    const ana = screen.getByRole('radio', { name: /ana@example\.com\s*Spring Solar/ }) as HTMLInputElement;
    expect(ana.checked).toBe(true);
    ana.focus();
    await user.keyboard('{Enter}');
    await user.click(screen.getByRole('radio', { name: /ben@example\.com/ }));
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(sent).toEqual([{ demoEmail: 'ana@example.com' }, { demoEmail: 'ben@example.com' }]);
    expect(screen.queryByRole('radio', { name: 'Another email' })).toBeNull();
  });

  it('"Another email" sends what was typed, trimmed, and cannot be sent empty', async () => {
    const { sent, user } = setup({ accounts: [], who: 'supervisor', allowOther: true });
    expect((screen.getByRole('radio', { name: 'Another email' }) as HTMLInputElement).checked).toBe(true);
    const submit = screen.getByRole('button', { name: 'Sign in' }) as HTMLButtonElement;
    expect(submit.disabled).toBe(true);
    await user.type(screen.getByRole('textbox', { name: 'Email' }), '  maya@example.com ');
    await user.click(submit);
    expect(sent).toEqual([{ demoEmail: 'maya@example.com' }]);
  });

  it('says "Signing in…" while busy and does not send twice', async () => {
    const { sent, user } = setup({ busy: true });
    await user.click(screen.getByRole('button', { name: 'Signing in…' }));
    expect(sent).toEqual([]);
  });

  it('before the config: contacting the server; with neither demo nor OIDC: tell IT', () => {
    setup({ config: null });
    expect(screen.getByRole('status').textContent).toBe('Contacting the dialer server…');
    cleanup();
    setup({ config: { mode: 'oidc', oidc: null } });
    expect(screen.getByRole('alert').textContent).toMatch(/not configured on the dialer server/);
  });
});
