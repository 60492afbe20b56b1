// A1 notation as the Sheets API reads it (developers.google.com/workspace/sheets/api/guides/concepts):
// `Tab!A1:B2`, `Tab!A:A`, `Tab!1:2`, `Tab!A5:A`, a bare `Tab`, `'My Tab'!A:A` (quotes doubled inside),
// and a range with no tab (the first sheet). Pure: parsing only; resolving against a grid is in grid.ts.

/** A parsed range. Indexes are 0-based, ends exclusive, undefined = open (to the grid's edge). */
export interface A1Range {
  /** undefined: no tab given (the first sheet). */
  sheetTitle: string | undefined;
  startRow: number | undefined;
  endRow: number | undefined;
  startCol: number | undefined;
  endCol: number | undefined;
}

export class A1ParseError extends Error {}

/** Column letters → 0-based index ("A" → 0, "Z" → 25, "AA" → 26). */
export function colToIndex(letters: string): number {
  let n = 0;
  for (const ch of letters.toUpperCase()) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n - 1;
}

/** 0-based index → column letters. */
export function indexToCol(index: number): string {
  let n = index + 1;
  let s = '';
  while (n > 0) {
    const rem = (n - 1) % 26;
    s = String.fromCharCode(65 + rem) + s;
    n = Math.floor((n - 1) / 26);
  }
  return s;
}

const MAX_COLS = 18_278; // ZZZ
const MAX_ROWS = 10_000_000;

interface Endpoint {
  col: number | undefined;
  row: number | undefined;
}

function parseEndpoint(s: string): Endpoint | null {
  const m = /^\$?([A-Za-z]{1,3})?\$?([0-9]+)?$/.exec(s);
  if (!m || (!m[1] && !m[2])) return null;
  const col = m[1] ? colToIndex(m[1]) : undefined;
  const row = m[2] ? Number(m[2]) - 1 : undefined;
  if (row !== undefined && (row < 0 || row >= MAX_ROWS)) return null;
  if (col !== undefined && col >= MAX_COLS) return null;
  return { col, row };
}

/** Parses the cell part ("A1:B2", "A:A", "1:2", "A5:A", "B3"); null when it is not a cell range. */
export function parseCellPart(s: string): Omit<A1Range, 'sheetTitle'> | null {
  const parts = s.split(':');
  if (parts.length === 1) {
    const p = parseEndpoint(parts[0] ?? '');
    // A single endpoint must be a whole cell: "A" or "5" alone is a sheet name, not a range.
    if (!p || p.col === undefined || p.row === undefined) return null;
    return { startRow: p.row, endRow: p.row + 1, startCol: p.col, endCol: p.col + 1 };
  }
  if (parts.length !== 2) return null;
  const a = parseEndpoint(parts[0] ?? '');
  const b = parseEndpoint(parts[1] ?? '');
  if (!a || !b) return null;
  // "A:1" mixes a column-only and a row-only endpoint: not valid A1.
  if ((a.col === undefined) !== (b.col === undefined) && (a.row === undefined) !== (b.row === undefined)) {
    return null;
  }
  const [r1, r2] = order(a.row, b.row);
  const [c1, c2] = order(a.col, b.col);
  return {
    startRow: r1,
    endRow: r2 === undefined ? undefined : r2 + 1,
    startCol: c1,
    endCol: c2 === undefined ? undefined : c2 + 1,
  };
}

/** Sorts two optional coordinates so "B2:A1" means A1:B2; a lone one is the start (end open). */
function order(x: number | undefined, y: number | undefined): [number | undefined, number | undefined] {
  if (x !== undefined && y !== undefined) return x <= y ? [x, y] : [y, x];
  if (x !== undefined) return [x, undefined];
  // "A:B5" style: only the end is given; the start is the grid's first row/column.
  if (y !== undefined) return [undefined, y];
  return [undefined, undefined];
}

/** Parses a full A1 range. Throws A1ParseError (the API answers 400 "Unable to parse range: …"). */
export function parseA1(input: string): A1Range {
  const s = input.trim();
  if (s === '') throw new A1ParseError(input);
  let title: string | undefined;
  let cells: string | undefined;
  if (s.startsWith("'")) {
    // Quoted tab name: '' inside stands for one quote.
    let i = 1;
    let name = '';
    for (;;) {
      if (i >= s.length) throw new A1ParseError(input);
      const ch = s[i];
      if (ch === "'") {
        if (s[i + 1] === "'") {
          name += "'";
          i += 2;
          continue;
        }
        i += 1;
        break;
      }
      name += ch;
      i += 1;
    }
    title = name;
    const rest = s.slice(i);
    if (rest === '') cells = undefined;
    else if (rest.startsWith('!')) cells = rest.slice(1);
    else throw new A1ParseError(input);
  } else {
    const bang = s.lastIndexOf('!');
    if (bang >= 0) {
      title = s.slice(0, bang);
      cells = s.slice(bang + 1);
      if (title === '') throw new A1ParseError(input);
    } else {
      // No '!': a cell range on the first sheet if it parses as one, otherwise a tab name.
      const part = parseCellPart(s);
      if (part) return { sheetTitle: undefined, ...part };
      return {
        sheetTitle: s,
        startRow: undefined,
        endRow: undefined,
        startCol: undefined,
        endCol: undefined,
      };
    }
  }
  if (cells === undefined || cells === '') {
    if (cells === '') throw new A1ParseError(input);
    return {
      sheetTitle: title,
      startRow: undefined,
      endRow: undefined,
      startCol: undefined,
      endCol: undefined,
    };
  }
  const part = parseCellPart(cells);
  if (!part) throw new A1ParseError(input);
  return { sheetTitle: title, ...part };
}

/** Quotes a tab title the way the API echoes it in `range` ('My Tab', 'It''s'; Sheet1 stays bare). */
export function quoteTitle(title: string): string {
  const plain = /^[A-Za-z_][A-Za-z0-9_]*$/.test(title) && !/^[A-Za-z]{1,3}[0-9]+$/.test(title);
  return plain ? title : `'${title.replace(/'/g, "''")}'`;
}

/** `Tab!A1:C3` for a resolved (bounded) range; a single cell is written `Tab!B2`. */
export function formatA1(
  title: string,
  r: { startRow: number; endRow: number; startCol: number; endCol: number },
): string {
  const a = `${indexToCol(r.startCol)}${r.startRow + 1}`;
  const b = `${indexToCol(r.endCol - 1)}${r.endRow}`;
  return `${quoteTitle(title)}!${a === b ? a : `${a}:${b}`}`;
}
