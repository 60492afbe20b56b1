// The Call log re-check's window: where the read starts, and what a block says (append point, logged calls,
// or "the tab shrank: read it in full").
import { describe, expect, it } from 'vitest';
import { callLogStartRow, callLogTabOfBlock } from './call-log-window.js';

describe('the Call log window', () => {
  it('reads from the top when nothing is remembered, the tab changed id, or the log is short', () => {
    expect(callLogStartRow(undefined, 7, 5000)).toBe(0);
    expect(callLogStartRow({ sheetId: 8, usedRows: 720_001 }, 7, 5000)).toBe(0);
    expect(callLogStartRow({ sheetId: 7, usedRows: 4000 }, 7, 5000)).toBe(0);
    expect(callLogStartRow({ sheetId: 7, usedRows: 720_001 }, 7, 5000)).toBe(715_001);
  });

  it('appends after the block and knows the calls in it; a full block skips the header', () => {
    const memory = { sheetId: 7, usedRows: 10 };
    const tab = callLogTabOfBlock(7, 8, [['c8'], ['c9 '], ['n1']], memory);
    expect(tab).toEqual({ sheetId: 7, exists: true, usedRows: 11, logged: new Set(['c8', 'c9', 'n1']) });
    const full = callLogTabOfBlock(7, 0, [['CallId'], ['c1']], undefined);
    expect(full?.usedRows).toBe(2);
    expect([...(full?.logged ?? [])]).toEqual(['c1']);
  });

  it('says the tab shrank when the block has fewer rows than the memory says must exist', () => {
    expect(callLogTabOfBlock(7, 8, [['c8']], { sheetId: 7, usedRows: 10 })).toBeNull();
    expect(callLogTabOfBlock(7, 8, [], { sheetId: 7, usedRows: 10 })).toBeNull();
    expect(callLogTabOfBlock(7, 8, [['c8']], undefined)).toBeNull();
  });
});
