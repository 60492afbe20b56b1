// Drains the durable write-behind queue into Google Sheets. Per spreadsheet with pending patches, one flush:
//   1. peeks the oldest pending patches (up to maxPatchesPerFlush);
//   2. resolves tab ids → titles (cached; refreshed when a tab is missing or Google rejects a range);
//   3. re-reads column A (RowIDs) of the tabs involved in ONE values.batchGet, because a person may have
//      inserted, deleted or sorted rows since the patch was made; each patch is moved to the row where its
//      lead's RowID is now; a patch whose RowID is gone or appears twice is dead-lettered and logged, never
//      written to another lead's row; so is a patch writing a column the coordinator does not own;
//   4. coalesces what is left (coalesce.ts) into ONE values.batchUpdate (RAW) and ONE spreadsheets.batchUpdate
//      (backgrounds), after taking the request tokens from the shared quota budget;
//   5. acks the patches only after Google answered 2xx to both.
// Failures: 429/5xx/network/breaker-open mark an attempt and block that spreadsheet for a backoff delay
// (full jitter, Retry-After honoured), so other spreadsheets keep flowing; a 4xx rejection of a batch makes
// the next flushes of that spreadsheet go one patch at a time, to isolate the bad patch, which is
// dead-lettered after maxRejectedAttempts. Writes are idempotent (set cell = value), so re-sending values
// after a failure between the two requests is harmless. The small window between step 3 and step 4 in
// which a person could still move rows is inherent to the Sheets API (it has no conditional writes).
// The flush lock (flush-lease.ts) has a short TTL renewed during the flush, and is confirmed (renewed,
// owner-checked) right before every write to Google or the queue: a flusher that lost it (it stalled past
// the TTL and another instance took over) aborts without writing or acking anything more.
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { COORDINATOR_OWNED_COLS, quoteTabTitle } from '../../../src-shared/domain/sheet-codec.js';
import type { SheetPatch } from '../../../src-shared/domain/sheet-patch.js';
import type { QueuedPatch, QuotaBudget } from '../ports.js';
import type { DurablePatchQueue } from '../queue/durable-patch-queue.js';
import { type BackoffOptions, backoffDelayMs } from '../resilience/backoff.js';
import type { UpstreamBreaker } from '../resilience/breakers.js';
import type { SheetsClient } from './client.js';
import { planFlush, patchRowOf, shiftPatch } from './coalesce.js';
import { classifyGoogleError, type GoogleFailureKind } from './google-errors.js';
import { FlushLease, FlushLockLostError } from './flush-lease.js';
import { fetchTabTitles, ValuesSchema } from './tab-titles.js';

/** Hooks for the metrics engineer (prom-client); every one optional. */
export interface FlusherMetrics {
  queueDepth?(depth: number): void;
  flushedCells?(count: number, kind: 'values' | 'backgrounds'): void;
  flushedPatches?(count: number): void;
  flushFailure?(kind: GoogleFailureKind | 'quota'): void;
  deadLettered?(count: number, reason: string): void;
}

export interface SheetsFlusherOptions {
  client: SheetsClient;
  queue: DurablePatchQueue;
  quota: QuotaBudget;
  breaker: UpstreamBreaker;
  logger: Logger;
  metrics?: FlusherMetrics;
  /** Pause between loop turns. Default 1000 ms. */
  intervalMs?: number;
  maxPatchesPerFlush?: number;
  /** A patch Google rejected (4xx) this many times on its own is dead-lettered. Default 5. */
  maxRejectedAttempts?: number;
  backoff?: BackoffOptions;
  /** Per Google request. Default 30 s. */
  requestTimeoutMs?: number;
  /** The flush lock's TTL, renewed every third of it while a flush runs: a crashed flusher's lock frees
   *  up within this time. Default 10 s. */
  lockTtlMs?: number;
  now?: () => number;
}

export interface FlushReport {
  /** Patches acked (written) in this call. */
  written: number;
  deadLettered: number;
  /** Spreadsheets that failed or were skipped (backoff, quota) and still have pending patches. */
  deferred: string[];
}

interface SpreadsheetState {
  blockedUntil: number;
  failures: number;
  /** After a 4xx on a batch: flush one patch at a time until one succeeds. */
  isolate: boolean;
  titles: Map<number, string> | null;
}

const OWNED = new Set(COORDINATOR_OWNED_COLS);

export class SheetsFlusher {
  readonly #o: SheetsFlusherOptions & {
    intervalMs: number;
    maxPatchesPerFlush: number;
    maxRejectedAttempts: number;
    requestTimeoutMs: number;
    lockTtlMs: number;
    now: () => number;
  };
  /** This flusher's identity for the per-spreadsheet flush lock. */
  readonly #owner = randomUUID();
  readonly #state = new Map<string, SpreadsheetState>();
  #timer: NodeJS.Timeout | null = null;
  #running = false;
  /** Serialises flushes: the loop and flushNow() never overlap. */
  #chain: Promise<unknown> = Promise.resolve();

  constructor(opts: SheetsFlusherOptions) {
    this.#o = {
      intervalMs: 1000,
      maxPatchesPerFlush: 500,
      maxRejectedAttempts: 5,
      requestTimeoutMs: 30_000,
      lockTtlMs: 10_000,
      now: Date.now,
      ...opts,
    };
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    const tick = async () => {
      if (!this.#running) return;
      try {
        await this.flushNow();
        this.#o.metrics?.queueDepth?.(await this.#o.queue.depth());
      } catch (err) {
        this.#o.logger.error({ err: (err as Error).message }, 'sheets flusher turn failed');
      }
      if (this.#running) this.#timer = setTimeout(tick, this.#o.intervalMs);
    };
    this.#timer = setTimeout(tick, 0);
  }

  /** Stops the loop and waits for an in-flight flush. Call flushNow() after it to drain on shutdown. */
  async stop(): Promise<void> {
    this.#running = false;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    await this.#chain.catch(() => {});
  }

  /** One pass over every spreadsheet with pending patches (spreadsheets in backoff are skipped). */
  flushNow(): Promise<FlushReport> {
    const run = this.#chain.then(() => this.#pass());
    this.#chain = run.catch(() => {});
    return run;
  }

  /** The spreadsheet's breaker/backoff state for /readyz-style introspection and tests. */
  blockedUntil(spreadsheetId: string): number {
    return this.#state.get(spreadsheetId)?.blockedUntil ?? 0;
  }

  async #pass(): Promise<FlushReport> {
    const report: FlushReport = { written: 0, deadLettered: 0, deferred: [] };
    for (const ssid of await this.#o.queue.spreadsheetsWithPending()) {
      const st = this.#stateOf(ssid);
      if (st.blockedUntil > this.#o.now()) {
        report.deferred.push(ssid);
        continue;
      }
      // One flusher per spreadsheet across instances: another one flushing it now will write it.
      const lease = await FlushLease.acquire(this.#o.queue, ssid, this.#owner, this.#o.lockTtlMs);
      if (!lease) {
        report.deferred.push(ssid);
        continue;
      }
      let r: { ok: boolean; written: number; deadLettered: number };
      try {
        r = await this.#flushSpreadsheet(ssid, st, lease);
      } finally {
        await lease.release();
      }
      report.written += r.written;
      report.deadLettered += r.deadLettered;
      if (!r.ok) report.deferred.push(ssid);
    }
    return report;
  }

  /** Our retry policy is in charge (gaxios' own retry off); a request still waiting when the lock is lost
   *  is abandoned. */
  #requestOptions(lease: FlushLease): { retry: false; timeout: number; signal: AbortSignal } {
    return { retry: false, timeout: this.#o.requestTimeoutMs, signal: lease.signal };
  }

  #stateOf(ssid: string): SpreadsheetState {
    let st = this.#state.get(ssid);
    if (!st) {
      st = { blockedUntil: 0, failures: 0, isolate: false, titles: null };
      this.#state.set(ssid, st);
    }
    return st;
  }

  async #takeQuota(
    bucket: 'sheets-read' | 'sheets-write',
    n: number,
    st: SpreadsheetState,
  ): Promise<boolean> {
    if (n === 0) return true;
    const t = await this.#o.quota.take(bucket, n, this.#o.now());
    if (t.ok) return true;
    st.blockedUntil = this.#o.now() + t.retryInMs;
    this.#o.metrics?.flushFailure?.('quota');
    return false;
  }

  async #deadLetter(
    ssid: string,
    lease: FlushLease,
    entries: QueuedPatch[],
    reason: string,
  ): Promise<number> {
    if (entries.length === 0) return 0;
    await lease.confirm();
    const moved = await this.#o.queue.deadLetter(
      ssid,
      entries.map((e) => e.id),
      reason,
      this.#o.now(),
    );
    for (const e of entries) {
      this.#o.logger.warn(
        { spreadsheetId: ssid, sheetId: e.patch.sheetId, rowId: e.patch.rowId, queueId: e.id, reason },
        'sheet patch dead-lettered (not written)',
      );
    }
    this.#o.metrics?.deadLettered?.(moved, reason);
    return moved;
  }

  async #flushSpreadsheet(
    ssid: string,
    st: SpreadsheetState,
    lease: FlushLease,
  ): Promise<{ ok: boolean; written: number; deadLettered: number }> {
    const { client, queue, breaker } = this.#o;
    const entries = await queue.peek(ssid, st.isolate ? 1 : this.#o.maxPatchesPerFlush);
    if (entries.length === 0) return { ok: true, written: 0, deadLettered: 0 };
    let deadLettered = 0;
    let batch: QueuedPatch[] = entries;
    try {
      // 2. tab titles (one read, cached)
      if (!st.titles || batch.some((e) => !st.titles?.has(e.patch.sheetId))) {
        if (!(await this.#takeQuota('sheets-read', 1, st))) return { ok: false, written: 0, deadLettered };
        st.titles = await breaker.execute(() => fetchTabTitles(client, ssid, this.#requestOptions(lease)));
      }
      const titles = st.titles;
      const tabGone = batch.filter((e) => !titles.has(e.patch.sheetId));
      deadLettered += await this.#deadLetter(ssid, lease, tabGone, 'tab no longer exists');
      batch = batch.filter((e) => titles.has(e.patch.sheetId));

      // Structural checks that need no read.
      const malformed = batch.filter(
        (e) =>
          new Set([...e.patch.values, ...e.patch.backgrounds].map((c) => c.row)).size > 1 ||
          e.patch.values.some((v) => !OWNED.has(v.col)),
      );
      deadLettered += await this.#deadLetter(
        ssid,
        lease,
        malformed,
        'patch spans rows or writes a column the coordinator does not own',
      );
      batch = batch.filter((e) => !malformed.includes(e));
      const empty = batch.filter((e) => patchRowOf(e.patch) === null);
      if (empty.length > 0) {
        await lease.confirm();
        await queue.ack(
          ssid,
          empty.map((e) => e.id),
        ); // nothing to write
      }
      batch = batch.filter((e) => patchRowOf(e.patch) !== null);
      if (batch.length === 0) return { ok: true, written: empty.length, deadLettered };

      // 3. where do the leads live now? (one read)
      const sheetIds = [...new Set(batch.map((e) => e.patch.sheetId))];
      if (!(await this.#takeQuota('sheets-read', 1, st))) return { ok: false, written: 0, deadLettered };
      const res = await breaker.execute(() =>
        client.spreadsheets.values.batchGet(
          {
            spreadsheetId: ssid,
            ranges: sheetIds.map((id) => `${quoteTabTitle(titles.get(id) as string)}!A:A`),
            majorDimension: 'ROWS',
            valueRenderOption: 'FORMATTED_VALUE',
          },
          this.#requestOptions(lease),
        ),
      );
      const rowsOf = new Map<number, Map<string, number[]>>();
      sheetIds.forEach((id, i) => {
        const col = ValuesSchema.parse(res.data.valueRanges?.[i]?.values ?? []);
        const m = new Map<string, number[]>();
        col.forEach((cells, r) => {
          const rowId = (cells[0] ?? '').trim();
          if (r === 0 || rowId === '') return; // row 1 is the header
          m.set(rowId, [...(m.get(rowId) ?? []), r + 1]);
        });
        rowsOf.set(id, m);
      });
      const placed: { entry: QueuedPatch; patch: SheetPatch }[] = [];
      const gone: QueuedPatch[] = [];
      const ambiguous: QueuedPatch[] = [];
      for (const e of batch) {
        const rows = rowsOf.get(e.patch.sheetId)?.get(e.patch.rowId) ?? [];
        if (rows.length === 0) gone.push(e);
        else if (rows.length > 1) ambiguous.push(e);
        else {
          const delta = (rows[0] as number) - (patchRowOf(e.patch) as number);
          if (delta !== 0) {
            this.#o.logger.info(
              { spreadsheetId: ssid, sheetId: e.patch.sheetId, rowId: e.patch.rowId, delta },
              'lead row moved since the patch was made: writing to its new row',
            );
          }
          placed.push({ entry: e, patch: shiftPatch(e.patch, delta) });
        }
      }
      deadLettered += await this.#deadLetter(ssid, lease, gone, 'RowID no longer in the tab');
      deadLettered += await this.#deadLetter(ssid, lease, ambiguous, 'RowID appears on several rows');
      if (placed.length === 0) return { ok: true, written: empty.length, deadLettered };
      batch = placed.map((p) => p.entry);

      // 4. one values.batchUpdate + one spreadsheets.batchUpdate
      const plan = planFlush(
        placed.map((p) => p.patch),
        titles,
      );
      const writes = (plan.valueData.length > 0 ? 1 : 0) + (plan.formatRequests.length > 0 ? 1 : 0);
      if (!(await this.#takeQuota('sheets-write', writes, st)))
        return { ok: false, written: 0, deadLettered };
      if (plan.valueData.length > 0) {
        await lease.confirm();
        await breaker.execute(() =>
          client.spreadsheets.values.batchUpdate(
            { spreadsheetId: ssid, requestBody: { valueInputOption: 'RAW', data: plan.valueData } },
            this.#requestOptions(lease),
          ),
        );
      }
      if (plan.formatRequests.length > 0) {
        await lease.confirm();
        await breaker.execute(() =>
          client.spreadsheets.batchUpdate(
            { spreadsheetId: ssid, requestBody: { requests: plan.formatRequests } },
            this.#requestOptions(lease),
          ),
        );
      }

      // 5. Google said 2xx to both: now, and only now, the patches leave the queue.
      await lease.confirm();
      await queue.ack(
        ssid,
        batch.map((e) => e.id),
      );
      st.failures = 0;
      st.isolate = false;
      this.#o.metrics?.flushedCells?.(plan.valueCells, 'values');
      this.#o.metrics?.flushedCells?.(plan.backgroundCells, 'backgrounds');
      this.#o.metrics?.flushedPatches?.(batch.length);
      return { ok: true, written: batch.length + empty.length, deadLettered };
    } catch (err) {
      if (this.#lostLock(ssid, lease, err)) return { ok: false, written: 0, deadLettered };
      try {
        return {
          ok: false,
          written: 0,
          deadLettered: deadLettered + (await this.#onFailure(ssid, st, lease, batch, err)),
        };
      } catch (failureErr) {
        if (this.#lostLock(ssid, lease, failureErr)) return { ok: false, written: 0, deadLettered };
        throw failureErr;
      }
    }
  }

  /** True (and logged) when the flush stopped because another flusher owns the spreadsheet now. */
  #lostLock(ssid: string, lease: FlushLease, err: unknown): boolean {
    if (!(err instanceof FlushLockLostError) && !lease.lost) return false;
    this.#o.logger.warn(
      { spreadsheetId: ssid },
      'sheets flush lock lost to another flusher: flush abandoned, nothing more written or acked',
    );
    return true;
  }

  /** Records the failure and decides when to try again. Returns how many patches were dead-lettered. */
  async #onFailure(
    ssid: string,
    st: SpreadsheetState,
    lease: FlushLease,
    batch: QueuedPatch[],
    err: unknown,
  ): Promise<number> {
    const f = classifyGoogleError(err, this.#o.now());
    this.#o.metrics?.flushFailure?.(f.kind);
    if (batch.length > 0) {
      await lease.confirm();
      await this.#o.queue.markAttempt(
        ssid,
        batch.map((e) => e.id),
        this.#o.now(),
      );
    }
    st.failures += 1;
    this.#o.logger.warn(
      {
        spreadsheetId: ssid,
        status: f.status,
        kind: f.kind,
        message: f.message,
        patches: batch.length,
        failures: st.failures,
      },
      'sheets flush failed',
    );
    let dead = 0;
    if (f.kind === 'rejected') {
      st.titles = null; // a renamed tab makes ranges fail to parse: resolve titles again
      if (batch.length === 1 && (batch[0]?.attempts ?? 0) + 1 >= this.#o.maxRejectedAttempts) {
        dead = await this.#deadLetter(
          ssid,
          lease,
          batch,
          `rejected by Google (${f.status}): ${f.message.slice(0, 200)}`,
        );
        st.failures = 0;
      }
      st.isolate = true;
    }
    const delay = backoffDelayMs(st.failures - 1, this.#o.backoff, f.retryAfterMs);
    st.blockedUntil = this.#o.now() + delay;
    return dead;
  }
}
