// Turns pending patches (already checked and remapped to the rows their leads occupy now) into the requests
// of ONE spreadsheets.batchUpdate, addressed by tab id (no title needed, a renamed tab changes nothing):
// updateCells of userEnteredValue.stringValue (text as typed, never evaluated: what RAW does) and
// repeatCell of backgrounds. Google applies a batchUpdate atomically, so values and colors land together.
// A later patch's write to a cell supersedes an earlier one's; side-by-side cells of a row share a request.
import type { sheets_v4 } from '@googleapis/sheets';
import type { RgbColor, SheetPatch } from '../../../src-shared/domain/sheet-patch.js';

export interface CellRequests {
  requests: sheets_v4.Schema$Request[];
  valueCells: number;
  backgroundCells: number;
}

const VALUE_FIELDS = 'userEnteredValue';

const BACKGROUND_FIELDS = 'userEnteredFormat.backgroundColor,userEnteredFormat.backgroundColorStyle';

type CellKey = `${number}:${number}:${number}`;
const keyOf = (sheetId: number, row: number, col: number): CellKey => `${sheetId}:${row}:${col}`;

function runs<T>(cells: { col: number; v: T }[], same: (a: T, b: T) => boolean) {
  const sorted = [...cells].sort((a, b) => a.col - b.col);
  const out: { from: number; to: number; items: T[] }[] = [];
  for (const c of sorted) {
    const last = out[out.length - 1];
    if (last && last.to === c.col - 1 && same(last.items[last.items.length - 1] as T, c.v)) {
      last.to = c.col;
      last.items.push(c.v);
    } else out.push({ from: c.col, to: c.col, items: [c.v] });
  }
  return out;
}

const sameColor = (a: RgbColor | null, b: RgbColor | null) =>
  a === b || (a !== null && b !== null && a.red === b.red && a.green === b.green && a.blue === b.blue);

/** "" clears the cell (no userEnteredValue under the mask); any other text is stored as text. */
function cellOf(value: string): sheets_v4.Schema$CellData {
  return value === '' ? {} : { userEnteredValue: { stringValue: value } };
}

/** `patches` in queue order (oldest first). Pure. */
export function cellRequests(patches: readonly SheetPatch[]): CellRequests {
  const values = new Map<CellKey, { sheetId: number; row: number; col: number; value: string }>();
  const backgrounds = new Map<
    CellKey,
    { sheetId: number; row: number; col: number; color: RgbColor | null }
  >();
  for (const p of patches) {
    for (const v of p.values) {
      const k = keyOf(p.sheetId, v.row, v.col);
      values.delete(k); // re-insert so iteration order follows the latest write
      values.set(k, { sheetId: p.sheetId, ...v });
    }
    for (const b of p.backgrounds) {
      const k = keyOf(p.sheetId, b.row, b.col);
      backgrounds.delete(k);
      backgrounds.set(k, { sheetId: p.sheetId, ...b });
    }
  }

  const byRow = <T extends { sheetId: number; row: number }>(cells: Iterable<T>) => {
    const m = new Map<string, T[]>();
    for (const c of cells) {
      const k = `${c.sheetId}:${c.row}`;
      m.set(k, [...(m.get(k) ?? []), c]);
    }
    return [...m.values()];
  };

  const requests: sheets_v4.Schema$Request[] = [];
  for (const rowCells of byRow(values.values())) {
    const { sheetId, row } = rowCells[0] as { sheetId: number; row: number };
    for (const r of runs(
      rowCells.map((c) => ({ col: c.col, v: c.value })),
      () => true,
    )) {
      requests.push({
        updateCells: {
          start: { sheetId, rowIndex: row - 1, columnIndex: r.from },
          rows: [{ values: r.items.map(cellOf) }],
          fields: VALUE_FIELDS,
        },
      });
    }
  }

  for (const rowCells of byRow(backgrounds.values())) {
    const { sheetId, row } = rowCells[0] as { sheetId: number; row: number };
    for (const r of runs(
      rowCells.map((c) => ({ col: c.col, v: c.color })),
      sameColor,
    )) {
      const color = r.items[0] ?? null;
      // backgroundColorStyle is the current field; backgroundColor (deprecated) is set too for older readers.
      const userEnteredFormat: sheets_v4.Schema$CellFormat = color
        ? { backgroundColor: { ...color }, backgroundColorStyle: { rgbColor: { ...color } } }
        : {};
      requests.push({
        repeatCell: {
          range: {
            sheetId,
            startRowIndex: row - 1,
            endRowIndex: row,
            startColumnIndex: r.from,
            endColumnIndex: r.to + 1,
          },
          cell: { userEnteredFormat },
          fields: BACKGROUND_FIELDS,
        },
      });
    }
  }
  return { requests, valueCells: values.size, backgroundCells: backgrounds.size };
}

/** The row a patch is about (its cells all sit on the lead's row); null for an empty patch. */
export function patchRowOf(p: SheetPatch): number | null {
  return p.values[0]?.row ?? p.backgrounds[0]?.row ?? null;
}

/** The same patch moved by `delta` rows (the lead's row moved since the patch was made). */
export function shiftPatch(p: SheetPatch, delta: number): SheetPatch {
  if (delta === 0) return p;
  return {
    ...p,
    values: p.values.map((v) => ({ ...v, row: v.row + delta })),
    backgrounds: p.backgrounds.map((b) => ({ ...b, row: b.row + delta })),
  };
}
