// Decodes big values.batchGetByDataFilter answers on a worker thread (grid-decode-worker.ts) so the tab
// refresh's one ~10 MB answer (500 tabs x 100 leads) does not stop the coordinator's event loop for its UTF-8
// decode, JSON.parse, cell check and fingerprints (0.3-0.7 s in one turn, the longest stall at 500 agents).
// The tabs come back a few per message (CELLS_PER_REPLY), each reply pulled after a turn of the event loop,
// so requests run in between. Small answers (the flusher's row re-checks) are decoded here: a thread hop costs more than they
// do. If the worker cannot start or fails, everything is decoded here as before (one warning).
// A caller that still holds its last read of a tab (`bases`) gets the tab back as that read with the changed
// rows replaced: only those rows cross the thread boundary, and the unchanged rows are the very arrays of the
// base read (callers may compare rows by identity: google-sheets-gateway.ts decodes only the rows that changed).
// An answer decoded here is handed to the worker afterwards (#teach), so reads it never saw are bases too.
import { setImmediate as nextTurn } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import { type GridValues, gridsOfBody } from './grid-answer.js';
import {
  type DecoderReply,
  DecoderReplySchema,
  type DecoderRequest,
  type WireGrid,
} from './grid-decoder-protocol.js';

/** A read of a tab the caller still holds, and the key naming that read (spreadsheet, tab, columns). */
export interface GridBase {
  fingerprint: string;
  values: string[][];
}
export interface GridReadKey {
  key: string;
  base: GridBase | null;
}

/** A worker's tab back into a whole grid: a delta is applied to the base it was made from. */
export function gridOfWire(w: WireGrid, base: GridBase | null): GridValues {
  const { delta, values, ...rest } = w;
  if (!delta) {
    if (!values) throw new Error(`grid-decode worker: tab ${w.sheetId} came back with no values`);
    return { ...rest, values };
  }
  if (!base || base.fingerprint !== delta.base)
    throw new Error(`grid-decode worker: tab ${w.sheetId} came back as a delta from a read not held`);
  const out: string[][] = base.values.slice(0, delta.rows);
  delta.at.forEach((i, k) => {
    out[i] = delta.cells[k] ?? [];
  });
  for (let i = 0; i < delta.rows; i++)
    if (out[i] === undefined) throw new Error(`grid-decode worker: tab ${w.sheetId} row ${i} missing`);
  return { ...rest, values: out };
}

/** Answers at least this big go to the worker: the refresh's (~20 KB per tab of 100 leads, so ~10 MB for
 *  500 tabs), not the start storm's (~40 tabs per read, under 1 MB: a start waits on it, and the hop to the
 *  worker and back would add its turns to the wait). */
export const WORKER_MIN_BYTES = 1024 * 1024;

const WORKER_URL = new URL('./grid-decode-worker.ts', import.meta.url);

/** The worker runs TypeScript like the coordinator: Node 20 does not hand tsx's loader to worker threads
 *  (whether the process has it from `tsx …`, `--import tsx` or vitest's own), so a two-line bootstrap
 *  registers it there, then imports the worker module. */
function bootstrap(url: URL): string {
  const api = import.meta.resolve('tsx/esm/api');
  return `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(url.href)}); })`;
}

function concat(chunks: readonly Uint8Array[], bytes: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(bytes);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

interface Running {
  worker: Worker;
  /** Resolves once the worker's module loaded (one that cannot load fails here, before any answer is handed
   *  over). */
  online: Promise<void>;
}

export class GridDecoder {
  readonly #logger: Logger;
  readonly #minBytes: number;
  #running: Running | null = null;
  #broken = false;
  #job = 0;
  /** The reply each job waits for (one request in flight per job). */
  readonly #waiting = new Map<number, { resolve: (r: DecoderReply) => void; reject: (e: Error) => void }>();

  readonly #url: URL;

  constructor(opts: { logger: Logger; minBytes?: number; workerUrl?: URL }) {
    this.#logger = opts.logger;
    this.#minBytes = opts.minBytes ?? WORKER_MIN_BYTES;
    this.#url = opts.workerUrl ?? WORKER_URL;
  }

  /**
   * The tabs of an answer, read from its body stream, in the order of `sheetIds`. The first bytes are held
   * here; once the answer reaches `minBytes`, they and every later chunk go to the worker as they arrive (a
   * copy of a few KB per chunk, no 10 MB buffer to concatenate here), and the worker parses at the end.
   */
  async decode(
    body: AsyncIterable<Uint8Array>,
    sheetIds: readonly number[],
    reads: readonly GridReadKey[] = [],
  ): Promise<GridValues[]> {
    const held: Uint8Array[] = [];
    let bytes = 0;
    let sent: { worker: Worker; job: number } | null = null;
    try {
      for await (const chunk of body) {
        if (sent) {
          this.#send(sent.worker, sent.job, chunk);
          continue;
        }
        held.push(chunk);
        bytes += chunk.byteLength;
        if (bytes < this.#minBytes) continue;
        const running = this.#start();
        if (!running) continue;
        try {
          await running.online;
        } catch (err) {
          this.#fail(err);
          continue;
        }
        sent = { worker: running.worker, job: ++this.#job };
        for (const c of held.splice(0)) this.#send(sent.worker, sent.job, c);
      }
      if (!sent) {
        const whole = concat(held, bytes);
        const grids = gridsOfBody(whole, sheetIds);
        this.#teach(whole, sheetIds, reads);
        return grids;
      }
      return await this.#viaWorker(sent.worker, sent.job, sheetIds, reads);
    } catch (err) {
      // The bytes went to the worker: the caller's read fails (retried), and the next one is decoded here.
      if (sent) this.#fail(err);
      throw err;
    }
  }

  /**
   * Hands an answer decoded here to the worker (its bytes transferred: no copy, and parsed over there), so
   * the worker knows the reads the caller now holds and the next big read of those tabs comes back as
   * deltas. Without it, the first tab refresh after a morning start storm (~40 tabs per read, each answer
   * decoded here) brought all 500 tabs back whole: 30 MB surviving on the event loop against 4.5 MB.
   * Only answers of a quarter of `minBytes` or more start the worker for this (small reads of a few tabs
   * cost it little to send whole later); once it runs, every keyed answer is handed over.
   */
  #teach(bytes: Uint8Array<ArrayBuffer>, sheetIds: readonly number[], reads: readonly GridReadKey[]): void {
    if (reads.length === 0 || (!this.#running && bytes.byteLength < this.#minBytes / 4)) return;
    const running = this.#start();
    if (!running) return;
    const m: DecoderRequest = {
      type: 'learn',
      bytes,
      sheetIds: [...sheetIds],
      keys: sheetIds.map((_, i) => reads[i]?.key ?? ''),
    };
    running.online.then(
      () => {
        if (this.#running === running) running.worker.postMessage(m, [bytes.buffer]);
      },
      (err: unknown) => this.#fail(err),
    );
  }

  /** A copy of the chunk (its own small buffer, transferred): socket chunks are views of pooled memory. */
  #send(worker: Worker, job: number, chunk: Uint8Array): void {
    const bytes = new Uint8Array(chunk);
    worker.postMessage({ type: 'chunk', job, bytes } satisfies DecoderRequest, [bytes.buffer]);
  }

  async #viaWorker(
    worker: Worker,
    job: number,
    sheetIds: readonly number[],
    reads: readonly GridReadKey[],
  ): Promise<GridValues[]> {
    const parsed = await this.#ask(worker, {
      type: 'parse',
      job,
      sheetIds: [...sheetIds],
      keys: sheetIds.map((_, i) => reads[i]?.key ?? ''),
      bases: sheetIds.map((_, i) => reads[i]?.base?.fingerprint ?? ''),
    });
    if (parsed.type !== 'parsed') throw new Error(parsed.type === 'failed' ? parsed.error : parsed.type);
    const out: GridValues[] = [];
    try {
      while (out.length < sheetIds.length) {
        await nextTurn();
        const r = await this.#ask(worker, { type: 'next', job, index: out.length });
        if (r.type !== 'grids') throw new Error(r.type === 'failed' ? r.error : r.type);
        for (const g of r.grids) out.push(gridOfWire(g, reads[out.length]?.base ?? null));
      }
    } finally {
      if (this.#running?.worker === worker)
        worker.postMessage({ type: 'drop', job } satisfies DecoderRequest);
    }
    return out;
  }

  #ask(worker: Worker, m: Exclude<DecoderRequest, { type: 'learn' }>): Promise<DecoderReply> {
    return new Promise<DecoderReply>((resolve, reject) => {
      this.#waiting.set(m.job, { resolve, reject });
      worker.ref(); // keeps the process alive while a job waits on it
      worker.postMessage(m);
    }).finally(() => {
      if (this.#waiting.size === 0) worker.unref();
    });
  }

  #start(): Running | null {
    if (this.#broken) return null;
    if (this.#running) return this.#running;
    try {
      const worker = new Worker(bootstrap(this.#url), { eval: true });
      worker.unref();
      let ready = () => {};
      const online = new Promise<void>((resolve, reject) => {
        ready = resolve;
        worker.once('error', reject);
        worker.once('exit', () => reject(new Error('grid-decode worker exited before it was ready')));
      });
      worker.on('message', (raw: unknown) => {
        const r = DecoderReplySchema.safeParse(raw);
        if (r.success && r.data.type === 'ready') ready();
        if (!r.success || r.data.type === 'dropped' || r.data.type === 'ready') return;
        const w = this.#waiting.get(r.data.job);
        this.#waiting.delete(r.data.job);
        w?.resolve(r.data);
      });
      const gone = (why: string) => {
        for (const w of this.#waiting.values()) w.reject(new Error(why));
        this.#waiting.clear();
        if (this.#running?.worker === worker) this.#running = null;
      };
      worker.on('error', (err) => {
        gone(err.message);
        this.#fail(err);
      });
      worker.on('exit', (code) => gone(`grid-decode worker exited (${code})`));
      this.#running = { worker, online };
      return this.#running;
    } catch (err) {
      this.#fail(err);
      return null;
    }
  }

  #fail(err: unknown): void {
    if (!this.#broken)
      this.#logger.warn(
        { why: err instanceof Error ? err.message : String(err) },
        'grid-decode worker unavailable: decoding sheet answers on the event loop',
      );
    this.#broken = true;
    const w = this.#running?.worker;
    this.#running = null;
    void w?.terminate();
  }

  /** Answers handed to the worker so far (tests, the bench). */
  workerJobs(): number {
    return this.#job;
  }

  /** Stops the worker (shutdown, tests). */
  async close(): Promise<void> {
    const w = this.#running?.worker;
    this.#running = null;
    await w?.terminate();
  }
}
