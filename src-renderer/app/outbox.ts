// The outbox sender: every state-changing request gets one Idempotency-Key per intent, is saved in the
// snapshot before it leaves, and is sent in order, one at a time. An entry leaves only when the server
// answered (success, or a final refusal); transient failures keep it and retry with backoff.
import type { OutboxEntry } from '../../src-shared/contracts/ipc';
import { backoffDelay } from '../api/backoff';
import { ApiCallError, type ApiClient } from '../api/client';
import { newId } from '../lib/ids';
import * as R from '../store/reducers';
import type { ControllerCore } from './core';
import { type OutboxAnswer, type OutboxIntent, sendOutboxEntry } from './outbox-send';

const OUTBOX_BACKOFF = { baseMs: 1000, maxMs: 10_000, floorMs: 500 };

export interface OutboxDeps {
  /** The server accepted the entry: apply its answer (typed by the entry's route). */
  onAnswer: (answer: OutboxAnswer) => void;
  /** The server refused it for good: the entry is gone, tell the agent. */
  onFinalError: (entry: OutboxEntry, error: ApiCallError) => void;
}

/** Longest wait a Retry-After can impose before the next attempt (a bad header must not park us for hours). */
const MAX_RETRY_AFTER_MS = 60_000;

/** When to try again: the server's Retry-After when it gave one (plus up to 0.5 s of jitter so a storm of
 *  clients does not come back in the same millisecond), else exponential backoff. */
export function retryDelay(error: ApiCallError, attempt: number, random: number): number {
  if (error.retryAfterMs === null) return backoffDelay(attempt, random, OUTBOX_BACKOFF);
  const base = Math.max(error.retryAfterMs, OUTBOX_BACKOFF.floorMs);
  return Math.min(base + Math.floor(random * 500), MAX_RETRY_AFTER_MS);
}

export class OutboxSender {
  readonly #core: ControllerCore;
  readonly #api: ApiClient;
  readonly #deps: OutboxDeps;
  #flushing = false;
  #flushAgain = false;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #attempt = 0;

  constructor(core: ControllerCore, api: ApiClient, deps: OutboxDeps) {
    this.#core = core;
    this.#api = api;
    this.#deps = deps;
  }

  /** A new entry for an intent: its own idempotency key, the route and that route's body. */
  entry(intent: OutboxIntent): OutboxEntry {
    return { ...intent, idempotencyKey: newId(), createdAt: this.#core.now(), attempts: 0 };
  }

  /** A state-changing request: one idempotency key per intent, kept in the outbox until acknowledged. */
  async intent(intent: OutboxIntent): Promise<void> {
    const core = this.#core;
    const entry = this.entry(intent);
    const name = intent.route;
    core.update((s) => ({ ...R.outboxAdd(s, entry), ui: { ...s.ui, busy: name } }));
    await core.saveNow();
    await this.flush();
    core.update((s) => (s.ui.busy === name ? { ...s, ui: { ...s.ui, busy: null } } : s));
  }

  /** Sends the outbox in order, one at a time. Stops at the first transient failure and retries later. */
  async flush(): Promise<void> {
    if (this.#flushing) {
      this.#flushAgain = true;
      while (this.#flushing) await new Promise((r) => setTimeout(r, 20));
      return;
    }
    this.#flushing = true;
    try {
      for (;;) {
        this.#flushAgain = false;
        await this.#flushOnce();
        if (!this.#flushAgain) break;
      }
    } finally {
      this.#flushing = false;
    }
  }

  /** Signed in again: the next failure starts the backoff from the beginning. */
  resetBackoff(): void {
    this.#attempt = 0;
  }

  /** Cancels a pending retry (the caller flushes now instead). */
  cancelRetry(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
  }

  async #flushOnce(): Promise<void> {
    const core = this.#core;
    for (;;) {
      const s = core.state();
      const e = s.outbox.entries[0];
      if (!e) return;
      if (!s.auth.accessToken) return; // sent after sign-in
      if (!R.isReplayable(e, core.now())) {
        core.update((st) => R.outboxAck(st, e.idempotencyKey));
        continue;
      }
      core.update((st) => R.outboxAttempt(st, e.idempotencyKey));
      try {
        const answer = await sendOutboxEntry(this.#api, e);
        core.update((st) => R.outboxAck(st, e.idempotencyKey));
        this.#attempt = 0;
        this.#deps.onAnswer(answer);
        await core.saveNow();
      } catch (err) {
        const error = err instanceof ApiCallError ? err : new ApiCallError('CLIENT', String(err), 0);
        if (error.transient || error.code === 'UNAUTHENTICATED' || error.code === 'TOKEN_EXPIRED') {
          this.#scheduleRetry(error, e);
          return;
        }
        core.update((st) => R.outboxAck(st, e.idempotencyKey));
        await core.saveNow();
        this.#deps.onFinalError(e, error);
      }
    }
  }

  #scheduleRetry(error: ApiCallError, entry: OutboxEntry): void {
    if (error.code === 'NETWORK' || error.code === 'HTTP') {
      this.#core.update((s) =>
        s.outbox.entries.some((e) => e.route === 'disposition')
          ? {
              ...s,
              ui: {
                ...s.ui,
                notice: 'Disposition saved on this computer: it is sent as soon as the server is back.',
              },
            }
          : s,
      );
    }
    if (this.#timer) return;
    const delay = retryDelay(error, this.#attempt++, this.#core.random());
    if (entry.route === 'sessionStart' && error.retryAfterMs !== null) {
      // A start storm: the coordinator queues us behind the sheet's read quota. Say so, never an error.
      const until = this.#core.now() + delay;
      this.#core.update((s) => ({
        ...s,
        session: { ...s.session, phase: 'starting', startWaitUntil: until },
      }));
    }
    this.#timer = setTimeout(() => {
      this.#timer = null;
      void this.flush();
    }, delay);
  }
}
