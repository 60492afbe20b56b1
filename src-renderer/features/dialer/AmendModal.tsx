// "Change the last disposition" (issue 10): the campaign's dispositions for the receipt's call, the current
// one checked, what the picked one does to the lead, Enter to change, Esc to keep it. Same keys as the
// disposition modal (app/hotkeys.ts), a labelled role="dialog", focus trapped inside and given back on close.
// It steps aside whenever a disposition is due (the modal for the current call wins).
import { useEffect, useRef } from 'react';
import type { DispositionDef } from '../../../src-shared/domain/disposition';
import { DEFAULT_DISPOSITIONS } from '../../../src-shared/domain/disposition';
import { useApp, useController } from '../../app/context';
import { amendOpen } from '../../store/amend';
import { tabbables } from './DispositionModal';

/** What a disposition does to the lead, in a few words. */
export function effectText(d: DispositionDef): string {
  if (d.code === 'DO_NOT_CALL') return 'the number goes on the do-not-call list and the lead is finished';
  if (d.effect === 'LEAD_DONE') return 'the lead is finished; its other open numbers are skipped';
  if (d.effect === 'NUMBER_DONE') return 'this number is done; the lead continues with its next number';
  return d.retryDelayMinutes
    ? `this number is tried again after ${d.retryDelayMinutes} min; the lead continues`
    : 'this number is tried again; the lead continues';
}

export function AmendModal() {
  const c = useController();
  const open = useApp(amendOpen);
  const draft = useApp((s) => s.ui.amend);
  const receipt = useApp((s) => s.ui.receipt);
  const catalog = useApp((s) => s.session.session?.catalog) ?? (DEFAULT_DISPOSITIONS as DispositionDef[]);
  const ref = useRef<HTMLDivElement>(null);
  const restore = useRef<HTMLElement | null>(null);

  useEffect(() => {
    if (!open) return;
    restore.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    ref.current?.querySelector<HTMLElement>('input[type="radio"]:checked')?.focus();
    return () => {
      const back = restore.current;
      if (back?.isConnected) back.focus();
      else document.getElementById('play-toggle')?.focus();
    };
  }, [open]);

  const picked = draft?.code ?? null;
  useEffect(() => {
    if (!open || !picked) return;
    ref.current?.querySelector<HTMLInputElement>(`input[type="radio"][value="${picked}"]`)?.focus();
  }, [picked, open]);

  if (!open || !draft || !receipt) return null;
  const selected = catalog.find((d) => d.code === draft.code);
  const same = draft.code === receipt.code;

  const onKeyDown = (e: React.KeyboardEvent) => {
    if (e.key !== 'Tab') return;
    const items = tabbables(ref.current);
    const first = items[0];
    const last = items[items.length - 1];
    if (!first || !last) return;
    if (e.shiftKey && document.activeElement === first) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && document.activeElement === last) {
      e.preventDefault();
      first.focus();
    }
  };

  return (
    <div className="fixed inset-0 z-40 flex items-center justify-center bg-slate-950/80 p-4 backdrop-blur-sm">
      <div
        ref={ref}
        role="dialog"
        aria-modal="true"
        aria-labelledby="amend-title"
        aria-describedby="amend-desc"
        onKeyDown={onKeyDown}
        className="w-full max-w-xl rounded-xl border border-amber-400/60 bg-slate-900 p-5 shadow-2xl"
      >
        <h2 id="amend-title" className="text-xl font-semibold text-white">
          Change the last disposition
        </h2>
        <p id="amend-desc" className="mt-1 text-sm text-slate-300">
          <span className="font-medium text-slate-100">{receipt.leadName}</span> · saved as{' '}
          <span className="font-medium text-slate-100">{receipt.label}</span>. The sheet, attempts, retry
          time, skipped numbers and do-not-call follow the new choice; your current call is not touched.
        </p>
        <fieldset className="mt-4">
          <legend className="sr-only">New disposition</legend>
          <div className="grid grid-cols-1 gap-2 sm:grid-cols-2">
            {catalog.map((d) => {
              const checked = d.code === draft.code;
              return (
                <label
                  key={d.code}
                  className={`flex cursor-pointer items-center gap-3 rounded-lg border-2 px-3 py-2.5 has-focus-visible:ring-2 has-focus-visible:ring-white ${
                    checked
                      ? 'border-amber-400 bg-slate-800 text-white'
                      : 'border-slate-700 text-slate-200 hover:bg-slate-800/60'
                  }`}
                >
                  <input
                    type="radio"
                    name="amend-disposition"
                    value={d.code}
                    checked={checked}
                    aria-keyshortcuts={String(d.key)}
                    onChange={() => c.amend.pick(d.code)}
                    className="sr-only"
                  />
                  <kbd className="inline-flex h-7 w-7 shrink-0 items-center justify-center rounded-md border border-slate-500 bg-slate-950 font-mono text-sm font-bold text-white">
                    {d.key}
                  </kbd>
                  <span className="text-base font-medium">{d.label}</span>
                  {d.code === receipt.code ? (
                    <span className="ml-auto text-xs text-slate-400">saved</span>
                  ) : null}
                </label>
              );
            })}
          </div>
        </fieldset>
        <p className="mt-3 text-sm text-slate-300" aria-live="polite" data-testid="amend-effect">
          {selected
            ? same
              ? 'Already saved: nothing changes.'
              : `${selected.label}: ${effectText(selected)}.`
            : ''}
        </p>
        <div className="mt-4 flex flex-wrap items-center justify-end gap-2">
          <button
            type="button"
            onClick={() => c.amend.hide()}
            className="rounded-lg border border-slate-600 px-4 py-2 text-slate-200 hover:bg-slate-800"
          >
            Keep it <kbd className="ml-1 font-mono text-xs text-slate-400">Esc</kbd>
          </button>
          <button
            type="button"
            disabled={!draft.code || same}
            onClick={() => void c.amend.confirm()}
            className="rounded-lg bg-amber-400 px-5 py-2 font-semibold text-slate-950 hover:bg-amber-300 disabled:cursor-not-allowed disabled:bg-slate-700 disabled:text-slate-400"
          >
            Change <kbd className="ml-1 font-mono text-xs">Enter</kbd>
          </button>
        </div>
      </div>
    </div>
  );
}
