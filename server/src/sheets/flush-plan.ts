// The flush plan, as pure functions (no I/O, no clock): which peeked patches cannot be written and why,
// where each lead's row is now, and how the rest is cut into write requests that stay inside Google's
// limits whatever the backlog (a request count and a body size per spreadsheets.batchUpdate). The flusher
// (sheets-flusher.ts) runs the plan through the Sheets API and the queue.
import type { sheets_v4 } from '@googleapis/sheets';
import { COORDINATOR_OWNED_COLS } from '../../../src-shared/domain/sheet-codec.js';
import type { SheetPatch } from '../../../src-shared/domain/sheet-patch.js';
import type { QueuedPatch } from '../ports.js';
import { cellRequests, patchRowOf, shiftPatch } from './coalesce.js';

export interface WriteLimits {
  /** Requests per spreadsheets.batchUpdate. Default 1,000 (Google documents no figure; the emulator assumes 1,000). */
  maxRequestsPerWrite: number;
  /** JSON body bytes per spreadsheets.batchUpdate. Default 1 MB (Google recommends at most 2 MB). */
  maxBytesPerWrite: number;
}

export const DEFAULT_WRITE_LIMITS: WriteLimits = { maxRequestsPerWrite: 1000, maxBytesPerWrite: 1_000_000 };

export type DeadReason =
  | 'tab no longer exists'
  | 'patch spans rows or writes a column the coordinator does not own'
  | 'RowID no longer in the tab'
  | 'RowID appears on several rows';

export interface DeadGroup {
  reason: DeadReason;
  entries: QueuedPatch[];
}

const OWNED = new Set(COORDINATOR_OWNED_COLS);
/** A coordinator-owned cell: Status1..10, Notes, LastOutcome, AttemptCount, NextIndex, or after Z only a
 *  callback column, named by the header it was found under when the tab was read. */
const ownedCell = (v: { col: number; header?: string | undefined }) =>
  OWNED.has(v.col) || (v.col >= 26 && v.header !== undefined);

/** Checks that need no read: malformed patches (dead), empty ones (nothing to write), the rest. */
export function triage(entries: readonly QueuedPatch[]): {
  dead: DeadGroup[];
  empty: QueuedPatch[];
  toPlace: QueuedPatch[];
  /** Tabs whose RowID column must be re-read, in first-seen order. */
  sheetIds: number[];
} {
  const malformed: QueuedPatch[] = [];
  const empty: QueuedPatch[] = [];
  const toPlace: QueuedPatch[] = [];
  for (const e of entries) {
    const rows = new Set([...e.patch.values, ...e.patch.backgrounds].map((c) => c.row));
    if (rows.size > 1 || e.patch.values.some((v) => !ownedCell(v))) malformed.push(e);
    else if (patchRowOf(e.patch) === null) empty.push(e);
    else toPlace.push(e);
  }
  const sheetIds = [...new Set(toPlace.map((e) => e.patch.sheetId))];
  return {
    dead: malformed.length
      ? [{ reason: 'patch spans rows or writes a column the coordinator does not own', entries: malformed }]
      : [],
    empty,
    toPlace,
    sheetIds,
  };
}

/** RowID → 1-based rows holding it, from a tab's column A as read (row 1 is the header). */
export function rowIdIndex(columnA: readonly (readonly string[])[]): Map<string, number[]> {
  const m = new Map<string, number[]>();
  columnA.forEach((cells, r) => {
    const rowId = (cells[0] ?? '').trim();
    if (r === 0 || rowId === '') return;
    const rows = m.get(rowId);
    if (rows) rows.push(r + 1);
    else m.set(rowId, [r + 1]);
  });
  return m;
}

export interface Placed {
  entry: QueuedPatch;
  /** The patch moved to the row its lead occupies now. */
  patch: SheetPatch;
  /** Rows it moved by (0: where it was made). */
  delta: number;
}

/** Moves each patch to its lead's current row. `rows` has an index per tab read; a tab missing from it
 *  no longer exists. */
export function placeByRowId(
  toPlace: readonly QueuedPatch[],
  rows: ReadonlyMap<number, ReadonlyMap<string, number[]>>,
): { placed: Placed[]; dead: DeadGroup[] } {
  const placed: Placed[] = [];
  const tabGone: QueuedPatch[] = [];
  const gone: QueuedPatch[] = [];
  const ambiguous: QueuedPatch[] = [];
  for (const e of toPlace) {
    const index = rows.get(e.patch.sheetId);
    if (!index) {
      tabGone.push(e);
      continue;
    }
    const at = index.get(e.patch.rowId) ?? [];
    if (at.length === 0) gone.push(e);
    else if (at.length > 1) ambiguous.push(e);
    else {
      const delta = (at[0] as number) - (patchRowOf(e.patch) as number);
      placed.push({ entry: e, patch: shiftPatch(e.patch, delta), delta });
    }
  }
  const dead: DeadGroup[] = [];
  if (tabGone.length) dead.push({ reason: 'tab no longer exists', entries: tabGone });
  if (gone.length) dead.push({ reason: 'RowID no longer in the tab', entries: gone });
  if (ambiguous.length) dead.push({ reason: 'RowID appears on several rows', entries: ambiguous });
  return { placed, dead };
}

export interface WriteChunk {
  placed: Placed[];
  requests: sheets_v4.Schema$Request[];
  valueCells: number;
  backgroundCells: number;
}

const bytesOf = (requests: readonly sheets_v4.Schema$Request[]) =>
  requests.reduce((n, r) => n + JSON.stringify(r).length + 1, 32);

/**
 * Cuts placed patches, in queue order, into writes within `limits`, on patch boundaries (a patch is acked
 * with the write that carries it). A single patch larger than the limits still gets its own write (Google
 * decides; a refusal dead-letters it).
 */
export function chunkWrites(
  placed: readonly Placed[],
  limits: WriteLimits = DEFAULT_WRITE_LIMITS,
): WriteChunk[] {
  const groups: Placed[][] = [];
  let current: Placed[] = [];
  let count = 0;
  let bytes = 32;
  const close = () => {
    if (current.length) groups.push(current);
    current = [];
    count = 0;
    bytes = 32;
  };
  for (const p of placed) {
    const own = cellRequests([p.patch]).requests;
    const ownBytes = bytesOf(own) - 32;
    if (
      current.length > 0 &&
      (count + own.length > limits.maxRequestsPerWrite || bytes + ownBytes > limits.maxBytesPerWrite)
    ) {
      close();
    }
    current.push(p);
    count += own.length;
    bytes += ownBytes;
  }
  close();
  return groups.map((g) => {
    const plan = cellRequests(g.map((p) => p.patch));
    return {
      placed: g,
      requests: plan.requests,
      valueCells: plan.valueCells,
      backgroundCells: plan.backgroundCells,
    };
  });
}

/** Halves of a refused write, each re-planned (bisection isolates a patch Google refuses). */
export function splitChunk(chunk: WriteChunk, limits: WriteLimits = DEFAULT_WRITE_LIMITS): WriteChunk[] {
  const mid = Math.ceil(chunk.placed.length / 2);
  return [
    ...chunkWrites(chunk.placed.slice(0, mid), limits),
    ...chunkWrites(chunk.placed.slice(mid), limits),
  ];
}
