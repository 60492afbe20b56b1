// Sign-in. Demo mode: pick one of the seeded agents from GET /auth/config. Production (OIDC): the Google
// Identity button (GoogleSignIn.tsx). Loaded lazily: a signed-in agent never downloads this screen.
import { useCallback, useState } from 'react';
import { useApp, useController } from '../../app/context';
import { ErrorBanner } from '../../components/ErrorBanner';
import { consoleHref } from '../supervisor/route';
import { GoogleSignIn } from './GoogleSignIn';

export default function SignInScreen() {
  const c = useController();
  const config = useApp((s) => s.auth.config);
  const phase = useApp((s) => s.auth.phase);
  const [email, setEmail] = useState<string | null>(null);
  const onIdToken = useCallback((t: string) => void c.auth.login({ idToken: t }), [c]);
  const busy = phase === 'signing-in';
  const chosen = email ?? config?.demoAgents[0]?.email ?? null;

  return (
    <main className="mx-auto flex min-h-screen max-w-lg flex-col justify-center gap-4 p-6">
      <header>
        <p className="text-sm font-semibold tracking-widest text-emerald-300 uppercase">Turbo Dialer</p>
        <h1 className="mt-1 text-3xl font-bold text-white">Sign in to start dialing</h1>
      </header>
      <ErrorBanner />
      {!config ? (
        <p role="status" className="text-slate-300">
          Contacting the dialer server…
        </p>
      ) : config.mode === 'demo' ? (
        <form
          className="flex flex-col gap-3 rounded-xl border border-slate-700 bg-slate-900 p-4"
          onSubmit={(e) => {
            e.preventDefault();
            if (chosen) void c.auth.login({ demoEmail: chosen });
          }}
        >
          <fieldset>
            <legend className="text-sm text-slate-300">Demo mode: choose a seeded agent</legend>
            <div className="mt-2 flex flex-col gap-1">
              {config.demoAgents.map((a) => (
                <label
                  key={a.email}
                  className="flex cursor-pointer items-center gap-3 rounded-lg px-2 py-1.5 hover:bg-slate-800 has-checked:bg-slate-800"
                >
                  <input
                    type="radio"
                    name="agent"
                    value={a.email}
                    checked={chosen === a.email}
                    onChange={() => setEmail(a.email)}
                    className="h-4 w-4 accent-emerald-500"
                  />
                  <span className="text-white">{a.email}</span>
                  <span className="ml-auto text-sm text-slate-400">{a.campaignName}</span>
                </label>
              ))}
            </div>
          </fieldset>
          <button
            type="submit"
            disabled={!chosen || busy}
            className="rounded-lg bg-emerald-500 px-4 py-2 text-lg font-bold text-slate-950 hover:bg-emerald-400 disabled:opacity-50"
          >
            {busy ? 'Signing in…' : 'Sign in'}
          </button>
        </form>
      ) : config.oidc ? (
        <div className="rounded-xl border border-slate-700 bg-slate-900 p-4">
          <p className="mb-3 text-slate-300">Sign in with your work Google account.</p>
          <GoogleSignIn clientId={config.oidc.clientId} onIdToken={onIdToken} />
        </div>
      ) : (
        <p role="alert" className="text-rose-200">
          Sign-in is not configured on the dialer server. Tell IT.
        </p>
      )}
      <p className="text-sm text-slate-400">
        Team lead?{' '}
        <a href={consoleHref(location)} className="text-slate-200 underline hover:text-white">
          Open the supervisor console
        </a>
      </p>
    </main>
  );
}
