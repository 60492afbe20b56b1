// The disposition choices of both dialogs (the disposition modal and Change the last disposition): one
// native radio per code of the campaign's catalog (arrow keys move within them; the keys 1–6 are
// app/hotkeys.ts's, named here by aria-keyshortcuts), its key and label, the picked one outlined in its
// code's colour, the saved one marked (a change), and below them what the picked code does to the lead.
import type { DispositionCode, DispositionDef } from '../../../src-shared/domain/disposition';

/** What a disposition does to the lead, in a few words. */
export function effectText(d: DispositionDef): string {
  if (d.code === 'DO_NOT_CALL') return 'the number goes on the do-not-call list and the lead is finished';
  if (d.effect === 'LEAD_DONE') return 'the lead is finished; its other open numbers are skipped';
  if (d.effect === 'NUMBER_DONE') return 'this number is done; the lead continues with its next number';
  return d.retryDelayMinutes
    ? `this number is tried again after ${d.retryDelayMinutes} min; the lead continues`
    : 'this number is tried again; the lead continues';
}

const TONE: Record<DispositionCode, string> = {
  CORRECT: 'border-emerald-400/70 text-emerald-200',
  WRONG: 'border-rose-400/70 text-rose-200',
  VM_SAME_NAME: 'border-sky-400/70 text-sky-200',
  VM_OR_NA_UNKNOWN: 'border-sky-400/70 text-sky-200',
  NO_ANSWER: 'border-amber-400/70 text-amber-200',
  DO_NOT_CALL: 'border-[#8E7CC3] text-[#cfc4ee]',
};

export interface DispositionOptionsProps {
  catalog: readonly DispositionDef[];
  picked: DispositionCode | null;
  onPick: (code: DispositionCode) => void;
  /** The radio group's name (one per dialog) and its accessible legend. */
  name: string;
  legend: string;
  /** A change of a saved disposition: that code is marked "saved", and picking it changes nothing. */
  saved?: DispositionCode;
}

export function DispositionOptions({
  catalog,
  picked,
  onPick,
  name,
  legend,
  saved,
}: DispositionOptionsProps) {
  const selected = catalog.find((d) => d.code === picked);
  return (
    <>
      <fieldset className="mt-4">
        <legend className="sr-only">{legend}</legend>
        <div className="grid grid-cols-1 gap-2 sm:grid-cols-2">
          {catalog.map((d) => {
            const checked = d.code === picked;
            return (
              <label
                key={d.code}
                className={`flex cursor-pointer items-center gap-3 rounded-lg border-2 px-3 py-2.5 transition-colors has-focus-visible:ring-2 has-focus-visible:ring-white ${
                  checked
                    ? `${TONE[d.code]} bg-slate-800`
                    : 'border-slate-700 text-slate-200 hover:border-slate-500 hover:bg-slate-800/60'
                }`}
              >
                <input
                  type="radio"
                  name={name}
                  value={d.code}
                  checked={checked}
                  aria-keyshortcuts={String(d.key)}
                  onChange={() => onPick(d.code)}
                  className="sr-only"
                />
                <kbd className="inline-flex h-7 w-7 shrink-0 items-center justify-center rounded-md border border-slate-500 bg-slate-950 font-mono text-sm font-bold text-white">
                  {d.key}
                </kbd>
                <span className="text-base font-medium">{d.label}</span>
                {d.code === saved ? <span className="ml-auto text-xs text-slate-400">saved</span> : null}
                {checked ? (
                  <span aria-hidden="true" className={`${d.code === saved ? '' : 'ml-auto '}text-lg`}>
                    ✓
                  </span>
                ) : null}
              </label>
            );
          })}
        </div>
      </fieldset>
      <p className="mt-3 min-h-5 text-sm text-slate-300" aria-live="polite" data-testid="disposition-effect">
        {selected
          ? selected.code === saved
            ? 'Already saved: nothing changes.'
            : `${selected.label}: ${effectText(selected)}.`
          : ''}
      </p>
    </>
  );
}
