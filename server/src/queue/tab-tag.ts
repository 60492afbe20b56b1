// Parses the tab hash tag `{t:<spreadsheetId>:<sheetId>}` (keys.ts tabTag) back into its parts, so the
// per-spreadsheet PatchQueue API can find the per-tab streams of a spreadsheet.
import { tabTag } from '../redis/keys.js';

export interface TabRef {
  spreadsheetId: string;
  sheetId: number;
}

/** null for anything that is not a tab tag (a stale or foreign member of the tabs set). */
export function parseTabTag(tag: string): TabRef | null {
  if (!tag.startsWith('{t:') || !tag.endsWith('}')) return null;
  const inner = tag.slice(3, -1);
  // Spreadsheet ids are [A-Za-z0-9_-]: the last colon separates the numeric sheet id.
  const cut = inner.lastIndexOf(':');
  if (cut <= 0) return null;
  const sheetId = Number(inner.slice(cut + 1));
  if (!Number.isInteger(sheetId) || sheetId < 0) return null;
  const spreadsheetId = inner.slice(0, cut);
  return tabTag(spreadsheetId, sheetId) === tag ? { spreadsheetId, sheetId } : null;
}
