// In-process twin of RedisPatchQueue for the one-process demo (and as the contract's second implementation).
// Not durable across a restart: the demo accepts that; production runs RedisPatchQueue on AOF Redis.
import { type SheetPatch, SheetPatchSchema } from '../../../src-shared/domain/sheet-patch.js';
import type { QueuedPatch } from '../ports.js';
import type { DeadLetter, DurablePatchQueue } from './durable-patch-queue.js';

export class MemoryPatchQueue implements DurablePatchQueue {
  /** Pending entries per spreadsheet, oldest first. */
  readonly #pending = new Map<string, QueuedPatch[]>();
  readonly #dead = new Map<string, DeadLetter[]>();
  readonly #locks = new Map<string, { owner: string; until: number }>();
  #seq = 0;

  async enqueue(patch: SheetPatch, now: number): Promise<string> {
    const valid = SheetPatchSchema.parse(patch);
    this.#seq += 1;
    const id = `${valid.sheetId}/${now}-${this.#seq}`;
    const list = this.#pending.get(valid.spreadsheetId) ?? [];
    // Stored as a copy: a caller mutating its object later must not change what gets written.
    list.push({ id, patch: structuredClone(valid), enqueuedAt: now, attempts: 0 });
    this.#pending.set(valid.spreadsheetId, list);
    return id;
  }

  async spreadsheetsWithPending(): Promise<string[]> {
    return [...this.#pending].filter(([, list]) => list.length > 0).map(([id]) => id);
  }

  async peek(spreadsheetId: string, max: number): Promise<QueuedPatch[]> {
    return (this.#pending.get(spreadsheetId) ?? [])
      .slice(0, Math.max(0, max))
      .map((q) => ({ ...q, patch: structuredClone(q.patch) }));
  }

  async ack(spreadsheetId: string, ids: string[]): Promise<void> {
    const gone = new Set(ids);
    const left = (this.#pending.get(spreadsheetId) ?? []).filter((q) => !gone.has(q.id));
    if (left.length > 0) this.#pending.set(spreadsheetId, left);
    else this.#pending.delete(spreadsheetId);
  }

  async markAttempt(spreadsheetId: string, ids: string[], _now: number): Promise<void> {
    const hit = new Set(ids);
    for (const q of this.#pending.get(spreadsheetId) ?? []) if (hit.has(q.id)) q.attempts += 1;
  }

  async deadLetter(spreadsheetId: string, ids: string[], reason: string, now: number): Promise<number> {
    const hit = new Set(ids);
    const list = this.#pending.get(spreadsheetId) ?? [];
    const moved = list.filter((q) => hit.has(q.id));
    const dead = this.#dead.get(spreadsheetId) ?? [];
    for (const q of moved) {
      dead.push({
        queueId: q.id,
        patch: q.patch,
        enqueuedAt: q.enqueuedAt,
        attempts: q.attempts,
        reason,
        deadAt: now,
      });
    }
    this.#dead.set(spreadsheetId, dead);
    await this.ack(
      spreadsheetId,
      moved.map((q) => q.id),
    );
    return moved.length;
  }

  async deadLetters(spreadsheetId: string, max: number): Promise<DeadLetter[]> {
    return (this.#dead.get(spreadsheetId) ?? []).slice(0, Math.max(0, max));
  }

  async tryLockFlush(spreadsheetId: string, owner: string, ttlMs: number): Promise<boolean> {
    const held = this.#locks.get(spreadsheetId);
    if (held && held.until > Date.now()) return false;
    this.#locks.set(spreadsheetId, { owner, until: Date.now() + ttlMs });
    return true;
  }

  async renewFlushLock(spreadsheetId: string, owner: string, ttlMs: number): Promise<boolean> {
    const held = this.#locks.get(spreadsheetId);
    if (!held || held.owner !== owner || held.until <= Date.now()) return false;
    held.until = Date.now() + ttlMs;
    return true;
  }

  async unlockFlush(spreadsheetId: string, owner: string): Promise<void> {
    if (this.#locks.get(spreadsheetId)?.owner === owner) this.#locks.delete(spreadsheetId);
  }

  async depth(): Promise<number> {
    let n = 0;
    for (const list of this.#pending.values()) n += list.length;
    return n;
  }
}
