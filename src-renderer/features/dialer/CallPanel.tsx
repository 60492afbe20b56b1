// The live call: its state in large type (dialing, ringing, connected, ended) with a running timer, the
// number being dialed, Hang up (H; mute and transfer stay in the Dialpad app), and the "disposition needed"
// prompt when the modal was hidden with Esc.
// Announced politely to screen readers (role="status").
import { canHangUp } from '../../app/call-actions';
import { useApp, useController } from '../../app/context';
import { formatDuration } from '../../lib/format';
import { displayPhone, usePhoneFormat } from '../../lib/phone';
import { useNow } from '../../lib/useNow';

const LOOK = {
  DIALING: {
    label: 'Dialing',
    cls: 'border-amber-400 bg-amber-400/10 text-amber-200',
    dot: 'bg-amber-400 animate-pulse',
  },
  RINGING: {
    label: 'Ringing',
    cls: 'border-sky-400 bg-sky-400/10 text-sky-200',
    dot: 'bg-sky-400 animate-ping',
  },
  CONNECTED: {
    label: 'Connected',
    cls: 'border-emerald-400 bg-emerald-400/10 text-emerald-200',
    dot: 'bg-emerald-400',
  },
  ENDED: { label: 'Call ended', cls: 'border-slate-500 bg-slate-800 text-slate-200', dot: 'bg-slate-400' },
  DISPOSED: { label: 'Call done', cls: 'border-slate-700 bg-slate-900 text-slate-300', dot: 'bg-slate-600' },
} as const;

export function CallPanel() {
  usePhoneFormat();
  const c = useController();
  const call = useApp((s) => s.call.call);
  const dispo = useApp((s) => s.ui.dispo);
  const session = useApp((s) => s.session.session);
  const previewOrNothing = useApp((s) => s.preview.pending !== null || s.preview.nothing !== null);
  // What the outbox is waiting on, in words (a string: a stable selector result).
  const waitingOn = useApp((s) =>
    s.session.phase === 'starting'
      ? s.session.startWaitUntil !== undefined
        ? 'Starting… (waiting for the sheet)'
        : 'Starting…'
      : s.outbox.entries.some((e) => e.route === 'disposition')
        ? 'Saving the disposition…'
        : s.outbox.entries.some((e) => e.route === 'dial' || e.route === 'next')
          ? 'Getting the next lead…'
          : s.outbox.entries.length > 0
            ? 'Sending…'
            : null,
  );
  const live = !!call && call.state !== 'ENDED' && call.state !== 'DISPOSED';
  const now = useNow(live);

  if (!call) {
    // The preview countdown or the "nothing to dial" panel says what happens next; a "waiting" line on top
    // of it would contradict it.
    if (previewOrNothing) return null;
    const playing = session?.state === 'PLAY';
    return (
      <section
        aria-label="Call"
        className="flex min-h-32 flex-col justify-center rounded-xl border border-slate-800 bg-slate-900/60 p-4"
      >
        <div role="status" className="text-3xl font-bold text-slate-300" data-testid="call-state">
          {waitingOn ?? (playing ? 'Waiting for the next lead' : 'No call')}
        </div>
        <p className="mt-1 text-slate-400">
          {playing ? 'The next lead is dialed automatically.' : 'Press Play (Space) to dial.'}
        </p>
      </section>
    );
  }

  const look = LOOK[call.state];
  const since =
    call.state === 'CONNECTED' || call.state === 'ENDED'
      ? (call.connectedAt ?? call.startedAt)
      : call.startedAt;
  const until = call.endedAt ?? now;
  return (
    <section aria-label="Call" className={`rounded-xl border-2 p-4 ${look.cls}`}>
      <div className="flex flex-wrap items-center gap-x-6 gap-y-2">
        <div
          role="status"
          className="flex items-center gap-3"
          data-testid="call-state"
          data-state={call.state}
        >
          <span aria-hidden="true" className={`inline-block h-4 w-4 rounded-full ${look.dot}`} />
          <span className="text-4xl font-bold tracking-tight">{look.label}</span>
        </div>
        <span
          className="font-mono text-4xl font-semibold text-white tabular-nums"
          role="timer"
          aria-label="Call timer"
        >
          {formatDuration(until - since)}
        </span>
        <span className="ml-auto font-mono text-xl text-white tabular-nums">
          {displayPhone(call.phoneE164, call.phoneE164)}
        </span>
      </div>
      {live ? (
        <div className="mt-3 flex flex-wrap items-center gap-x-4 gap-y-2">
          <button
            type="button"
            aria-keyshortcuts="H"
            disabled={!canHangUp(call.state)}
            onClick={() => void c.call.hangUp()}
            className="rounded-lg bg-rose-500 px-4 py-2 text-lg font-bold text-white hover:bg-rose-400 disabled:opacity-50"
          >
            Hang up <kbd className="ml-1 font-mono text-xs opacity-80">H</kbd>
          </button>
          <p className="text-sm text-slate-300">Mute, hold and transfer: in the Dialpad app.</p>
        </div>
      ) : null}
      {call.state === 'ENDED' && dispo && !dispo.open ? (
        <div className="mt-3 flex flex-wrap items-center gap-3">
          <span className="font-semibold text-amber-200">A disposition is needed before the next call.</span>
          <button
            type="button"
            onClick={() => c.dispo.show()}
            className="rounded-lg bg-amber-400 px-3 py-1.5 font-semibold text-slate-950 hover:bg-amber-300"
          >
            Choose disposition <kbd className="ml-1 font-mono text-xs">Enter</kbd>
          </button>
        </div>
      ) : null}
    </section>
  );
}
