// The confirmation before acting on an agent: what will happen to them (in their words too), an optional
// reason they will see, Confirm / Cancel. A native modal <dialog> (focus kept inside, Esc cancels, the page
// behind is inert); focus starts on the reason field and returns to the row's button after.
import { useEffect, useRef, useState } from 'react';
import { useConsole, useConsoleController } from './context';

const TEXT = {
  PAUSED: {
    title: (e: string) => `Pause ${e}?`,
    body: 'Their session pauses now. A call in progress goes on until they give its disposition; then nothing more is dialed. Their screen says you paused them (and why, if you write it). They resume with Play.',
    confirm: 'Pause agent',
  },
  SIGNED_OUT: {
    title: (e: string) => `Sign ${e} out?`,
    body: 'Their session stops and their app goes back to the sign-in screen, saying you signed them out. Dispositions already given are kept; a call in progress is not hung up by this.',
    confirm: 'Sign out agent',
  },
} as const;

export function ConfirmDialog() {
  const c = useConsoleController();
  const pending = useConsole((s) => s.confirm);
  const ref = useRef<HTMLDialogElement | null>(null);
  const [reason, setReason] = useState('');
  const returnFocus = useRef<HTMLElement | null>(null);

  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (pending && !d.open) {
      returnFocus.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
      setReason('');
      d.showModal?.();
    } else if (!pending && d.open) {
      d.close();
      returnFocus.current?.focus();
    }
  }, [pending]);

  const t = pending ? TEXT[pending.action] : null;
  return (
    <dialog
      ref={ref}
      aria-labelledby="confirm-h"
      onCancel={(e) => {
        e.preventDefault();
        c.cancel();
      }}
      className="m-auto max-w-lg rounded-xl border border-slate-600 bg-slate-900 p-5 text-slate-100 backdrop:bg-slate-950/70"
    >
      {pending && t ? (
        <form
          method="dialog"
          onSubmit={(e) => {
            e.preventDefault();
            void c.confirm(reason);
          }}
          className="flex flex-col gap-3"
        >
          <h2 id="confirm-h" className="text-xl font-bold text-white">
            {t.title(pending.agentEmail)}
          </h2>
          <p className="text-slate-300">{t.body}</p>
          <label className="flex flex-col gap-1 text-sm text-slate-300">
            Reason shown to the agent (optional)
            <input
              autoFocus
              value={reason}
              maxLength={200}
              onChange={(e) => setReason(e.target.value)}
              className="rounded-md border border-slate-600 bg-slate-950 px-2 py-1.5 text-white"
            />
          </label>
          <div className="flex justify-end gap-2">
            <button
              type="button"
              onClick={() => c.cancel()}
              disabled={pending.sending}
              className="rounded-lg border border-slate-600 px-3 py-1.5 text-slate-200 hover:bg-slate-800"
            >
              Cancel
            </button>
            <button
              type="submit"
              disabled={pending.sending}
              className="rounded-lg bg-amber-400 px-3 py-1.5 font-bold text-slate-950 hover:bg-amber-300 disabled:opacity-50"
            >
              {pending.sending ? 'Sending…' : t.confirm}
            </button>
          </div>
        </form>
      ) : null}
    </dialog>
  );
}
