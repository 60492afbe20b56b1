// The preview countdown (campaigns with a countdown > 0): the next lead is shown, then dialed when the count
// reaches zero on Play. Skip (S) marks it SKIPPED (MANUAL_SKIP); Dial now (D) dials at once.
import { useApp, useController } from '../../app/context';
import { previewRemainingMs } from '../../app/watchdogs';
import { useNow } from '../../lib/useNow';

export function PreviewPanel() {
  const c = useController();
  const pending = useApp((s) => s.preview.pending);
  const session = useApp((s) => s.session.session);
  const busy = useApp((s) => s.ui.busy);
  const now = useNow(!!pending, 200);
  if (!pending || !session) return null;
  const total = session.previewCountdownSeconds;
  const left = Math.ceil(previewRemainingMs(pending.dialAt, total, now) / 1000);
  const playing = session.state === 'PLAY';
  return (
    <section aria-label="Preview" className="rounded-xl border-2 border-indigo-400/70 bg-indigo-400/10 p-4">
      <div className="flex flex-wrap items-center gap-4">
        <div role="timer" aria-live="off" className="text-center">
          <div className="font-mono text-5xl font-bold text-white tabular-nums">{playing ? left : '–'}</div>
          <div className="text-xs text-indigo-200 uppercase">{playing ? 'seconds to dial' : 'paused'}</div>
        </div>
        <p className="min-w-40 flex-1 text-indigo-100">
          Next lead: <strong className="text-white">{pending.preview.lead.name || 'Unnamed lead'}</strong>
        </p>
        <div className="flex gap-2">
          <button
            type="button"
            aria-keyshortcuts="S"
            disabled={busy === 'skip'}
            onClick={() => void c.session.skipPreview()}
            className="rounded-lg border-2 border-[#8E7CC3] px-4 py-2 font-semibold text-[#d8cff5] hover:bg-[#8E7CC3]/20"
          >
            Skip <kbd className="ml-1 font-mono text-xs">S</kbd>
          </button>
          <button
            type="button"
            aria-keyshortcuts="D"
            disabled={busy === 'dial'}
            onClick={() => void c.session.dialNow()}
            className="rounded-lg bg-emerald-500 px-4 py-2 font-semibold text-slate-950 hover:bg-emerald-400"
          >
            Dial now <kbd className="ml-1 font-mono text-xs">D</kbd>
          </button>
        </div>
      </div>
    </section>
  );
}
