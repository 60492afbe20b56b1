// Session and agent statistics: the counters the Store keeps, turned into StatsViews, and the live STATS
// event. The agent's screen shows the session's numbers (the agent's lifetime ones when no session is
// known), so STATS is published after everything that moves a number: a dial (calls initiated), a connect
// or a call end (connects, talk time), a disposition (completed, breakdown, success rate) and a skip.
// The stored counters take a call whole at its disposition (callDispose); until then the live call's
// connect and talk time are added here (`withLiveCall`), so the screen moves at the connect and the end.
import type { StatsResponse } from '../../../src-shared/contracts/views.js';
import type { AgentEvent } from '../../../src-shared/contracts/ws.js';
import type { CallRecord, NewSession, StatsCounters } from '../store/types.js';
import type { ServiceContext } from './context.js';
import type { TabCache } from './tab-cache.js';
import { statsView } from './views.js';

/** The session's live call counted in (a connect, its talk time once it ended) until its disposition
 *  stores it; a disposed call is in the counters already. */
export function withLiveCall(c: StatsCounters, live: CallRecord | null | undefined): StatsCounters {
  if (!live || live.state === 'DISPOSED' || live.connectedAt === null) return c;
  const talkMs = live.endedAt !== null ? Math.max(0, live.endedAt - live.connectedAt) : 0;
  return { ...c, connects: c.connects + 1, talkMs: c.talkMs + talkMs };
}

/** GET /stats: the session's counters (null without a session) and the agent's lifetime ones; `live` is
 *  the session's current call, if any. */
export async function statsOf(
  ctx: ServiceContext,
  s: NewSession | null,
  agentEmail: string,
  tab: TabCache | null,
  now: number,
  live?: CallRecord | null,
): Promise<StatsResponse> {
  const leads = tab ? tab.counts() : { remaining: 0, total: 0 };
  const [stored, agentCounters] = await Promise.all([
    s ? ctx.store.sessionStats(s.tag, s.id) : null,
    ctx.store.agentStats(agentEmail, s ? [s.tag] : []),
  ]);
  const sessionCounters = stored ? withLiveCall(stored, live) : null;
  if (sessionCounters && s && sessionCounters.since === null) sessionCounters.since = s.startedAt;
  return {
    session: sessionCounters ? statsView(sessionCounters, leads, now) : null,
    agent: statsView(withLiveCall(agentCounters, live), leads, now),
  };
}

/** The session's STATS event: its counters only (what the screen shows while a session exists). `known`:
 *  the counters a transition script just answered (no read), and the live call to count in. Uses the tab
 *  only if this instance has it loaded (a webhook must not trigger a sheet read just to count leads). Null
 *  when the counters cannot be read: the state change it reports is saved, and a lost STATS is corrected
 *  by the next one (or GET /stats). */
export async function statsEvent(
  ctx: ServiceContext,
  s: NewSession,
  now: number,
  known: { counters?: StatsCounters | null; live?: CallRecord | null } = {},
): Promise<AgentEvent | null> {
  try {
    const tab = ctx.loadedTab(s.tag, s.campaignName);
    const leads = tab ? tab.counts() : { remaining: 0, total: 0 };
    const stored = known.counters ?? (await ctx.store.sessionStats(s.tag, s.id));
    const counters = withLiveCall(stored, known.live);
    if (counters.since === null) counters.since = s.startedAt;
    return { type: 'STATS', stats: statsView(counters, leads, now) };
  } catch (err) {
    ctx.log.warn({ err }, 'could not read the session stats');
    return null;
  }
}

/** Publishes the session's stats as a STATS event (never throws, see statsEvent). */
export async function publishStats(
  ctx: ServiceContext,
  s: NewSession,
  now: number,
  counters?: StatsCounters | null,
): Promise<void> {
  const e = await statsEvent(ctx, s, now, { counters });
  if (e) await ctx.publish(s, e, now);
}
