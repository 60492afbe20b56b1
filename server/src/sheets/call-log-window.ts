// The bounded re-check of the `Call log` tab, as pure functions: which rows of its CallId column a flush
// reads, and what that block says (where to append, which calls are already logged). With the used rows of
// the last read remembered, only a window before them is read to the end (a call written ambiguously is
// retried within seconds, far inside the window), so a log of a day's 720,000 calls costs a flush the same
// few kilobytes as a fresh one. Nothing remembered, or a block that shows the tab shrank (a person deleted
// rows), means a full read.
import type { CallLogTab } from './call-log-plan.js';

/** Rows of the Call log read before the last known end. Default 5,000. */
export const DEFAULT_CALL_LOG_WINDOW = 5000;

/** What the flusher remembers of a spreadsheet's Call log from its last read. */
export interface CallLogMemory {
  sheetId: number;
  /** Rows used (the header included) at the last read. */
  usedRows: number;
}

/** The first row to read (0: the whole column). */
export function callLogStartRow(memory: CallLogMemory | undefined, sheetId: number, window: number): number {
  if (!memory || memory.sheetId !== sheetId) return 0;
  return Math.max(0, memory.usedRows - window);
}

/** The tab as the block read from `startRow` shows it; null when the block shows fewer rows than the
 *  memory says must exist (the tab shrank: read it in full). */
export function callLogTabOfBlock(
  sheetId: number,
  startRow: number,
  block: readonly (readonly string[])[],
  memory: CallLogMemory | undefined,
): CallLogTab | null {
  if (startRow > 0 && (!memory || startRow + block.length < memory.usedRows)) return null;
  const ids = startRow === 0 ? block.slice(1) : block;
  return {
    sheetId,
    exists: true,
    usedRows: startRow + block.length,
    logged: new Set(ids.map((r) => (r[0] ?? '').trim())),
  };
}
