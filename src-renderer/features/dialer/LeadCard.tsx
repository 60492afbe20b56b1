// The lead preview: name, every number with its status chip (the one being dialed highlighted), attempt
// count, last outcome and the lead's calling-window state; the row's own columns by header name (company,
// address, custom fields); the sheet's notes and, during the call, the agent's note for it.
import type { LeadExtra } from '../../../src-shared/domain/lead';
import { useApp, useController } from '../../app/context';
import { formatWhen } from '../../lib/format';
import { displayPhone, usePhoneFormat } from '../../lib/phone';
import { CallbackNote } from '../callbacks/CallbackNote';
import { CallingWindowLine } from './CallingWindowLine';
import { StatusChip } from './StatusChip';

const REASON: Record<string, string> = {
  SIBLING_CORRECT: 'another number was correct',
  MAX_ATTEMPTS: 'max attempts reached',
  OUTSIDE_WINDOW: 'outside calling hours',
  RETRY_PENDING: 'waiting for retry',
  MANUAL_SKIP: 'skipped by agent',
  DO_NOT_CALL: 'do not call',
};

export function LeadCard() {
  usePhoneFormat();
  const lead = useApp((s) => s.preview.lead);
  const call = useApp((s) => s.call.call);
  // No lead: the call panel (or the preview / nothing panel) already says what to do; an empty card would
  // only repeat it.
  if (!lead) return null;
  const l = lead.lead;
  const onCall = !!call && call.leadRowId === l.rowId;
  const dialing = onCall ? call.numberIndex : lead.numberIndex;
  const numbers = l.numbers.filter((n) => n.raw.trim() !== '' || n.e164);
  const w = lead.window;
  return (
    <section aria-labelledby="lead-h" className="rounded-xl border border-slate-800 bg-slate-900/60 p-4">
      <div className="flex flex-wrap items-baseline justify-between gap-x-4 gap-y-1">
        <h2 id="lead-h" className="text-2xl font-semibold text-white" data-testid="lead-name">
          {l.name || 'Unnamed lead'}
        </h2>
        <span className="text-sm text-slate-400">
          row {l.rowNumber} · id {l.rowId}
        </span>
      </div>
      <dl className="mt-2 grid grid-cols-2 gap-x-4 gap-y-1 text-sm">
        <div>
          <dt className="text-slate-400">Attempts</dt>
          <dd className="font-semibold text-white tabular-nums">{l.attemptCount}</dd>
        </div>
        <div>
          <dt className="text-slate-400">Last outcome</dt>
          <dd className="font-semibold text-white">{l.lastOutcome || '—'}</dd>
        </div>
      </dl>
      <CallingWindowLine window={w} callerId={onCall ? call.callerId : null} />
      <CallbackNote lead={l} zone={w.timeZone} />
      <ul
        aria-label="Phone numbers"
        className="mt-3 divide-y divide-slate-800 rounded-lg border border-slate-800"
      >
        {numbers.map((n) => {
          const active = n.index === dialing;
          return (
            <li
              key={n.index}
              aria-current={active ? 'true' : undefined}
              className={`flex items-center gap-3 px-3 py-1.5 ${active ? 'bg-amber-400/10 outline-2 -outline-offset-2 outline-amber-400' : ''}`}
            >
              <span className="w-6 text-right text-xs text-slate-500 tabular-nums">{n.index + 1}</span>
              <span
                className={`font-mono whitespace-nowrap tabular-nums ${active ? 'text-lg font-semibold text-white' : 'text-slate-200'}`}
              >
                {displayPhone(n.e164, n.raw)}
              </span>
              {active ? (
                <span className="hidden text-xs font-semibold whitespace-nowrap text-amber-300 uppercase sm:inline">
                  {onCall ? 'this call' : 'next up'}
                </span>
              ) : null}
              <span className="ml-auto flex items-center gap-2">
                {n.retryAt && n.status !== 'CORRECT' ? (
                  <span className="text-xs whitespace-nowrap text-slate-400">
                    retry {formatWhen(n.retryAt, Date.now())}
                  </span>
                ) : null}
                {n.skipReason ? (
                  <span className="hidden text-xs text-slate-400 sm:inline">{REASON[n.skipReason]}</span>
                ) : null}
                <StatusChip status={n.status} />
              </span>
            </li>
          );
        })}
      </ul>
      <LeadDetails extra={l.extra ?? []} />
      <div className="mt-3 grid gap-3 md:grid-cols-2">
        <div className="min-w-0">
          <h3 className="text-xs font-semibold tracking-wider text-slate-400 uppercase">
            Notes in the sheet
          </h3>
          <p className="mt-1 max-h-40 overflow-y-auto text-sm whitespace-pre-wrap text-slate-200">
            {l.notes || '—'}
          </p>
        </div>
        {onCall ? <CallNotesEditor callId={call.callId} /> : null}
      </div>
    </section>
  );
}

/** The row's own columns (company, address, custom fields) by their header names. */
function LeadDetails({ extra }: { extra: readonly LeadExtra[] }) {
  if (extra.length === 0) return null;
  return (
    <dl
      aria-label="Lead details"
      className="mt-3 grid grid-cols-1 gap-x-4 gap-y-1 rounded-lg border border-slate-800 px-3 py-2 text-sm sm:grid-cols-2 xl:grid-cols-3"
    >
      {extra.map((x) => (
        <div key={x.header} className="min-w-0">
          <dt className="text-slate-400">{x.header}</dt>
          <dd className="font-medium break-words text-white">{x.value}</dd>
        </div>
      ))}
    </dl>
  );
}

/** The agent's note for this call, typed while it runs; it goes out with the disposition (the modal shows
 *  and edits the same text) and the coordinator appends it to the sheet's Notes with a timestamp. */
function CallNotesEditor({ callId }: { callId: string }) {
  const c = useController();
  const text = useApp((s) =>
    s.ui.dispo?.callId === callId
      ? s.ui.dispo.notes
      : s.ui.callNotes?.callId === callId
        ? s.ui.callNotes.text
        : '',
  );
  return (
    <div className="min-w-0">
      <label htmlFor="call-notes" className="text-xs font-semibold tracking-wider text-slate-400 uppercase">
        Your note for this call
      </label>
      <textarea
        id="call-notes"
        value={text}
        onChange={(e) => c.call.setNotes(e.target.value)}
        rows={3}
        maxLength={2000}
        className="mt-1 w-full resize-y rounded-lg border border-slate-600 bg-slate-950 px-3 py-2 text-sm text-white placeholder:text-slate-500"
        placeholder="Saved with the disposition, added to the sheet's notes"
      />
    </div>
  );
}
