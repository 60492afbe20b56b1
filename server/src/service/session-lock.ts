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

/** A held lock the renewal wheel keeps alive. */
interface Holder {
  renewedAt: number;
  renew(): void;
}

/** Every lock of one TTL held in this process, renewed by ONE timer: a holder is an entry in a set (no
 *  Timeout object, no timer-list insertion and removal per dial; a dial held its lock twice, in the
 *  disposition and in its Dialpad leg). The timer ticks every TTL/6 and renews each holder whose last
 *  renewal is at least TTL/3 old: a lock is renewed at most TTL/2 after the previous renewal, as the
 *  per-holder TTL/3 interval did with one slow renewal in between. Unref'd: it keeps no process alive. */
class RenewalWheel {
  readonly #held = new Set<Holder>();
  #timer: NodeJS.Timeout | null = null;

  constructor(private readonly ttlMs: number) {}

  add(h: Holder): void {
    this.#held.add(h);
    if (this.#timer) return;
    this.#timer = setInterval(() => this.#tick(), Math.max(25, Math.floor(this.ttlMs / 6)));
    this.#timer.unref();
  }

  delete(h: Holder): void {
    this.#held.delete(h);
  }

  #tick(): void {
    const now = Date.now();
    const due = Math.max(50, Math.floor(this.ttlMs / 3));
    for (const h of this.#held)
      if (now - h.renewedAt >= due) {
        h.renewedAt = now;
        h.renew();
      }
  }
}

const wheels = new Map<number, RenewalWheel>();
const wheelFor = (ttlMs: number): RenewalWheel => {
  let w = wheels.get(ttlMs);
  if (!w) {
    w = new RenewalWheel(ttlMs);
    wheels.set(ttlMs, w);
  }
  return w;
};

/** A lock this request holds (taken by acquireLock or by a transition script, e.g. callDispose's
 *  `chainLock`), renewed (RenewalWheel) until `release()`, which frees it for its owner only, or `stop()`
 *  when another script releases it (e.g. eventsAppendUnlock, with the step's events). A failed release is
 *  harmless (the TTL frees it). */
export function holdSessionLock(
  store: Store,
  tag: string,
  sessionId: string,
  token: string,
  ttlMs: number,
): { stop(): void; release(): Promise<boolean> } {
  const wheel = wheelFor(ttlMs);
  const holder: Holder = {
    renewedAt: Date.now(),
    renew: () => {
      void store.renewLock(tag, sessionId, token, ttlMs).catch(() => undefined);
    },
  };
  wheel.add(holder);
  return {
    stop() {
      wheel.delete(holder);
    },
    release() {
      wheel.delete(holder);
      return store.releaseLock(tag, sessionId, token).catch(() => false);
    },
  };
}
