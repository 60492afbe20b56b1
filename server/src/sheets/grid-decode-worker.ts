// The grid-decode worker thread (grid-decoder.ts starts it): turns the raw bytes of a big
// values.batchGetByDataFilter answer into tabs off the coordinator's event loop. Decoding the UTF-8, the
// JSON.parse of ~10 MB (500 tabs x 100 leads), the cell check and the fingerprints took 0.3-0.7 s of one
// uninterrupted turn per tab refresh there. The coordinator then pulls the tabs a few at a time, one reply
// per turn, so copying them back in is spread over many short turns. The worker keeps the last grid it sent
// for each read key: a tab the coordinator still holds that read of goes back as the rows that changed.
import { parentPort } from 'node:worker_threads';
import { gridOfAnswer } from './grid-answer.js';
import {
  CELLS_PER_REPLY,
  type DecoderReply,
  type DecoderRequest,
  DecoderRequestSchema,
  type WireGrid,
} from './grid-decoder-protocol.js';

const port = parentPort;
if (!port) throw new Error('grid-decode-worker runs as a worker thread');

/** Parsed answers still being pulled, by job id. */
const jobs = new Map<number, { answer: unknown; sheetIds: number[]; keys: string[]; bases: string[] }>();
/** The last grid sent for each read key (a few thousand tabs at most; the oldest key goes first). */
const sentByKey = new Map<string, { fingerprint: string; values: string[][] }>();
const MAX_KEYS = 5000;

const sameRow = (a: readonly string[] | undefined, b: readonly string[]): boolean => {
  if (a === undefined || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
};

/** Notes the grid the coordinator now holds for a read key; returns the one noted before. */
function remember(key: string, grid: { fingerprint: string; values: string[][] }) {
  const last = sentByKey.get(key);
  sentByKey.delete(key);
  sentByKey.set(key, { fingerprint: grid.fingerprint, values: grid.values });
  if (sentByKey.size > MAX_KEYS) sentByKey.delete(sentByKey.keys().next().value ?? '');
  return last;
}

/** The tab as a delta from the coordinator's base read when this worker sent (or learnt) that read, else
 *  whole. */
function wireOf(grid: ReturnType<typeof gridOfAnswer>, key: string, base: string): WireGrid {
  if (key === '') return grid;
  const last = remember(key, grid);
  if (!last || base === '' || last.fingerprint !== base) return grid;
  const at: number[] = [];
  const cells: string[][] = [];
  grid.values.forEach((row, i) => {
    if (!sameRow(last.values[i], row)) {
      at.push(i);
      cells.push(row);
    }
  });
  const { values: _all, ...rest } = grid;
  return { ...rest, delta: { base, rows: grid.values.length, at, cells } };
}
/** Answers still arriving, by job id. */
const arriving = new Map<number, Uint8Array[]>();

function handle(m: DecoderRequest): DecoderReply | null {
  if (m.type === 'chunk') {
    const chunks = arriving.get(m.job) ?? [];
    chunks.push(m.bytes);
    arriving.set(m.job, chunks);
    return null;
  }
  if (m.type === 'learn') {
    // The coordinator decoded this answer itself (a start storm's reads are under the job size): note
    // its tabs, so the next refresh sends them as deltas, not whole (a read that fails to parse is
    // simply not learnt: that tab comes back whole once, as before).
    try {
      const answer: unknown = JSON.parse(new TextDecoder().decode(m.bytes));
      m.sheetIds.forEach((id, i) => {
        const key = m.keys[i] ?? '';
        if (key !== '') remember(key, gridOfAnswer(answer, i, id));
      });
    } catch {}
    return null;
  }
  if (m.type === 'parse') {
    const chunks = arriving.get(m.job) ?? [];
    arriving.delete(m.job);
    try {
      const answer: unknown = JSON.parse(new TextDecoder().decode(Buffer.concat(chunks)));
      jobs.set(m.job, { answer, sheetIds: m.sheetIds, keys: m.keys, bases: m.bases });
      return { type: 'parsed', job: m.job };
    } catch (err) {
      return { type: 'failed', job: m.job, error: err instanceof Error ? err.message : String(err) };
    }
  }
  const job = jobs.get(m.job);
  if (!job) return { type: 'failed', job: m.job, error: 'unknown job' };
  if (m.type === 'drop') {
    jobs.delete(m.job);
    arriving.delete(m.job);
    return { type: 'dropped', job: m.job };
  }
  if (m.index >= job.sheetIds.length) return { type: 'failed', job: m.job, error: `no tab ${m.index}` };
  try {
    const grids: WireGrid[] = [];
    let cells = 0;
    for (let i = m.index; i < job.sheetIds.length && (grids.length === 0 || cells < CELLS_PER_REPLY); i++) {
      const grid = wireOf(
        gridOfAnswer(job.answer, i, job.sheetIds[i] ?? 0),
        job.keys[i] ?? '',
        job.bases[i] ?? '',
      );
      for (const row of grid.values ?? grid.delta?.cells ?? []) cells += row.length;
      grids.push(grid);
    }
    return { type: 'grids', job: m.job, grids };
  } catch (err) {
    return { type: 'failed', job: m.job, error: err instanceof Error ? err.message : String(err) };
  }
}

port.on('message', (raw: unknown) => {
  const m = DecoderRequestSchema.safeParse(raw);
  if (!m.success) return;
  const reply = handle(m.data);
  if (reply) port.postMessage(reply);
});
port.postMessage({ type: 'ready' } satisfies DecoderReply);
