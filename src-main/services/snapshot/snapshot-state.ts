// The snapshot as the main process holds it: the latest copy in memory (read synchronously by the outbox
// replayer and diagnostics) plus the store on disk. Ordinary changes are debounced; a change to the outbox
// or the pending disposition is written at once, since those are what a crash must not lose.
import type { AppSnapshot } from '../../../src-shared/contracts/ipc.js';
import { DebouncedSnapshotWriter, type Timers } from './debounced-writer.js';
import type { OutboxPersistence } from './outbox.js';
import type { SnapshotStore } from './snapshot-store.js';

export class SnapshotState implements OutboxPersistence {
  readonly #store: SnapshotStore;
  readonly #writer: DebouncedSnapshotWriter;
  #current: AppSnapshot | null = null;

  constructor(
    store: SnapshotStore,
    options: Readonly<{ debounceMs: number; timers?: Timers; onError: (err: unknown) => void }>,
  ) {
    this.#store = store;
    this.#writer = new DebouncedSnapshotWriter((s) => store.save(s), {
      ...options,
      delayMs: options.debounceMs,
    });
  }

  /** Loads from disk (after a crash: the last good file), remembering it as current. */
  async load() {
    const result = await this.#store.load();
    this.#current = result.snapshot;
    return result;
  }

  read(): AppSnapshot | null {
    return this.#current;
  }

  /** Renderer saves: urgent when what a crash must not lose has changed. */
  async update(next: AppSnapshot): Promise<void> {
    const before = this.#current;
    this.#current = next;
    const urgent =
      before === null ||
      JSON.stringify(before.outbox) !== JSON.stringify(next.outbox) ||
      JSON.stringify(before.pendingDisposition) !== JSON.stringify(next.pendingDisposition);
    this.#writer.schedule(next);
    if (urgent) await this.#writer.flush();
  }

  /** Immediate write (the outbox replayer persists attempts before each send). */
  async write(next: AppSnapshot): Promise<void> {
    this.#current = next;
    this.#writer.schedule(next);
    await this.#writer.flush();
  }

  flush(): Promise<void> {
    return this.#writer.flush();
  }

  async clear(): Promise<void> {
    await this.#writer.flush();
    this.#current = null;
    await this.#store.clear();
  }
}
