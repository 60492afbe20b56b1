// The write-behind queue as the flusher needs it: the agreed PatchQueue port (ports.ts) plus a dead-letter
// side for patches that must never be written (their lead's row is gone), kept for a human to inspect.
import type { SheetPatch } from '../../../src-shared/domain/sheet-patch.js';
import type { PatchQueue } from '../ports.js';

export interface DeadLetter {
  /** The id the patch had in the queue. */
  queueId: string;
  patch: SheetPatch;
  enqueuedAt: number;
  attempts: number;
  reason: string;
  deadAt: number;
}

export interface DurablePatchQueue extends PatchQueue {
  /** Queues the patches of one step (all of one tab) as one entry, as a disposition and its chained dial
   *  are queued in their script; returns each patch's queue id (a patch is acked or dead-lettered alone,
   *  the entry leaves once each of its patches did). */
  enqueueStep(patches: readonly SheetPatch[], now: number): Promise<string[]>;
  /** Moves queued patches to the spreadsheet's dead letters (atomically per tab). Returns how many moved. */
  deadLetter(spreadsheetId: string, ids: string[], reason: string, now: number): Promise<number>;
  /** Dead letters of one spreadsheet, oldest first, up to `max`. */
  deadLetters(spreadsheetId: string, max: number): Promise<DeadLetter[]>;
  /** Takes the spreadsheet's flush lock for `ttlMs` unless another owner holds it. One flusher at a time
   *  per spreadsheet across coordinator instances, or an older value could land after a newer one. The
   *  TTL is short (a crashed holder frees it soon); the holder renews it while it flushes. */
  tryLockFlush(spreadsheetId: string, owner: string, ttlMs: number): Promise<boolean>;
  /** Extends the lock to `ttlMs` from now if `owner` still holds it. False when it expired or another
   *  owner took it over: the caller must then stop writing. */
  renewFlushLock(spreadsheetId: string, owner: string, ttlMs: number): Promise<boolean>;
  /** Releases the lock if `owner` still holds it. */
  unlockFlush(spreadsheetId: string, owner: string): Promise<void>;
  /** Starts taking hints of which tabs got patches (another instance's too), so spreadsheetsWithPending()
   *  and peek() touch only those, with a periodic full sweep as the safety net; resolves to the function
   *  that stops it. Optional: without it every call looks at every tab. */
  watch?(): Promise<() => Promise<void>>;
  /** The next spreadsheetsWithPending() and peeks look at every tab (an explicit flush, a drain). */
  sweep?(): void;
  /** Whole seconds from connect to end of these calls (0: never connected), for the call log; a call
   *  no longer stored is left out. Optional: without it the log leaves the duration empty. */
  callDurations?(
    calls: { spreadsheetId: string; sheetId: number; callId: string }[],
    now: number,
  ): Promise<Map<string, number>>;
}
