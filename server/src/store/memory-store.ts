// The Store in process memory, for the one-process demo without Redis. It mirrors the Lua scripts step by
// step (same checks in the same order, same failures) and passes the same contract suite as RedisStore.
// Atomicity comes from JavaScript's single thread: a transition runs without an await between its checks
// and its writes, and the patch is handed to the in-memory queue in the same synchronous step.
// Not durable and not shared between processes: production uses RedisStore.
// State and shared steps: memory-state.ts; the transitions with preconditions: memory-transitions.ts.
import type { SessionState } from '../../../src-shared/domain/session.js';
import type { PatchQueue } from '../ports.js';
import { parseTabTag } from '../queue/tab-tag.js';
import { emptyStats } from './codec.js';
import { clone, fail, MemoryState } from './memory-state.js';
import { MemoryTransitions } from './memory-transitions.js';
import type {
  AdvanceCallInput,
  AgentStatsDelta,
  CallRecord,
  ClaimAndDialInput,
  ClaimPreviewInput,
  DisposeInput,
  DropPreviewInput,
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

export interface MemoryStoreOptions {
  /** Where sheet patches go, in the same step as the state change (MemoryPatchQueue in the demo). */
  queue: PatchQueue;
  /** Wall clock for lease and lock expiry (Redis uses its own clock for PX). */
  clock?: () => number;
}

export class MemoryStore implements Store {
  readonly #s: MemoryState;
  readonly #tx: MemoryTransitions;

  constructor(opts: MemoryStoreOptions) {
    this.#s = new MemoryState(opts.queue, opts.clock ?? Date.now);
    this.#tx = new MemoryTransitions(this.#s);
  }

  // ------------------------------------------------------------------------------------------- sessions

  async createSession(
    input: NewSession,
    _now: number,
  ): Promise<{ created: boolean; session: SessionRecord }> {
    const pointer = this.#s.agents.get(input.agentEmail.toLowerCase());
    if (pointer) {
      const existing = this.#s.sessions.get(pointer);
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
    this.#s.sessions.set(this.#s.k(input.tag, input.id), session);
    this.#s.agents.set(input.agentEmail.toLowerCase(), this.#s.k(input.tag, input.id));
    this.#s.tabs.add(input.tag);
    return { created: true, session: clone(session) };
  }

  async activeSessionOf(agentEmail: string): Promise<SessionRecord | null> {
    const pointer = this.#s.agents.get(agentEmail.toLowerCase());
    const s = pointer ? this.#s.sessions.get(pointer) : undefined;
    return s && s.state !== 'STOP' ? clone(s) : null;
  }

  async getSession(tag: string, sessionId: string): Promise<SessionRecord | null> {
    this.#s.prune();
    const s = this.#s.session(tag, sessionId);
    return s ? clone(s) : null;
  }

  async setSessionState(
    tag: string,
    sessionId: string,
    to: SessionState,
    allowedFrom: readonly SessionState[],
    _now: number,
  ): Promise<Outcome<{ session: SessionRecord }>> {
    const s = this.#s.session(tag, sessionId);
    if (!s) return fail('SESSION_NOT_FOUND');
    if (!allowedFrom.includes(s.state)) return fail('INVALID_STATE');
    this.#s.bumpSession(s, { state: to });
    return { ok: true, session: clone(s) };
  }

  async endSession(
    tag: string,
    sessionId: string,
    allowedFrom: readonly SessionState[],
    now: number,
  ): Promise<Outcome<{ session: SessionRecord }>> {
    const s = this.#s.session(tag, sessionId);
    if (!s) return fail('SESSION_NOT_FOUND');
    if (!allowedFrom.includes(s.state)) return fail('INVALID_STATE');
    const row = s.preview?.rowId;
    if (row && this.#s.claimIsOurs(tag, row, sessionId)) {
      this.#s.claims.delete(this.#s.k(tag, row));
      this.#s.changed(tag, row);
    }
    this.#s.bumpSession(s, { state: 'STOP', endedAt: now, preview: null });
    const sk = this.#s.k(tag, sessionId);
    this.#s.retire(() => {
      this.#s.sessions.delete(sk);
      this.#s.sessionStats.delete(sk);
    });
    const key = s.agentEmail.toLowerCase();
    if (this.#s.agents.get(key) === this.#s.k(tag, sessionId)) this.#s.agents.delete(key);
    return { ok: true, session: clone(s) };
  }

  // ------------------------------------------------------------------------------------------- lock

  async acquireLock(tag: string, sessionId: string, token: string, ttlMs: number): Promise<boolean> {
    const k = this.#s.k(tag, sessionId);
    if (this.#s.live(this.#s.locks, k) !== null) return false;
    this.#s.locks.set(k, { value: token, expiresAt: this.#s.clock() + ttlMs });
    return true;
  }

  async renewLock(tag: string, sessionId: string, token: string, ttlMs: number): Promise<boolean> {
    const k = this.#s.k(tag, sessionId);
    if (this.#s.live(this.#s.locks, k) !== token) return false;
    this.#s.locks.set(k, { value: token, expiresAt: this.#s.clock() + ttlMs });
    return true;
  }

  async releaseLock(tag: string, sessionId: string, token: string): Promise<boolean> {
    const k = this.#s.k(tag, sessionId);
    if (this.#s.live(this.#s.locks, k) !== token) return false;
    this.#s.locks.delete(k);
    return true;
  }

  // ------------------------------------------------------------------------------------------- leads

  async getLead(tag: string, rowId: string): Promise<LeadOverlay | null> {
    const l = this.#s.leads.get(tag)?.get(rowId);
    return l ? clone(l) : null;
  }

  async getLeads(tag: string): Promise<LeadOverlay[]> {
    return [...(this.#s.leads.get(tag)?.values() ?? [])].map(clone);
  }

  async claimsOf(tag: string, rowIds: readonly string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (const id of rowIds) {
      const v = this.#s.live(this.#s.claims, this.#s.k(tag, id));
      if (v) out.set(id, v.slice(0, v.indexOf('|')));
    }
    return out;
  }

  async writeLead(tag: string, w: LeadWrite, now: number): Promise<Outcome<{ version: number }>> {
    if (this.#s.leadVersion(tag, w.rowId) !== w.expectedVersion) return fail('VERSION_CONFLICT');
    const version = this.#s.writeLead(tag, w, now);
    this.#s.enqueue(w.patch, now);
    this.#s.changed(tag, w.rowId);
    return { ok: true, version };
  }

  async unflushedCells(tag: string): Promise<Map<string, Set<number>>> {
    const out = new Map<string, Set<number>>();
    const ref = parseTabTag(tag);
    if (!ref) return out;
    for (const q of await this.#s.queue.peek(ref.spreadsheetId, Number.MAX_SAFE_INTEGER)) {
      if (q.patch.sheetId !== ref.sheetId) continue;
      const cols = out.get(q.patch.rowId) ?? new Set<number>();
      for (const v of q.patch.values) cols.add(v.col);
      out.set(q.patch.rowId, cols);
    }
    return out;
  }

  async onLeadChange(listener: (change: LeadChange) => void): Promise<() => Promise<void>> {
    this.#s.listeners.add(listener);
    return async () => {
      this.#s.listeners.delete(listener);
    };
  }

  // ------------------------------------------------------------------------------------------- transitions

  claimPreview(i: ClaimPreviewInput): Promise<Outcome<{ version: number }>> {
    return this.#tx.claimPreview(i);
  }

  claimAndDial(i: ClaimAndDialInput): Promise<Outcome<{ version: number }>> {
    return this.#tx.claimAndDial(i);
  }

  revertDial(i: RevertDialInput): Promise<Outcome<{ version: number }>> {
    return this.#tx.revertDial(i);
  }

  advanceCall(i: AdvanceCallInput): Promise<Outcome<{ advanced: boolean; call: CallRecord }>> {
    return this.#tx.advanceCall(i);
  }

  dispose(i: DisposeInput): Promise<Outcome<{ version: number; call: CallRecord }>> {
    return this.#tx.dispose(i);
  }

  manualSkip(i: ManualSkipInput): Promise<Outcome<{ version: number }>> {
    return this.#tx.manualSkip(i);
  }

  dropPreview(i: DropPreviewInput): Promise<Outcome<{ dropped: boolean }>> {
    return this.#tx.dropPreview(i);
  }

  // ------------------------------------------------------------------------------------------- calls

  async locateCall(callId: string): Promise<string | null> {
    this.#s.prune();
    return this.#s.locator.get(callId) ?? null;
  }

  async locatePreview(previewId: string): Promise<{ tag: string; sessionId: string } | null> {
    const v = this.#s.live(this.#s.previews, previewId);
    if (!v) return null;
    const cut = v.lastIndexOf('|');
    return { tag: v.slice(0, cut), sessionId: v.slice(cut + 1) };
  }

  async getCall(tag: string, callId: string): Promise<CallRecord | null> {
    this.#s.prune();
    const c = this.#s.calls.get(this.#s.k(tag, callId));
    return c ? clone(c) : null;
  }

  async dueCalls(tag: string, now: number, limit: number): Promise<string[]> {
    return [...(this.#s.timeouts.get(tag) ?? new Map<string, number>())]
      .filter(([, at]) => at <= now)
      .sort((a, b) => a[1] - b[1])
      .slice(0, limit)
      .map(([id]) => id);
  }

  // ------------------------------------------------------------------------------------------- do-not-call

  async isDoNotCall(tag: string, phoneE164: string): Promise<boolean> {
    return this.#s.dnc.get(tag)?.has(phoneE164) ?? false;
  }

  async addDoNotCall(tag: string, phoneE164: string): Promise<void> {
    const set = this.#s.dnc.get(tag) ?? new Set<string>();
    set.add(phoneE164);
    this.#s.dnc.set(tag, set);
  }

  // ------------------------------------------------------------------------------------------- stats

  async sessionStats(tag: string, sessionId: string): Promise<StatsCounters> {
    return clone(this.#s.sessionStats.get(this.#s.k(tag, sessionId)) ?? emptyStats());
  }

  async agentStats(agentEmail: string): Promise<StatsCounters> {
    return clone(this.#s.agentStats.get(agentEmail.toLowerCase()) ?? emptyStats());
  }

  async bumpAgentStats(agentEmail: string, delta: AgentStatsDelta, now: number): Promise<void> {
    const key = agentEmail.toLowerCase();
    const s = this.#s.agentStats.get(key) ?? emptyStats();
    for (const f of ['initiated', 'completed', 'connects', 'talkMs', 'skips', 'successes'] as const) {
      s[f] += Math.round(delta[f] ?? 0);
    }
    if (delta.code) s.byCode[delta.code] += 1;
    s.since ??= now;
    this.#s.agentStats.set(key, s);
  }

  async activeTabs(): Promise<string[]> {
    return [...this.#s.tabs];
  }

  async close(): Promise<void> {
    this.#s.listeners.clear();
  }
}
