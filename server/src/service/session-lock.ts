// The per-session lock around dialing (DESIGN.md: 5 s TTL, renewed while held, released only by its owner
// token). A second request for the same session (double click, a second device) waits for the first and
// then sees its result (a call in progress) instead of starting another call. The Lua transitions check
// the owner token again, so a holder whose lock expired (a stalled process) cannot write.
import { ApiError } from '../../../src-shared/contracts/errors.js';
import type { Store } from '../store/types.js';

export interface SessionLockOptions {
  ttlMs?: number;
  /** How long a request waits for the lock before answering LOCKED. */
  waitMs?: number;
  pollMs?: number;
  /** The caller holds the lock with `token` already (a transition script took it): no request for it. */
  held?: boolean;
  /** Where `fn` may hand the lock to work that outlives it (a dial's Dialpad leg, after the answer): a
   *  handed-off lock is neither released nor renewed here any more; its new owner does both. */
  handoffs?: LockHandoffs;
}

/** Session locks handed by the request that held them to work that goes on after its answer (dialing.ts
 *  placeCall: the lock stays held until Dialpad answered, then the events' append releases it). */
export class LockHandoffs {
  readonly #tokens = new Set<string>();
  /** The lock `token` now belongs to the caller's background work. */
  handOff(token: string): void {
    this.#tokens.add(token);
  }
  /** True (once) when `token` was handed off: its holder must leave it alone. */
  taken(token: string): boolean {
    return this.#tokens.delete(token);
  }
}

export async function withSessionLock<T>(
  store: Store,
  tag: string,
  sessionId: string,
  token: string,
  fn: (token: string) => Promise<T>,
  opts: SessionLockOptions = {},
): Promise<T> {
  const ttlMs = opts.ttlMs ?? 5_000;
  const waitMs = opts.waitMs ?? 8_000;
  const pollMs = opts.pollMs ?? 25;
  const deadline = Date.now() + waitMs;
  while (!opts.held && !(await store.acquireLock(tag, sessionId, token, ttlMs))) {
    if (Date.now() >= deadline) throw new ApiError('LOCKED', 'another request is working on this session');
    await new Promise((r) => setTimeout(r, pollMs));
  }
  const held = holdSessionLock(store, tag, sessionId, token, ttlMs);
  try {
    return await fn(token);
  } finally {
    if (opts.handoffs?.taken(token)) held.stop();
    else await held.release();
  }
}

/** A lock this request holds (taken by acquireLock or by a transition script, e.g. callDispose's
 *  `chainLock`), renewed at a third of its TTL (so one slow renewal still leaves time for the next) until
 *  `release()`, which frees it for its owner only, or `stop()` when another script releases it (e.g.
 *  eventsAppendUnlock, with the step's events). A failed release is harmless (the TTL frees it). */
export function holdSessionLock(
  store: Store,
  tag: string,
  sessionId: string,
  token: string,
  ttlMs: number,
): { stop(): void; release(): Promise<boolean> } {
  const renew = setInterval(
    () => {
      void store.renewLock(tag, sessionId, token, ttlMs).catch(() => undefined);
    },
    Math.max(50, Math.floor(ttlMs / 3)),
  );
  return {
    stop() {
      clearInterval(renew);
    },
    release() {
      clearInterval(renew);
      return store.releaseLock(tag, sessionId, token).catch(() => false);
    },
  };
}
