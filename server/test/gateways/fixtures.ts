// Small builders shared by the gateway tests.
import { SKIPPED_RGB, type SheetPatch } from '../../../src-shared/domain/sheet-patch.js';

export function patchFor(
  rowId: string,
  row: number,
  cells: Record<number, string>,
  opts: { spreadsheetId?: string; sheetId?: number; tabTitle?: string; purple?: number[] } = {},
): SheetPatch {
  return {
    spreadsheetId: opts.spreadsheetId ?? 'sheet-A',
    sheetId: opts.sheetId ?? 0,
    tabTitle: opts.tabTitle ?? 'Agent One',
    rowId,
    values: Object.entries(cells).map(([col, value]) => ({ row, col: Number(col), value })),
    backgrounds: (opts.purple ?? []).map((col) => ({ row, col, color: SKIPPED_RGB })),
  };
}
