// Reads from Google Sheets for the coordinator: the router (agent → Dialpad user, spreadsheet, tab) and an
// agent's tab, through the official client, the Sheets breaker and the shared read budget, with a short
// retry (backoff + full jitter, Retry-After honoured) because a person is waiting on these reads.
//
// readAgentTab = ONE spreadsheets.get (fields mask: tab ids → titles) + ONE values.get of the tab. The range
// is the bare tab title (the whole used grid: A:Z and, when present, the optional columns after NextIndex
// such as TimeZone from AA on, DESIGN.md "Data model"), not `A:AZ`: Google answers 400 "exceeds grid limits"
// for a range wider than the tab's grid (26 columns by default). Errors: SHEET_TAB_NOT_FOUND (no such spreadsheet or tab, or
// not shared with the service account), SHEET_HEADER_MISMATCH (naming the column), SHEETS_UNAVAILABLE
// (5xx, network, breaker open, or quota after the retries), SHEET_UNREADABLE (router misconfigured).
import type { Logger } from 'pino';
import { ApiError } from '../../../src-shared/contracts/errors.js';
import { isDomainError } from '../../../src-shared/domain/errors.js';
import type { CountryCode } from '../../../src-shared/domain/phone.js';
import { parseAgentRows, parseRouterRows, quoteTabTitle } from '../../../src-shared/domain/sheet-codec.js';
import type { AgentTab, QuotaBudget, RouterEntry, SheetsGateway } from '../ports.js';
import type { BackoffOptions } from '../resilience/backoff.js';
import type { UpstreamBreaker } from '../resilience/breakers.js';
import { withRetry } from '../resilience/retry.js';
import type { SheetsClient } from './client.js';
import { classifyGoogleError, type GoogleFailure, isRetryableGoogleFailure } from './google-errors.js';
import { fetchTabTitles, ValuesSchema } from './tab-titles.js';

export interface GoogleSheetsGatewayOptions {
  client: SheetsClient;
  breaker: UpstreamBreaker;
  quota: QuotaBudget;
  logger: Logger;
  routerSpreadsheetId: string;
  /** Title of the router tab. Default "Router". */
  routerTabTitle?: string;
  /** How long a router read is reused. Default 30 s (every session start would otherwise cost a read). */
  routerCacheMs?: number;
  /** Tries per read, including the first. Default 3. */
  readAttempts?: number;
  /** Per Google request. Default 10 s (a person is waiting). */
  requestTimeoutMs?: number;
  /** Longest wait for the shared read budget before giving up with RATE_LIMITED. Default 5 s. */
  maxQuotaWaitMs?: number;
  backoff?: BackoffOptions;
  defaultCountry?: CountryCode;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

class QuotaWaitTooLong extends Error {
  constructor(readonly retryInMs: number) {
    super('read quota exhausted');
  }
}

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export class GoogleSheetsGateway implements SheetsGateway {
  readonly #o: Required<Omit<GoogleSheetsGatewayOptions, 'backoff' | 'defaultCountry'>> &
    Pick<GoogleSheetsGatewayOptions, 'backoff' | 'defaultCountry'>;
  #router: { at: number; entries: RouterEntry[] } | null = null;

  constructor(opts: GoogleSheetsGatewayOptions) {
    this.#o = {
      routerTabTitle: 'Router',
      routerCacheMs: 30_000,
      readAttempts: 3,
      requestTimeoutMs: 10_000,
      maxQuotaWaitMs: 5000,
      now: Date.now,
      sleep: defaultSleep,
      ...opts,
    };
  }

  /** One read request: shared budget, breaker, short retry on 429/5xx. Throws the last Google failure. */
  async #read<T>(what: string, fn: () => Promise<T>): Promise<T> {
    const { quota, breaker, now, sleep, maxQuotaWaitMs } = this.#o;
    return withRetry(
      async () => {
        for (;;) {
          const t = await quota.take('sheets-read', 1, now());
          if (t.ok) break;
          if (t.retryInMs > maxQuotaWaitMs) throw new QuotaWaitTooLong(t.retryInMs);
          await sleep(t.retryInMs);
        }
        return breaker.execute(fn);
      },
      {
        ...this.#o.backoff,
        maxAttempts: this.#o.readAttempts,
        sleep,
        isRetryable: (e) =>
          !(e instanceof QuotaWaitTooLong) && isRetryableGoogleFailure(classifyGoogleError(e, now())),
        retryAfterMsOf: (e) => classifyGoogleError(e, now()).retryAfterMs,
        onRetry: ({ attempt, delayMs, error }) => {
          const f = classifyGoogleError(error, now());
          this.#o.logger.warn(
            { what, attempt, delayMs, status: f.status, kind: f.kind },
            'sheets read retry',
          );
        },
      },
    );
  }

  /** Our retry policy is in charge (gaxios' own retry off); no read hangs. */
  #requestOptions(): { retry: false; timeout: number } {
    return { retry: false, timeout: this.#o.requestTimeoutMs };
  }

  #unavailable(what: string, err: unknown): ApiError {
    if (err instanceof QuotaWaitTooLong) {
      return new ApiError(
        'RATE_LIMITED',
        `Google Sheets read budget exhausted; retry in ${Math.ceil(err.retryInMs / 1000)} s`,
        {
          retryAfterMs: err.retryInMs,
        },
      );
    }
    const f: GoogleFailure = classifyGoogleError(err, this.#o.now());
    this.#o.logger.error({ what, status: f.status, kind: f.kind, message: f.message }, 'sheets read failed');
    const why =
      f.kind === 'circuit-open'
        ? 'failing repeatedly (circuit open)'
        : `unavailable (${f.status ?? f.message})`;
    return new ApiError(
      'SHEETS_UNAVAILABLE',
      `Google Sheets is ${why} while reading ${what}; try again shortly`,
    );
  }

  async listRouterEntries(): Promise<RouterEntry[]> {
    const cached = this.#router;
    if (cached && this.#o.now() - cached.at < this.#o.routerCacheMs) return cached.entries;
    const { client, routerSpreadsheetId, routerTabTitle } = this.#o;
    const range = `${quoteTabTitle(routerTabTitle)}!A:F`;
    let values: string[][];
    try {
      const res = await this.#read('the router', () =>
        client.spreadsheets.values.get(
          { spreadsheetId: routerSpreadsheetId, range, valueRenderOption: 'FORMATTED_VALUE' },
          this.#requestOptions(),
        ),
      );
      values = ValuesSchema.parse(res.data.values ?? []);
    } catch (err) {
      const f = classifyGoogleError(err, this.#o.now());
      if (!(err instanceof QuotaWaitTooLong) && f.kind === 'rejected') {
        throw new ApiError(
          'SHEET_UNREADABLE',
          `router tab "${routerTabTitle}" of spreadsheet ${routerSpreadsheetId} cannot be read (HTTP ${f.status}): check the configuration and sharing`,
        );
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

  async readAgentTab(spreadsheetId: string, tabId: number): Promise<AgentTab> {
    const { client } = this.#o;
    let titles: Map<number, string>;
    try {
      titles = await this.#read(`spreadsheet ${spreadsheetId}`, () =>
        fetchTabTitles(client, spreadsheetId, this.#requestOptions()),
      );
    } catch (err) {
      throw this.#notFoundOr(
        err,
        `spreadsheet ${spreadsheetId}`,
        `spreadsheet ${spreadsheetId} was not found or is not shared with the coordinator`,
      );
    }
    const tabTitle = titles.get(tabId);
    if (tabTitle === undefined) {
      throw new ApiError('SHEET_TAB_NOT_FOUND', `spreadsheet ${spreadsheetId} has no tab with id ${tabId}`, {
        spreadsheetId,
        tabId,
        tabs: [...titles].map(([id, title]) => ({ id, title })),
      });
    }
    let values: string[][];
    try {
      const res = await this.#read(`tab "${tabTitle}"`, () =>
        client.spreadsheets.values.get(
          {
            spreadsheetId,
            range: quoteTabTitle(tabTitle),
            valueRenderOption: 'FORMATTED_VALUE',
            majorDimension: 'ROWS',
          },
          this.#requestOptions(),
        ),
      );
      values = ValuesSchema.parse(res.data.values ?? []);
    } catch (err) {
      throw this.#notFoundOr(
        err,
        `tab "${tabTitle}"`,
        `tab "${tabTitle}" of spreadsheet ${spreadsheetId} could not be read`,
      );
    }
    try {
      const { leads, rowErrors } = parseAgentRows(
        values,
        this.#o.defaultCountry ? { defaultCountry: this.#o.defaultCountry } : {},
      );
      return { spreadsheetId, sheetId: tabId, tabTitle, leads, rowErrors };
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
    const f = classifyGoogleError(err, this.#o.now());
    if (
      !(err instanceof QuotaWaitTooLong) &&
      f.kind === 'rejected' &&
      (f.status === 404 || f.status === 403 || f.status === 400)
    ) {
      return new ApiError('SHEET_TAB_NOT_FOUND', notFoundMessage, { status: f.status });
    }
    return this.#unavailable(what, err);
  }
}
