// Reads from Google Sheets for the coordinator: the router (agent → Dialpad user, spreadsheet, tab) and
// agent tabs, through the SheetsApi (the shared read budget, the Sheets breaker, timeouts) with a short
// retry (backoff + full jitter, Retry-After honoured) because a person is waiting on these reads.
//
// Reads do not grow with agents: the router is cached for `routerCacheMs` (30 s; the periodic access
// refresh keeps it warm, so a session start seldom reads it) and concurrent misses share one read; agent tabs are
// read by TabReader (tab-reader.ts): every tab of a spreadsheet asked for at about the same time comes from
// ONE values.batchGetByDataFilter by tab id (the whole used grid, A:Z and the optional columns after
// NextIndex such as TimeZone; the answer carries the tab's title, so no titles read). A tab whose title and
// cells are those of its last read is not decoded again: the same AgentTab object is returned; in a tab that
// changed, only the rows that changed are decoded (the others keep their Lead objects, which TabCache
// compares by identity), and a big read brings only those rows across from the decode worker. Errors:
// SHEET_TAB_NOT_FOUND (no such spreadsheet or tab, or not shared with the service account),
// SHEET_HEADER_MISMATCH (naming the column), SHEETS_UNAVAILABLE (5xx, network, breaker open; Retry-After),
// RATE_LIMITED (the read is queued behind the shared budget; Retry-After), SHEET_UNREADABLE (router
// misconfigured).
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Logger } from 'pino';
import { ApiError } from '../../../src-shared/contracts/errors.js';
import { isDomainError } from '../../../src-shared/domain/errors.js';
import type { CountryCode } from '../../../src-shared/domain/phone.js';
import {
  type AgentRowsMemo,
  parseAgentRows,
  parseRouterRows,
  quoteTabTitle,
} from '../../../src-shared/domain/sheet-codec.js';
import type { AgentTab, RouterEntry, SheetsGateway } from '../ports.js';
import type { BackoffOptions } from '../resilience/backoff.js';
import { withRetry } from '../resilience/retry.js';
import { classifyGoogleError, type GoogleFailure, isRetryableGoogleFailure } from './google-errors.js';
import { QuotaExhaustedError, type SheetsApi, type SheetsApiSource, sheetsApiOf } from './sheets-api.js';
import { TabReader, type TabReaderOptions } from './tab-reader.js';

export type GoogleSheetsGatewayOptions = SheetsApiSource & {
  logger: Logger;
  routerSpreadsheetId: string;
  /** Title of the router tab. Default "Router". */
  routerTabTitle?: string;
  /** How long a router read is reused. Default 30 s: a session start does not read the router, and a
   *  deactivation reaches the access refresh (every TAB_REFRESH_MS) within 30 s more. */
  routerCacheMs?: number;
  /** Tries per read, including the first. Default 3. */
  readAttempts?: number;
  /** Per Google request. Default 10 s (a person is waiting). */
  requestTimeoutMs?: number;
  /** Longest wait for the shared read budget before giving up with RATE_LIMITED. Default 5 s. */
  maxQuotaWaitMs?: number;
  backoff?: BackoffOptions;
  defaultCountry?: CountryCode;
  /** Tab read coalescing (spacing, gather window, a caller's longest wait). */
  tabReads?: Partial<Omit<TabReaderOptions, 'api' | 'logger'>>;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
};

/** A failed read's Retry-After for the client: Google's or our budget's when known, else a few seconds. */
const UNAVAILABLE_RETRY_MS = 5000;

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

interface Settings {
  logger: Logger;
  routerSpreadsheetId: string;
  routerTabTitle: string;
  routerCacheMs: number;
  readAttempts: number;
  requestTimeoutMs: number;
  maxQuotaWaitMs: number;
  backoff: BackoffOptions | undefined;
  defaultCountry: CountryCode | undefined;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
}

export class GoogleSheetsGateway implements SheetsGateway {
  readonly #o: Settings;
  readonly #api: SheetsApi;
  readonly #tabs: TabReader;
  /** Decodes (and the hash that may skip one) run one at a time, each in its own event-loop turn: one batched
   *  read answers every tab of a spreadsheet at once, and decoding them all in one go stalled requests. */
  #decodeTurn: Promise<unknown> = Promise.resolve();
  /** The last decode of each tab, the cells it came from and their hash: a read whose title and cells are
   *  unchanged returns that same AgentTab object, undecoded (callers compare by identity: TabCache); a read
   *  of a changed tab decodes only its changed rows (memo), and asks the decode worker for those rows only. */
  readonly #decoded = new Map<
    string,
    { fp: string; tab: AgentTab; values: string[][]; memo: AgentRowsMemo }
  >();
  #router: { at: number; entries: RouterEntry[] } | null = null;
  /** The router read in flight: concurrent misses share it. */
  #routerRead: Promise<RouterEntry[]> | null = null;

  constructor(opts: GoogleSheetsGatewayOptions) {
    this.#o = {
      logger: opts.logger,
      routerSpreadsheetId: opts.routerSpreadsheetId,
      routerTabTitle: opts.routerTabTitle ?? 'Router',
      routerCacheMs: opts.routerCacheMs ?? 30_000,
      readAttempts: opts.readAttempts ?? 3,
      requestTimeoutMs: opts.requestTimeoutMs ?? 10_000,
      maxQuotaWaitMs: opts.maxQuotaWaitMs ?? 5000,
      backoff: opts.backoff,
      defaultCountry: opts.defaultCountry,
      now: opts.now ?? Date.now,
      sleep: opts.sleep ?? defaultSleep,
    };
    this.#api = sheetsApiOf(opts, { now: this.#o.now });
    this.#tabs = new TabReader({
      api: this.#api,
      logger: opts.logger,
      requestTimeoutMs: this.#o.requestTimeoutMs,
      maxWaitMs: this.#o.maxQuotaWaitMs,
      now: this.#o.now,
      baseOf: (spreadsheetId, tabId) => {
        const d = this.#decoded.get(`${spreadsheetId}/${tabId}`);
        return d ? { fingerprint: d.fp, values: d.values } : null;
      },
      ...opts.tabReads,
    });
  }

  /** A read a person waits on, retried briefly on 429/5xx. Throws the last failure. */
  async #read<T>(what: string, fn: () => Promise<T>): Promise<T> {
    const { now, sleep } = this.#o;
    return withRetry(fn, {
      ...this.#o.backoff,
      maxAttempts: this.#o.readAttempts,
      sleep,
      isRetryable: (e) =>
        !(e instanceof QuotaExhaustedError) &&
        !(e instanceof ApiError) &&
        isRetryableGoogleFailure(classifyGoogleError(e, now())),
      retryAfterMsOf: (e) => classifyGoogleError(e, now()).retryAfterMs,
      onRetry: ({ attempt, delayMs, error }) => {
        const f = classifyGoogleError(error, now());
        this.#o.logger.warn({ what, attempt, delayMs, status: f.status, kind: f.kind }, 'sheets read retry');
      },
    });
  }

  #unavailable(what: string, err: unknown): ApiError {
    if (err instanceof ApiError) return err;
    if (err instanceof QuotaExhaustedError) {
      return new ApiError(
        'RATE_LIMITED',
        `Google Sheets read budget exhausted; retry in ${Math.ceil(err.retryInMs / 1000)} s`,
        { retryAfterMs: err.retryInMs },
      );
    }
    const f: GoogleFailure = classifyGoogleError(err, this.#o.now());
    // One line, no stack: a Sheets outage is an expected condition, reported by the breaker and /readyz.
    this.#o.logger.warn({ what, status: f.status, kind: f.kind, message: f.message }, 'sheets read failed');
    const why =
      f.kind === 'circuit-open'
        ? 'failing repeatedly (circuit open)'
        : `unavailable (${f.status ?? f.message})`;
    return new ApiError(
      'SHEETS_UNAVAILABLE',
      `Google Sheets is ${why} while reading ${what}; try again shortly`,
      {
        retryAfterMs: f.retryAfterMs ?? UNAVAILABLE_RETRY_MS,
      },
    );
  }

  async listRouterEntries(opts: { fresh?: boolean } = {}): Promise<RouterEntry[]> {
    const cached = this.#router;
    if (!opts.fresh && cached && this.#o.now() - cached.at < this.#o.routerCacheMs) return cached.entries;
    if (!this.#routerRead) {
      this.#routerRead = this.#readRouter().finally(() => {
        this.#routerRead = null;
      });
    }
    return this.#routerRead;
  }

  async #readRouter(): Promise<RouterEntry[]> {
    const { routerSpreadsheetId, routerTabTitle, maxQuotaWaitMs } = this.#o;
    const range = `${quoteTabTitle(routerTabTitle)}!A:F`;
    let values: string[][];
    try {
      values = await this.#read('the router', () =>
        this.#api.readRange(routerSpreadsheetId, range, { quotaWaitMs: maxQuotaWaitMs }),
      );
    } catch (err) {
      const f = classifyGoogleError(err, this.#o.now());
      if (!(err instanceof QuotaExhaustedError) && f.kind === 'rejected') {
        throw new ApiError(
          'SHEET_UNREADABLE',
          `router tab "${routerTabTitle}" of spreadsheet ${routerSpreadsheetId} cannot be read (HTTP ${f.status}): check the configuration and sharing`,
        );
      }
      const stale = this.#router;
      if (stale) {
        // Sheets is down or our budget is spent: the last rows read stay in force until a read succeeds.
        this.#unavailable('the router (keeping the last rows read)', err);
        return stale.entries;
      }
      throw this.#unavailable('the router', err);
    }
    let parsed: ReturnType<typeof parseRouterRows>;
    try {
      parsed = parseRouterRows(values);
    } catch (err) {
      if (isDomainError(err)) throw new ApiError('SHEET_UNREADABLE', err.message, err.details);
      throw err;
    }
    if (parsed.rowErrors.length > 0) {
      this.#o.logger.warn({ rowErrors: parsed.rowErrors }, 'router rows skipped');
    }
    const entries: RouterEntry[] = parsed.entries.map((e) => ({ ...e }));
    this.#router = { at: this.#o.now(), entries };
    return entries;
  }

  async findRouterEntry(agentEmail: string): Promise<RouterEntry | null> {
    const email = agentEmail.trim().toLowerCase();
    return (await this.listRouterEntries()).find((e) => e.agentEmail === email) ?? null;
  }

  /** Forgets the cached router (an admin changed it; tests). */
  invalidateRouter(): void {
    this.#router = null;
  }

  async readAgentTab(
    spreadsheetId: string,
    tabId: number,
    opts: { decodeAfter?: () => Promise<void> } = {},
  ): Promise<AgentTab> {
    let tabTitle: string;
    let values: string[][];
    let fp: string;
    try {
      const raw = await this.#read(`tab ${tabId} of spreadsheet ${spreadsheetId}`, () =>
        this.#tabs.read(spreadsheetId, tabId),
      );
      tabTitle = raw.title;
      values = raw.values;
      fp = raw.fingerprint;
    } catch (err) {
      throw this.#notFoundOr(
        err,
        `tab ${tabId} of spreadsheet ${spreadsheetId}`,
        `spreadsheet ${spreadsheetId} was not found or is not shared with the coordinator`,
      );
    }
    // One batched read answers all of a spreadsheet's tabs at once: each tab's decode waits for a turn of its
    // own, so the waiters do not all run in one microtask burst, or for the caller's own pace (the tab
    // refresh: a tab's leads are then decoded in the turn that merges them, not all 500 tabs' on arrival,
    // held and promoted through the ~10 s its rebuilds are spread over). (The fingerprint of its title and
    // cells came with the read: grid-answer.ts, computed off the event loop for a big answer.)
    if (opts.decodeAfter) await opts.decodeAfter();
    else {
      const turn = this.#decodeTurn.then(() => nextTurn());
      this.#decodeTurn = turn;
      await turn;
    }
    const key = `${spreadsheetId}/${tabId}`;
    const known = this.#decoded.get(key);
    if (known?.fp === fp) return known.tab;
    try {
      const { leads, rowErrors, callbackColumns, memo } = parseAgentRows(values, {
        ...(this.#o.defaultCountry ? { defaultCountry: this.#o.defaultCountry } : {}),
        memo: known?.memo ?? null,
      });
      const tab: AgentTab = { spreadsheetId, sheetId: tabId, tabTitle, leads, rowErrors, callbackColumns };
      this.#decoded.set(key, { fp, tab, values, memo });
      return tab;
    } catch (err) {
      if (isDomainError(err) && err.code === 'HEADER_MISMATCH') {
        throw new ApiError(
          'SHEET_HEADER_MISMATCH',
          `tab "${tabTitle}": ${err.message.replace(/^agent tab: /, '')}`,
          err.details,
        );
      }
      throw err;
    }
  }

  #notFoundOr(err: unknown, what: string, notFoundMessage: string): ApiError {
    if (err instanceof ApiError) return err;
    const f = classifyGoogleError(err, this.#o.now());
    if (
      !(err instanceof QuotaExhaustedError) &&
      f.kind === 'rejected' &&
      (f.status === 404 || f.status === 403 || f.status === 400)
    ) {
      return new ApiError('SHEET_TAB_NOT_FOUND', notFoundMessage, { status: f.status });
    }
    return this.#unavailable(what, err);
  }
}
