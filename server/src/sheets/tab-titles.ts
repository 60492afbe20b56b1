// Maps a spreadsheet's numeric tab ids (gid, stable) to their titles (needed for A1 ranges, but a person can
// rename a tab at any time) with one spreadsheets.get limited by a fields mask.
import { z } from 'zod';
import type { SheetsClient } from './client.js';

export const TAB_TITLES_FIELDS = 'sheets.properties(sheetId,title)';

const SpreadsheetTabsSchema = z.object({
  sheets: z
    .array(
      z
        .object({ properties: z.object({ sheetId: z.number().int(), title: z.string() }).passthrough() })
        .passthrough(),
    )
    .default([]),
});

/** One read request. Google errors propagate (callers classify them). */
export async function fetchTabTitles(
  client: SheetsClient,
  spreadsheetId: string,
  options: { retry: false; timeout: number },
): Promise<Map<number, string>> {
  const res = await client.spreadsheets.get({ spreadsheetId, fields: TAB_TITLES_FIELDS }, options);
  const parsed = SpreadsheetTabsSchema.parse(res.data);
  return new Map(parsed.sheets.map((s) => [s.properties.sheetId, s.properties.title]));
}

/** Values of a ValueRange as strings (Sheets sends strings with FORMATTED_VALUE; be tolerant anyway). */
export const ValuesSchema = z
  .array(
    z.array(
      z
        .union([z.string(), z.number(), z.boolean(), z.null()])
        .transform((v) => (v === null ? '' : String(v))),
    ),
  )
  .default([]);
