// The agent's sign-in: the shared picker (SignInPicker.tsx) over GET /auth/config's seeded agents (demo)
// or Google's button (OIDC), the error banner, and the way to the supervisor console. Loaded lazily: a
// signed-in agent never downloads this screen.
import { useCallback, useMemo } from 'react';
import type { LoginRequest } from '../../../src-shared/contracts/http';
import { useApp, useController } from '../../app/context';
import { ErrorBanner } from '../../components/ErrorBanner';
import { consoleHref } from '../supervisor/route';
import { SignInPicker } from './SignInPicker';

export default function SignInScreen() {
  const c = useController();
  const config = useApp((s) => s.auth.config);
  const phase = useApp((s) => s.auth.phase);
  const onLogin = useCallback((body: LoginRequest) => void c.auth.login(body), [c]);
  const accounts = useMemo(
    () => (config?.demoAgents ?? []).map((a) => ({ email: a.email, detail: a.campaignName })),
    [config],
  );

  return (
    <main className="mx-auto flex min-h-screen max-w-lg flex-col justify-center gap-4 p-6">
      <header>
        <p className="text-sm font-semibold tracking-widest text-emerald-300 uppercase">Turbo Dialer</p>
        <h1 className="mt-1 text-3xl font-bold text-white">Sign in to start dialing</h1>
      </header>
      <ErrorBanner />
      <SignInPicker
        config={config}
        accounts={accounts}
        who="agent"
        busy={phase === 'signing-in'}
        onLogin={onLogin}
      />
      <p className="text-sm text-slate-400">
        Team lead?{' '}
        <a href={consoleHref(location)} className="text-slate-200 underline hover:text-white">
          Open the supervisor console
        </a>
      </p>
    </main>
  );
}
