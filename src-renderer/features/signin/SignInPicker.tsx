// The sign-in form of both pages (the dialer's and the supervisor console's). Demo mode: pick one of the
// seeded accounts (or, where offered, type another email: the coordinator decides who may sign in) and
// press Enter. Production (OIDC): Google's button, its ID token handed to `onLogin`. Before the
// coordinator's config arrives it says so; with neither it says sign-in is not configured.
import { type ReactNode, useCallback, useState } from 'react';
import type { LoginRequest } from '../../../src-shared/contracts/http';
import { GoogleSignIn } from './GoogleSignIn';

export interface DemoAccount {
  email: string;
  /** Shown beside the email: the agent's campaign, the supervisor's campaigns. */
  detail: string;
}

export interface SignInPickerProps {
  /** The coordinator's auth config; null while it is being fetched. */
  config: { mode: 'demo' | 'oidc'; oidc: { clientId: string } | null } | null;
  accounts: readonly DemoAccount[];
  /** Who signs in ("agent", "supervisor"): the legend's word and the radio group's name. */
  who: string;
  /** Offer "Another email" after the seeded accounts. */
  allowOther?: boolean;
  busy: boolean;
  onLogin: (body: LoginRequest) => void;
}

const OTHER = '__other__';

export function SignInPicker({
  config,
  accounts,
  who,
  allowOther = false,
  busy,
  onLogin,
}: SignInPickerProps) {
  const [picked, setPicked] = useState<string | null>(null);
  const [other, setOther] = useState('');
  const onIdToken = useCallback((idToken: string) => onLogin({ idToken }), [onLogin]);
  const chosen = picked ?? accounts[0]?.email ?? (allowOther ? OTHER : null);
  const email = chosen === OTHER ? other.trim() : chosen;

  if (!config)
    return (
      <p role="status" className="text-slate-300">
        Contacting the dialer server…
      </p>
    );
  if (config.mode === 'demo')
    return (
      <form
        className="flex flex-col gap-3 rounded-xl border border-slate-700 bg-slate-900 p-4"
        onSubmit={(e) => {
          e.preventDefault();
          if (email) onLogin({ demoEmail: email });
        }}
      >
        <fieldset>
          <legend className="text-sm text-slate-300">Demo mode: choose a seeded {who}</legend>
          <div className="mt-2 flex flex-col gap-1">
            {accounts.map((a) => (
              <Choice key={a.email} name={who} value={a.email} chosen={chosen} onPick={setPicked}>
                <span className="text-white">{a.email}</span>
                <span className="ml-auto text-sm text-slate-400">{a.detail}</span>
              </Choice>
            ))}
            {allowOther ? (
              <Choice name={who} value={OTHER} chosen={chosen} onPick={setPicked}>
                <span className="text-white">Another email</span>
              </Choice>
            ) : null}
            {chosen === OTHER ? (
              <label className="flex flex-col gap-1 pl-9 text-sm text-slate-300">
                Email
                <input
                  type="email"
                  value={other}
                  onChange={(e) => setOther(e.target.value)}
                  className="rounded-md border border-slate-600 bg-slate-950 px-2 py-1 text-white"
                />
              </label>
            ) : null}
          </div>
        </fieldset>
        <button
          type="submit"
          disabled={!email || busy}
          className="rounded-lg bg-emerald-500 px-4 py-2 text-lg font-bold text-slate-950 hover:bg-emerald-400 disabled:opacity-50"
        >
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    );
  if (config.oidc)
    return (
      <div className="rounded-xl border border-slate-700 bg-slate-900 p-4">
        <p className="mb-3 text-slate-300">Sign in with your work Google account.</p>
        <GoogleSignIn clientId={config.oidc.clientId} onIdToken={onIdToken} />
      </div>
    );
  return (
    <p role="alert" className="text-rose-200">
      Sign-in is not configured on the dialer server. Tell IT.
    </p>
  );
}

function Choice(props: {
  name: string;
  value: string;
  chosen: string | null;
  onPick: (value: string) => void;
  children: ReactNode;
}) {
  return (
    <label className="flex cursor-pointer items-center gap-3 rounded-lg px-2 py-1.5 hover:bg-slate-800 has-checked:bg-slate-800">
      <input
        type="radio"
        name={props.name}
        value={props.value}
        checked={props.chosen === props.value}
        onChange={() => props.onPick(props.value)}
        className="h-4 w-4 shrink-0 accent-emerald-500"
      />
      {props.children}
    </label>
  );
}
