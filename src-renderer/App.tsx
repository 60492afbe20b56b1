// Root component: error boundary, controller context, the in-window keys, and the screen for the auth phase.
import { lazy, Suspense } from 'react';
import { useApp } from './app/context';
import { useController } from './app/context';
import { useHotkeys } from './app/hotkeys';
import { DialerScreen } from './features/dialer/DialerScreen';

const SignInScreen = lazy(() => import('./features/signin/SignInScreen'));

function Splash({ text }: { text: string }) {
  return (
    <main className="flex min-h-screen items-center justify-center">
      <p role="status" className="text-xl text-slate-300">
        {text}
      </p>
    </main>
  );
}

export function App() {
  const c = useController();
  useHotkeys(c);
  const phase = useApp((s) => s.auth.phase);
  if (phase === 'booting') return <Splash text="Restoring your session…" />;
  if (phase === 'signed-in') return <DialerScreen />;
  return (
    <Suspense fallback={<Splash text="Loading sign-in…" />}>
      <SignInScreen />
    </Suspense>
  );
}
