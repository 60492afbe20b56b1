// Session and agent statistics: the counters the Store keeps, turned into StatsViews, and the live STATS
// event. The agent's screen shows the session's numbers (the agent's lifetime ones when no session is
// known), so STATS is published after everything that moves a counter: a dial (calls initiated), a connect
// or a call end (connects, talk time), a disposition (completed, breakdown, success rate) and a skip.
import type { StatsResponse } from '../../../src-shared/contracts/views.js';
import type { AgentEvent } from '../../../src-shared/contracts/ws.js';
import type { NewSession } from '../store/types.js';
import type { ServiceContext } from './context.js';
import type { TabCache } from './tab-cache.js';
import { statsView } from './views.js';

/** GET /stats: the session's counters (null without a session) and the agent's lifetime ones. */
export async function statsOf(
  ctx: ServiceContext,
  s: NewSession | null,
  agentEmail: string,
  tab: TabCache | null,
  now: number,
): Promise<StatsResponse> {
  const leads = tab ? tab.counts(now) : { remaining: 0, total: 0 };
  const [sessionCounters, agentCounters] = await Promise.all([
    s ? ctx.store.sessionStats(s.tag, s.id) : null,
    ctx.store.agentStats(agentEmail),
  ]);
  if (sessionCounters && s && sessionCounters.since === null) sessionCounters.since = s.startedAt;
  return {
    session: sessionCounters ? statsView(sessionCounters, leads, now) : null,
    agent: statsView(agentCounters, leads, now),
  };
}

/** The session's STATS event: its counters only (what the screen shows while a session exists), one read.
 *  Uses the tab only if this instance has it loaded (a webhook must not trigger a sheet read just to count
 *  leads). Null when the counters cannot be read: the state change it reports is saved, and a lost STATS
 *  is corrected by the next one (or GET /stats). */
export async function statsEvent(
  ctx: ServiceContext,
  s: NewSession,
  now: number,
): Promise<AgentEvent | null> {
  try {
    const tab = ctx.loadedTab(s.tag, s.campaignName);
    const leads = tab ? tab.counts(now) : { remaining: 0, total: 0 };
    const counters = await ctx.store.sessionStats(s.tag, s.id);
    if (counters.since === null) counters.since = s.startedAt;
    return { type: 'STATS', stats: statsView(counters, leads, now) };
  } catch (err) {
    ctx.log.warn({ err }, 'could not read the session stats');
    return null;
  }
}

/** Publishes the session's stats as a STATS event (never throws, see statsEvent). */
export async function publishStats(ctx: ServiceContext, s: NewSession, now: number): Promise<void> {
  const e = await statsEvent(ctx, s, now);
  if (e) await ctx.publish(s.agentEmail, e, now);
}
