// The call log's requests: the tab and header only when missing, rows appended after the used rows, each
// call once (against the tab and within the batch), numbers masked.
import { describe, expect, it } from 'vitest';
import type { CallLogEntry } from '../../../src-shared/domain/call-log.js';
import { callLogRequests, newTabId } from './call-log-plan.js';

const entry = (callId: string, over: Partial<CallLogEntry> = {}): CallLogEntry => ({
  callId,
  at: Date.UTC(2026, 10, 30, 8, 0, 5),
  agent: 'ann@example.com',
  campaign: 'Spring',
  rowId: 'L1',
  numberLast4: '0134',
  durationS: 42,
  disposition: 'CORRECT',
  notes: '=not a formula',
  ...over,
});

const texts = (req: unknown) =>
  (
    req as { updateCells: { rows: { values: { userEnteredValue?: { stringValue: string } }[] }[] } }
  ).updateCells.rows.map((r) => r.values.map((v) => v.userEnteredValue?.stringValue ?? ''));

describe('callLogRequests', () => {
  it('creates the tab with its header when missing, then appends the rows after it', () => {
    const { requests, rows } = callLogRequests([entry('c1')], {
      sheetId: 9,
      exists: false,
      usedRows: 0,
      logged: new Set(),
    });
    expect(rows).toBe(1);
    expect(Object.keys(requests[0] ?? {})).toEqual(['addSheet']);
    expect(texts(requests[1])[0]?.[0]).toBe('Time (UTC)');
    expect(requests[2]).toEqual({ appendDimension: { sheetId: 9, dimension: 'ROWS', length: 1 } });
    expect(texts(requests[3])).toEqual([
      [
        '2026-11-30 08:00:05',
        'ann@example.com',
        'Spring',
        'L1',
        '***0134',
        '42',
        'CORRECT',
        '=not a formula',
        'c1',
      ],
    ]);
    expect((requests[3] as { updateCells: { start: unknown } }).updateCells.start).toEqual({
      sheetId: 9,
      rowIndex: 1,
      columnIndex: 0,
    });
  });

  it('writes each call once: already in the tab, or twice in the batch, it is left out', () => {
    const { requests, rows } = callLogRequests([entry('c1'), entry('c2'), entry('c2'), entry('c3')], {
      sheetId: 4,
      exists: true,
      usedRows: 7,
      logged: new Set(['c1']),
    });
    expect(rows).toBe(2);
    expect(requests).toHaveLength(2); // no addSheet, no header
    expect(texts(requests[1]).map((r) => r[8])).toEqual(['c2', 'c3']);
    expect((requests[1] as { updateCells: { start: { rowIndex: number } } }).updateCells.start.rowIndex).toBe(
      7,
    );
    expect(
      callLogRequests([entry('c1')], { sheetId: 4, exists: true, usedRows: 7, logged: new Set(['c1']) }),
    ).toEqual({
      requests: [],
      rows: 0,
    });
  });

  it('a new tab id is above every existing one', () => {
    expect(newTabId([0, 1001, 77])).toBe(1002);
  });
});
