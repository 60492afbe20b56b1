// "Change the last disposition" (issue 10): the campaign's dispositions for the receipt's call, the saved
// one checked and marked, what the picked one does to the lead (the disposition modal's DispositionOptions),
// Enter to change, Esc to keep it. Same keys as the disposition modal (app/hotkeys.ts), a labelled
// role="dialog", focus trapped inside and given back on close (useDialogFocus).
// It steps aside whenever a disposition is due (the modal for the current call wins).
import { useRef } from 'react';
import { DEFAULT_DISPOSITIONS } from '../../../src-shared/domain/disposition';
import { useApp, useController } from '../../app/context';
import { amendOpen } from '../../store/amend';
import { DispositionOptions } from './DispositionOptions';
import { useDialogFocus } from './useDialogFocus';

export function AmendModal() {
  const c = useController();
  const open = useApp(amendOpen);
  const draft = useApp((s) => s.ui.amend);
  const receipt = useApp((s) => s.ui.receipt);
  const catalog = useApp((s) => s.session.session?.catalog) ?? DEFAULT_DISPOSITIONS;
  const ref = useRef<HTMLDivElement>(null);
  const onKeyDown = useDialogFocus(ref, open, draft?.code ?? null);

  if (!open || !draft || !receipt) return null;
  const same = draft.code === receipt.code;

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
        <DispositionOptions
          catalog={catalog}
          picked={draft.code}
          onPick={(code) => c.amend.pick(code)}
          name="amend-disposition"
          legend="New disposition"
          saved={receipt.code}
        />
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
