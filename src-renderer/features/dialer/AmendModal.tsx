// "Change the last disposition" (issue 10): the campaign's dispositions for the receipt's call, the saved
// one checked and marked, what the picked one does to the lead (the disposition modal's DispositionOptions),
// Enter to change, Esc to keep it. Same keys as the disposition modal (app/hotkeys.ts), a labelled
// role="dialog", focus trapped inside and given back on close (DialogFrame).
// It steps aside whenever a disposition is due (the modal for the current call wins).
import { DEFAULT_DISPOSITIONS } from '../../../src-shared/domain/disposition';
import { useApp, useController } from '../../app/context';
import { amendOpen } from '../../store/amend';
import { DispositionOptions } from './DispositionOptions';
import { DialogFrame } from './DialogFrame';

export function AmendModal() {
  const c = useController();
  const open = useApp(amendOpen);
  const draft = useApp((s) => s.ui.amend);
  const receipt = useApp((s) => s.ui.receipt);
  const catalog = useApp((s) => s.session.session?.catalog) ?? DEFAULT_DISPOSITIONS;

  if (!open || !draft || !receipt) return null;
  const same = draft.code === receipt.code;

  return (
    <DialogFrame
      id="amend"
      title="Change the last disposition"
      picked={draft.code}
      className="border-amber-400/60"
      description={
        <>
          <span className="font-medium text-slate-100">{receipt.leadName}</span> · saved as{' '}
          <span className="font-medium text-slate-100">{receipt.label}</span>. The sheet, attempts, retry
          time, skipped numbers and do-not-call follow the new choice; your current call is not touched.
        </>
      }
    >
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
    </DialogFrame>
  );
}
