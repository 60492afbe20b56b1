// The Store in process memory, for the one-process demo without Redis. It mirrors the Lua scripts step by
// step (same checks in the same order, same failures) and passes the same contract suite as RedisStore.
// Atomicity comes from JavaScript's single thread: a transition runs without an await between its checks
// and its writes, and the patch is handed to the in-memory queue in the same synchronous step.
// Not durable and not shared between processes: production uses RedisStore.
import { CALL_STATE_RANK, type SessionState } from '../../../src-shared/domain/session.js';
import type { SheetPatch } from '../../../src-shared/domain/sheet-patch.js';
import type { PatchQueue } from '../ports.js';
import { parseTabTag } from '../queue/tab-tag.js';
import type { ScriptFailure } from '../redis/script-errors.js';
import { emptyStats } from './codec.js';
import type {
  AdvanceCallInput,
  AgentStatsDelta,
  CallRecord,
  ClaimAndDialInput,
  ClaimPreviewInput,
  DisposeInput,
  LeadChange,
  LeadOverlay,
  LeadWrite,
  ManualSkipInput,
  NewSession,
  Outcome,
  RevertDialInput,
  SessionRecord,
  StatsCounters,
  Store,
} from './types.js';

interface Expiring {
  value: string;
  expiresAt: number;
}

const fail = (failure: ScriptFailure) => ({ ok: false as const, failure });
const clone = <T>(v: T): T => structuredClone(v);

export interface MemoryStoreOptions {
  /** Where sheet patches go, in the same step as the state change (MemoryPatchQueue in the demo). */
  queue: PatchQueue;
  /** Wall clock for lease and lock expiry (Redis uses its own clock for PX). */
  clock?: () => number;
}

export class MemoryStore implements Store {
  readonly #queue: PatchQueue;
  readonly #clock: () => number;
  readonly #sessions = new Map<string, SessionRecord>();
  readonly #agents = new Map<string, string>();
  readonly #locks = new Map<string, Expiring>();
  readonly #claims = new Map<string, Expiring>();
  readonly #leads = new Map<string, Map<string, LeadOverlay>>();
  readonly #calls = new Map<string, CallRecord>();
  readonly #locator = new Map<string, string>();
  readonly #previews = new Map<string, Expiring>();
  readonly #timeouts = new Map<string, Map<string, number>>();
  readonly #dnc = new Map<string, Set<string>>();
  readonly #sessionStats = new Map<string, StatsCounters>();
  readonly #agentStats = new Map<string, StatsCounters>();
  readonly #tabs = new Set<string>();
  readonly #listeners = new Set<(c: LeadChange) => void>();

  constructor(opts: MemoryStoreOptions) {
    this.#queue = opts.queue;
    this.#clock = opts.clock ?? Date.now;
  }

  // ------------------------------------------------------------------------------------------- helpers

  #k = (tag: string, id: string) => `${tag}|${id}`;

  #live(map: Map<string, Expiring>, key: string): string | null {
    const e = map.get(key);
    if (!e) return null;
    if (e.expiresAt <= this.#clock()) {
      map.delete(key);
      return null;
    }
    return e.value;
  }

  #claimIsOurs(tag: string, rowId: string, sessionId: string): boolean {
    return this.#live(this.#claims, this.#k(tag, rowId))?.startsWith(`${sessionId}|`) ?? false;
  }

  #leadVersion(tag: string, rowId: string): number {
    return this.#leads.get(tag)?.get(rowId)?.version ?? 0;
  }

  #writeLead(tag: string, w: LeadWrite, now: number): number {
    const tabLeads = this.#leads.get(tag) ?? new Map<string, LeadOverlay>();
    this.#leads.set(tag, tabLeads);
    const version = this.#leadVersion(tag, w.rowId) + 1;
    tabLeads.set(w.rowId, { rowId: w.rowId, version, state: clone(w.state), updatedAt: now });
    return version;
  }

  #enqueue(patch: SheetPatch | null, now: number): void {
    // MemoryPatchQueue.enqueue records the entry before its first await: still within this step.
    if (patch) void this.#queue.enqueue(patch, now);
  }

  #changed(tag: string, rowId: string): void {
    const change = { tag, rowId };
    for (const l of this.#listeners) queueMicrotask(() => l(change));
  }

  #stats(tag: string, sessionId: string): StatsCounters {
    const k = this.#k(tag, sessionId);
    let s = this.#sessionStats.get(k);
    if (!s) {
      s = emptyStats();
      this.#sessionStats.set(k, s);
    }
    return s;
  }

  #session(tag: string, sessionId: string): SessionRecord | undefined {
    return this.#sessions.get(this.#k(tag, sessionId));
  }

  #bumpSession(s: SessionRecord, patch: Partial<SessionRecord>): void {
    Object.assign(s, patch);
    s.version += 1;
  }

  // ------------------------------------------------------------------------------------------- sessions

  async createSession(
    input: NewSession,
    _now: number,
  ): Promise<{ created: boolean; session: SessionRecord }> {
    const pointer = this.#agents.get(input.agentEmail.toLowerCase());
    if (pointer) {
      const existing = this.#sessions.get(pointer);
      if (existing && existing.state !== 'STOP') return { created: false, session: clone(existing) };
    }
    const session: SessionRecord = {
      ...input,
      state: 'PAUSE',
      version: 1,
      endedAt: null,
      callId: null,
      preview: null,
    };
    this.#sessions.set(this.#k(input.tag, input.id), session);
    this.#agents.set(input.agentEmail.toLowerCase(), this.#k(input.tag, input.id));
    this.#tabs.add(input.tag);
    return { created: true, session: clone(session) };
  }

  async activeSessionOf(agentEmail: string): Promise<SessionRecord | null> {
    const pointer = this.#agents.get(agentEmail.toLowerCase());
    const s = pointer ? this.#sessions.get(pointer) : undefined;
    return s && s.state !== 'STOP' ? clone(s) : null;
  }

  async getSession(tag: string, sessionId: string): Promise<SessionRecord | null> {
    const s = this.#session(tag, sessionId);
    return s ? clone(s) : null;
  }

  async setSessionState(
    tag: string,
    sessionId: string,
    to: SessionState,
    allowedFrom: readonly SessionState[],
    _now: number,
  ): Promise<Outcome<{ session: SessionRecord }>> {
    const s = this.#session(tag, sessionId);
    if (!s) return fail('SESSION_NOT_FOUND');
    if (!allowedFrom.includes(s.state)) return fail('INVALID_STATE');
    this.#bumpSession(s, { state: to });
    return { ok: true, session: clone(s) };
  }

  async endSession(
    tag: string,
    sessionId: string,
    allowedFrom: readonly SessionState[],
    now: number,
  ): Promise<Outcome<{ session: SessionRecord }>> {
    const s = this.#session(tag, sessionId);
    if (!s) return fail('SESSION_NOT_FOUND');
    if (!allowedFrom.includes(s.state)) return fail('INVALID_STATE');
    const row = s.preview?.rowId;
    if (row && this.#claimIsOurs(tag, row, sessionId)) {
      this.#claims.delete(this.#k(tag, row));
      this.#changed(tag, row);
    }
    this.#bumpSession(s, { state: 'STOP', endedAt: now, preview: null });
    const key = s.agentEmail.toLowerCase();
    if (this.#agents.get(key) === this.#k(tag, sessionId)) this.#agents.delete(key);
    return { ok: true, session: clone(s) };
  }

  // ------------------------------------------------------------------------------------------- lock

  async acquireLock(tag: string, sessionId: string, token: string, ttlMs: number): Promise<boolean> {
    const k = this.#k(tag, sessionId);
    if (this.#live(this.#locks, k) !== null) return false;
    this.#locks.set(k, { value: token, expiresAt: this.#clock() + ttlMs });
    return true;
  }

  async renewLock(tag: string, sessionId: string, token: string, ttlMs: number): Promise<boolean> {
    const k = this.#k(tag, sessionId);
    if (this.#live(this.#locks, k) !== token) return false;
    this.#locks.set(k, { value: token, expiresAt: this.#clock() + ttlMs });
    return true;
  }

  async releaseLock(tag: string, sessionId: string, token: string): Promise<boolean> {
    const k = this.#k(tag, sessionId);
    if (this.#live(this.#locks, k) !== token) return false;
    this.#locks.delete(k);
    return true;
  }

  // ------------------------------------------------------------------------------------------- leads

  async getLead(tag: string, rowId: string): Promise<LeadOverlay | null> {
    const l = this.#leads.get(tag)?.get(rowId);
    return l ? clone(l) : null;
  }

  async getLeads(tag: string): Promise<LeadOverlay[]> {
    return [...(this.#leads.get(tag)?.values() ?? [])].map(clone);
  }

  async claimsOf(tag: string, rowIds: readonly string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (const id of rowIds) {
      const v = this.#live(this.#claims, this.#k(tag, id));
      if (v) out.set(id, v.slice(0, v.indexOf('|')));
    }
    return out;
  }

  async writeLead(tag: string, w: LeadWrite, now: number): Promise<Outcome<{ version: number }>> {
    if (this.#leadVersion(tag, w.rowId) !== w.expectedVersion) return fail('VERSION_CONFLICT');
    const version = this.#writeLead(tag, w, now);
    this.#enqueue(w.patch, now);
    this.#changed(tag, w.rowId);
    return { ok: true, version };
  }

  async unflushedCells(tag: string): Promise<Map<string, Set<number>>> {
    const out = new Map<string, Set<number>>();
    const ref = parseTabTag(tag);
    if (!ref) return out;
    for (const q of await this.#queue.peek(ref.spreadsheetId, Number.MAX_SAFE_INTEGER)) {
      if (q.patch.sheetId !== ref.sheetId) continue;
      const cols = out.get(q.patch.rowId) ?? new Set<number>();
      for (const v of q.patch.values) cols.add(v.col);
      out.set(q.patch.rowId, cols);
    }
    return out;
  }

  async onLeadChange(listener: (change: LeadChange) => void): Promise<() => Promise<void>> {
    this.#listeners.add(listener);
    return async () => {
      this.#listeners.delete(listener);
    };
  }

  // ------------------------------------------------------------------------------------------- transitions

  async claimPreview(i: ClaimPreviewInput): Promise<Outcome<{ version: number }>> {
    if (this.#live(this.#locks, this.#k(i.tag, i.sessionId)) !== i.lockToken) return fail('LOCK_NOT_OWNED');
    const s = this.#session(i.tag, i.sessionId);
    if (!s) return fail('SESSION_NOT_FOUND');
    if (s.state !== 'PLAY') return fail('NOT_PLAYING');
    if (s.callId) return fail('CALL_IN_PROGRESS');
    if (s.preview) return fail('PREVIEW_MISMATCH');
    if (this.#leadVersion(i.tag, i.rowId) !== i.expectedVersion) return fail('VERSION_CONFLICT');
    const ck = this.#k(i.tag, i.rowId);
    if (this.#live(this.#claims, ck) !== null && !this.#claimIsOurs(i.tag, i.rowId, i.sessionId))
      return fail('LEAD_CLAIMED');
    if (this.#dnc.get(i.tag)?.has(i.phoneE164)) return fail('DO_NOT_CALL');
    this.#claims.set(ck, {
      value: `${i.sessionId}|p:${i.preview.previewId}`,
      expiresAt: this.#clock() + i.leaseMs,
    });
    this.#bumpSession(s, { preview: clone(i.preview) });
    this.#previews.set(i.preview.previewId, {
      value: this.#k(i.tag, i.sessionId),
      expiresAt: this.#clock() + i.leaseMs,
    });
    this.#changed(i.tag, i.rowId);
    return { ok: true, version: this.#leadVersion(i.tag, i.rowId) };
  }

  async claimAndDial(i: ClaimAndDialInput): Promise<Outcome<{ version: number }>> {
    const { tag, lead, call } = i;
    if (this.#live(this.#locks, this.#k(tag, i.sessionId)) !== i.lockToken) return fail('LOCK_NOT_OWNED');
    const s = this.#session(tag, i.sessionId);
    if (!s) return fail('SESSION_NOT_FOUND');
    if (s.state !== 'PLAY') return fail('NOT_PLAYING');
    if (s.callId) return fail('CALL_IN_PROGRESS');
    if (i.previewId === null) {
      if (s.preview) return fail('PREVIEW_MISMATCH');
    } else if (!s.preview || s.preview.previewId !== i.previewId || s.preview.rowId !== lead.rowId) {
      return fail('PREVIEW_MISMATCH');
    }
    if (this.#leadVersion(tag, lead.rowId) !== lead.expectedVersion) return fail('VERSION_CONFLICT');
    const ck = this.#k(tag, lead.rowId);
    if (this.#live(this.#claims, ck) !== null && !this.#claimIsOurs(tag, lead.rowId, i.sessionId))
      return fail('LEAD_CLAIMED');
    if (this.#dnc.get(tag)?.has(call.phoneE164)) return fail('DO_NOT_CALL');

    const version = this.#writeLead(tag, lead, i.now);
    this.#claims.set(ck, { value: `${i.sessionId}|${call.callId}`, expiresAt: this.#clock() + i.leaseMs });
    this.#calls.set(this.#k(tag, call.callId), clone(call));
    this.#locator.set(call.callId, tag);
    const t = this.#timeouts.get(tag) ?? new Map<string, number>();
    t.set(call.callId, call.timeoutAt);
    this.#timeouts.set(tag, t);
    this.#bumpSession(s, { callId: call.callId, preview: null });
    const st = this.#stats(tag, i.sessionId);
    st.initiated += 1;
    st.since ??= i.now;
    this.#enqueue(lead.patch, i.now);
    this.#changed(tag, lead.rowId);
    return { ok: true, version };
  }

  async revertDial(i: RevertDialInput): Promise<Outcome<{ version: number }>> {
    const { tag, lead } = i;
    const call = this.#calls.get(this.#k(tag, i.callId));
    if (!call) return fail('CALL_NOT_FOUND');
    if (call.state !== 'DIALING') return fail('CALL_FINISHED');
    if (this.#leadVersion(tag, lead.rowId) !== lead.expectedVersion) return fail('VERSION_CONFLICT');
    const version = this.#writeLead(tag, lead, i.now);
    Object.assign(call, { state: 'ENDED', endedAt: i.now, endReason: 'DIAL_FAILED' });
    this.#timeouts.get(tag)?.delete(i.callId);
    const s = this.#session(tag, i.sessionId);
    if (s && s.callId === i.callId) this.#bumpSession(s, { callId: null });
    const ck = this.#k(tag, lead.rowId);
    if (this.#live(this.#claims, ck) === `${i.sessionId}|${i.callId}`) this.#claims.delete(ck);
    this.#stats(tag, i.sessionId).initiated -= 1;
    this.#enqueue(lead.patch, i.now);
    this.#changed(tag, lead.rowId);
    return { ok: true, version };
  }

  async advanceCall(i: AdvanceCallInput): Promise<Outcome<{ advanced: boolean; call: CallRecord }>> {
    const call = this.#calls.get(this.#k(i.tag, i.callId));
    if (!call) return fail('CALL_NOT_FOUND');
    if (CALL_STATE_RANK[i.state] <= CALL_STATE_RANK[call.state])
      return { ok: true, advanced: false, call: clone(call) };
    const hadConnect = call.connectedAt !== null;
    const rec = call as unknown as Record<string, unknown>;
    for (const [k, v] of Object.entries(i.fields)) {
      if (v !== null && v !== undefined && (rec[k] === null || rec[k] === undefined)) rec[k] = v;
    }
    call.state = i.state;
    const st = this.#stats(i.tag, call.sessionId);
    if (!hadConnect && call.connectedAt !== null) st.connects += 1;
    if (i.state === 'ENDED') {
      this.#timeouts.get(i.tag)?.delete(i.callId);
      if (call.connectedAt !== null && call.endedAt !== null && call.endedAt > call.connectedAt)
        st.talkMs += call.endedAt - call.connectedAt;
      const ck = this.#k(i.tag, call.rowId);
      const holder = this.#live(this.#claims, ck);
      if (holder === `${call.sessionId}|${call.callId}`)
        this.#claims.set(ck, { value: holder, expiresAt: this.#clock() + i.claimLeaseMs });
    }
    return { ok: true, advanced: true, call: clone(call) };
  }

  async dispose(i: DisposeInput): Promise<Outcome<{ version: number; call: CallRecord }>> {
    const { tag, lead } = i;
    const call = this.#calls.get(this.#k(tag, i.callId));
    if (!call) return fail('CALL_NOT_FOUND');
    if (call.state === 'DISPOSED' || call.endReason === 'DIAL_FAILED') return fail('CALL_FINISHED');
    if (this.#leadVersion(tag, lead.rowId) !== lead.expectedVersion) return fail('VERSION_CONFLICT');
    const version = this.#writeLead(tag, lead, i.now);
    Object.assign(call, { state: 'DISPOSED', disposition: i.code, disposedAt: i.now });
    call.endedAt ??= i.now;
    this.#timeouts.get(tag)?.delete(i.callId);
    if (this.#claimIsOurs(tag, lead.rowId, i.sessionId)) this.#claims.delete(this.#k(tag, lead.rowId));
    const s = this.#session(tag, i.sessionId);
    if (s && s.callId === i.callId) this.#bumpSession(s, { callId: null });
    const st = this.#stats(tag, i.sessionId);
    st.completed += 1;
    st.byCode[i.code] += 1;
    if (i.success) st.successes += 1;
    if (i.talkMs > 0) st.talkMs += Math.round(i.talkMs);
    if (i.doNotCall) {
      const set = this.#dnc.get(tag) ?? new Set<string>();
      set.add(i.doNotCall);
      this.#dnc.set(tag, set);
    }
    this.#enqueue(lead.patch, i.now);
    this.#changed(tag, lead.rowId);
    return { ok: true, version, call: clone(call) };
  }

  async manualSkip(i: ManualSkipInput): Promise<Outcome<{ version: number }>> {
    const { tag, lead } = i;
    if (this.#live(this.#locks, this.#k(tag, i.sessionId)) !== i.lockToken) return fail('LOCK_NOT_OWNED');
    const s = this.#session(tag, i.sessionId);
    if (!s) return fail('SESSION_NOT_FOUND');
    if (!s.preview || s.preview.previewId !== i.previewId || s.preview.rowId !== lead.rowId)
      return fail('PREVIEW_MISMATCH');
    if (this.#leadVersion(tag, lead.rowId) !== lead.expectedVersion) return fail('VERSION_CONFLICT');
    const version = this.#writeLead(tag, lead, i.now);
    this.#bumpSession(s, { preview: null });
    if (this.#claimIsOurs(tag, lead.rowId, i.sessionId)) this.#claims.delete(this.#k(tag, lead.rowId));
    this.#stats(tag, i.sessionId).skips += 1;
    this.#enqueue(lead.patch, i.now);
    this.#changed(tag, lead.rowId);
    return { ok: true, version };
  }

  // ------------------------------------------------------------------------------------------- calls

  async locateCall(callId: string): Promise<string | null> {
    return this.#locator.get(callId) ?? null;
  }

  async locatePreview(previewId: string): Promise<{ tag: string; sessionId: string } | null> {
    const v = this.#live(this.#previews, previewId);
    if (!v) return null;
    const cut = v.lastIndexOf('|');
    return { tag: v.slice(0, cut), sessionId: v.slice(cut + 1) };
  }

  async getCall(tag: string, callId: string): Promise<CallRecord | null> {
    const c = this.#calls.get(this.#k(tag, callId));
    return c ? clone(c) : null;
  }

  async dueCalls(tag: string, now: number, limit: number): Promise<string[]> {
    return [...(this.#timeouts.get(tag) ?? new Map<string, number>())]
      .filter(([, at]) => at <= now)
      .sort((a, b) => a[1] - b[1])
      .slice(0, limit)
      .map(([id]) => id);
  }

  // ------------------------------------------------------------------------------------------- do-not-call

  async isDoNotCall(tag: string, phoneE164: string): Promise<boolean> {
    return this.#dnc.get(tag)?.has(phoneE164) ?? false;
  }

  async addDoNotCall(tag: string, phoneE164: string): Promise<void> {
    const set = this.#dnc.get(tag) ?? new Set<string>();
    set.add(phoneE164);
    this.#dnc.set(tag, set);
  }

  // ------------------------------------------------------------------------------------------- stats

  async sessionStats(tag: string, sessionId: string): Promise<StatsCounters> {
    return clone(this.#sessionStats.get(this.#k(tag, sessionId)) ?? emptyStats());
  }

  async agentStats(agentEmail: string): Promise<StatsCounters> {
    return clone(this.#agentStats.get(agentEmail.toLowerCase()) ?? emptyStats());
  }

  async bumpAgentStats(agentEmail: string, delta: AgentStatsDelta, now: number): Promise<void> {
    const key = agentEmail.toLowerCase();
    const s = this.#agentStats.get(key) ?? emptyStats();
    for (const f of ['initiated', 'completed', 'connects', 'talkMs', 'skips', 'successes'] as const) {
      s[f] += Math.round(delta[f] ?? 0);
    }
    if (delta.code) s.byCode[delta.code] += 1;
    s.since ??= now;
    this.#agentStats.set(key, s);
  }

  async activeTabs(): Promise<string[]> {
    return [...this.#tabs];
  }

  async close(): Promise<void> {
    this.#listeners.clear();
  }
}
