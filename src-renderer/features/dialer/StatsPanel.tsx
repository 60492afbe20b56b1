// Live session statistics (from STATS events): calls dialed (the live one included), connects, success,
// dials per hour (once the session ran 10 min), talk time (the live call included), leads left, and the
// disposition breakdown chart.
import type { DispositionDef } from '../../../src-shared/domain/disposition';
import { DEFAULT_DISPOSITIONS } from '../../../src-shared/domain/disposition';
import { useApp } from '../../app/context';
import { formatTalkTime } from '../../lib/format';
import { useNow } from '../../lib/useNow';
import { RATE_AFTER_MS, shownStats } from '../../store/stats-display';
import { DispositionChart } from './DispositionChart';

function Stat({
  label,
  value,
  testId,
  hint,
}: {
  label: string;
  value: string;
  testId?: string;
  /** Why a dash is shown (e.g. "after 10 min"). */
  hint?: string;
}) {
  return (
    <div className="rounded-lg bg-slate-800/70 px-3 py-2">
      <dt className="text-xs text-slate-400 uppercase">{label}</dt>
      <dd className="text-2xl font-bold whitespace-nowrap text-white tabular-nums" data-testid={testId}>
        {value}
        {hint ? <span className="ml-1 text-xs font-normal text-slate-400">{hint}</span> : null}
      </dd>
    </div>
  );
}

export function StatsPanel() {
  const stats = useApp((s) => s.stats.stats);
  const call = useApp((s) => s.call.call);
  const startedAt = useApp((s) => s.session.session?.startedAt ?? null);
  // Ticks while a call is connected (talk time runs) and until the hourly rate appears.
  const now = useNow(call?.state === 'CONNECTED' || startedAt !== null, 1000);
  const catalog = useApp((s) => s.session.session?.catalog) ?? (DEFAULT_DISPOSITIONS as DispositionDef[]);
  const shown = stats ? shownStats(stats, call, startedAt, now) : null;
  return (
    <section aria-labelledby="stats-h" className="rounded-xl border border-slate-800 bg-slate-900/60 p-4">
      <h2 id="stats-h" className="text-sm font-semibold tracking-wider text-slate-400 uppercase">
        This session
      </h2>
      {shown && stats ? (
        <>
          <dl className="mt-2 grid grid-cols-3 gap-2">
            <Stat label="Calls" value={String(stats.callsInitiated)} testId="stat-calls" />
            <Stat label="Connects" value={String(stats.connects)} />
            <Stat
              label="Success"
              value={stats.callsCompleted > 0 ? `${Math.round(stats.successRate * 100)}%` : '—'}
            />
            <Stat
              label="Dials / hour"
              value={shown.dialsPerHour === null ? '—' : shown.dialsPerHour.toFixed(0)}
              testId="stat-dials-per-hour"
              {...(shown.dialsPerHour === null ? { hint: `after ${RATE_AFTER_MS / 60_000} min` } : {})}
            />
            <Stat label="Talk time" value={formatTalkTime(shown.talkSeconds)} testId="stat-talk-time" />
            <Stat label="Leads left" value={`${stats.leadsRemaining}/${stats.leadsTotal}`} />
          </dl>
          <div className="mt-3">
            <DispositionChart stats={stats} catalog={catalog} />
          </div>
        </>
      ) : (
        <p className="mt-2 text-slate-400">No calls yet.</p>
      )}
    </section>
  );
}
