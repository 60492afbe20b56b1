// Reads agent tabs so that reads do not grow with agents: every request for a tab of a spreadsheet that
// arrives while that spreadsheet's read is gathering, spaced or waiting for the shared budget joins ONE
// values.batchGetByDataFilter of all of them (by tab id: no title lookup, no URL to outgrow; 500 tabs per
// request). A read always starts after the request that asked for it (callers that read their unflushed
// cells first keep the merge rule), reads of one spreadsheet are spaced by `minSpacingMs` so a start storm
// cannot spend the minute's budget in its first seconds, and a caller that would wait longer than
// `maxWaitMs` gets RATE_LIMITED with a Retry-After while its read carries on for the others.
import type { Logger } from 'pino';
import { ApiError } from '../../../src-shared/contracts/errors.js';
import { classifyGoogleError } from './google-errors.js';
import type { GridBase } from './grid-decoder.js';
import { type GridValues, QuotaExhaustedError, type SheetsApi } from './sheets-api.js';

export interface TabReaderOptions {
  api: SheetsApi;
  logger: Logger;
  /** Time a first request waits for others to join its read. Default 25 ms. */
  gatherMs?: number;
  /** Least time between two reads of one spreadsheet. Default 2 s (30 reads/min at most). */
  minSpacingMs?: number;
  /** Longest a caller waits before RATE_LIMITED with Retry-After (its read carries on). Default 5 s. */
  maxWaitMs?: number;
  /** Per Google request. Default 10 s. */
  requestTimeoutMs?: number;
  /** The caller's last read of a tab, if it holds one (a big read then brings back only changed rows). */
  baseOf?: (spreadsheetId: string, tabId: number) => GridBase | null;
  now?: () => number;
}

/** One tab as read, with when the read began. */
export interface RawTab extends GridValues {
  readStartedAt: number;
}

interface Waiter {
  resolve: (t: RawTab) => void;
  reject: (e: unknown) => void;
}

interface SpreadsheetReads {
  pending: Map<number, Waiter[]>;
  running: boolean;
  lastReadAt: number;
  /** Our budget is spent until then: reads wait, callers are told when to come back. */
  blockedUntil: number;
}

const MAX_TABS_PER_READ = 500;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export class TabReader {
  readonly #o: Required<TabReaderOptions>;
  readonly #sheets = new Map<string, SpreadsheetReads>();

  constructor(opts: TabReaderOptions) {
    this.#o = {
      gatherMs: 25,
      minSpacingMs: 2000,
      maxWaitMs: 5000,
      requestTimeoutMs: 10_000,
      baseOf: () => null,
      now: Date.now,
      ...opts,
    };
  }

  /** The tab, from a read that starts after this call. Rejects with Google's error, SHEET_TAB_NOT_FOUND
   *  (a tab id the spreadsheet does not have) or RATE_LIMITED (retryAfterMs in details). */
  read(spreadsheetId: string, tabId: number): Promise<RawTab> {
    const ss = this.#of(spreadsheetId);
    const result = new Promise<RawTab>((resolve, reject) => {
      const list = ss.pending.get(tabId) ?? [];
      list.push({ resolve, reject });
      ss.pending.set(tabId, list);
    });
    if (!ss.running) void this.#run(spreadsheetId, ss);
    result.catch(() => {}); // a caller that gave up must not leave an unhandled rejection
    let timer: NodeJS.Timeout | undefined;
    const gaveUp = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const retryAfterMs = Math.max(1000, ss.blockedUntil - this.#o.now(), this.#o.minSpacingMs);
        reject(
          new ApiError(
            'RATE_LIMITED',
            `the sheet read is queued behind the shared Google Sheets budget; retry in ${Math.ceil(retryAfterMs / 1000)} s`,
            { retryAfterMs },
          ),
        );
      }, this.#o.maxWaitMs);
      timer.unref();
    });
    return Promise.race([result, gaveUp]).finally(() => clearTimeout(timer));
  }

  #of(spreadsheetId: string): SpreadsheetReads {
    let ss = this.#sheets.get(spreadsheetId);
    if (!ss) {
      ss = { pending: new Map(), running: false, lastReadAt: Number.NEGATIVE_INFINITY, blockedUntil: 0 };
      this.#sheets.set(spreadsheetId, ss);
    }
    return ss;
  }

  /** One loop per spreadsheet while requests are pending: gather, space, read, hand out. */
  async #run(spreadsheetId: string, ss: SpreadsheetReads): Promise<void> {
    ss.running = true;
    try {
      while (ss.pending.size > 0) {
        const now = this.#o.now();
        const wait = Math.max(
          this.#o.gatherMs,
          ss.lastReadAt + this.#o.minSpacingMs - now,
          ss.blockedUntil - now,
        );
        await sleep(wait);
        const batch = new Map([...ss.pending].slice(0, MAX_TABS_PER_READ));
        for (const id of batch.keys()) ss.pending.delete(id);
        await this.#readBatch(spreadsheetId, ss, batch);
      }
    } finally {
      ss.running = false;
    }
  }

  async #readBatch(spreadsheetId: string, ss: SpreadsheetReads, batch: Map<number, Waiter[]>): Promise<void> {
    const { api } = this.#o;
    const ids = [...batch.keys()];
    const startedAt = this.#o.now();
    ss.lastReadAt = startedAt;
    const opts = { timeoutMs: this.#o.requestTimeoutMs };
    try {
      let grids: GridValues[];
      let missing: number[] = [];
      try {
        grids = await api.readGrids(
          spreadsheetId,
          ids.map((sheetId) => ({ sheetId, base: this.#o.baseOf(spreadsheetId, sheetId) })),
          opts,
        );
      } catch (err) {
        const f = classifyGoogleError(err, this.#o.now());
        if (err instanceof QuotaExhaustedError || f.kind !== 'rejected' || f.status !== 400) throw err;
        // A tab id the spreadsheet does not have fails the whole read: find which, read the others.
        api.forgetTitles(spreadsheetId);
        const titles = await api.tabTitles(spreadsheetId, opts);
        missing = ids.filter((id) => !titles.has(id));
        const existing = ids.filter((id) => titles.has(id));
        grids = existing.length
          ? await api.readGrids(
              spreadsheetId,
              existing.map((sheetId) => ({ sheetId, base: this.#o.baseOf(spreadsheetId, sheetId) })),
              opts,
            )
          : [];
        for (const id of missing) {
          for (const w of batch.get(id) ?? []) {
            w.reject(
              new ApiError('SHEET_TAB_NOT_FOUND', `spreadsheet ${spreadsheetId} has no tab with id ${id}`, {
                spreadsheetId,
                tabId: id,
                tabs: [...titles].map(([tabId, title]) => ({ id: tabId, title })),
              }),
            );
          }
        }
      }
      for (const g of grids) {
        for (const w of batch.get(g.sheetId) ?? []) w.resolve({ ...g, readStartedAt: startedAt });
      }
    } catch (err) {
      if (err instanceof QuotaExhaustedError) {
        // Nothing was sent: these requests go back to the front of the queue, read when the budget allows.
        ss.blockedUntil = this.#o.now() + err.retryInMs;
        for (const [id, ws] of batch) ss.pending.set(id, [...ws, ...(ss.pending.get(id) ?? [])]);
        this.#o.logger.info(
          { spreadsheetId, tabs: batch.size, retryInMs: err.retryInMs },
          'tab reads waiting for the Sheets read budget',
        );
        return;
      }
      for (const ws of batch.values()) for (const w of ws) w.reject(err);
    }
  }
}
