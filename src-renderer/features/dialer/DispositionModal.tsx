// The disposition modal (SHOW_DISPO): the campaign's options (DispositionOptions: their keys and what the
// picked one does), a notes field, Confirm. Keys (app/hotkeys.ts): 1–6 pick, B opens the callback step
// (features/callbacks), Enter confirms, Esc hides. Focus (DialogFrame) is trapped inside while it is
// open and goes back to where it was when it closes; the dialog is labelled and announced (role="dialog").
import { DEFAULT_DISPOSITIONS } from '../../../src-shared/domain/disposition';
import { useApp, useController } from '../../app/context';
import { displayPhone, usePhoneFormat } from '../../lib/phone';
import { formatDuration } from '../../lib/format';
import { leadLocal } from '../callbacks/callback-time';
import { ScheduleStep } from '../callbacks/ScheduleStep';
import { DispositionOptions } from './DispositionOptions';
import { DialogFrame } from './DialogFrame';

export function DispositionModal() {
  usePhoneFormat();
  const c = useController();
  const dispo = useApp((s) => s.ui.dispo);
  const catalog = useApp((s) => s.session.session?.catalog) ?? DEFAULT_DISPOSITIONS;
  const call = useApp((s) => s.call.call);
  const lead = useApp((s) => s.preview.lead);
  const callbacksEnabled = useApp((s) => s.callbacks.enabled);

  if (!dispo?.open) return null;

  const talked = call?.connectedAt && call.endedAt ? call.endedAt - call.connectedAt : null;
  const slot = lead?.lead.numbers[call?.numberIndex ?? lead.numberIndex];
  const selected = catalog.find((d) => d.code === dispo.code);
  const canCallBack = callbacksEnabled && !!lead && dispo.code !== 'DO_NOT_CALL';
  const callbackAt = canCallBack ? (dispo.callbackAt ?? null) : null;

  return (
    <DialogFrame
      id="dispo"
      title="How did the call go?"
      picked={dispo.code}
      className="max-h-[calc(100dvh-2rem)] overflow-y-auto border-slate-600"
      description={
        <>
          {lead ? (
            <span className="font-medium text-slate-100">{lead.lead.name || 'Unnamed lead'}</span>
          ) : null}
          {slot ? <span className="tabular-nums"> · {displayPhone(slot.e164, slot.raw)}</span> : null}
          {call?.endReason ? <span> · ended: {call.endReason.toLowerCase().replace('_', ' ')}</span> : null}
          {talked !== null ? <span className="tabular-nums"> · talked {formatDuration(talked)}</span> : null}
        </>
      }
    >
      <DispositionOptions
        catalog={catalog}
        picked={dispo.code}
        onPick={(code) => c.dispo.pick(code)}
        name="disposition"
        legend="Disposition"
      />
      {callbacksEnabled ? (
        <div className="mt-3">
          <button
            type="button"
            aria-expanded={!!dispo.scheduling}
            aria-keyshortcuts="B"
            disabled={!canCallBack}
            onClick={() => c.dispo.toggleScheduling()}
            className="rounded-lg border border-sky-500/60 px-3 py-1.5 text-sm text-sky-100 hover:bg-slate-800 disabled:border-slate-700 disabled:text-slate-500"
          >
            Call back… <kbd className="ml-1 font-mono text-xs text-slate-400">B</kbd>
          </button>
          {dispo.code === 'DO_NOT_CALL' ? (
            <span className="ml-2 text-sm text-slate-400">A do-not-call lead is never called back.</span>
          ) : null}
          {dispo.scheduling && canCallBack && lead ? (
            <ScheduleStep window={lead.window} chosen={callbackAt} />
          ) : null}
        </div>
      ) : null}
      <label htmlFor="dispo-notes" className="mt-4 block text-sm font-medium text-slate-300">
        Notes <span className="font-normal text-slate-400">(optional · Shift+Enter for a new line)</span>
      </label>
      <textarea
        id="dispo-notes"
        value={dispo.notes}
        onChange={(e) => c.dispo.setNotes(e.target.value)}
        rows={2}
        maxLength={2000}
        className="mt-1 w-full resize-y rounded-lg border border-slate-600 bg-slate-950 px-3 py-2 text-base text-white placeholder:text-slate-500"
        placeholder="Anything the next caller should know"
      />
      {/* Sticky: with the callback step open the modal can outgrow a laptop screen; Confirm stays in view. */}
      <div className="sticky -bottom-5 -mx-5 -mb-5 mt-4 flex flex-wrap items-center justify-end gap-2 border-t border-slate-700 bg-slate-900 px-5 py-3">
        <p className="mr-auto text-sm text-slate-400" aria-live="polite">
          {selected ? `Selected: ${selected.label}` : 'Pick 1–6'}
          {selected && callbackAt && lead
            ? ` · callback ${leadLocal(callbackAt, lead.window.timeZone)}`
            : null}
        </p>
        <button
          type="button"
          onClick={() => c.dispo.hide()}
          className="rounded-lg border border-slate-600 px-4 py-2 text-slate-200 hover:bg-slate-800"
        >
          Later <kbd className="ml-1 font-mono text-xs text-slate-400">Esc</kbd>
        </button>
        <button
          type="button"
          disabled={!dispo.code}
          onClick={() => void c.dispo.confirm()}
          className="rounded-lg bg-emerald-500 px-5 py-2 font-semibold text-slate-950 hover:bg-emerald-400 disabled:cursor-not-allowed disabled:bg-slate-700 disabled:text-slate-400"
        >
          Confirm <kbd className="ml-1 font-mono text-xs">Enter</kbd>
        </button>
      </div>
    </DialogFrame>
  );
}
