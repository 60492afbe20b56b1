// "Callbacks due": the agent's callbacks (theirs, and the tab's unassigned ones), due first then upcoming,
// each with its lead-local time, whether it can be dialed now (inside calling hours) and two actions: Dial
// (now, even before it is due) and Cancel. The server offers a due callback first anyway; this list lets
// the agent see what is coming and take one by hand.
import { useApp, useController } from '../../app/context';
import { displayPhone, usePhoneFormat } from '../../lib/phone';
import { leadLocal, untilText } from './callback-time';

export function CallbacksPanel() {
  usePhoneFormat();
  const c = useController();
  const { enabled, list } = useApp((s) => s.callbacks);
  const active = useApp((s) => !!s.session.session && s.session.phase === 'active');
  const busy = useApp((s) => !!s.call.call || !!s.ui.dispo);
  if (!enabled && list.length === 0) return null;
  const now = c.now();
  // Due is judged here too, so an upcoming callback turns due on screen without waiting for a refresh.
  const isDue = (cb: (typeof list)[number]) => cb.due || cb.at <= now;
  const due = list.filter(isDue).length;
  return (
    <section
      aria-labelledby="callbacks-title"
      className="rounded-xl border border-slate-800 bg-slate-900/60 p-3"
      data-testid="callbacks"
    >
      <h2 id="callbacks-title" className="flex items-baseline gap-2 text-sm font-semibold text-white">
        Callbacks due
        <span className="text-xs font-normal text-slate-400">
          {due} due · {list.length - due} upcoming
        </span>
      </h2>
      {list.length === 0 ? (
        <p className="mt-1 text-sm text-slate-400">
          None scheduled. In the disposition window, press B to schedule one.
        </p>
      ) : (
        <ul className="mt-2 flex flex-col gap-2">
          {list.map((cb) => {
            const state = cb.busy
              ? 'on a call now'
              : isDue(cb)
                ? cb.inWindow
                  ? 'due now'
                  : 'due · waits for calling hours'
                : untilText(cb.at, now);
            return (
              <li
                key={cb.rowId}
                aria-label={`Callback ${cb.name || cb.rowId}`}
                className={`rounded-lg border px-3 py-2 ${isDue(cb) ? 'border-sky-400/60 bg-sky-950/40' : 'border-slate-700'}`}
              >
                <div className="flex flex-wrap items-baseline gap-x-2">
                  <span className="font-medium text-white">{cb.name || cb.rowId}</span>
                  <span className="text-sm tabular-nums text-slate-300">
                    {displayPhone(cb.phoneE164, cb.phoneE164)}
                  </span>
                  {cb.mine ? null : <span className="text-xs text-slate-400">(any agent)</span>}
                </div>
                <div className="mt-0.5 flex flex-wrap items-center gap-2 text-sm">
                  <span className="tabular-nums text-slate-200">{leadLocal(cb.at, cb.timeZone)}</span>
                  <span className={isDue(cb) ? 'text-sky-200' : 'text-slate-400'}>· {state}</span>
                  <span className="ml-auto flex gap-2">
                    <button
                      type="button"
                      aria-label={`Dial ${cb.name || cb.rowId} now`}
                      disabled={!active || busy || cb.busy || !cb.inWindow}
                      title={
                        busy
                          ? 'Finish the current call first'
                          : !cb.inWindow
                            ? 'Outside the lead’s calling hours'
                            : 'Dials now (resumes a paused session)'
                      }
                      onClick={() => void c.callbacks.dial(cb.rowId)}
                      className="rounded-md bg-sky-500 px-2.5 py-0.5 text-sm font-semibold text-slate-950 hover:bg-sky-400 disabled:bg-slate-700 disabled:text-slate-400"
                    >
                      Dial
                    </button>
                    <button
                      type="button"
                      aria-label={`Cancel the callback of ${cb.name || cb.rowId}`}
                      disabled={cb.busy}
                      onClick={() => void c.callbacks.cancel(cb.rowId)}
                      className="rounded-md border border-slate-600 px-2 py-0.5 text-sm text-slate-300 hover:bg-slate-800 disabled:text-slate-500"
                    >
                      Cancel
                    </button>
                  </span>
                </div>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
