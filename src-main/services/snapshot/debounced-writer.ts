// Coalesces bursts of snapshot changes into one write (the renderer may save on every keystroke of the
// notes field), and flushes synchronously-awaitable on quit so the last change is never lost.
import type { AppSnapshot } from '../../../src-shared/contracts/ipc.js';

export type Timers = Readonly<{
  setTimeout: (fn: () => void, ms: number) => unknown;
  clearTimeout: (handle: unknown) => void;
}>;

export class DebouncedSnapshotWriter {
  readonly #save: (s: AppSnapshot) => Promise<void>;
  readonly #delayMs: number;
  readonly #timers: Timers;
  readonly #onError: (err: unknown) => void;
  #pending: AppSnapshot | null = null;
  #timer: unknown = null;

  constructor(
    save: (s: AppSnapshot) => Promise<void>,
    options: Readonly<{ delayMs: number; timers?: Timers; onError: (err: unknown) => void }>,
  ) {
    this.#save = save;
    this.#delayMs = options.delayMs;
    this.#timers = options.timers ?? {
      setTimeout: (fn, ms) => setTimeout(fn, ms),
      clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
    };
    this.#onError = options.onError;
  }

  /** Remembers the latest snapshot; writes it after the delay unless a newer one arrives first. */
  schedule(snapshot: AppSnapshot): void {
    this.#pending = snapshot;
    if (this.#timer !== null) this.#timers.clearTimeout(this.#timer);
    this.#timer = this.#timers.setTimeout(() => {
      this.#timer = null;
      void this.flush().catch(this.#onError);
    }, this.#delayMs);
  }

  /** Writes now whatever is pending (quit, or a change that must not wait: an outbox entry). */
  async flush(): Promise<void> {
    if (this.#timer !== null) {
      this.#timers.clearTimeout(this.#timer);
      this.#timer = null;
    }
    const snapshot = this.#pending;
    this.#pending = null;
    if (snapshot) await this.#save(snapshot);
  }
}
