// Live session statistics (from STATS events): calls dialed (the live one included), connects, success, dials per hour, talk time, leads
// left, and the disposition breakdown chart.
import type { DispositionDef } from '../../../src-shared/domain/disposition';
import { DEFAULT_DISPOSITIONS } from '../../../src-shared/domain/disposition';
import { useApp } from '../../app/context';
import { formatTalkTime } from '../../lib/format';
import { DispositionChart } from './DispositionChart';

function Stat({ label, value, testId }: { label: string; value: string; testId?: string }) {
  return (
    <div className="rounded-lg bg-slate-800/70 px-3 py-2">
      <dt className="text-xs text-slate-400 uppercase">{label}</dt>
      <dd className="text-2xl font-bold whitespace-nowrap text-white tabular-nums" data-testid={testId}>
        {value}
      </dd>
    </div>
  );
}

export function StatsPanel() {
  const stats = useApp((s) => s.stats.stats);
  const catalog = useApp((s) => s.session.session?.catalog) ?? (DEFAULT_DISPOSITIONS as DispositionDef[]);
  return (
    <section aria-labelledby="stats-h" className="rounded-xl border border-slate-800 bg-slate-900/60 p-4">
      <h2 id="stats-h" className="text-sm font-semibold tracking-wider text-slate-400 uppercase">
        This session
      </h2>
      {stats ? (
        <>
          <dl className="mt-2 grid grid-cols-3 gap-2">
            <Stat label="Calls" value={String(stats.callsInitiated)} testId="stat-calls" />
            <Stat label="Connects" value={String(stats.connects)} />
            <Stat
              label="Success"
              value={stats.callsCompleted > 0 ? `${Math.round(stats.successRate * 100)}%` : '—'}
            />
            <Stat label="Dials / hour" value={stats.dialsPerHour.toFixed(0)} />
            <Stat label="Talk time" value={formatTalkTime(stats.talkTimeSeconds)} />
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
