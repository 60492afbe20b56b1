// The Store on Redis: every transition with a precondition is one Lua script (server/src/redis/scripts/,
// loaded under versioned names by redis/scripts.ts); plain reads are plain commands. Keys come from
// redis/keys.ts: everything a script touches shares the tab's hash tag, so it runs in one Cluster slot.
// The few cross-slot steps (agent pointer, call locator, tabs sets, agent stats) are ordered so that a
// crash between them leaves only harmless leftovers (an orphan record nobody points at).
import { z } from 'zod';
import type { SessionState } from '../../../src-shared/domain/session.js';
import { noticeLeads } from '../events/notice-text.js';
import { listenToChannel, pairsToHash, type RedisClient } from '../redis/client.js';
import { callInSession } from './call-record.js';
import {
  agentPointerValue,
  CALL_TIMEOUT_BAND,
  CALL_TIMEOUT_MEMBER_PREFIX,
  callTimeoutScore,
  keys,
  parseAgentPointer,
  tabCode,
  tabCodeOfCallId,
} from '../redis/keys.js';
import { loadScripts, type ScriptSet } from '../redis/scripts.js';
import { entryPatchValues } from '../queue/queue-entry.js';
import { claimPrefix, expireFinished, intOutcome, RedisTransitions } from './redis-transitions.js';
import {
  addStats,
  claimOwner,
  emptyStats,
  leadFromHash,
  sessionFromHash,
  sessionToHash,
  statsFromHash,
} from './codec.js';
import type {
  LeadChange,
  LeadOverlay,
  LeadWrite,
  NewSession,
  Outcome,
  SessionRecord,
  StatsCounters,
  Store,
} from './types.js';

const QueuedPatchCellsSchema = z.object({
  rowId: z.string(),
  values: z.array(z.object({ col: z.number().int() })),
});

/** Adds the written columns of one queue entry's patches to `out` (a malformed entry is the flusher's
 *  problem; an entry holds one patch or a step's several: queue/queue-entry.ts). */
function collectUnflushed(out: Map<string, Set<number>>, fields: Record<string, string>): void {
  for (const value of entryPatchValues(fields) ?? []) {
    const parsed = QueuedPatchCellsSchema.safeParse(value);
    if (!parsed.success) continue;
    const cols = out.get(parsed.data.rowId) ?? new Set<number>();
    for (const v of parsed.data.values) cols.add(v.col);
    out.set(parsed.data.rowId, cols);
  }
}

/** A lead-change notice: one lead, or (`rowIds`) every lead one step changed (a disposition and its
 *  chained dial: includes/dialerLead.lua leadsChanged). */
const LeadChangeSchema = z.object({
  tag: z.string(),
  rowId: z.string(),
  rowIds: z.array(z.string()).optional(),
});
/** Prefix of the session's counters in its hash (includes/countersAdd.lua). */
const SESSION_COUNTERS = 'n:';
/** HMGET session id callId of a due timeouts member (dueCalls); an error reads as no session. */
const DueMemberSchema = z.tuple([z.string().nullable(), z.string().nullable()]).catch([null, null]);
/** An HGETALL reply inside a MULTI (ioredis types it unknown). */
const HashReplySchema = z.record(z.string(), z.string());
const pointerValue = agentPointerValue;
/** The upper bound (exclusive) of the lead index's lead band: the call deadlines' band starts there. */
const LEADS_BELOW = `(${CALL_TIMEOUT_BAND}`;
const parsePointer = parseAgentPointer;

export interface RedisStoreOptions {
  redis: RedisClient;
  /** Connection for SUBSCRIBE (a subscribed client cannot run commands). Default: redis.duplicate(). */
  subscriber?: RedisClient;
}

/** Sessions, leads, calls and stats on Redis; the lead and call transitions are inherited from
 *  RedisTransitions (one class per concern, no forwarding layer). */
export class RedisStore extends RedisTransitions implements Store {
  readonly #redis: RedisClient;
  readonly #scripts: ScriptSet;
  readonly #subscriber: RedisClient | undefined;
  readonly #listeners = new Set<(c: LeadChange) => void>();
  /** The lead-change subscription (its stop function) once a listener asked for it. */
  #subscribed: Promise<() => void> | null = null;
  /** Tab code (keys.tabCode) → tab tag, for locateCall. */
  readonly #tabCodes = new Map<string, string>();
  /** Tabs whose timeouts ZSET of the layout before this instance found empty (dueCalls). */
  readonly #timeoutsMoved = new Set<string>();
  /** Reads of keys.dialerTabs started so far, the one in flight, and the one waiting for it (#tabsReadAfter). */
  #tabReadsStarted = 0;
  #tabRead: { n: number; done: Promise<void> } | null = null;
  #tabReadQueued: Promise<void> | null = null;

  constructor(opts: RedisStoreOptions) {
    const scripts = loadScripts(opts.redis);
    super(opts.redis, scripts);
    this.#redis = opts.redis;
    this.#scripts = scripts;
    this.#subscriber = opts.subscriber;
  }

  // ------------------------------------------------------------------------------------------- sessions

  async createSession(
    input: NewSession,
    _now: number,
  ): Promise<{ created: boolean; session: SessionRecord }> {
    const session: SessionRecord = {
      ...input,
      state: 'PAUSE',
      version: 1,
      endedAt: null,
      callId: null,
      preview: null,
    };
    const sKey = keys.session(input.tag, input.id);
    // 1. the session record (tab slot): an orphan if we crash before step 2, never referenced.
    await this.#redis.hset(sKey, sessionToHash(session));
    await Promise.all([
      this.#redis.sadd(keys.dialerTabs(), input.tag),
      // Where the agent's counters are (keys.agentTabStats): read by agentStats.
      this.#redis.sadd(keys.agentTabs(input.agentEmail), input.tag),
    ]);
    // 2. the agent pointer (agent slot), set only if no live session holds it.
    const mine = pointerValue(input.tag, input.id);
    let replaceable = '';
    for (let attempt = 0; attempt < 5; attempt++) {
      const r = await this.#scripts.run(
        'agentPointerSet',
        [keys.agent(input.agentEmail)],
        [mine, replaceable],
      );
      if (Number(r) === 1) return { created: true, session };
      const holder = String(r);
      const p = parsePointer(holder);
      const existing = p ? await this.getSession(p.tag, p.sessionId) : null;
      if (existing && existing.state !== 'STOP') {
        await this.#redis.del(sKey);
        return { created: false, session: existing };
      }
      replaceable = holder; // stale pointer (stopped or vanished session): replace it
    }
    await this.#redis.del(sKey);
    throw new Error('could not settle the agent session pointer');
  }

  async activeSessionOf(agentEmail: string): Promise<SessionRecord | null> {
    const v = await this.#redis.get(keys.agent(agentEmail));
    const p = v ? parsePointer(v) : null;
    if (!p) return null;
    const s = await this.getSession(p.tag, p.sessionId);
    return s && s.state !== 'STOP' ? s : null;
  }

  async getSession(tag: string, sessionId: string): Promise<SessionRecord | null> {
    return sessionFromHash(await this.#redis.hgetall(keys.session(tag, sessionId)));
  }

  async #sessionOutcome(tag: string, sessionId: string, r: unknown) {
    const o = intOutcome(r);
    if (!o.ok) return o;
    const session = await this.getSession(tag, sessionId);
    if (!session) return { ok: false as const, failure: 'SESSION_NOT_FOUND' as const };
    return { ok: true as const, session };
  }

  async setSessionState(
    tag: string,
    sessionId: string,
    to: SessionState,
    allowedFrom: readonly SessionState[],
    now: number,
  ): Promise<Outcome<{ session: SessionRecord }>> {
    const r = await this.#scripts.run(
      'sessionSetState',
      [keys.session(tag, sessionId)],
      [to, now, ...allowedFrom],
    );
    return this.#sessionOutcome(tag, sessionId, r);
  }

  async endSession(
    tag: string,
    sessionId: string,
    allowedFrom: readonly SessionState[],
    now: number,
  ): Promise<Outcome<{ session: SessionRecord }>> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const before = await this.getSession(tag, sessionId);
      if (!before) return { ok: false, failure: 'SESSION_NOT_FOUND' };
      const rowId = before.preview?.rowId ?? '';
      const r = await this.#scripts.run(
        'sessionEnd',
        [keys.session(tag, sessionId), keys.lead(tag, rowId), keys.agentTabStats(tag, before.agentEmail)],
        [now, rowId, claimPrefix(sessionId), keys.leadChangesChannel(), tag, ...allowedFrom],
      );
      const o = intOutcome(r);
      if (!o.ok && o.failure === 'VERSION_CONFLICT') continue; // the preview changed under us: re-read
      if (!o.ok) return o;
      await this.#scripts.run(
        'agentPointerRelease',
        [keys.agent(before.agentEmail)],
        [pointerValue(tag, sessionId)],
      );
      const out = await this.#sessionOutcome(tag, sessionId, r);
      await expireFinished(this.#redis, [keys.session(tag, sessionId)]);
      return out;
    }
    return { ok: false, failure: 'VERSION_CONFLICT' };
  }

  // ------------------------------------------------------------------------------------------- lock

  /** `SET NX GET`: free → ours in one command. Held by a chained dial's Dialpad leg (`c:<callId>`), which
   *  lets it expire once Dialpad placed the call, it is taken over as soon as that call left DIALING
   *  (lockTakeOver.lua) rather than after the TTL: a PAUSE, /next or the call's own disposition right after
   *  the call rang does not wait. */
  async acquireLock(tag: string, sessionId: string, token: string, ttlMs: number): Promise<boolean> {
    const lock = keys.sessionLock(tag, sessionId);
    const holder = await this.#redis.set(lock, token, 'PX', ttlMs, 'NX', 'GET');
    if (holder === null) return true;
    if (!holder.startsWith('c:')) return false;
    // The call the holder names: its session's live call (lockTakeOver reads `c:state`), or its hash.
    const callId = holder.slice(2);
    const callKey = callInSession(callId) ? keys.session(tag, sessionId) : keys.call(tag, callId);
    return Number(await this.#scripts.run('lockTakeOver', [lock, callKey], [holder, token, ttlMs])) === 1;
  }

  async renewLock(tag: string, sessionId: string, token: string, ttlMs: number): Promise<boolean> {
    return (
      Number(await this.#scripts.run('lockRenew', [keys.sessionLock(tag, sessionId)], [token, ttlMs])) === 1
    );
  }

  async releaseLock(tag: string, sessionId: string, token: string): Promise<boolean> {
    return Number(await this.#scripts.run('lockRelease', [keys.sessionLock(tag, sessionId)], [token])) === 1;
  }

  // ------------------------------------------------------------------------------------------- leads

  async getLead(tag: string, rowId: string): Promise<LeadOverlay | null> {
    return leadFromHash(rowId, await this.#redis.hgetall(keys.lead(tag, rowId)));
  }

  async getLeads(tag: string): Promise<LeadOverlay[]> {
    // The index's lead band: below the call deadlines' (CALL_TIMEOUT_BAND).
    return this.getLeadsOf(tag, await this.#redis.zrangebyscore(keys.leadIndex(tag), '-inf', LEADS_BELOW));
  }

  async getLeadsWrittenSince(tag: string, since: number): Promise<LeadOverlay[]> {
    // The index's score is the overlay's last write time (includes/dialerLead.lua leadWrite).
    return this.getLeadsOf(
      tag,
      await this.#redis.zrangebyscore(keys.leadIndex(tag), `(${since}`, LEADS_BELOW),
    );
  }

  async getLeadsOf(tag: string, rowIds: readonly string[]): Promise<LeadOverlay[]> {
    const out: LeadOverlay[] = [];
    for (let i = 0; i < rowIds.length; i += 500) {
      const chunk = rowIds.slice(i, i + 500);
      const pipe = this.#redis.pipeline();
      for (const id of chunk) pipe.hgetall(keys.lead(tag, id));
      const res = (await pipe.exec()) ?? [];
      res.forEach(([err, h], j) => {
        if (err) throw err;
        const lead = leadFromHash(chunk[j] as string, h as Record<string, string>);
        if (lead) out.push(lead);
      });
    }
    return out;
  }

  async claimsOf(tag: string, rowIds: readonly string[], now: number): Promise<Map<string, string>> {
    // The claim is the lead hash's `c` field: one HGET per lead, pipelined (one round trip per chunk).
    const out = new Map<string, string>();
    for (let i = 0; i < rowIds.length; i += 1000) {
      const chunk = rowIds.slice(i, i + 1000);
      if (chunk.length === 0) continue;
      const pipe = this.#redis.pipeline();
      for (const id of chunk) pipe.hget(keys.lead(tag, id), 'c');
      const res = (await pipe.exec()) ?? [];
      res.forEach(([err, v], j) => {
        if (err) throw err;
        const owner = claimOwner(typeof v === 'string' ? v : null, now);
        if (owner !== null) out.set(chunk[j] as string, owner);
      });
    }
    return out;
  }

  async writeLead(tag: string, w: LeadWrite, now: number): Promise<Outcome<{ version: number }>> {
    await this.queueTab(tag, w.patch !== null);
    const r = await this.#scripts.run(
      'leadWrite',
      [keys.lead(tag, w.rowId), keys.leadIndex(tag), keys.sheetQueue(tag)],
      [
        w.expectedVersion,
        JSON.stringify(w.state),
        w.patch ? JSON.stringify(w.patch) : '',
        now,
        keys.leadChangesChannel(),
        tag,
        w.rowId,
      ],
    );
    return intOutcome(r);
  }

  async unflushedCells(tag: string): Promise<Map<string, Set<number>>> {
    const out = new Map<string, Set<number>>();
    let start = '-';
    for (;;) {
      const entries = (await this.#redis.xrange(keys.sheetQueue(tag), start, '+', 'COUNT', 1000)) as [
        string,
        string[],
      ][];
      for (const [, fields] of entries) collectUnflushed(out, pairsToHash(fields));
      if (entries.length < 1000) return out;
      start = `(${entries[entries.length - 1]?.[0]}`;
    }
  }

  async onLeadChange(listener: (change: LeadChange) => void): Promise<() => Promise<void>> {
    this.#listeners.add(listener);
    if (!this.#subscribed) {
      // Lead changes come on their own channel, and with the agent's events of the step that made them (a
      // disposition tells both in one notice: callDispose.lua, events/notice-text.ts noticeLeads).
      this.#subscribed = Promise.all([
        listenToChannel(this.#redis, this.#subscriber, keys.leadChangesChannel(), {
          message: this.#onMessage,
        }),
        listenToChannel(this.#redis, this.#subscriber, keys.agentEventsChannel(), {
          message: this.#onEventNotice,
        }),
      ]).then((stops) => () => {
        for (const stop of stops) stop();
      });
      this.#subscribed.catch(() => {
        this.#subscribed = null;
      });
    }
    await this.#subscribed;
    return async () => {
      this.#listeners.delete(listener);
    };
  }

  /** An agent event notice: the lead-change notice it carries, if any. */
  readonly #onEventNotice = (message: string): void => {
    const leads = noticeLeads(message);
    if (leads !== null) this.#onMessage(leads);
  };

  /** A lead-change notice. */
  readonly #onMessage = (message: string): void => {
    let notice: z.infer<typeof LeadChangeSchema>;
    try {
      notice = LeadChangeSchema.parse(JSON.parse(message));
    } catch {
      return; // not ours: ignore
    }
    for (const rowId of new Set(notice.rowIds ?? [notice.rowId])) {
      const change: LeadChange = { tag: notice.tag, rowId };
      if (this.isOwnNotice(change)) continue; // our own write: the service has it already
      for (const l of this.#listeners) l(change);
    }
  };

  // ------------------------------------------------------------------------------------------- calls

  async locateCall(callId: string): Promise<string | null> {
    // A call id names its tab (keys.callIdIn); an id from before has a locator key.
    const code = tabCodeOfCallId(callId);
    if (code === null) return this.#redis.get(keys.callLocator(callId));
    const known = this.#tabCodes.get(code);
    if (known) return known;
    // A tab this instance has not seen yet (another instance's, or any after a restart): every tab with a
    // session is in keys.dialerTabs (SADDed before the session exists), so a read of it that starts after
    // this request arrived is conclusive. Concurrent unknown codes share one read, and at most one more
    // waits behind it, so made-up ids cannot make it a read each.
    await this.#tabsReadAfter(this.#tabReadsStarted);
    return this.#tabCodes.get(code) ?? null;
  }

  /** Resolves once a read of keys.dialerTabs that started after read number `seen` has landed. */
  #tabsReadAfter(seen: number): Promise<void> {
    if (this.#tabRead && this.#tabRead.n > seen) return this.#tabRead.done;
    if (this.#tabReadQueued) return this.#tabReadQueued;
    if (!this.#tabRead) return this.#readTabCodes();
    const queued = this.#tabRead.done
      .catch(() => {})
      .then(() => {
        this.#tabReadQueued = null;
        return this.#readTabCodes();
      });
    this.#tabReadQueued = queued;
    return queued;
  }

  #readTabCodes(): Promise<void> {
    const n = ++this.#tabReadsStarted;
    const done = (async () => {
      for (const tag of await this.#redis.smembers(keys.dialerTabs())) this.#tabCodes.set(tabCode(tag), tag);
    })().finally(() => {
      if (this.#tabRead?.n === n) this.#tabRead = null;
    });
    this.#tabRead = { n, done };
    return done;
  }

  async locatePreview(previewId: string): Promise<{ tag: string; sessionId: string } | null> {
    const v = await this.#redis.get(keys.previewLocator(previewId));
    return v ? parsePointer(v) : null;
  }

  async dueCalls(tag: string, now: number, limit: number): Promise<string[]> {
    // The deadlines are the lead index's timeout band (keys.callTimeoutIndex); the old layout's ZSET is
    // moved into it until a move finds it empty (callTimeoutsMove.lua: once per tab and process).
    if (!this.#timeoutsMoved.has(tag)) {
      const moved = await this.#scripts.run(
        'callTimeoutsMove',
        [keys.legacyCallTimeouts(tag), keys.callTimeoutIndex(tag)],
        [],
      );
      if (Number(moved) === 0) this.#timeoutsMoved.add(tag);
    }
    // A member is a session id (its live call's deadline: includes/dial.lua), or a call id (the layout
    // before): the session's current call is read for each due member (background only, never per cycle);
    // a member with no session hash is a call id.
    const due = (
      await this.#redis.zrangebyscore(
        keys.callTimeoutIndex(tag),
        callTimeoutScore(0),
        callTimeoutScore(now),
        'LIMIT',
        0,
        limit,
      )
    )
      .filter((m) => m.startsWith(CALL_TIMEOUT_MEMBER_PREFIX))
      .map((m) => m.slice(CALL_TIMEOUT_MEMBER_PREFIX.length));
    if (due.length === 0) return due;
    const pipe = this.#redis.pipeline();
    for (const member of due) pipe.hmget(keys.session(tag, member), 'id', 'callId');
    const res = (await pipe.exec()) ?? [];
    const out: string[] = [];
    due.forEach((member, n) => {
      const [id, callId] = DueMemberSchema.parse(res[n]?.[1]);
      if (id === null) out.push(member);
      else if (callId) out.push(callId);
    });
    return out;
  }

  // ------------------------------------------------------------------------------------------- stats

  async sessionStats(tag: string, sessionId: string): Promise<StatsCounters> {
    // The session's counters live in its hash (`n:` fields), written by the transitions that move them.
    return statsFromHash(await this.#redis.hgetall(keys.session(tag, sessionId)), SESSION_COUNTERS);
  }

  async agentStats(agentEmail: string, alsoTags: readonly string[] = []): Promise<StatsCounters> {
    // The agent's counters live beside its sessions', one hash per tab, which a session's counters join
    // when it ends (sessionEnd-3: no command of the agent's counters per call); the lifetime figures are
    // their sum, plus the running session's counters, plus the hash kept from before they moved there.
    const [tabs, pointer] = await Promise.all([
      this.#redis.smembers(keys.agentTabs(agentEmail)),
      this.#redis.get(keys.agent(agentEmail)),
    ]);
    const running = pointer ? parseAgentPointer(pointer) : null;
    const tags = new Set([...tabs, ...alsoTags]);
    if (running) tags.delete(running.tag);
    const [legacy, runningTab, ...hashes] = await Promise.all([
      this.#redis.hgetall(keys.agentStats(agentEmail)),
      running ? this.#withRunningSession(running.tag, running.sessionId, agentEmail) : emptyStats(),
      ...[...tags].map((tag) => this.#redis.hgetall(keys.agentTabStats(tag, agentEmail))),
    ]);
    return [statsFromHash(legacy), runningTab, ...hashes.map((h) => statsFromHash(h))].reduce(addStats);
  }

  /** The agent's counters in the tab of its running session plus that session's while it has not ended:
   *  read together (MULTI, one slot), so an end folding them in between is never counted twice or missed. */
  async #withRunningSession(tag: string, sessionId: string, agentEmail: string): Promise<StatsCounters> {
    const r = await this.#redis
      .multi()
      .hgetall(keys.agentTabStats(tag, agentEmail))
      .hgetall(keys.session(tag, sessionId))
      .exec();
    const [tabErr, tabHash] = r?.[0] ?? [new Error('MULTI aborted'), null];
    const [sessErr, sessHash] = r?.[1] ?? [new Error('MULTI aborted'), null];
    if (tabErr) throw tabErr;
    if (sessErr) throw sessErr;
    const tab = statsFromHash(HashReplySchema.parse(tabHash ?? {}));
    const sess = HashReplySchema.parse(sessHash ?? {});
    if (!sess.state || sess.state === 'STOP') return tab;
    return addStats(tab, statsFromHash(sess, SESSION_COUNTERS));
  }

  async activeTabs(): Promise<string[]> {
    return this.#redis.smembers(keys.dialerTabs());
  }

  async close(): Promise<void> {
    this.#listeners.clear();
    const subscribed = this.#subscribed;
    this.#subscribed = null;
    (await subscribed?.catch(() => null))?.();
  }
}
