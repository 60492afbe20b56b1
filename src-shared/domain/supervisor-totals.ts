// Team and campaign totals of the supervisor console, summed from agent rows, lead progress and the hourly
// disposition counts (pure). Hours are UTC hours; the day starts at UTC midnight.
import {
  AGENT_LIVE_STATES,
  type AgentLiveState,
  type DispositionCounts,
  emptyDispositionCounts,
  type HourBucket,
  type LeadProgress,
  type NotDialableReason,
  type SupervisorAgentRow,
  type Totals,
} from '../contracts/supervisor.js';
import { DISPOSITION_CODES } from './disposition.js';

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;

export const hourStart = (t: number): number => Math.floor(t / HOUR_MS) * HOUR_MS;
export const dayStart = (t: number): number => Math.floor(t / DAY_MS) * DAY_MS;

export function addCounts(a: DispositionCounts, b: DispositionCounts): DispositionCounts {
  const out = emptyDispositionCounts();
  for (const c of DISPOSITION_CODES) out[c] = (a[c] ?? 0) + (b[c] ?? 0);
  return out;
}

export function emptyLeadProgress(): LeadProgress {
  return {
    leadsTotal: 0,
    leadsLeft: 0,
    dialableNow: 0,
    inProgress: 0,
    notDialable: [],
    nextDialableAt: null,
    asOf: null,
  };
}

/** Sums lead progress of several tabs (reasons merged, earliest next-dialable, oldest asOf). */
export function sumLeadProgress(list: readonly LeadProgress[]): LeadProgress {
  const out = emptyLeadProgress();
  const reasons = new Map<NotDialableReason, number>();
  for (const p of list) {
    out.leadsTotal += p.leadsTotal;
    out.leadsLeft += p.leadsLeft;
    out.dialableNow += p.dialableNow;
    out.inProgress += p.inProgress;
    for (const r of p.notDialable) reasons.set(r.reason, (reasons.get(r.reason) ?? 0) + r.leads);
    if (p.nextDialableAt !== null)
      out.nextDialableAt =
        out.nextDialableAt === null ? p.nextDialableAt : Math.min(out.nextDialableAt, p.nextDialableAt);
    if (p.asOf !== null) out.asOf = out.asOf === null ? p.asOf : Math.min(out.asOf, p.asOf);
  }
  out.notDialable = [...reasons]
    .filter(([, leads]) => leads > 0)
    .map(([reason, leads]) => ({ reason, leads }));
  return out;
}

/** One bucket per hour from the day's start to the hour of `now`, zeros where nothing was disposed. */
export function hourSeries(counts: ReadonlyMap<number, DispositionCounts>, now: number): HourBucket[] {
  const out: HourBucket[] = [];
  for (let h = dayStart(now); h <= hourStart(now); h += HOUR_MS) {
    const c = counts.get(h);
    out.push({ startAt: h, dispositions: c ? { ...c } : emptyDispositionCounts() });
  }
  return out;
}

/** What totals need of an agent (an agent row, or the server's live record). */
export type TotalsInput = Pick<
  SupervisorAgentRow,
  'state' | 'calls' | 'connects' | 'completed' | 'dispositions'
>;

/** The totals of a set of agents (one campaign's), with their tabs' lead progress and hourly series. */
export function totalsOf(rows: readonly TotalsInput[], leads: LeadProgress, perHour: HourBucket[]): Totals {
  let calls = 0;
  let connects = 0;
  let completed = 0;
  const dispositions = emptyDispositionCounts();
  const byState = {} as Record<AgentLiveState, number>;
  for (const s of AGENT_LIVE_STATES) byState[s] = 0;
  for (const r of rows) {
    calls += r.calls;
    connects += r.connects;
    completed += r.completed;
    byState[r.state] += 1;
    for (const c of DISPOSITION_CODES) dispositions[c] += r.dispositions[c] ?? 0;
  }
  return {
    agents: rows.length,
    byState,
    calls,
    connects,
    completed,
    contactRate: calls > 0 ? Math.min(1, connects / calls) : null,
    dispositions,
    leads,
    perHour,
  };
}

/** The team: the sum of its campaigns' totals (hour buckets added by start). */
export function sumTotals(list: readonly Totals[]): Totals {
  const byState = {} as Record<AgentLiveState, number>;
  for (const s of AGENT_LIVE_STATES) byState[s] = 0;
  let dispositions = emptyDispositionCounts();
  const hours = new Map<number, DispositionCounts>();
  let agents = 0;
  let calls = 0;
  let connects = 0;
  let completed = 0;
  for (const t of list) {
    agents += t.agents;
    calls += t.calls;
    connects += t.connects;
    completed += t.completed;
    for (const s of AGENT_LIVE_STATES) byState[s] += t.byState[s];
    dispositions = addCounts(dispositions, t.dispositions);
    for (const b of t.perHour)
      hours.set(b.startAt, addCounts(hours.get(b.startAt) ?? emptyDispositionCounts(), b.dispositions));
  }
  return {
    agents,
    byState,
    calls,
    connects,
    completed,
    contactRate: calls > 0 ? Math.min(1, connects / calls) : null,
    dispositions,
    leads: sumLeadProgress(list.map((t) => t.leads)),
    perHour: [...hours].sort(([a], [b]) => a - b).map(([startAt, d]) => ({ startAt, dispositions: d })),
  };
}
