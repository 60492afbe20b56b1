// Replays the snapshot's outbox after a restart: each unacknowledged request is re-sent with its SAME
// idempotency key (so the coordinator answers a repeat from its stored result instead of acting twice), at
// most once per replay, and removed only once acknowledged. The attempt count is persisted BEFORE sending,
// so a crash between send and acknowledgement leaves the entry (same key) to be replayed on the next start.
import type { AppSnapshot, OutboxEntry } from '../../../src-shared/contracts/ipc.js';

/** What the coordinator's answer means for an entry. */
export type SendOutcome =
  /** 2xx, or a stored result for this key: done. */
  | 'acked'
  /** A 4xx that will never succeed (validation, conflict): dropped so it cannot block the queue. */
  | 'rejected'
  /** Network error or 5xx: keep it for the next replay. */
  | 'retry';

export interface OutboxPersistence {
  read(): AppSnapshot | null;
  write(next: AppSnapshot): Promise<void>;
}

/** Adds an entry unless its key is already queued (a double click must not queue the action twice). */
export function enqueue(snapshot: AppSnapshot, entry: OutboxEntry): AppSnapshot {
  if (snapshot.outbox.some((e) => e.idempotencyKey === entry.idempotencyKey)) return snapshot;
  return { ...snapshot, outbox: [...snapshot.outbox, entry] };
}

export function acknowledge(snapshot: AppSnapshot, idempotencyKey: string): AppSnapshot {
  return { ...snapshot, outbox: snapshot.outbox.filter((e) => e.idempotencyKey !== idempotencyKey) };
}

export type ReplayResult = { sent: string[]; acked: string[]; rejected: string[]; kept: string[] };

export class OutboxReplayer {
  readonly #store: OutboxPersistence;
  readonly #send: (entry: OutboxEntry) => Promise<SendOutcome>;
  #running: Promise<ReplayResult> | null = null;

  constructor(store: OutboxPersistence, send: (entry: OutboxEntry) => Promise<SendOutcome>) {
    this.#store = store;
    this.#send = send;
  }

  /** Concurrent calls share one run: a key is never in flight twice. */
  replay(): Promise<ReplayResult> {
    this.#running ??= this.#run().finally(() => {
      this.#running = null;
    });
    return this.#running;
  }

  async #run(): Promise<ReplayResult> {
    const result: ReplayResult = { sent: [], acked: [], rejected: [], kept: [] };
    const initial = this.#store.read();
    if (!initial) return result;
    const seen = new Set<string>();
    // In order: a disposition queued before a state change must reach the coordinator first.
    for (const entry of initial.outbox) {
      if (seen.has(entry.idempotencyKey)) continue;
      seen.add(entry.idempotencyKey);
      await this.#persist((s) => ({
        ...s,
        outbox: s.outbox.map((e) =>
          e.idempotencyKey === entry.idempotencyKey ? { ...e, attempts: e.attempts + 1 } : e,
        ),
      }));
      result.sent.push(entry.idempotencyKey);
      let outcome: SendOutcome;
      try {
        outcome = await this.#send(entry);
      } catch {
        outcome = 'retry';
      }
      if (outcome === 'retry') {
        result.kept.push(entry.idempotencyKey);
        continue;
      }
      await this.#persist((s) => acknowledge(s, entry.idempotencyKey));
      (outcome === 'acked' ? result.acked : result.rejected).push(entry.idempotencyKey);
    }
    return result;
  }

  async #persist(change: (s: AppSnapshot) => AppSnapshot): Promise<void> {
    const current = this.#store.read();
    if (current) await this.#store.write(change(current));
  }
}
