// One line saying which calling window applies to the number on screen and whether it is open: "Local
// time 14:05 PST · window Mon–Fri 08:00–21:00, Sat, Sun 09:00–20:00 · open". A number whose area code
// spans zones lists every zone's clock (it is dialed only while all are inside); stricter region rules, a
// holiday, and when a closed window opens are named too. Self-contained: give it the preview's window.
import type { CallingWindowView } from '../../../src-shared/contracts/views';
import { formatWhen } from '../../lib/format';
import { displayPhone } from '../../lib/phone';

const SOURCE: Record<CallingWindowView['source'], string> = {
  SHEET: 'from the TimeZone column',
  PHONE: 'from the number',
  CAMPAIGN: "campaign's zone",
};

export function CallingWindowLine({
  window: w,
  callerId,
  now = Date.now(),
}: {
  window: CallingWindowView;
  /** The caller ID the call goes out with (local presence), when the campaign has them. */
  callerId?: string | null;
  now?: number;
}) {
  const clocks = w.zones.map((z) => `${z.localTime} ${z.abbreviation}`).join(' / ');
  const state = w.hours === null ? 'no calling hours' : w.inWindow ? 'open' : 'closed';
  return (
    <p
      role="note"
      aria-label="Calling window"
      data-testid="calling-window-line"
      className="mt-2 flex flex-wrap items-baseline gap-x-2 text-sm text-slate-300"
    >
      <span>
        Local time <span className="font-semibold text-white tabular-nums">{clocks}</span>
        <span className="text-slate-500">
          {' '}
          ({w.region ? `${w.region}, ` : ''}
          {SOURCE[w.source]})
        </span>
      </span>
      {w.hours !== null ? <span>· window {w.hours}</span> : null}
      {w.rules.map((r) => (
        <span key={r}>· {r}</span>
      ))}
      {w.holiday ? <span className="text-rose-300">· holiday</span> : null}
      <span className={`font-semibold ${w.inWindow ? 'text-emerald-300' : 'text-rose-300'}`}>· {state}</span>
      {!w.inWindow && w.nextOpenAt !== null ? (
        <span className="text-slate-400">(opens {formatWhen(w.nextOpenAt, now)})</span>
      ) : null}
      {w.zones.length > 1 ? (
        <span className="text-slate-400">· dialed only while open in all {w.zones.length} zones</span>
      ) : null}
      {callerId ? (
        <span>
          · calling from <span className="font-mono text-white">{displayPhone(callerId, callerId)}</span>
        </span>
      ) : null}
    </p>
  );
}
