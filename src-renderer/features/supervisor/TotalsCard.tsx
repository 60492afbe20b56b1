// Team or campaign figures: agents by state, calls, connects and contact rate, leads left and dialable now,
// why the rest cannot be dialed (by reason), and the dispositions-per-hour chart.
import { memo } from 'react';
import { AGENT_LIVE_STATES, type Totals } from '../../../src-shared/contracts/supervisor';
import { formatWhen } from '../../lib/format';
import { HourlyChart } from './HourlyChart';
import { percent, REASON_LABEL, STATE_LABEL } from './labels';
import type { StateCounts } from './reducers';

function Figure({ label, value }: { label: string; value: string }) {
  return (
    <div className="min-w-0 rounded-lg bg-slate-800/70 px-2.5 py-1">
      <dt className="truncate text-xs text-slate-400">{label}</dt>
      <dd className="truncate text-lg font-bold text-white tabular-nums">{value}</dd>
    </div>
  );
}

function TotalsCardView({
  title,
  totals,
  byState,
  now,
}: {
  title: string;
  totals: Totals;
  /** Agents per state counted from the table's rows (so the card and the table agree). */
  byState: StateCounts | undefined;
  now: number;
}) {
  const { leads } = totals;
  const counts = byState ?? totals.byState;
  const agents = byState ? AGENT_LIVE_STATES.reduce((n, s) => n + byState[s], 0) : totals.agents;
  const states = AGENT_LIVE_STATES.filter((s) => (counts[s] ?? 0) > 0);
  return (
    <section
      aria-label={title}
      className="flex min-w-80 flex-1 flex-col gap-2 rounded-xl border border-slate-800 bg-slate-900/60 p-3 [contain:content]"
    >
      <div>
        <h2 className="text-base font-semibold text-white">{title}</h2>
        <p className="text-sm text-slate-300">
          {agents} agent{agents === 1 ? '' : 's'}
          {states.length ? ': ' : ''}
          {states.map((s) => `${counts[s]} ${STATE_LABEL[s].toLowerCase()}`).join(' · ')}
        </p>
      </div>
      <dl className="grid grid-cols-3 gap-1.5">
        <Figure label="Calls" value={String(totals.calls)} />
        <Figure label="Connects" value={String(totals.connects)} />
        <Figure label="Contact rate" value={percent(totals.contactRate)} />
        <Figure label="Leads left" value={String(leads.leadsLeft)} />
        <Figure label="Dialable now" value={String(leads.dialableNow)} />
        <Figure label="In progress" value={String(leads.inProgress)} />
      </dl>
      {leads.notDialable.length > 0 ? (
        <p className="text-sm text-slate-300">
          <span className="text-slate-400">Not dialable now: </span>
          {leads.notDialable.map((r) => `${r.leads} ${REASON_LABEL[r.reason]}`).join(' · ')}
        </p>
      ) : null}
      {leads.dialableNow === 0 && leads.nextDialableAt ? (
        <p className="text-sm text-amber-200">Next lead dialable {formatWhen(leads.nextDialableAt, now)}.</p>
      ) : null}
      {leads.asOf === null ? (
        <p className="text-xs text-slate-500">Lead figures appear once an agent of it has started.</p>
      ) : null}
      <HourlyChart buckets={totals.perHour} title="Dispositions per hour" />
    </section>
  );
}

export const TotalsCard = memo(TotalsCardView);
