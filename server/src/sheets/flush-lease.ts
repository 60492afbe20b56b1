// One spreadsheet's flush lock, held for the length of one flush (DESIGN.md's lock rule: short TTL, renewed
// while held, released only by its owner). Same pattern as the session lock (service/session-lock.ts, and
// the same owner-checked Lua in Redis): renew at a third of the TTL so one slow renewal still leaves time
// for the next. Unlike the session lock, a renewal that finds the lock expired or owned by another flusher
// ends the lease: that flusher may already be writing newer values, so this flush must not write or ack
// anything more. A crashed holder stops renewing, so its lock is free again within one TTL.
import type { DurablePatchQueue } from '../queue/durable-patch-queue.js';

type FlushLockQueue = Pick<DurablePatchQueue, 'tryLockFlush' | 'renewFlushLock' | 'unlockFlush'>;

/** The lease was lost: the lock expired or another flusher owns it now. */
export class FlushLockLostError extends Error {
  constructor(readonly spreadsheetId: string) {
    super(`the flush lock of ${spreadsheetId} is no longer ours`);
    this.name = 'FlushLockLostError';
  }
}

export class FlushLease {
  readonly #queue: FlushLockQueue;
  readonly #spreadsheetId: string;
  readonly #owner: string;
  readonly #ttlMs: number;
  readonly #abort = new AbortController();
  #timer: NodeJS.Timeout | null = null;
  /** The renewal in flight, shared by the timer and confirm() (one round trip, not two). */
  #renewing: Promise<boolean> | null = null;

  private constructor(queue: FlushLockQueue, spreadsheetId: string, owner: string, ttlMs: number) {
    this.#queue = queue;
    this.#spreadsheetId = spreadsheetId;
    this.#owner = owner;
    this.#ttlMs = ttlMs;
  }

  /** Takes the lock and starts renewing it, or returns null when another owner holds it. */
  static async acquire(
    queue: FlushLockQueue,
    spreadsheetId: string,
    owner: string,
    ttlMs: number,
  ): Promise<FlushLease | null> {
    // Our own lock (held through a cooldown after our last flush) is ours to take again.
    if (
      !(await queue.tryLockFlush(spreadsheetId, owner, ttlMs)) &&
      !(await queue.renewFlushLock(spreadsheetId, owner, ttlMs))
    ) {
      return null;
    }
    const lease = new FlushLease(queue, spreadsheetId, owner, ttlMs);
    lease.#timer = setInterval(
      () => {
        // A Redis error is not a loss: the next renewal (or confirm()) decides.
        void lease.#renew().catch(() => false);
      },
      Math.max(20, Math.floor(ttlMs / 3)),
    );
    lease.#timer.unref();
    return lease;
  }

  /** Aborted as soon as a renewal finds the lock gone: pass it to in-flight requests. */
  get signal(): AbortSignal {
    return this.#abort.signal;
  }

  get lost(): boolean {
    return this.#abort.signal.aborted;
  }

  /**
   * Renews the lock now, owner-checked; call it right before every write (to Google or the queue), so a
   * flusher that stalled past its TTL learns it before writing, not after. Throws FlushLockLostError when
   * the lock is no longer ours (and rethrows a Redis error: ownership unknown means no write either).
   */
  async confirm(): Promise<void> {
    if (!(await this.#renew())) throw new FlushLockLostError(this.#spreadsheetId);
  }

  /** Stops renewing and releases the lock if it is still ours. */
  async release(): Promise<void> {
    this.#stop();
    if (!this.lost) await this.#queue.unlockFlush(this.#spreadsheetId, this.#owner);
  }

  /** Stops renewing and keeps the lock `ms` longer, so no flusher (of any instance) writes the spreadsheet
   *  again before then: the spacing that keeps the request rate per spreadsheet flat whatever the number
   *  of instances. */
  async cooldown(ms: number): Promise<void> {
    this.#stop();
    if (!this.lost) await this.#queue.renewFlushLock(this.#spreadsheetId, this.#owner, ms);
  }

  #renew(): Promise<boolean> {
    if (this.lost) return Promise.resolve(false);
    if (!this.#renewing) {
      this.#renewing = this.#queue
        .renewFlushLock(this.#spreadsheetId, this.#owner, this.#ttlMs)
        .then((ok) => {
          if (!ok) this.#lose();
          return ok;
        })
        .finally(() => {
          this.#renewing = null;
        });
    }
    return this.#renewing;
  }

  #lose(): void {
    this.#stop();
    this.#abort.abort(new FlushLockLostError(this.#spreadsheetId));
  }

  #stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }
}
