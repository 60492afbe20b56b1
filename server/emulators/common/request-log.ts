// The request log both emulators keep: tests count what the emulator really received ("one values.batchUpdate
// per flush") rather than trusting the caller's own counters.

export interface RequestLogEntry {
  /** Epoch ms when the request arrived. */
  at: number;
  /** Operation name (e.g. `values.batchUpdate`), `admin` routes are not logged. */
  route: string;
  method: string;
  path: string;
  status: number;
  /** True when the answer was an injected fault. */
  faulted: boolean;
}

const MAX_ENTRIES = 10_000;
const TRIM_CHUNK = 1_000;

export class RequestLog {
  #entries: RequestLogEntry[] = [];
  #counts = new Map<string, number>();

  record(entry: RequestLogEntry): void {
    this.#entries.push(entry);
    // Bounded so a long demo run does not grow without limit; counts stay exact. Trimmed in chunks (not one
    // entry per request), so a busy emulator does not move 10,000 entries on every request.
    if (this.#entries.length >= MAX_ENTRIES + TRIM_CHUNK)
      this.#entries.splice(0, this.#entries.length - MAX_ENTRIES);
    this.#counts.set(entry.route, (this.#counts.get(entry.route) ?? 0) + 1);
  }

  /** The most recent entries (up to 10,000), oldest first. */
  get entries(): readonly RequestLogEntry[] {
    return this.#entries.length > MAX_ENTRIES ? this.#entries.slice(-MAX_ENTRIES) : this.#entries;
  }

  /** Requests received per operation since the last clear (faulted ones included). */
  counts(): Record<string, number> {
    return Object.fromEntries(this.#counts);
  }

  /** Requests received for one operation; `opts.ok` counts only answers with a 2xx status. */
  count(route: string, opts: { ok?: boolean } = {}): number {
    if (!opts.ok) return this.#counts.get(route) ?? 0;
    return this.entries.filter((e) => e.route === route && e.status >= 200 && e.status < 300).length;
  }

  clear(): void {
    this.#entries = [];
    this.#counts.clear();
  }
}
