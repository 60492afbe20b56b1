// The embedded Store's state and the small steps its transitions share (the in-memory twin of the Redis
// keys and of the Lua includes): expiring locks and claims, lead versions, the patch hand-off to the
// queue, lead-change notices, per-session counters. MemoryStore (memory-store.ts) and its transitions
// (memory-transitions.ts) operate on one instance. Not durable, not shared between processes.
import type { SheetPatch } from '../../../src-shared/domain/sheet-patch.js';
import type { PatchQueue } from '../ports.js';
import type { ScriptFailure } from '../redis/script-errors.js';
import { emptyStats } from './codec.js';
import type {
  CallRecord,
  LeadChange,
  LeadOverlay,
  LeadWrite,
  SessionRecord,
  StatsCounters,
} from './types.js';
import { RETAIN_FINISHED_MS } from './types.js';

export interface Expiring {
  value: string;
  expiresAt: number;
}

export const fail = (failure: ScriptFailure) => ({ ok: false as const, failure });
export const clone = <T>(v: T): T => structuredClone(v);

export class MemoryState {
  readonly queue: PatchQueue;
  readonly clock: () => number;
  readonly sessions = new Map<string, SessionRecord>();
  readonly agents = new Map<string, string>();
  readonly locks = new Map<string, Expiring>();
  readonly claims = new Map<string, Expiring>();
  readonly leads = new Map<string, Map<string, LeadOverlay>>();
  readonly calls = new Map<string, CallRecord>();
  readonly locator = new Map<string, string>();
  readonly previews = new Map<string, Expiring>();
  readonly timeouts = new Map<string, Map<string, number>>();
  readonly dnc = new Map<string, Set<string>>();
  readonly sessionStats = new Map<string, StatsCounters>();
  readonly agentStats = new Map<string, StatsCounters>();
  readonly tabs = new Set<string>();
  readonly listeners = new Set<(c: LeadChange) => void>();

  /** Finished calls and stopped sessions, dropped RETAIN_FINISHED_MS after they finished (in order). */
  readonly #retired: { at: number; drop: () => void }[] = [];

  constructor(queue: PatchQueue, clock: () => number) {
    this.queue = queue;
    this.clock = clock;
  }

  k = (tag: string, id: string) => `${tag}|${id}`;

  /** The memory twin of PEXPIRE RETAIN_FINISHED_MS on a finished call / stopped session. */
  retire(drop: () => void): void {
    this.prune();
    this.#retired.push({ at: this.clock() + RETAIN_FINISHED_MS, drop });
  }

  /** Drops what was retired long enough ago (called on every retire, so memory stays bounded). */
  prune(): void {
    const now = this.clock();
    while ((this.#retired[0]?.at ?? Number.POSITIVE_INFINITY) <= now) this.#retired.shift()?.drop();
  }

  live(map: Map<string, Expiring>, key: string): string | null {
    const e = map.get(key);
    if (!e) return null;
    if (e.expiresAt <= this.clock()) {
      map.delete(key);
      return null;
    }
    return e.value;
  }

  claimIsOurs(tag: string, rowId: string, sessionId: string): boolean {
    return this.live(this.claims, this.k(tag, rowId))?.startsWith(`${sessionId}|`) ?? false;
  }

  leadVersion(tag: string, rowId: string): number {
    return this.leads.get(tag)?.get(rowId)?.version ?? 0;
  }

  writeLead(tag: string, w: LeadWrite, now: number): number {
    const tabLeads = this.leads.get(tag) ?? new Map<string, LeadOverlay>();
    this.leads.set(tag, tabLeads);
    const version = this.leadVersion(tag, w.rowId) + 1;
    tabLeads.set(w.rowId, { rowId: w.rowId, version, state: clone(w.state), updatedAt: now });
    return version;
  }

  enqueue(patch: SheetPatch | null, now: number): void {
    // MemoryPatchQueue.enqueue records the entry before its first await: still within this step.
    if (patch) void this.queue.enqueue(patch, now);
  }

  changed(tag: string, rowId: string): void {
    const change = { tag, rowId };
    for (const l of this.listeners) queueMicrotask(() => l(change));
  }

  stats(tag: string, sessionId: string): StatsCounters {
    const k = this.k(tag, sessionId);
    let s = this.sessionStats.get(k);
    if (!s) {
      s = emptyStats();
      this.sessionStats.set(k, s);
    }
    return s;
  }

  session(tag: string, sessionId: string): SessionRecord | undefined {
    return this.sessions.get(this.k(tag, sessionId));
  }

  bumpSession(s: SessionRecord, patch: Partial<SessionRecord>): void {
    Object.assign(s, patch);
    s.version += 1;
  }
}
