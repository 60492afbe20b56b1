// "Nothing to dial": why (leads per blocking reason) and when something becomes dialable again.
import { useApp } from '../../app/context';
import { formatWhen } from '../../lib/format';
import { useNow } from '../../lib/useNow';

const REASON: Record<string, string> = {
  SIBLING_CORRECT: 'done (a number was correct)',
  MAX_ATTEMPTS: 'out of attempts',
  OUTSIDE_WINDOW: 'outside their calling hours',
  RETRY_PENDING: 'waiting for a retry delay',
  MANUAL_SKIP: 'skipped',
  DO_NOT_CALL: 'do not call',
  NO_OPEN_NUMBERS: 'no number left to try',
  UNKNOWN_TIMEZONE: 'of unknown time zone (not dialed)',
};

export function NothingPanel() {
  const nothing = useApp((s) => s.preview.nothing);
  const now = useNow(!!nothing, 60_000);
  if (!nothing) return null;
  // "Outside calling hours" only when the window is what blocks everything still open (no retry pending).
  const blocking = nothing.reasons.filter(
    (r) => r.leads > 0 && (r.reason === 'OUTSIDE_WINDOW' || r.reason === 'RETRY_PENDING'),
  );
  const outside = blocking.length > 0 && blocking.every((r) => r.reason === 'OUTSIDE_WINDOW');
  return (
    <section
      role="status"
      aria-label="Nothing to dial"
      className="rounded-xl border-2 border-slate-600 bg-slate-900 p-4"
    >
      <h2 className="text-xl font-bold text-white">
        {outside ? 'Outside calling hours' : 'Nothing left to dial right now'}
      </h2>
      <p className="mt-1 text-slate-300">
        {nothing.nextDialableAt
          ? `The next lead can be dialed ${formatWhen(nothing.nextDialableAt, now)}. Stay on Play and it is dialed then.`
          : 'Every lead is finished. Ask your team lead for more leads.'}
      </p>
      {nothing.reasons.length > 0 ? (
        <ul className="mt-2 flex flex-wrap gap-2 text-sm">
          {nothing.reasons.map((r) => (
            <li key={r.reason} className="rounded bg-slate-800 px-2 py-1 text-slate-200">
              <span className="font-semibold tabular-nums">{r.leads}</span> {REASON[r.reason] ?? r.reason}
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
