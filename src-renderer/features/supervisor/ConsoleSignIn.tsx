// The console's sign-in. Demo mode: pick a seeded supervisor, or type another email (the coordinator
// decides: an agent's email is refused, "not a supervisor"). Production: Google's button, its ID token
// POSTed to the supervisor login. A refused sign-in says why in plain words.
import { useCallback, useState } from 'react';
import { GoogleSignIn } from '../signin/GoogleSignIn';
import { useConsole, useConsoleController } from './context';
import { campaignsText } from './labels';

const OTHER = '__other__';

export function ConsoleSignIn() {
  const c = useConsoleController();
  const config = useConsole((s) => s.auth.config);
  const phase = useConsole((s) => s.auth.phase);
  const error = useConsole((s) => s.error);
  const [picked, setPicked] = useState<string | null>(null);
  const [other, setOther] = useState('');
  const onIdToken = useCallback((t: string) => void c.login({ idToken: t }), [c]);
  const chosen = picked ?? config?.demoSupervisors[0]?.email ?? OTHER;
  const email = chosen === OTHER ? other.trim() : chosen;
  const busy = phase === 'signing-in';
  return (
    <main className="mx-auto flex min-h-screen max-w-lg flex-col justify-center gap-4 p-6">
      <header>
        <p className="text-sm font-semibold tracking-widest text-emerald-300 uppercase">Turbo Dialer</p>
        <h1 className="mt-1 text-3xl font-bold text-white">Supervisor console</h1>
        <p className="text-slate-300">Sign in as a team lead to watch your agents live.</p>
      </header>
      {error ? (
        <div role="alert" className="rounded-xl border-2 border-rose-400 bg-rose-950/70 px-4 py-2">
          <p className="font-semibold text-white">{error.title}</p>
          {error.detail ? <p className="text-sm text-rose-100">{error.detail}</p> : null}
        </div>
      ) : null}
      {!config ? (
        <p role="status" className="text-slate-300">
          Contacting the dialer server…
        </p>
      ) : config.mode === 'demo' ? (
        <form
          className="flex flex-col gap-3 rounded-xl border border-slate-700 bg-slate-900 p-4"
          onSubmit={(e) => {
            e.preventDefault();
            if (email) void c.login({ demoEmail: email });
          }}
        >
          <fieldset className="flex flex-col gap-1">
            <legend className="text-sm text-slate-300">Demo mode: choose a seeded supervisor</legend>
            {config.demoSupervisors.map((s) => (
              <label
                key={s.email}
                className="flex cursor-pointer items-center gap-3 rounded-lg px-2 py-1.5 hover:bg-slate-800 has-checked:bg-slate-800"
              >
                <input
                  type="radio"
                  name="supervisor"
                  checked={chosen === s.email}
                  onChange={() => setPicked(s.email)}
                  className="h-4 w-4 accent-emerald-500"
                />
                <span className="text-white">{s.email}</span>
                <span className="ml-auto text-sm text-slate-400">{campaignsText(s.campaigns)}</span>
              </label>
            ))}
            <label className="flex items-center gap-3 rounded-lg px-2 py-1.5 hover:bg-slate-800 has-checked:bg-slate-800">
              <input
                type="radio"
                name="supervisor"
                checked={chosen === OTHER}
                onChange={() => setPicked(OTHER)}
                className="h-4 w-4 accent-emerald-500"
              />
              <span className="text-white">Another email</span>
            </label>
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
          </fieldset>
          <button
            type="submit"
            disabled={!email || busy}
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
    </main>
  );
}
