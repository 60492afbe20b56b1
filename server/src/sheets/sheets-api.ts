// The one place every Google Sheets request of the coordinator goes through, reads and writes alike: the
// shared per-minute budget (quota.take before each request, with an optional reserve a background caller
// leaves for people), the Sheets breaker, a timeout per request (gaxios' own retry off: callers own their
// retry policy), and the tab-titles cache (titles are needed for nothing but messages and A1 ranges; they
// are cached until a read finds a tab missing, and never re-read by a caller that can use tab ids).
// Requests stay inside Google's limits whatever the batch: ranges are read by id through the POST form
// values.batchGetByDataFilter (no URL to outgrow), chunked at `maxRangesPerRequest`.
// Every request asks for compact JSON (`prettyPrint: false`, a standard Google parameter): Google indents
// its answers by default, which triples a 500-tab refresh's answer (~32 MB instead of ~10) for the socket,
// the decoder's copy and its parse.
import type { sheets_v4 } from '@googleapis/sheets';
import type { QuotaBudget } from '../ports.js';
import {
  DEFAULT_SHEETS_QUOTA,
  limitOf,
  reserveOwed,
  waitForReserveMs,
  windowEndsInMs,
} from '../queue/quota-limits.js';
import type { UpstreamBreaker } from '../resilience/breakers.js';
import type { SheetsClient } from './client.js';
import { gridOfAnswer, gridsOfBody } from './grid-answer.js';
import type { GridBase, GridDecoder } from './grid-decoder.js';
import { decodeValues, fetchTabTitles } from './tab-titles.js';

export type QuotaBucket = 'sheets-read' | 'sheets-write';

/** Our budget for this minute is spent (nothing was sent). */
export class QuotaExhaustedError extends Error {
  constructor(
    readonly bucket: QuotaBucket,
    readonly retryInMs: number,
  ) {
    super(`Google Sheets ${bucket === 'sheets-read' ? 'read' : 'write'} budget exhausted`);
    this.name = 'QuotaExhaustedError';
  }
}

export interface SheetsCallOptions {
  /** Aborts the request (a flusher that lost its lock). */
  signal?: AbortSignal;
  /** Longest wait for the budget before QuotaExhaustedError. Default 0 (do not wait). */
  quotaWaitMs?: number;
  /** Leave this many requests a minute to others (a background caller): of the minute's budget, the part
   *  of it the rest of the minute needs (quota-limits.ts reserveOwed). Default 0. */
  reserve?: number;
  /** Per request; default the API's requestTimeoutMs. */
  timeoutMs?: number;
}

export interface SheetsApiOptions {
  client: SheetsClient;
  breaker: UpstreamBreaker;
  quota: QuotaBudget;
  /** The minute's limit per bucket (to honour `reserve`). Default Google's (quota-limits.ts). */
  limitOf?: (bucket: QuotaBucket) => number;
  /** Default per-request timeout. Default 30 s. */
  requestTimeoutMs?: number;
  /** Ranges (data filters) per read request. Default 500 (the emulator assumes 1,000 at most). */
  maxRangesPerRequest?: number;
  /** Decodes big read answers off the event loop (grid-decoder.ts); without it they are decoded here. */
  decoder?: GridDecoder | null;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/** One column block of a tab, by id: rows [startRow, endRow) 0-based, columns [startCol, endCol). */
export interface GridRead {
  sheetId: number;
  /** First row read (0-based); default 0. The answer's first row is this row. */
  startRow?: number;
  startCol?: number;
  endCol?: number;
  /** The caller's last read of this block, if it still holds it: a big answer then brings back only the
   *  rows that changed from it (grid-decoder.ts); the result is the same whole grid either way. */
  base?: GridBase | null;
}

import type { GridValues } from './grid-answer.js';

export type { GridValues };

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function isByteStream(data: unknown): data is AsyncIterable<Uint8Array> {
  return typeof data === 'object' && data !== null && Symbol.asyncIterator in data;
}

/** A body stream read whole and decoded on this thread (no grid decoder: tests, tools). */
async function gridsOfStream(
  body: AsyncIterable<Uint8Array>,
  sheetIds: readonly number[],
): Promise<GridValues[]> {
  const chunks: Uint8Array[] = [];
  for await (const c of body) chunks.push(c);
  return gridsOfBody(Buffer.concat(chunks), sheetIds);
}

/** A refused read asked for as a stream loses Google's error body: gaxios reads it whole into the error's
 *  message and leaves `response.data` empty. Put back, so the error is classified and worded as any other
 *  (google-errors.ts). */
function withJsonErrorBody(err: unknown): unknown {
  if (!(err instanceof Error)) return err;
  const response: unknown = Reflect.get(err, 'response');
  if (typeof response !== 'object' || response === null) return err;
  const data: unknown = Reflect.get(response, 'data');
  const text = typeof data === 'string' ? data : data === undefined ? err.message : null;
  if (text === null) return err;
  try {
    Reflect.set(response, 'data', JSON.parse(text));
  } catch {
    // not JSON: nothing to put back
  }
  return err;
}

export class SheetsApi {
  readonly #o: Required<SheetsApiOptions>;
  readonly #titles = new Map<string, Map<number, string>>();

  constructor(opts: SheetsApiOptions) {
    this.#o = {
      requestTimeoutMs: 30_000,
      maxRangesPerRequest: 500,
      now: Date.now,
      sleep: defaultSleep,
      decoder: null,
      limitOf: (bucket) => limitOf(DEFAULT_SHEETS_QUOTA, bucket),
      ...opts,
    };
  }

  get breaker(): UpstreamBreaker {
    return this.#o.breaker;
  }

  /** Takes one request from the shared budget, waiting at most quotaWaitMs. */
  async take(bucket: QuotaBucket, opts: SheetsCallOptions = {}): Promise<void> {
    const { quota, now, sleep } = this.#o;
    const reserve = opts.reserve ?? 0;
    for (;;) {
      if (reserve > 0) {
        const at = now();
        const used = await quota.used(bucket, at);
        const retryInMs = waitForReserveMs(this.#o.limitOf(bucket), reserve, used, windowEndsInMs(at));
        if (retryInMs > 0) {
          if (retryInMs > (opts.quotaWaitMs ?? 0)) throw new QuotaExhaustedError(bucket, retryInMs);
          await sleep(retryInMs);
          continue;
        }
      }
      const t = await quota.take(bucket, 1, now());
      if (t.ok) return;
      if (t.retryInMs > (opts.quotaWaitMs ?? 0)) throw new QuotaExhaustedError(bucket, t.retryInMs);
      await sleep(t.retryInMs);
    }
  }

  /** What is left of this minute's budget to a caller leaving `reserve` to others (may be ≤ 0), and the time
   *  until the minute ends and the budget is whole again. */
  async budgetLeft(bucket: QuotaBucket, reserve = 0): Promise<{ left: number; windowEndsInMs: number }> {
    const now = this.#o.now();
    const used = await this.#o.quota.used(bucket, now);
    const endsInMs = windowEndsInMs(now);
    return {
      left: this.#o.limitOf(bucket) - reserveOwed(reserve, endsInMs) - used,
      windowEndsInMs: endsInMs,
    };
  }

  /** One request: budget, breaker, timeout. Google's errors propagate (classify with google-errors.ts). */
  async call<T>(
    bucket: QuotaBucket,
    fn: (req: { retry: false; timeout: number; signal?: AbortSignal }) => Promise<T>,
    opts: SheetsCallOptions = {},
  ): Promise<T> {
    await this.take(bucket, opts);
    const req = {
      retry: false as const,
      timeout: opts.timeoutMs ?? this.#o.requestTimeoutMs,
      ...(opts.signal ? { signal: opts.signal } : {}),
    };
    return this.#o.breaker.execute(() => fn(req));
  }

  /** Tab id → title, cached until forgetTitles (a read found a tab missing). One read when not cached. */
  async tabTitles(spreadsheetId: string, opts: SheetsCallOptions = {}): Promise<Map<number, string>> {
    const cached = this.#titles.get(spreadsheetId);
    if (cached) return cached;
    const titles = await this.call(
      'sheets-read',
      (req) => fetchTabTitles(this.#o.client, spreadsheetId, req),
      opts,
    );
    this.#titles.set(spreadsheetId, titles);
    return titles;
  }

  forgetTitles(spreadsheetId: string): void {
    this.#titles.delete(spreadsheetId);
  }

  /** A tab this process created (its title is known without a read). */
  noteTab(spreadsheetId: string, sheetId: number, title: string): void {
    this.#noteTitle(spreadsheetId, sheetId, title);
  }

  /** Titles seen in answers keep the cache current without a read of its own. */
  #noteTitle(spreadsheetId: string, sheetId: number, title: string): void {
    this.#titles.get(spreadsheetId)?.set(sheetId, title);
  }

  /**
   * Reads column blocks of tabs by id, `maxRangesPerRequest` per request (values.batchGetByDataFilter, a
   * POST: the URL never grows with the number of tabs). One request per chunk; a missing tab fails its
   * whole chunk with Google's 400 (the caller then checks which tabs still exist).
   */
  async readGrids(
    spreadsheetId: string,
    reads: readonly GridRead[],
    opts: SheetsCallOptions = {},
  ): Promise<GridValues[]> {
    const out: GridValues[] = [];
    const size = this.#o.maxRangesPerRequest;
    for (let i = 0; i < reads.length; i += size) {
      const chunk = reads.slice(i, i + size);
      const res = await this.call(
        'sheets-read',
        (req) =>
          this.#o.client.spreadsheets.values.batchGetByDataFilter(
            {
              spreadsheetId,
              prettyPrint: false,
              requestBody: {
                dataFilters: chunk.map((r) => ({
                  gridRange: {
                    sheetId: r.sheetId,
                    ...(r.startRow ? { startRowIndex: r.startRow } : {}),
                    ...(r.startCol !== undefined ? { startColumnIndex: r.startCol } : {}),
                    ...(r.endCol !== undefined ? { endColumnIndex: r.endCol } : {}),
                  },
                })),
                majorDimension: 'ROWS',
                valueRenderOption: 'FORMATTED_VALUE',
              },
            },
            // The body as a stream: a refresh's ~10 MB answer goes to the grid decoder chunk by chunk as it
            // arrives and is parsed off the event loop.
            { ...req, responseType: 'stream' },
          ),
        opts,
      ).catch((err: unknown) => {
        throw withJsonErrorBody(err);
      });
      const data: unknown = res.data;
      const ids = chunk.map((r) => r.sheetId);
      const keys = chunk.map((r) => ({
        key: `${spreadsheetId}/${r.sheetId}/${r.startCol ?? ''}:${r.endCol ?? ''}${r.startRow ? `@${r.startRow}` : ''}`,
        base: r.base ?? null,
      }));
      const grids = isByteStream(data)
        ? await (this.#o.decoder?.decode(data, ids, keys) ?? gridsOfStream(data, ids))
        : ids.map((id, j) => gridOfAnswer(data, j, id));
      for (const g of grids) {
        this.#noteTitle(spreadsheetId, g.sheetId, g.title);
        out.push(g);
      }
    }
    return out;
  }

  /** One A1 range (the router). */
  async readRange(spreadsheetId: string, range: string, opts: SheetsCallOptions = {}): Promise<string[][]> {
    const res = await this.call(
      'sheets-read',
      (req) =>
        this.#o.client.spreadsheets.values.get(
          {
            spreadsheetId,
            range,
            valueRenderOption: 'FORMATTED_VALUE',
            majorDimension: 'ROWS',
            prettyPrint: false,
          },
          req,
        ),
      opts,
    );
    return decodeValues(res.data.values ?? []);
  }

  /** One spreadsheets.batchUpdate (atomic at Google: all requests or none). */
  async batchUpdate(
    spreadsheetId: string,
    requests: sheets_v4.Schema$Request[],
    opts: SheetsCallOptions = {},
  ): Promise<void> {
    await this.call(
      'sheets-write',
      (req) =>
        this.#o.client.spreadsheets.batchUpdate(
          { spreadsheetId, prettyPrint: false, requestBody: { requests } },
          req,
        ),
      opts,
    );
  }
}

/** Callers take a shared SheetsApi, or (tests, older wiring) the three parts to build their own. */
export type SheetsApiSource =
  | { api: SheetsApi }
  | { client: SheetsClient; breaker: UpstreamBreaker; quota: QuotaBudget };

export function sheetsApiOf(source: SheetsApiSource, extra: Partial<SheetsApiOptions> = {}): SheetsApi {
  if ('api' in source) return source.api;
  return new SheetsApi({ client: source.client, breaker: source.breaker, quota: source.quota, ...extra });
}
