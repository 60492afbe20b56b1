// The answer of values.batchGetByDataFilter, tab by tab: each requested tab's current title (from the A1
// range Google echoes), its cells as strings (decodeValues) and a fingerprint of both (a SHA-1: a tab whose
// title and cells are those of its last read is not decoded again, google-sheets-gateway.ts). Used on the
// coordinator's event loop for small answers and in the grid-decode worker for the big one of a tab refresh.
import { createHash } from 'node:crypto';
import { decodeValues } from './tab-titles.js';

/** What a read by id found: the tab's current title (from Google's answer) and its values. */
export interface GridValues {
  sheetId: number;
  title: string;
  values: string[][];
  /** SHA-1 of [title, values] as JSON (base64). */
  fingerprint: string;
}

/** The tab title out of an answered A1 range (`'Ann''s Leads'!A1:Z1000` → `Ann's Leads`). */
export function titleOfA1(range: string): string {
  const cut = range.lastIndexOf('!');
  const t = cut >= 0 ? range.slice(0, cut) : range;
  return t.startsWith("'") && t.endsWith("'") && t.length >= 2 ? t.slice(1, -1).replaceAll("''", "'") : t;
}

export function fingerprintOf(title: string, values: string[][]): string {
  return createHash('sha1')
    .update(JSON.stringify([title, values]))
    .digest('base64');
}

const field = (o: unknown, key: string): unknown =>
  typeof o === 'object' && o !== null ? Reflect.get(o, key) : undefined;

/** The j-th requested tab of a parsed answer (missing parts read as an empty tab, as Google omits them). */
export function gridOfAnswer(answer: unknown, j: number, sheetId: number): GridValues {
  const ranges = field(answer, 'valueRanges');
  const vr = field(Array.isArray(ranges) ? ranges[j] : undefined, 'valueRange');
  const range = field(vr, 'range');
  const title = titleOfA1(typeof range === 'string' ? range : '');
  const values = decodeValues(field(vr, 'values') ?? []);
  return { sheetId, title, values, fingerprint: fingerprintOf(title, values) };
}

/** An answer's raw bytes decoded on this thread, tab by tab in the order of `sheetIds`. */
export function gridsOfBody(body: Uint8Array, sheetIds: readonly number[]): GridValues[] {
  const answer: unknown = JSON.parse(new TextDecoder().decode(body));
  return sheetIds.map((id, j) => gridOfAnswer(answer, j, id));
}
