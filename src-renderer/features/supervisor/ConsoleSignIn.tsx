// The console's sign-in: the shared picker (signin/SignInPicker.tsx) over the seeded supervisors plus
// "Another email" (the coordinator decides: an agent's email is refused, "not a supervisor"), or Google's
// button (its ID token POSTed to the supervisor login). A refused sign-in says why in plain words.
import { useCallback, useMemo } from 'react';
import type { LoginRequest } from '../../../src-shared/contracts/http';
import { SignInPicker } from '../signin/SignInPicker';
import { useConsole, useConsoleController } from './context';
import { campaignsText } from './labels';

export function ConsoleSignIn() {
  const c = useConsoleController();
  const config = useConsole((s) => s.auth.config);
  const phase = useConsole((s) => s.auth.phase);
  const error = useConsole((s) => s.error);
  const onLogin = useCallback((body: LoginRequest) => void c.login(body), [c]);
  const accounts = useMemo(
    () =>
      (config?.demoSupervisors ?? []).map((s) => ({ email: s.email, detail: campaignsText(s.campaigns) })),
    [config],
  );
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
      <SignInPicker
        config={config}
        accounts={accounts}
        who="supervisor"
        allowOther
        busy={phase === 'signing-in'}
        onLogin={onLogin}
      />
    </main>
  );
}
