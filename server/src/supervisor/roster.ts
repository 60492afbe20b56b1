// Who is a supervisor: the router spreadsheet's `Supervisors` tab (src-shared/domain/supervisors.ts), read
// like the router (one values.get, cached, a fresh read per tab-refresh tick; a failed read keeps the last
// rows; a missing tab means no supervisors). Login, refresh and every supervisor request are checked against
// the rows as last read, so removing a supervisor (or setting Active to FALSE) locks them out within a tick.
import { ApiError } from '../../../src-shared/contracts/errors.js';
import { isDomainError } from '../../../src-shared/domain/errors.js';
import { quoteTabTitle } from '../../../src-shared/domain/sheet-codec.js';
import {
  parseSupervisorRows,
  SUPERVISORS_TAB,
  type SupervisorEntry,
} from '../../../src-shared/domain/supervisors.js';
import type { Logger } from '../logger.js';
import { classifyGoogleError } from '../sheets/google-errors.js';

export interface SupervisorRosterDeps {
  readRange: (spreadsheetId: string, range: string) => Promise<string[][]>;
  routerSpreadsheetId: string;
  logger: Logger;
  now: () => number;
  /** How long a read answers lookups before the next lookup re-reads. Default 30 s (as the router). */
  cacheMs?: number;
}

export class SupervisorRoster {
  #rows: { at: number; entries: SupervisorEntry[] } | null = null;
  #reading: Promise<SupervisorEntry[]> | null = null;

  constructor(private readonly d: SupervisorRosterDeps) {}

  /** Every row (active or not); `fresh` reads past the cache. A failed read keeps the last rows. */
  async list(opts: { fresh?: boolean } = {}): Promise<SupervisorEntry[]> {
    const cached = this.#rows;
    if (!opts.fresh && cached && this.d.now() - cached.at < (this.d.cacheMs ?? 30_000)) return cached.entries;
    this.#reading ??= this.#read().finally(() => {
      this.#reading = null;
    });
    return this.#reading;
  }

  /** The last rows read, without I/O (null before a first read). */
  known(): SupervisorEntry[] | null {
    return this.#rows?.entries ?? null;
  }

  /** The active supervisor of that email, or 403 (not listed / not active). Answers from the rows last read
   *  (the tab-refresh tick keeps them fresh: a request never waits on Sheets), reading only when none are
   *  known yet or `fresh` (login). */
  async require(email: string, opts: { fresh?: boolean } = {}): Promise<SupervisorEntry> {
    const rows = (!opts.fresh && this.known()) || (await this.list(opts));
    const e = rows.find((s) => s.email === email.trim().toLowerCase());
    if (!e) throw new ApiError('FORBIDDEN', 'this account is not a supervisor (not in the Supervisors tab)');
    if (!e.active) throw new ApiError('FORBIDDEN', 'this supervisor is not Active in the Supervisors tab');
    return e;
  }

  /** Whether the email is an active supervisor (false when the tab cannot be read). */
  async isActive(email: string): Promise<boolean> {
    return this.require(email).then(
      () => true,
      () => false,
    );
  }

  async #read(): Promise<SupervisorEntry[]> {
    const range = `${quoteTabTitle(SUPERVISORS_TAB)}!A:C`;
    let values: string[][];
    try {
      values = await this.d.readRange(this.d.routerSpreadsheetId, range);
    } catch (err) {
      const f = classifyGoogleError(err, this.d.now());
      if (f.kind === 'rejected' && f.status === 400) {
        // No Supervisors tab (Google answers 400 "Unable to parse range"): nobody is a supervisor.
        this.d.logger.warn({ tab: SUPERVISORS_TAB }, 'no Supervisors tab in the router spreadsheet');
        this.#rows = { at: this.d.now(), entries: [] };
        return [];
      }
      const stale = this.#rows;
      this.d.logger.warn({ err, kind: f.kind, status: f.status }, 'Supervisors tab read failed');
      if (stale) return stale.entries;
      throw new ApiError('SHEETS_UNAVAILABLE', 'the Supervisors tab cannot be read now; try again shortly', {
        retryAfterMs: f.retryAfterMs ?? 5_000,
      });
    }
    let parsed: ReturnType<typeof parseSupervisorRows>;
    try {
      parsed = parseSupervisorRows(values);
    } catch (err) {
      if (isDomainError(err)) throw new ApiError('SHEET_UNREADABLE', err.message, err.details);
      throw err;
    }
    if (parsed.rowErrors.length > 0)
      this.d.logger.warn({ rowErrors: parsed.rowErrors }, 'Supervisors rows skipped');
    this.#rows = { at: this.d.now(), entries: parsed.entries };
    return parsed.entries;
  }
}
