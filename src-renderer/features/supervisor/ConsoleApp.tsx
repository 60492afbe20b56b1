// The console's root: the screen for the sign-in phase. "forbidden" (signed in, but not a supervisor, or
// no longer one) says so and offers to sign in with another account.
import { ConsoleScreen } from './ConsoleScreen';
import { ConsoleSignIn } from './ConsoleSignIn';
import { useConsole, useConsoleController } from './context';
import { dialerHref } from './route';

export function ConsoleApp() {
  const c = useConsoleController();
  const phase = useConsole((s) => s.auth.phase);
  if (phase === 'booting')
    return (
      <main className="flex min-h-screen items-center justify-center">
        <p role="status" className="text-xl text-slate-300">
          Opening the supervisor console…
        </p>
      </main>
    );
  if (phase === 'signed-in') return <ConsoleScreen />;
  if (phase === 'forbidden')
    return (
      <main className="mx-auto flex min-h-screen max-w-lg flex-col justify-center gap-4 p-6">
        <div role="alert" className="rounded-xl border-2 border-rose-400 bg-rose-950/70 p-4">
          <h1 className="text-2xl font-bold text-white">Only supervisors can open the console</h1>
          <p className="mt-1 text-rose-100">
            This account is not listed as a supervisor in the router sheet. Ask your team lead or IT.
          </p>
        </div>
        <div className="flex gap-3">
          <button
            type="button"
            onClick={() => void c.logout()}
            className="rounded-lg bg-white px-3 py-1.5 font-semibold text-slate-950"
          >
            Sign in with another account
          </button>
          <a
            href={dialerHref(location)}
            className="rounded-lg border border-slate-600 px-3 py-1.5 text-slate-200"
          >
            Back to the dialer
          </a>
        </div>
      </main>
    );
  return <ConsoleSignIn />;
}
