// What every part of the DialerService shares: its dependencies, the clock and id source, the per-tab
// caches (one PolicyIndex per tab and campaign), and small helpers (session lookup, safe event publish).
import { randomUUID } from 'node:crypto';
import { ApiError } from '../../../src-shared/contracts/errors.js';
import type { AgentEvent } from '../../../src-shared/contracts/ws.js';
import type { CampaignRules } from '../../../src-shared/domain/campaign.js';
import type { Logger } from '../logger.js';
import type {
  AgentEventBus,
  AgentRef,
  AgentPrincipal,
  AgentTab,
  CampaignRulesLoader,
  DialpadGateway,
  SheetsGateway,
} from '../ports.js';
import type { TabSnapshotStore } from '../sheets/tab-snapshots.js';
import type { CallRecord, NewSession, SessionRecord, StatsCounters, Store } from '../store/types.js';
import { type FaultPoint, faultExit } from './fault-points.js';
import { LockHandoffs, withSessionLock } from './session-lock.js';
import { TabCache } from './tab-cache.js';

/** The agent an AgentRef names (lower case: deferred events are held per agent). */
const emailOf = (to: AgentRef): string => (typeof to === 'string' ? to : to.agentEmail).toLowerCase();

export interface DialerServiceDeps {
  store: Store;
  sheets: SheetsGateway;
  dialpad: DialpadGateway;
  events: AgentEventBus;
  rules: CampaignRulesLoader;
  clock?: () => number;
  ids?: () => string;
  logger: Logger;
  /** A tab's index is re-read from the sheet in the background when older than this. Default 5 min. */
  tabRefreshMs?: number;
  /** Each tab's last read in Redis: a cold cache answers from it, never waiting on Sheets. */
  tabSnapshots?: TabSnapshotStore;
  /** Per-session lock TTL. Default 5 s. */
  lockTtlMs?: number;
  /** How long a lead claim outlives the end of its call (time to choose a disposition). Default 30 min. */
  dispositionLeaseMs?: number;
  /** How long a preview claim outlives its countdown. Default 10 min. */
  previewLeaseMs?: number;
  /** Called once per call Dialpad accepted (the calls-initiated metric). */
  onCallStarted?: () => void;
  /** Called when a disposition was recorded on the call but not written to the lead (a metric): the row
   *  left the sheet, or a person re-marked the dialed number during the call. */
  onDispositionNotWritten?: (why: DispositionNotWritten) => void;
  /** How often the timeout sweep walks every tab that ever had sessions (calls this instance did not
   *  dial, or dialed before a restart); in between it looks only where a call it knows is due. Default
   *  60 s. */
  fullSweepEveryMs?: number;
  /** Crash tests only (TD_FAULT_EXIT_AT): the process kills itself at this point. */
  faultExitAt?: FaultPoint | null;
}

/** What never changes about a call once dialed: enough to run its transitions without reading it. */
export type CallIdentity = Pick<
  CallRecord,
  'callId' | 'tag' | 'sessionId' | 'rowId' | 'agentEmail' | 'numberIndex' | 'phoneE164'
>;

/** Live calls remembered per instance at most (the oldest are forgotten first; a miss only costs a read). */
const MAX_REMEMBERED_CALLS = 20_000;

/** Why a disposition was recorded without writing the lead. */
export type DispositionNotWritten = 'ROW_GONE' | 'NUMBER_CHANGED';

export class ServiceContext {
  readonly store: Store;
  readonly sheets: SheetsGateway;
  readonly dialpad: DialpadGateway;
  readonly events: AgentEventBus;
  readonly log: Logger;
  readonly clock: () => number;
  readonly ids: () => string;
  readonly tabRefreshMs: number;
  readonly lockTtlMs: number;
  readonly dispositionLeaseMs: number;
  readonly previewLeaseMs: number;
  readonly fullSweepEveryMs: number;
  readonly onCallStarted: () => void;
  readonly onDispositionNotWritten: (why: DispositionNotWritten) => void;
  readonly #rules: CampaignRulesLoader;
  readonly #faultExitAt: FaultPoint | null;
  readonly #snapshots: TabSnapshotStore | undefined;
  readonly #tabs = new Map<string, TabCache>();
  /** Sessions this instance has served, per tab tag: the periodic refresh re-reads only their tabs. */
  readonly #served = new Map<string, Set<string>>();
  #unsubscribe: Promise<() => Promise<void>> | null = null;
  /** The immutable part of sessions and calls this instance has seen: the hot path does not re-read whole
   *  hashes for fields that cannot change (tab, campaign, agent, row). Mutable state is checked by scripts. */
  readonly #sessionIds = new Map<string, NewSession>();
  readonly #callIds = new Map<string, CallIdentity>();
  /** The last record of each remembered call (see noteCall); forgotten with its identity. */
  readonly #callSeen = new Map<string, CallRecord>();
  /** Per live call: its session's counters as the dial left them. They do not move until the call's own
   *  disposition (one call at a time per session), so its webhooks' STATS need no read. */
  readonly #callStats = new Map<string, StatsCounters>();
  /** Per live call this instance knows: its tab and deadline, so the sweep looks only where one is due. */
  readonly #deadlines = new Map<string, { tag: string; at: number }>();
  /** Calls kept after an ambiguous Dialpad answer, each with its confirmation deadline (noteUnconfirmed). */
  readonly #unconfirmed = new Map<string, number>();
  /** Events held back per agent until its next publish (see `defer`). */
  readonly #deferred = new Map<string, AgentEvent[]>();
  /** Session locks handed from a request to its dial's Dialpad leg (dialing.ts placeCall). */
  readonly handoffs = new LockHandoffs();
  /** Work still running after its request was answered (Dialpad legs): close() waits for it. */
  readonly #inflight = new Set<Promise<void>>();

  constructor(deps: DialerServiceDeps) {
    this.store = deps.store;
    this.sheets = deps.sheets;
    this.dialpad = deps.dialpad;
    this.events = deps.events;
    this.log = deps.logger;
    this.#rules = deps.rules;
    this.#snapshots = deps.tabSnapshots;
    this.clock = deps.clock ?? Date.now;
    this.ids = deps.ids ?? randomUUID;
    this.tabRefreshMs = deps.tabRefreshMs ?? 5 * 60_000;
    this.lockTtlMs = deps.lockTtlMs ?? 5_000;
    this.dispositionLeaseMs = deps.dispositionLeaseMs ?? 30 * 60_000;
    this.previewLeaseMs = deps.previewLeaseMs ?? 10 * 60_000;
    this.fullSweepEveryMs = deps.fullSweepEveryMs ?? 60_000;
    this.onCallStarted = deps.onCallStarted ?? (() => {});
    this.onDispositionNotWritten = deps.onDispositionNotWritten ?? (() => {});
    this.#faultExitAt = deps.faultExitAt ?? null;
  }

  /** The crash-test hook (fault-points.ts): a no-op unless TD_FAULT_EXIT_AT names this point. */
  faultPoint(point: FaultPoint): void {
    faultExit(this.#faultExitAt, point);
  }

  /** Runs `fn` under the session's lock (session-lock.ts), which `fn` may hand off (`handoffs`). `held`:
   *  the caller's script took the lock with `token` already. */
  withLock<T>(
    tag: string,
    sessionId: string,
    token: string,
    fn: (token: string) => Promise<T>,
    held = false,
  ): Promise<T> {
    return withSessionLock(this.store, tag, sessionId, token, fn, {
      ttlMs: this.lockTtlMs,
      held,
      handoffs: this.handoffs,
    });
  }

  /** Runs `work` after the answer (never throws: it logs); close() waits for it. */
  background(what: string, work: () => Promise<void>): void {
    const p = work()
      .catch((err: unknown) => this.log.error({ err }, `${what} failed`))
      .finally(() => this.#inflight.delete(p));
    this.#inflight.add(p);
  }

  /** Resolves once no work started after an answer is still running (Dialpad legs). */
  async settled(): Promise<void> {
    while (this.#inflight.size > 0) await Promise.all([...this.#inflight]);
  }

  rulesFor(campaignName: string): CampaignRules {
    return this.#rules(campaignName);
  }

  async requireSession(agent: AgentPrincipal): Promise<SessionRecord> {
    const s = await this.store.activeSessionOf(agent.email);
    if (!s) throw new ApiError('NO_ACTIVE_SESSION', 'no active session: start one first');
    return this.noteSession(s);
  }

  async freshSession(s: Pick<SessionRecord, 'tag' | 'id'>): Promise<SessionRecord> {
    const fresh = await this.store.getSession(s.tag, s.id);
    if (!fresh) throw new ApiError('NO_ACTIVE_SESSION', 'the session is gone');
    return this.noteSession(fresh);
  }

  noteSession<S extends SessionRecord>(s: S): S {
    if (s.state === 'STOP') this.#sessionIds.delete(s.id);
    else if (!this.#sessionIds.has(s.id)) {
      const { state: _s, version: _v, endedAt: _e, callId: _c, preview: _p, ...identity } = s;
      this.#sessionIds.set(s.id, identity);
    }
    return s;
  }

  /** A session's immutable part, from memory or (once) from the store; null when it does not exist. */
  async sessionIdentity(tag: string, sessionId: string): Promise<NewSession | null> {
    const known = this.#sessionIds.get(sessionId);
    if (known) return known;
    const s = await this.store.getSession(tag, sessionId);
    return s ? this.noteSession(s) : null;
  }

  /** Remembers a call's identity; given the whole record (its dial, a step, a read), also the record, on
   *  which its next webhook decides without a read (callStep.lua checks it is still right). */
  noteCall(c: CallIdentity | CallRecord): void {
    if ('state' in c) this.#callSeen.set(c.callId, c);
    if (this.#callIds.has(c.callId)) return;
    if (this.#callIds.size >= MAX_REMEMBERED_CALLS) {
      const oldest = this.#callIds.keys().next().value;
      if (oldest !== undefined) this.forgetCall(oldest);
    }
    this.#callIds.set(c.callId, {
      callId: c.callId,
      tag: c.tag,
      sessionId: c.sessionId,
      rowId: c.rowId,
      agentEmail: c.agentEmail,
      numberIndex: c.numberIndex,
      phoneE164: c.phoneE164,
    });
  }

  knownCall(callId: string): CallIdentity | null {
    return this.#callIds.get(callId) ?? null;
  }

  /** The call's record as this instance last saw it (null: never, or forgotten). */
  seenCall(callId: string): CallRecord | null {
    return this.#callSeen.get(callId) ?? null;
  }

  forgetCall(callId: string): void {
    this.#callIds.delete(callId);
    this.#callSeen.delete(callId);
    this.#callStats.delete(callId);
    this.#deadlines.delete(callId);
  }

  /** Remembers (or moves) the deadline of a live call this instance knows; null forgets it (it ended). */
  noteDeadline(callId: string, tag: string, at: number | null): void {
    if (at === null) this.#deadlines.delete(callId);
    else if (this.#callIds.has(callId)) this.#deadlines.set(callId, { tag, at });
  }

  /** Tabs where a call this instance knows is past its deadline, each with those calls. */
  dueDeadlines(now: number): Map<string, string[]> {
    const out = new Map<string, string[]>();
    for (const [callId, d] of this.#deadlines) {
      if (d.at > now) continue;
      out.set(d.tag, [...(out.get(d.tag) ?? []), callId]);
    }
    return out;
  }

  /** Remembers a call kept after an ambiguous Dialpad answer (a 5xx, a timeout, a lost connection:
   *  docs/gateways.md) until its confirmation deadline `at`. A call Dialpad placed reports itself within
   *  seconds (its ringing webhook; Dialpad retries a failed delivery for ~15 s); one still DIALING at the
   *  deadline was most likely never placed, and the timeout sweep ends it into the modal then rather than at
   *  the campaign's call timeout. Memory only: after a crash the call timeout is the backstop. */
  noteUnconfirmed(callId: string, at: number): void {
    this.#unconfirmed.set(callId, at);
  }

  /** The ids of the kept calls whose confirmation deadline passed, forgotten as they are handed out. */
  takeDueUnconfirmed(now: number): string[] {
    const due: string[] = [];
    for (const [callId, at] of this.#unconfirmed) {
      if (at > now) continue;
      this.#unconfirmed.delete(callId);
      due.push(callId);
    }
    return due;
  }

  /** Remembers the session's counters right after `callId` was dialed (the dial script answers them). */
  noteCallStats(callId: string, counters: StatsCounters): void {
    if (this.#callIds.has(callId)) this.#callStats.set(callId, counters);
  }

  /** The session's counters as the dial of `callId` left them, if this instance dialed it. */
  callStats(callId: string): StatsCounters | null {
    return this.#callStats.get(callId) ?? null;
  }

  /** The loaded tab cache, if this instance has one (never triggers a sheet read). */
  loadedTab(tag: string, campaignName: string): TabCache | null {
    return this.#tabs.get(`${tag}|${campaignName}`) ?? null;
  }

  /** The session's tab, loaded on first use; a stale one is refreshed in the background. */
  /** `session.state` absent: a session known to be active (its identity from memory). */
  async tabFor(
    session: NewSession & { state?: SessionRecord['state'] },
    now: number,
    alreadyRead?: AgentTab,
  ): Promise<TabCache> {
    await this.#subscribe();
    const key = `${session.tag}|${session.campaignName}`;
    // A session that ended here stops being refreshed now, not at the refresh's next liveness check.
    if (session.state === 'STOP') this.forgetSession(session.tag, session.id);
    else this.#noteServed(session.tag, session.id);
    let tab = this.#tabs.get(key);
    if (!tab) {
      tab = new TabCache(
        { store: this.store, sheets: this.sheets, logger: this.log, snapshots: this.#snapshots },
        {
          tag: session.tag,
          spreadsheetId: session.spreadsheetId,
          sheetId: session.sheetId,
          tabTitle: session.tabTitle,
        },
        this.rulesFor(session.campaignName),
      );
      this.#tabs.set(key, tab);
    }
    if (tab.loadedAt === 0 || alreadyRead) await tab.load(now, alreadyRead);
    else tab.refreshIfStale(now, this.tabRefreshMs);
    return tab;
  }

  #noteServed(tag: string, sessionId: string): void {
    let ids = this.#served.get(tag);
    if (!ids) {
      ids = new Set();
      this.#served.set(tag, ids);
    }
    ids.add(sessionId);
  }

  /** Tabs this instance served a session on, each with its loaded caches (one per campaign). */
  servedTabs(): { tag: string; sessionIds: string[]; caches: TabCache[] }[] {
    // One pass over the caches (not one per served tab: 500 x 500 comparisons stalled the tab refresh).
    const byTag = new Map<string, TabCache[]>();
    for (const t of this.#tabs.values()) {
      const list = byTag.get(t.ref.tag);
      if (list) list.push(t);
      else byTag.set(t.ref.tag, [t]);
    }
    return [...this.#served].map(([tag, ids]) => ({
      tag,
      sessionIds: [...ids],
      caches: byTag.get(tag) ?? [],
    }));
  }

  /** A served session that ended (or vanished): its tab stops being refreshed once none is left. */
  forgetSession(tag: string, sessionId: string): void {
    const ids = this.#served.get(tag);
    ids?.delete(sessionId);
    if (ids?.size === 0) this.#served.delete(tag);
  }

  /** Another instance (or we) changed a lead: refresh it in every loaded cache of that tab. */
  #subscribe(): Promise<unknown> {
    if (!this.#unsubscribe) {
      this.#unsubscribe = this.store.onLeadChange((change) => {
        for (const [key, tab] of this.#tabs) {
          if (!key.startsWith(`${change.tag}|`) || tab.loadedAt === 0) continue;
          tab
            .refreshLead(change.rowId)
            .catch((err: unknown) => this.log.warn({ err }, 'lead refresh failed'));
        }
      });
    }
    return this.#unsubscribe;
  }

  /** Publishes to the agent's stream; a failure is logged, never fails the request (state is saved). */
  async publish(to: AgentRef, event: AgentEvent, now: number): Promise<void> {
    await this.publishAll(to, [event], now);
  }

  /** Several events of one step, in order, in one append (one script, one notice), after any deferred
   *  ones of that agent. Never throws. `to`: a session or call of the agent (its tab is the home, no
   *  lookup), or the email. */
  async publishAll(to: AgentRef, events: readonly AgentEvent[], now: number): Promise<void> {
    const held = this.#takeDeferred(to);
    const all = held ? [...held, ...events] : events;
    if (all.length === 0) return;
    try {
      await this.events.publishAll(to, all, now);
    } catch (err) {
      this.log.error({ err, types: all.map((e) => e.type) }, 'could not publish agent events');
    }
  }

  /** Holds `events` until this agent's next publish, so a disposition's CALL_STATE goes out in one append
   *  with the chained dial's events; the caller must `flushDeferred` when its request ends. */
  defer(to: AgentRef, events: readonly AgentEvent[]): void {
    const key = emailOf(to);
    this.#deferred.set(key, [...(this.#deferred.get(key) ?? []), ...events]);
  }

  /** Publishes what is still held for the agent and releases the session lock `lock` of `to`'s tab in the
   *  same script (AgentEventBus.publishAllUnlocking). Never throws: a lock not released expires (TTL). */
  async flushDeferredUnlocking(
    to: { readonly agentEmail: string; readonly tag: string },
    now: number,
    lock: { sessionId: string; token: string },
  ): Promise<void> {
    const held = this.#takeDeferred(to) ?? [];
    try {
      await this.events.publishAllUnlocking(to, held, now, { ...lock, ttlMs: this.lockTtlMs });
    } catch (err) {
      this.log.error({ err, types: held.map((e) => e.type) }, 'could not publish agent events (and unlock)');
    }
  }

  /** Something is held for the agent (`defer`) that no publish took yet. */
  hasDeferred(to: AgentRef): boolean {
    return (this.#deferred.get(emailOf(to))?.length ?? 0) > 0;
  }

  /** Publishes what is still held for the agent (nothing published it meanwhile). */
  flushDeferred(to: AgentRef, now: number): Promise<void> {
    return this.publishAll(to, [], now);
  }

  #takeDeferred(to: AgentRef): AgentEvent[] | undefined {
    const key = emailOf(to);
    const held = this.#deferred.get(key);
    if (held) this.#deferred.delete(key);
    return held;
  }

  async close(): Promise<void> {
    // Dialpad legs still running finish first (each releases its session lock and tells the agent).
    await this.settled();
    const off = this.#unsubscribe ? await this.#unsubscribe : null;
    this.#unsubscribe = null;
    if (off) await off();
    this.#tabs.clear();
    this.#served.clear();
    this.#sessionIds.clear();
    this.#callIds.clear();
    this.#callStats.clear();
    this.#callSeen.clear();
    this.#deadlines.clear();
  }
}
