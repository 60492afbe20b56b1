// The crash-safe AppSnapshot file (session, current call, pending disposition, outbox). Reads are checked
// against AppSnapshotSchema: a file that is not JSON or not the schema is moved aside as
// `snapshot.corrupt-<ts>.json`, reported, and the previous good file is used instead, so a bad file can
// never cause a crash loop. Writes are atomic (atomic-file.ts) and serialised (one at a time, in order).
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { type AppSnapshot, AppSnapshotSchema } from '../../../src-shared/contracts/ipc.js';
import { isNotFound, previousPath, writeFileAtomic } from './atomic-file.js';

export type CorruptionReport = { file: string; movedTo: string; reason: string };

export type SnapshotLoad = {
  snapshot: AppSnapshot | null;
  source: 'current' | 'previous' | 'none';
  /** Files found unreadable on this load, each already moved aside. */
  corrupt: CorruptionReport[];
};

export type SnapshotStoreOptions = Readonly<{
  dir: string;
  fileName?: string;
  now: () => number;
  onCorrupt?: (report: CorruptionReport) => void;
}>;

export class SnapshotStore {
  readonly file: string;
  readonly #dir: string;
  readonly #now: () => number;
  readonly #onCorrupt: ((report: CorruptionReport) => void) | undefined;
  #queue: Promise<void> = Promise.resolve();

  constructor(options: SnapshotStoreOptions) {
    this.#dir = options.dir;
    this.file = join(options.dir, options.fileName ?? 'snapshot.json');
    this.#now = options.now;
    this.#onCorrupt = options.onCorrupt;
  }

  async load(): Promise<SnapshotLoad> {
    await this.#queue;
    const corrupt: CorruptionReport[] = [];
    for (const [path, source] of [
      [this.file, 'current'],
      [previousPath(this.file), 'previous'],
    ] as const) {
      const read = await this.#readChecked(path);
      if (read.kind === 'ok') return { snapshot: read.snapshot, source, corrupt };
      if (read.kind === 'corrupt') corrupt.push(read.report);
    }
    return { snapshot: null, source: 'none', corrupt };
  }

  /** Validates, then replaces the file atomically. Writes run one after another in call order. */
  save(snapshot: AppSnapshot): Promise<void> {
    const checked = AppSnapshotSchema.parse(snapshot);
    const text = `${JSON.stringify(checked)}\n`;
    const run = this.#queue.then(() => writeFileAtomic(this.file, text));
    // A failed write must not block later ones; the caller still sees this one's error.
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /** Sign-out: nothing of the agent's session stays on disk. */
  async clear(): Promise<void> {
    await this.#queue;
    await fs.rm(this.file, { force: true });
    await fs.rm(previousPath(this.file), { force: true });
  }

  async #readChecked(
    path: string,
  ): Promise<
    | { kind: 'ok'; snapshot: AppSnapshot }
    | { kind: 'missing' }
    | { kind: 'corrupt'; report: CorruptionReport }
  > {
    let text: string;
    try {
      text = await fs.readFile(path, 'utf8');
    } catch (err) {
      if (isNotFound(err)) return { kind: 'missing' };
      return { kind: 'corrupt', report: await this.#setAside(path, `unreadable: ${errorMessage(err)}`) };
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (err) {
      return { kind: 'corrupt', report: await this.#setAside(path, `not JSON: ${errorMessage(err)}`) };
    }
    const parsed = AppSnapshotSchema.safeParse(json);
    if (!parsed.success) {
      const first = parsed.error.issues[0];
      const where = first ? `${first.path.join('.') || '(root)'}: ${first.message}` : 'schema mismatch';
      return { kind: 'corrupt', report: await this.#setAside(path, `schema: ${where}`) };
    }
    return { kind: 'ok', snapshot: parsed.data };
  }

  async #setAside(path: string, reason: string): Promise<CorruptionReport> {
    const movedTo = join(
      this.#dir,
      `snapshot.corrupt-${this.#now()}-${Math.random().toString(36).slice(2, 8)}.json`,
    );
    try {
      await fs.rename(path, movedTo);
    } catch {
      // Could not move it (permissions?): delete it rather than read it again on every start.
      await fs.rm(path, { force: true }).catch(() => undefined);
    }
    const report = { file: path, movedTo, reason };
    this.#onCorrupt?.(report);
    return report;
  }
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
