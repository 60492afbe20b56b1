// The two timers that keep a session moving without the agent: the preview countdown (dial when it runs
// out, on Play) and the idle watchdog (on Play with nothing happening, ask for the next lead again, at
// `nextDialableAt` when the server named one, else backing off from 3–5 s to 30 s).
import { backoffDelay } from '../api/backoff';
import type { StoreState } from '../store/types';
import type { ControllerCore } from './core';

const IDLE_BACKOFF = { baseMs: 5000, maxMs: 30_000, floorMs: 3000 };
/** A far nextDialableAt is re-asked hourly: setTimeout fires at once beyond 2^31 ms (24.8 days), which would
 *  turn a "calling resumes next month" into a request loop. */
const MAX_IDLE_WAIT_MS = 3_600_000;

/** Milliseconds left on a preview countdown. dialAt is the server's clock: clamped to the configured countdown
 *  so a skewed client clock can neither dial at once nor wait forever. */
export function previewRemainingMs(dialAt: number, countdownSeconds: number, now: number): number {
  return Math.min(Math.max(0, dialAt - now), countdownSeconds * 1000);
}

export interface WatchdogDeps {
  requestNext: () => Promise<void>;
  dialNow: () => Promise<void>;
}

export class Watchdogs {
  readonly #core: ControllerCore;
  readonly #deps: WatchdogDeps;
  #dialTimer: ReturnType<typeof setTimeout> | null = null;
  #dialTimerFor: string | null = null;
  #idleTimer: ReturnType<typeof setTimeout> | null = null;
  #idleAttempt = 0;

  constructor(core: ControllerCore, deps: WatchdogDeps) {
    this.#core = core;
    this.#deps = deps;
  }

  /** Re-arms both timers after a store change. */
  onStoreChange(s: StoreState, prev: StoreState): void {
    if (
      s.preview.pending !== prev.preview.pending ||
      s.session.session?.state !== prev.session.session?.state
    )
      this.#armAutoDial(s);
    this.#armIdleWatchdog(s);
  }

  dispose(): void {
    if (this.#dialTimer) clearTimeout(this.#dialTimer);
    if (this.#idleTimer) clearTimeout(this.#idleTimer);
    this.#dialTimer = this.#idleTimer = null;
    this.#dialTimerFor = null;
  }

  /** On Play with nothing happening (a chained dial failed, Dialpad rate-limited us, a retry delay is due)
   *  the client asks again by itself, backing off, so the agent is never left waiting on a silent screen. */
  #armIdleWatchdog(s: StoreState): void {
    const idle =
      s.auth.phase === 'signed-in' &&
      s.session.phase === 'active' &&
      s.session.session?.state === 'PLAY' &&
      !s.call.call &&
      !s.preview.pending &&
      !s.ui.dispo &&
      s.outbox.entries.length === 0 &&
      (s.preview.nothing === null || s.preview.nothing.nextDialableAt !== null);
    if (!idle) {
      if (this.#idleTimer) clearTimeout(this.#idleTimer);
      this.#idleTimer = null;
      if (s.call.call || s.preview.pending) this.#idleAttempt = 0;
      return;
    }
    if (this.#idleTimer) return;
    const nextAt = s.preview.nothing?.nextDialableAt ?? null;
    const delay =
      nextAt !== null
        ? Math.min(MAX_IDLE_WAIT_MS, Math.max(1000, nextAt - this.#core.now() + 500))
        : backoffDelay(this.#idleAttempt++, this.#core.random(), IDLE_BACKOFF);
    this.#idleTimer = setTimeout(() => {
      this.#idleTimer = null;
      const cur = this.#core.state();
      if (cur.session.session?.state === 'PLAY' && !cur.call.call && !cur.preview.pending && !cur.ui.dispo)
        void this.#deps.requestNext();
    }, delay);
  }

  /** The preview countdown: when it runs out (and the session is on Play) the client dials. */
  #armAutoDial(s: StoreState): void {
    const pending = s.preview.pending;
    const playing = s.session.session?.state === 'PLAY';
    if (!pending || !playing) {
      if (this.#dialTimer) clearTimeout(this.#dialTimer);
      this.#dialTimer = null;
      this.#dialTimerFor = null;
      return;
    }
    if (this.#dialTimerFor === pending.previewId) return;
    if (this.#dialTimer) clearTimeout(this.#dialTimer);
    this.#dialTimerFor = pending.previewId;
    const delay = previewRemainingMs(
      pending.dialAt,
      s.session.session?.previewCountdownSeconds ?? 0,
      this.#core.now(),
    );
    this.#dialTimer = setTimeout(() => {
      this.#dialTimer = null;
      const cur = this.#core.state();
      if (cur.preview.pending?.previewId === pending.previewId && cur.session.session?.state === 'PLAY')
        void this.#deps.dialNow();
    }, delay);
  }
}
