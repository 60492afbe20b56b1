// Drains the durable write-behind queue into Google Sheets through the Sheets API (sheets-api.ts: the shared
// budget, the breaker, timeouts, tab titles). Per spreadsheet with pending patches, one flush:
//   1. peeks the oldest pending patches (up to maxPatchesPerFlush, one pipelined round trip for its tabs;
//      while the loop runs, only tabs the queue was told got patches, plus a periodic full sweep);
//   2. triage (flush-plan.ts, pure): a patch spanning rows or writing a column the coordinator does not own
//      is dead-lettered; an empty one is acked;
//   3. re-reads column A (RowIDs) of the tabs involved, by tab id, in ONE values.batchGetByDataFilter per
//      500 tabs (a POST: no URL to outgrow), because a person may have inserted, deleted or sorted rows
//      since the patch was made: each patch moves to the row where its lead's RowID is now; a patch whose
//      RowID is gone or appears twice, or whose tab is gone, is dead-lettered, never written elsewhere;
//      in the same read, the end of the Call log's CallId column (call-log-window.ts: only a window before
//      the used rows of the last read, in full when nothing is remembered or the tab shrank);
//   4. writes the rest as spreadsheets.batchUpdate requests (values and backgrounds together, atomic at
//      Google), cut to stay inside Google's limits (flush-plan.ts chunkWrites: requests and bytes per
//      write), one write each in queue order, and acks each write's patches once Google answered 2xx.
// A write Google refuses as malformed or too large (400, 413, 414) is split in halves and retried until the
// refused patch is alone; that patch is dead-lettered with a warning (log and metric) and everything else
// lands: a bad patch never blocks the queue. 429/5xx/network/breaker-open/our own budget stop the flush and
// block the spreadsheet for a backoff delay (full jitter, Retry-After honoured), so other spreadsheets keep
// flowing. Writes are idempotent (set cell = value), and a failed write stops the flush, so a newer value
// is never overwritten by an older one. The small window between step 3 and step 4 in which a person could
// still move rows is inherent to the Sheets API (it has no conditional writes).
// Pacing: after a flush that emptied what it peeked, the spreadsheet's flush lock is kept for `intervalMs`
// (a cooldown every instance honours), so a spreadsheet costs about one read and one write per interval
// whatever the number of instances and dispositions; a full flush (a backlog) releases it at once. When
// what is left of the minute's shared budget would not last the minute at that pace (others spent part of
// it: a start storm), the cooldown stretches to spread it evenly (flush-pace.ts) instead of running dry
// and leaving the sheet behind until the next minute.
// The flush lock (flush-lease.ts) has a short TTL renewed during the flush, and is confirmed (renewed,
// owner-checked) right before every write to Google or the queue: a flusher that lost it (it stalled past
// the TTL and another instance took over) aborts without writing or acking anything more.
import { randomUUID } from 'node:crypto';
import type { sheets_v4 } from '@googleapis/sheets';
import type { Logger } from 'pino';
import { CALL_LOG_CALL_ID_COL, CALL_LOG_TAB } from '../../../src-shared/domain/call-log.js';
import type { QueuedPatch } from '../ports.js';
import type { DurablePatchQueue } from '../queue/durable-patch-queue.js';
import { type BackoffOptions, backoffDelayMs } from '../resilience/backoff.js';
import { FlushLease, FlushLockLostError } from './flush-lease.js';
import { pacedIntervalMs } from './flush-pace.js';
import {
  chunkWrites,
  type DeadGroup,
  DEFAULT_WRITE_LIMITS,
  placeByRowId,
  rowIdIndex,
  splitChunk,
  triage,
  type WriteChunk,
  type WriteLimits,
} from './flush-plan.js';
import { classifyGoogleError, type GoogleFailureKind } from './google-errors.js';
import { type CallLogTab, callLogRequests, newTabId } from './call-log-plan.js';
import {
  type CallLogMemory,
  callLogStartRow,
  callLogTabOfBlock,
  DEFAULT_CALL_LOG_WINDOW,
} from './call-log-window.js';
import {
  type GridRead,
  QuotaExhaustedError,
  type SheetsApi,
  type SheetsApiSource,
  sheetsApiOf,
} from './sheets-api.js';
import { during } from '../metrics/loop-monitor.js';

/** Hooks for the metrics (prom-client); every one optional. */
export interface FlusherMetrics {
  queueDepth?(depth: number): void;
  /** Enqueue time of the oldest patch still pending (null: none), after each turn. */
  oldestPending?(enqueuedAt: number | null): void;
  flushedCells?(count: number, kind: 'values' | 'backgrounds'): void;
  flushedPatches?(count: number): void;
  flushFailure?(kind: GoogleFailureKind | 'quota'): void;
  deadLettered?(count: number, reason: string): void;
}

export type SheetsFlusherOptions = SheetsApiSource & {
  queue: DurablePatchQueue;
  logger: Logger;
  metrics?: FlusherMetrics;
  /** Least time between two flushes of one spreadsheet unless a backlog is draining. Default 2000 ms. */
  intervalMs?: number;
  /** How often the loop looks for work. Default intervalMs / 4. */
  tickMs?: number;
  maxPatchesPerFlush?: number;
  writeLimits?: WriteLimits;
  /** Reads per minute the flusher leaves to people (session starts, refreshes): of each minute's budget,
   *  the part the rest of the minute needs at that rate (quota-limits.ts reserveOwed). Default 20. */
  readReserve?: number;
  backoff?: BackoffOptions;
  /** Per Google request. Default 30 s. */
  requestTimeoutMs?: number;
  /** The flush lock's TTL, renewed every third of it while a flush runs: a crashed flusher's lock frees
   *  up within this time. Default 10 s. */
  lockTtlMs?: number;
  /** How often the loop reports the queue depth (it costs a command per tab). Default 15 s. */
  depthEveryMs?: number;
  /** Rows of the Call log re-read before its last known end (call-log-window.ts). Default 5,000. */
  callLogWindow?: number;
  now?: () => number;
};

export interface FlushReport {
  /** Patches acked (written) in this call. */
  written: number;
  deadLettered: number;
  /** Spreadsheets that failed or were skipped (backoff, quota) and still have pending patches. */
  deferred: string[];
}

interface SpreadsheetState {
  blockedUntil: number;
  /** The loop's next flush (cooldown); flushNow() ignores it. */
  nextAt: number;
  failures: number;
  /** Enqueue time of the oldest patch seen pending at the last peek. */
  oldestAt: number | null;
}

type Outcome = { ok: boolean; written: number; deadLettered: number; full: boolean };

/** A write refused for its content or size: bisect it. Other 4xx (403, 404) are the spreadsheet's. */
const ISOLATABLE = new Set([400, 413, 414]);

export class SheetsFlusher {
  readonly #api: SheetsApi;
  readonly #o: SheetsFlusherOptions & {
    intervalMs: number;
    tickMs: number;
    maxPatchesPerFlush: number;
    writeLimits: WriteLimits;
    readReserve: number;
    requestTimeoutMs: number;
    lockTtlMs: number;
    depthEveryMs: number;
    callLogWindow: number;
    now: () => number;
  };
  /** This flusher's identity for the per-spreadsheet flush lock. */
  readonly #owner = randomUUID();
  readonly #state = new Map<string, SpreadsheetState>();
  /** Per spreadsheet: its Call log's used rows at the last read (in memory: a restart reads it in full). */
  readonly #logMemory = new Map<string, CallLogMemory>();
  #timer: NodeJS.Timeout | null = null;
  #running = false;
  #depthAt = Number.NEGATIVE_INFINITY;
  /** Stops the queue's dirty-tab hints (null: not watching). */
  #unwatch: Promise<(() => Promise<void>) | null> = Promise.resolve(null);
  /** Serialises flushes: the loop and flushNow() never overlap. */
  #chain: Promise<unknown> = Promise.resolve();

  constructor(opts: SheetsFlusherOptions) {
    const intervalMs = opts.intervalMs ?? 2000;
    this.#o = {
      maxPatchesPerFlush: 500,
      writeLimits: DEFAULT_WRITE_LIMITS,
      readReserve: 20,
      requestTimeoutMs: 30_000,
      lockTtlMs: 10_000,
      depthEveryMs: 15_000,
      callLogWindow: DEFAULT_CALL_LOG_WINDOW,
      now: Date.now,
      ...opts,
      intervalMs,
      tickMs: opts.tickMs ?? Math.max(1, Math.floor(intervalMs / 4)),
    };
    this.#api = sheetsApiOf(opts, opts.now ? { now: opts.now } : {});
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    // Dirty-tab hints while the loop runs (the queue's periodic sweep still finds what a hint missed).
    const watching = this.#o.queue.watch?.().catch((err: unknown) => {
      this.#o.logger.warn({ err: (err as Error).message }, 'sheet queue hints unavailable: full sweeps');
      return undefined;
    });
    this.#unwatch = watching ? watching.then((stop) => stop ?? null) : Promise.resolve(null);
    const tick = async () => {
      if (!this.#running) return;
      await this.#unwatch;
      try {
        await during(
          'flusher',
          this.#serial(() => this.#pass(true)),
        );
        if (this.#o.now() - this.#depthAt >= this.#o.depthEveryMs) {
          this.#depthAt = this.#o.now();
          this.#o.metrics?.queueDepth?.(await during('queue-depth', this.#o.queue.depth()));
        }
      } catch (err) {
        this.#o.logger.error({ err: (err as Error).message }, 'sheets flusher turn failed');
      }
      if (this.#running) this.#timer = setTimeout(tick, this.#o.tickMs);
    };
    this.#timer = setTimeout(tick, 0);
  }

  /** Stops the loop and waits for an in-flight flush. Call flushNow() after it to drain on shutdown. */
  async stop(): Promise<void> {
    this.#running = false;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    await this.#chain.catch(() => {});
    const stop = await this.#unwatch;
    this.#unwatch = Promise.resolve(null);
    await stop?.();
  }

  /** One pass over every spreadsheet with pending patches (spreadsheets in backoff are skipped; the
   *  cooldown between flushes is not applied). */
  flushNow(): Promise<FlushReport> {
    return this.#serial(() => {
      this.#o.queue.sweep?.();
      return this.#pass(false);
    });
  }

  /** "Everything queued so far lands" (tests, the e2e stack): passes until none is deferred (a spreadsheet in
   *  backoff, its quota window spent, or its flush lease held by another flusher), bounded by `timeoutMs`; a
   *  patch that still has not landed then fails the caller's own checks of the sheet. */
  async flushUntilSettled(timeoutMs = 20_000, pauseMs = 200): Promise<FlushReport> {
    const deadline = Date.now() + timeoutMs;
    let report = await this.flushNow();
    while (report.deferred.length > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, pauseMs));
      report = await this.flushNow();
    }
    return report;
  }

  #serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#chain.then(fn);
    this.#chain = run.catch(() => {});
    return run;
  }

  /** The spreadsheet's backoff state for /readyz-style introspection and tests. */
  blockedUntil(spreadsheetId: string): number {
    return this.#state.get(spreadsheetId)?.blockedUntil ?? 0;
  }

  /** The earliest time the loop flushes the spreadsheet again (its cooldown after the last flush; 0: any
   *  time). flushNow() does not wait for it. */
  nextFlushAt(spreadsheetId: string): number {
    return this.#state.get(spreadsheetId)?.nextAt ?? 0;
  }

  /** Enqueue time of the oldest patch known to be pending (null: none). */
  oldestPendingAt(): number | null {
    let oldest: number | null = null;
    for (const st of this.#state.values()) {
      if (st.oldestAt !== null && (oldest === null || st.oldestAt < oldest)) oldest = st.oldestAt;
    }
    return oldest;
  }

  async #pass(loop: boolean): Promise<FlushReport> {
    const report: FlushReport = { written: 0, deadLettered: 0, deferred: [] };
    const pending = new Set(await this.#o.queue.spreadsheetsWithPending());
    for (const [ssid, st] of this.#state) if (!pending.has(ssid)) st.oldestAt = null;
    for (const ssid of pending) {
      const st = this.#stateOf(ssid);
      const now = this.#o.now();
      if (st.blockedUntil > now) {
        report.deferred.push(ssid);
        continue;
      }
      if (loop && st.nextAt > now) continue;
      // One flusher per spreadsheet across instances (and a cooldown after each flush): another one
      // holding the lock writes it.
      const lease = await FlushLease.acquire(this.#o.queue, ssid, this.#owner, this.#o.lockTtlMs);
      if (!lease) {
        report.deferred.push(ssid);
        continue;
      }
      let r: Outcome = { ok: false, written: 0, deadLettered: 0, full: false };
      try {
        r = await this.#flushSpreadsheet(ssid, st, lease);
      } finally {
        if (r.ok && !r.full) {
          const cooldownMs = await this.#cooldownMs();
          st.nextAt = this.#o.now() + cooldownMs;
          await lease.cooldown(cooldownMs);
        } else await lease.release();
      }
      report.written += r.written;
      report.deadLettered += r.deadLettered;
      if (!r.ok) report.deferred.push(ssid);
    }
    this.#o.metrics?.oldestPending?.(this.oldestPendingAt());
    return report;
  }

  /** The wait before the spreadsheet's next flush: the minute's budget left (reads beyond the reserve,
   *  writes) spread over the rest of the minute (flush-pace.ts), so the flusher slows down instead of
   *  running dry and stopping until the next minute. intervalMs when the budget cannot be read. */
  async #cooldownMs(): Promise<number> {
    try {
      const [reads, writes] = await Promise.all([
        this.#api.budgetLeft('sheets-read', this.#o.readReserve),
        this.#api.budgetLeft('sheets-write'),
      ]);
      return pacedIntervalMs(this.#o.intervalMs, Math.min(reads.left, writes.left), reads.windowEndsInMs);
    } catch {
      return this.#o.intervalMs;
    }
  }

  #stateOf(ssid: string): SpreadsheetState {
    let st = this.#state.get(ssid);
    if (!st) {
      st = { blockedUntil: 0, nextAt: 0, failures: 0, oldestAt: null };
      this.#state.set(ssid, st);
    }
    return st;
  }

  #callOptions(lease: FlushLease) {
    return { signal: lease.signal, timeoutMs: this.#o.requestTimeoutMs };
  }

  async #deadLetter(
    ssid: string,
    lease: FlushLease,
    group: DeadGroup | { reason: string; entries: QueuedPatch[] },
  ) {
    const { entries, reason } = group;
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

  async #flushSpreadsheet(ssid: string, st: SpreadsheetState, lease: FlushLease): Promise<Outcome> {
    const { queue } = this.#o;
    const entries = await queue.peek(ssid, this.#o.maxPatchesPerFlush);
    st.oldestAt = entries.reduce<number | null>(
      (m, e) => (m === null || e.enqueuedAt < m ? e.enqueuedAt : m),
      null,
    );
    const full = entries.length >= this.#o.maxPatchesPerFlush;
    const out: Outcome = { ok: true, written: 0, deadLettered: 0, full };
    if (entries.length === 0) return out;
    let pending: QueuedPatch[] = entries;
    try {
      const t = triage(entries);
      for (const g of t.dead) out.deadLettered += await this.#deadLetter(ssid, lease, g);
      // Patches with no cells are done, unless they carry a call log row (acked once it is written).
      const logOnly = t.empty.filter((e) => e.patch.callLog);
      const nothing = t.empty.filter((e) => !e.patch.callLog);
      if (nothing.length > 0) {
        await lease.confirm();
        await queue.ack(
          ssid,
          nothing.map((e) => e.id),
        );
        out.written += nothing.length;
      }
      pending = [...logOnly, ...t.toPlace];
      if (pending.length === 0) return out;

      // 3. where do the leads live now, and which calls does the Call log hold? (one read, by tab id)
      const logTab = pending.some((e) => e.patch.callLog) ? await this.#callLogTab(ssid, lease) : null;
      const logRead = (startRow: number) => ({
        sheetId: logTab?.sheetId ?? 0,
        startRow,
        startCol: CALL_LOG_CALL_ID_COL,
        endCol: CALL_LOG_CALL_ID_COL + 1,
      });
      const logStart = logTab?.exists
        ? callLogStartRow(this.#logMemory.get(ssid), logTab.sheetId, this.#o.callLogWindow)
        : 0;
      const grids = await this.#readGrids(
        ssid,
        [
          ...t.sheetIds.map((sheetId) => ({ sheetId, startCol: 0, endCol: 1 })),
          ...(logTab?.exists ? [logRead(logStart)] : []),
        ],
        lease,
      );
      const rows = new Map<number, Map<string, number[]>>();
      for (const id of t.sheetIds) {
        const g = grids.get(id);
        if (g) rows.set(id, rowIdIndex(g.values));
      }
      const logState = logTab?.exists
        ? await this.#callLogState(ssid, logTab.sheetId, grids.get(logTab.sheetId), logRead, lease)
        : null;
      const placed = placeByRowId(t.toPlace, rows);
      for (const g of placed.dead) out.deadLettered += await this.#deadLetter(ssid, lease, g);
      for (const p of placed.placed) {
        if (p.delta === 0) continue;
        this.#o.logger.info(
          { spreadsheetId: ssid, sheetId: p.patch.sheetId, rowId: p.patch.rowId, delta: p.delta },
          'lead row moved since the patch was made: writing to its new row',
        );
      }
      pending = [...logOnly, ...placed.placed.map((p) => p.entry)];
      let log = logTab
        ? await this.#callLog(
            ssid,
            logState ?? { sheetId: logTab.sheetId, exists: false, usedRows: 0, logged: new Set() },
            pending,
          )
        : [];

      // 4. the writes, in queue order (the call log rides in the first); a refused one is bisected
      const chunks = chunkWrites(placed.placed, this.#o.writeLimits);
      if (chunks.length === 0 && log.length > 0) {
        await this.#writeLog(ssid, lease, log);
        log = [];
      }
      for (const chunk of chunks) {
        const r = await this.#write(ssid, lease, chunk, log);
        log = [];
        out.written += r.written;
        out.deadLettered += r.deadLettered;
        if (!r.ok) {
          out.ok = false;
          return out;
        }
        const done = new Set(chunk.placed.map((p) => p.entry.id));
        pending = pending.filter((e) => !done.has(e.id));
      }
      if (logOnly.length > 0) {
        await lease.confirm();
        await queue.ack(
          ssid,
          logOnly.map((e) => e.id),
        );
        out.written += logOnly.length;
      }
      if (logTab && !logTab.exists) this.#api.noteTab(ssid, logTab.sheetId, CALL_LOG_TAB);
      st.failures = 0;
      return out;
    } catch (err) {
      if (this.#lostLock(ssid, lease, err)) return { ...out, ok: false };
      try {
        await this.#onFailure(ssid, st, lease, pending, err);
      } catch (failureErr) {
        if (!this.#lostLock(ssid, lease, failureErr)) throw failureErr;
      }
      return { ...out, ok: false };
    }
  }

  /** The spreadsheet's Call log tab: its id from the (cached) titles, or a new id when it is missing. */
  async #callLogTab(ssid: string, lease: FlushLease): Promise<{ sheetId: number; exists: boolean }> {
    const titles = await this.#api.tabTitles(ssid, {
      ...this.#callOptions(lease),
      reserve: this.#o.readReserve,
    });
    for (const [id, title] of titles) {
      if (title.trim().toLowerCase() === CALL_LOG_TAB.toLowerCase()) return { sheetId: id, exists: true };
    }
    return { sheetId: newTabId(titles.keys()), exists: false };
  }

  /** The Call log as its read block shows it, read again in full when the block shows the tab shrank;
   *  remembered for the next flush (forgotten when the tab is missing). */
  async #callLogState(
    ssid: string,
    sheetId: number,
    block: { values: string[][]; startRow: number } | undefined,
    readFrom: (startRow: number) => GridRead,
    lease: FlushLease,
  ): Promise<CallLogTab | null> {
    let tab = block
      ? callLogTabOfBlock(sheetId, block.startRow, block.values, this.#logMemory.get(ssid))
      : null;
    if (block && !tab) {
      this.#o.logger.info({ spreadsheetId: ssid }, 'call log shrank since the last read: reading it in full');
      this.#logMemory.delete(ssid);
      const full = (await this.#readGrids(ssid, [readFrom(0)], lease)).get(sheetId);
      tab = full ? callLogTabOfBlock(sheetId, 0, full.values, undefined) : null;
    }
    if (tab) this.#logMemory.set(ssid, { sheetId, usedRows: tab.usedRows });
    else this.#logMemory.delete(ssid);
    return tab;
  }

  /** The call log requests for these entries (durations the disposition left open taken from the calls). */
  async #callLog(ssid: string, tab: CallLogTab, entries: QueuedPatch[]): Promise<sheets_v4.Schema$Request[]> {
    const logs = entries.flatMap((e) => (e.patch.callLog ? [{ e, log: e.patch.callLog }] : []));
    const open = logs.filter((l) => l.log.durationS === null);
    const durations =
      open.length > 0 && this.#o.queue.callDurations
        ? await this.#o.queue.callDurations(
            open.map((l) => ({ spreadsheetId: ssid, sheetId: l.e.patch.sheetId, callId: l.log.callId })),
            this.#o.now(),
          )
        : new Map<string, number>();
    return callLogRequests(
      logs.map((l) => ({ ...l.log, durationS: l.log.durationS ?? durations.get(l.log.callId) ?? null })),
      tab,
    ).requests;
  }

  /** The call log alone (no cells to write, or its write with cells was refused). A refusal drops the rows
   *  with a warning: a log Google will not take must not hold the patches back. */
  async #writeLog(ssid: string, lease: FlushLease, log: sheets_v4.Schema$Request[]): Promise<void> {
    try {
      await lease.confirm();
      await this.#api.batchUpdate(ssid, log, this.#callOptions(lease));
    } catch (err) {
      if (err instanceof FlushLockLostError || err instanceof QuotaExhaustedError) throw err;
      const f = classifyGoogleError(err, this.#o.now());
      if (f.kind !== 'rejected' || f.status === null || !ISOLATABLE.has(f.status)) throw err;
      this.#api.forgetTitles(ssid);
      this.#logMemory.delete(ssid);
      this.#o.metrics?.flushFailure?.('rejected');
      this.#o.logger.warn(
        { spreadsheetId: ssid, status: f.status, message: f.message.slice(0, 200) },
        'call log rows refused by Google: not written',
      );
    }
  }

  /** Column blocks of tabs by id (with the row each block starts at); a tab Google no longer has is left
   *  out of the answer. */
  async #readGrids(
    ssid: string,
    reads: GridRead[],
    lease: FlushLease,
  ): Promise<Map<number, { values: string[][]; startRow: number }>> {
    const api = this.#api;
    const opts = { ...this.#callOptions(lease), reserve: this.#o.readReserve };
    const read = async (rs: GridRead[]) => {
      const grids = await api.readGrids(ssid, rs, opts);
      return new Map(grids.map((g, i) => [g.sheetId, { values: g.values, startRow: rs[i]?.startRow ?? 0 }]));
    };
    if (reads.length === 0) return new Map();
    try {
      return await read(reads);
    } catch (err) {
      const f = classifyGoogleError(err, this.#o.now());
      if (err instanceof QuotaExhaustedError || f.kind !== 'rejected' || f.status !== 400) throw err;
      // A tab of the batch is gone, or a block starts below a tab that shrank (Google refuses the whole
      // read): ask which tabs exist, read those whole.
      api.forgetTitles(ssid);
      this.#logMemory.delete(ssid);
      const titles = await api.tabTitles(ssid, opts);
      const existing = reads.filter((r) => titles.has(r.sheetId)).map((r) => ({ ...r, startRow: 0 }));
      return existing.length > 0 ? await read(existing) : new Map();
    }
  }

  /** One write and its ack; a refusal of content or size bisects it. ok=false: stop this flush. */
  async #write(
    ssid: string,
    lease: FlushLease,
    chunk: WriteChunk,
    log: sheets_v4.Schema$Request[] = [],
  ): Promise<{ ok: boolean; written: number; deadLettered: number }> {
    const api = this.#api;
    const { queue } = this.#o;
    try {
      await lease.confirm();
      await api.batchUpdate(ssid, [...log, ...chunk.requests], this.#callOptions(lease));
    } catch (err) {
      if (err instanceof FlushLockLostError || err instanceof QuotaExhaustedError) throw err;
      const f = classifyGoogleError(err, this.#o.now());
      if (f.kind !== 'rejected' || f.status === null || !ISOLATABLE.has(f.status)) throw err;
      if (log.length > 0) {
        // Refused with the call log riding along: the log alone first, then the cells alone.
        await this.#writeLog(ssid, lease, log);
        return this.#write(ssid, lease, chunk);
      }
      this.#o.metrics?.flushFailure?.('rejected');
      if (chunk.placed.length === 1) {
        const dead = await this.#deadLetter(ssid, lease, {
          reason: `rejected by Google (${f.status}): ${f.message.slice(0, 200)}`,
          entries: chunk.placed.map((p) => p.entry),
        });
        return { ok: true, written: 0, deadLettered: dead };
      }
      this.#o.logger.warn(
        { spreadsheetId: ssid, status: f.status, patches: chunk.placed.length },
        'sheets write refused: splitting it to isolate the refused patch',
      );
      const total = { ok: true, written: 0, deadLettered: 0 };
      for (const half of splitChunk(chunk, this.#o.writeLimits)) {
        const r = await this.#write(ssid, lease, half);
        total.written += r.written;
        total.deadLettered += r.deadLettered;
        if (!r.ok) return { ...total, ok: false };
      }
      return total;
    }
    // Google said 2xx: now, and only now, these patches leave the queue.
    await lease.confirm();
    await queue.ack(
      ssid,
      chunk.placed.map((p) => p.entry.id),
    );
    this.#o.metrics?.flushedCells?.(chunk.valueCells, 'values');
    this.#o.metrics?.flushedCells?.(chunk.backgroundCells, 'backgrounds');
    this.#o.metrics?.flushedPatches?.(chunk.placed.length);
    return { ok: true, written: chunk.placed.length, deadLettered: 0 };
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

  /** Records the failure and decides when to try again. */
  async #onFailure(
    ssid: string,
    st: SpreadsheetState,
    lease: FlushLease,
    batch: QueuedPatch[],
    err: unknown,
  ): Promise<void> {
    if (err instanceof QuotaExhaustedError) {
      // Our own shared budget: not Google's failure, no attempt counted; wait for the next window.
      st.blockedUntil = this.#o.now() + err.retryInMs;
      this.#o.metrics?.flushFailure?.('quota');
      this.#o.logger.info(
        { spreadsheetId: ssid, bucket: err.bucket, patches: batch.length, retryInMs: err.retryInMs },
        "sheets flush waits for the next minute's budget",
      );
      return;
    }
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
    if (f.kind === 'rejected') {
      this.#api.forgetTitles(ssid);
      this.#logMemory.delete(ssid);
    }
    const delay = backoffDelayMs(st.failures - 1, this.#o.backoff, f.retryAfterMs);
    st.blockedUntil = this.#o.now() + delay;
    this.#o.logger.warn(
      {
        spreadsheetId: ssid,
        status: f.status,
        kind: f.kind,
        message: f.message,
        patches: batch.length,
        failures: st.failures,
        retryInMs: delay,
      },
      'sheets flush failed',
    );
  }
}
