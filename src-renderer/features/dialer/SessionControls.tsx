// Play / Pause / Stop, always on screen, with the session state in large type. Space toggles Play/Pause.
import { useApp, useController } from '../../app/context';

export function SessionControls() {
  const c = useController();
  const session = useApp((s) => s.session.session);
  const phase = useApp((s) => s.session.phase);
  const busy = useApp((s) => s.ui.busy);
  const state = phase === 'active' ? session?.state : phase === 'ended' ? 'STOP' : null;
  const playing = state === 'PLAY';
  const waitingForSheet = useApp((s) => s.session.startWaitUntil !== undefined);
  const label =
    phase === 'starting'
      ? 'Starting…'
      : playing
        ? 'Playing'
        : state === 'PAUSE'
          ? 'Paused'
          : state === 'STOP'
            ? 'Stopped'
            : 'Not started';
  const tone = playing
    ? 'bg-emerald-500 text-slate-950'
    : state === 'PAUSE'
      ? 'bg-amber-400 text-slate-950'
      : 'bg-slate-700 text-slate-100';
  return (
    <section aria-label="Session" className="flex flex-wrap items-center gap-2">
      <div
        role="status"
        aria-live="polite"
        data-testid="session-state"
        data-state={state ?? 'NONE'}
        className={`min-w-28 rounded-lg px-3 py-2 text-center text-lg font-extrabold tracking-wide uppercase sm:min-w-36 sm:px-4 sm:text-xl ${tone}`}
      >
        {label}
      </div>
      {phase === 'starting' && waitingForSheet ? (
        <span className="text-sm text-slate-300" data-testid="start-wait">
          waiting for the sheet
        </span>
      ) : null}
      <button
        id="play-toggle"
        type="button"
        aria-keyshortcuts="Space"
        aria-pressed={playing}
        disabled={phase === 'starting'}
        onClick={() => void c.session.togglePlay()}
        className={`rounded-lg px-3 py-2 text-lg font-bold sm:px-5 ${
          playing
            ? 'bg-amber-400 text-slate-950 hover:bg-amber-300'
            : 'bg-emerald-500 text-slate-950 hover:bg-emerald-400'
        } disabled:opacity-50`}
      >
        {playing ? '❚❚ Pause' : '▶ Play'} <kbd className="ml-1 font-mono text-xs opacity-80">Space</kbd>
      </button>
      <button
        type="button"
        disabled={!session || state === 'STOP' || busy === 'sessionState'}
        onClick={() => void c.session.setSessionState('STOP')}
        className="rounded-lg border-2 border-rose-400/80 px-3 py-2 text-lg font-bold sm:px-4 text-rose-200 hover:bg-rose-500/20 disabled:opacity-40"
      >
        ■ Stop
      </button>
    </section>
  );
}
