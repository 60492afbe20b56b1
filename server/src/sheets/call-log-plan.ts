// The call log's share of a flush, as a pure function: the rows of the calls in the peeked patches that the
// `Call log` tab does not hold yet (by CallId, read in the flush's re-check read: a call is never written
// twice, even after a write whose answer was lost), as requests that ride in the flush's first write:
// addSheet + the header when the tab is missing, appendDimension for the new rows, and one updateCells of
// the rows (text as typed, like RAW). Appending rows after the last used row is safe whatever a person did
// to the tab: the rows are added first, so the write always fits the grid.
import type { sheets_v4 } from '@googleapis/sheets';
import {
  CALL_LOG_HEADER,
  CALL_LOG_TAB,
  type CallLogEntry,
  callLogRow,
} from '../../../src-shared/domain/call-log.js';

export interface CallLogTab {
  sheetId: number;
  /** false: it is created by these requests. */
  exists: boolean;
  /** Rows read in the tab (the header included): the new rows start there. */
  usedRows: number;
  /** CallIds already in the tab. */
  logged: ReadonlySet<string>;
}

const textCell = (v: string): sheets_v4.Schema$CellData =>
  v === '' ? {} : { userEnteredValue: { stringValue: v } };

export function callLogRequests(
  entries: readonly CallLogEntry[],
  tab: CallLogTab,
): { requests: sheets_v4.Schema$Request[]; rows: number } {
  const seen = new Set(tab.logged);
  const fresh: CallLogEntry[] = [];
  for (const e of entries) {
    if (seen.has(e.callId)) continue;
    seen.add(e.callId);
    fresh.push(e);
  }
  if (fresh.length === 0) return { requests: [], rows: 0 };
  const requests: sheets_v4.Schema$Request[] = [];
  let start = Math.max(tab.usedRows, 1);
  if (!tab.exists) {
    requests.push(
      {
        addSheet: {
          properties: {
            sheetId: tab.sheetId,
            title: CALL_LOG_TAB,
            gridProperties: { rowCount: 1, columnCount: CALL_LOG_HEADER.length },
          },
        },
      },
      {
        updateCells: {
          start: { sheetId: tab.sheetId, rowIndex: 0, columnIndex: 0 },
          rows: [{ values: CALL_LOG_HEADER.map(textCell) }],
          fields: 'userEnteredValue',
        },
      },
    );
    start = 1;
  }
  requests.push(
    { appendDimension: { sheetId: tab.sheetId, dimension: 'ROWS', length: fresh.length } },
    {
      updateCells: {
        start: { sheetId: tab.sheetId, rowIndex: start, columnIndex: 0 },
        rows: fresh.map((e) => ({ values: callLogRow(e).map(textCell) })),
        fields: 'userEnteredValue',
      },
    },
  );
  return { requests, rows: fresh.length };
}

/** The id for a new Call log tab: above every id the spreadsheet has. */
export function newTabId(existing: Iterable<number>): number {
  let max = 0;
  for (const id of existing) max = Math.max(max, id);
  return max + 1;
}
