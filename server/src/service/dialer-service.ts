// createDialerService: the DialerService of ports.ts over a Store, the Sheets and Dialpad gateways and the
// AgentEventBus. Sessions and their state machine live here; picking/dialing is in dialing.ts, the call
// lifecycle and dispositions in call-events.ts. Every decision is made by src-shared pure functions and
// written by a Store transition that re-checks its preconditions atomically.
import { ApiError } from '../../../src-shared/contracts/errors.js';
import type { SessionSnapshot } from '../../../src-shared/contracts/http.js';
import type { NextStep, StatsResponse } from '../../../src-shared/contracts/views.js';
import { SESSION_TRANSITIONS, type SessionState } from '../../../src-shared/domain/session.js';
import type { AgentPrincipal, DialerService } from '../ports.js';
import { tabTag } from '../redis/keys.js';
import { scriptApiError } from '../redis/script-errors.js';
import type { SessionRecord } from '../store/types.js';
import { amendLastDisposition } from './amend.js';
import { chainAfter, dispose, onDialpadEvent, RouterCache, sweepTimeouts } from './call-events.js';
import { cancelCallback, dialCallback, listCallbacks } from './callbacks.js';
import { type DialerServiceDeps, ServiceContext } from './context.js';
import { currentStep, dialPreview, pickAndDial, proceed, skipPreview } from './dialing.js';
import { hangUp } from './hangup.js';
import { statsOf } from './stats.js';
import type { TabCache } from './tab-cache.js';
import { type TabRefreshReport, TabRefresher } from './tab-refresh.js';
import { callView, leadPreview, previewView, sessionView } from './views.js';

export type { DialerServiceDeps } from './context.js';
export type { TabRefreshReport } from './tab-refresh.js';

/** The service plus its lifecycle (the pub/sub subscription that keeps tab indexes fresh). */
export interface DialerServiceRuntime extends DialerService {
  /** Re-reads every tab with an active session served by this instance, once per tab, and merges it like
   *  resync (called periodically, every TAB_REFRESH_MS). Never throws; failures are logged and counted. */
  refreshTabs(now: number): Promise<TabRefreshReport>;
  /** The tab indexes this instance has loaded for active sessions (read-only use: the supervisor console's
   *  lead progress). */
  loadedTabs(): TabCache[];
  /** Resolves once every dial answered before Dialpad did has had Dialpad's answer handled (its events
   *  told, its lock released): graceful shutdown and tests. */
  settled(): Promise<void>;
  close(): Promise<void>;
}

const allowedFrom = (to: SessionState): SessionState[] =>
  (Object.keys(SESSION_TRANSITIONS) as SessionState[]).filter((from) =>
    SESSION_TRANSITIONS[from].includes(to),
  );

export function createDialerService(deps: DialerServiceDeps): DialerServiceRuntime {
  const ctx = new ServiceContext(deps);
  const router = new RouterCache(ctx);
  const refresher = new TabRefresher(ctx);
  const agentOf = (a: AgentPrincipal): AgentPrincipal => ({ email: a.email.trim().toLowerCase() });

  /** A preview id that is not the caller's pending one: 403 when another agent's session claimed it (the
   *  caller learns nothing else about it); otherwise the caller's own outcome follows (404, 409, idle). */
  async function refuseForeignPreview(agent: AgentPrincipal, previewId: string): Promise<void> {
    const where = await ctx.store.locatePreview(previewId);
    const owner = where ? await ctx.store.getSession(where.tag, where.sessionId) : null;
    if (owner && owner.agentEmail.toLowerCase() !== agent.email)
      throw new ApiError('FORBIDDEN', "that preview belongs to another agent's session");
  }

  /** The caller's session; a request naming a preview of someone else's session is 403 even without one. */
  async function sessionFor(agent: AgentPrincipal, previewId: string | undefined): Promise<SessionRecord> {
    const s = await ctx.store.activeSessionOf(agent.email);
    if (previewId !== undefined && s?.preview?.previewId !== previewId)
      await refuseForeignPreview(agent, previewId);
    if (!s) throw new ApiError('NO_ACTIVE_SESSION', 'no active session: start one first');
    return s;
  }

  const locked = <T>(s: SessionRecord, fn: (token: string) => Promise<T>) =>
    ctx.withLock(s.tag, s.id, ctx.ids(), fn);

  async function snapshot(s: SessionRecord, tab: TabCache, now: number): Promise<SessionSnapshot> {
    const call = s.callId ? await ctx.store.getCall(s.tag, s.callId) : null;
    const callLead = call ? tab.get(call.rowId)?.lead : undefined;
    const previewLead = s.preview ? tab.get(s.preview.rowId)?.lead : undefined;
    const st = await statsOf(ctx, s, s.agentEmail, tab, now, call);
    return {
      session: sessionView(s, tab, now),
      call: call ? callView(call) : null,
      preview:
        call && callLead
          ? leadPreview(callLead, call.numberIndex, tab.rules, now)
          : s.preview && previewLead
            ? leadPreview(previewLead, s.preview.numberIndex, tab.rules, now)
            : null,
      pendingPreview: s.preview && previewLead ? previewView(s.preview, previewLead, tab.rules, now) : null,
      stats: st.session ?? st.agent,
      wsSeq: await ctx.events.lastSeq(s),
    };
  }

  const service: DialerServiceRuntime = {
    async startSession(principal, now) {
      const agent = agentOf(principal);
      const entry = await ctx.sheets.findRouterEntry(agent.email);
      if (!entry) throw new ApiError('AGENT_NOT_IN_ROUTER', `${agent.email} is not in the router sheet`);
      if (!entry.active)
        throw new ApiError('AGENT_INACTIVE', `${agent.email} is not Active in the router sheet`);
      const existing = await ctx.store.activeSessionOf(agent.email);
      if (existing) {
        // Its tab is the agent's event home (a no-op unless a start failed between the two).
        await ctx.events.rehome(agent.email, existing.tag, now);
        return snapshot(existing, await ctx.tabFor(existing, now), now);
      }
      // Validates the tab (header errors name the column) before any session exists.
      const read = await ctx.sheets.readAgentTab(entry.spreadsheetId, entry.tabId);
      ctx.rulesFor(entry.campaignName);
      const { session } = await ctx.store.createSession(
        {
          id: ctx.ids(),
          agentEmail: agent.email,
          tag: tabTag(read.spreadsheetId, read.sheetId),
          spreadsheetId: read.spreadsheetId,
          sheetId: read.sheetId,
          tabTitle: read.tabTitle,
          campaignName: entry.campaignName,
          dialpadUserId: entry.dialpadUserId,
          startedAt: now,
        },
        now,
      );
      // The session's tab becomes the agent's event home before anything is published there.
      await ctx.events.rehome(agent.email, session.tag, now);
      const tab = await ctx.tabFor(session, now, read);
      ctx.log.info({ agent: agent.email, sessionId: session.id, leads: tab.index.size() }, 'session started');
      await ctx.publish(session, { type: 'SESSION_STATE', session: sessionView(session, tab, now) }, now);
      return snapshot(session, tab, now);
    },

    async setSessionState(principal, state, now) {
      const agent = agentOf(principal);
      const s = await ctx.requireSession(agent);
      const r =
        state === 'STOP'
          ? await ctx.store.endSession(s.tag, s.id, allowedFrom('STOP'), now)
          : await ctx.store.setSessionState(s.tag, s.id, state, allowedFrom(state), now);
      if (!r.ok) throw scriptApiError(r.failure);
      const tab = await ctx.tabFor(r.session, now);
      if (s.preview && state === 'STOP') tab.index.setClaimed(s.preview.rowId, false);
      await ctx.publish(r.session, { type: 'SESSION_STATE', session: sessionView(r.session, tab, now) }, now);
      let next: NextStep = { kind: 'idle', sessionState: r.session.state };
      if (state === 'PLAY') next = await chainAfter(ctx, s.tag, s.id, now);
      else if (state === 'PAUSE') next = (await currentStep(ctx, r.session, tab, now)) ?? next;
      const fresh = (await ctx.store.getSession(s.tag, s.id)) ?? r.session;
      return { session: sessionView(fresh, tab, now), next };
    },

    async currentSession(principal, now) {
      const s = await ctx.requireSession(agentOf(principal));
      return snapshot(s, await ctx.tabFor(s, now), now);
    },

    async resync(principal, now) {
      const s = await ctx.requireSession(agentOf(principal));
      const tab = await ctx.tabFor(s, now);
      return tab.load(now);
    },

    async next(principal, now) {
      const s = await ctx.requireSession(agentOf(principal));
      return locked(s, async (token) => {
        const fresh = await ctx.freshSession(s);
        return proceed(ctx, fresh, await ctx.tabFor(fresh, now), token, now, 'preview');
      });
    },

    async dial(principal, previewId, now) {
      const agent = agentOf(principal);
      const s = await sessionFor(agent, previewId);
      return locked(s, async (token) => {
        const fresh = await ctx.freshSession(s);
        if (fresh.callId) throw new ApiError('CALL_IN_PROGRESS', 'the session already has a call');
        if (fresh.state !== 'PLAY') return { kind: 'idle', sessionState: fresh.state } satisfies NextStep;
        const tab = await ctx.tabFor(fresh, now);
        if (previewId !== undefined && fresh.preview?.previewId !== previewId)
          throw new ApiError('NOT_FOUND', 'that preview is not the pending one');
        if (fresh.preview) return dialPreview(ctx, fresh, tab, token, now, fresh.preview);
        return pickAndDial(ctx, fresh, tab, token, now);
      });
    },

    async skip(principal, previewId, now) {
      const agent = agentOf(principal);
      const s = await sessionFor(agent, previewId);
      return locked(s, async (token) => {
        const fresh = await ctx.freshSession(s);
        if (!fresh.preview || fresh.preview.previewId !== previewId)
          throw new ApiError('NOT_FOUND', 'that preview is not the pending one');
        const tab = await ctx.tabFor(fresh, now);
        await skipPreview(ctx, fresh, tab, token, now, fresh.preview);
        const after = await ctx.freshSession(fresh);
        return proceed(ctx, after, tab, token, now, 'auto');
      });
    },

    dispose: (principal, input, now, idem) => dispose(ctx, agentOf(principal), input, now, idem),

    hangUp: (principal, callId, now) => hangUp(ctx, agentOf(principal), callId, now),

    amendDisposition: (principal, input, now) => amendLastDisposition(ctx, agentOf(principal), input, now),
    callbacks: (principal, now) => listCallbacks(ctx, agentOf(principal), now),
    dialCallback: (principal, rowId, now) => dialCallback(ctx, agentOf(principal), rowId, now),
    cancelCallback: (principal, rowId, now) => cancelCallback(ctx, agentOf(principal), rowId, now),

    async stats(principal, now): Promise<StatsResponse> {
      const agent = agentOf(principal);
      const s = await ctx.store.activeSessionOf(agent.email);
      const tab = s ? await ctx.tabFor(s, now) : null;
      // The live call counts (connect, talk time) before its disposition stores it.
      const live = s?.callId ? await ctx.store.getCall(s.tag, s.callId) : null;
      return statsOf(ctx, s, agent.email, tab, now, live);
    },

    onDialpadEvent: (event, now, claim = async () => true) => onDialpadEvent(ctx, router, event, now, claim),
    sweepTimeouts: (now) => sweepTimeouts(ctx, now),
    refreshTabs: (now) => refresher.refresh(now),
    loadedTabs: () => ctx.servedTabs().flatMap((t) => t.caches.filter((c) => c.loadedAt > 0)),
    settled: () => ctx.settled(),
    close: () => ctx.close(),
  };
  return service;
}
