// The messages between the coordinator and its grid-decode worker (grid-decoder.ts, grid-decode-worker.ts),
// checked with zod on both sides of the thread boundary. A tab the coordinator already holds a read of (its
// `base` fingerprint) comes back as the rows that differ from that read, not as the whole grid: at 500 tabs
// a refresh finds a few changed rows per tab, and copying ~10 MB of unchanged cells across the thread
// boundary every minute was most of what the refresh allocated on the event loop.
import { z } from 'zod';
import { isStringGrid } from './tab-titles.js';

/** Cells per reply (~6 tabs of 100 leads): a reply's structured copy stays well under a 10-ms block. */
export const CELLS_PER_REPLY = 10_000;

export const DecoderRequestSchema = z.discriminatedUnion('type', [
  /** The next bytes of an answer (transferred), in order. */
  z.object({ type: z.literal('chunk'), job: z.number().int(), bytes: z.instanceof(Uint8Array) }),
  /** The answer is complete: parse it; the tab ids it was asked for, in order, and for each a key naming
   *  the read (spreadsheet, tab, columns) and the fingerprint of the coordinator's last read of it ('' for
   *  none): a tab whose key's last reply had that fingerprint is answered as a delta from it. */
  z.object({
    type: z.literal('parse'),
    job: z.number().int(),
    sheetIds: z.array(z.number().int()),
    keys: z.array(z.string()),
    bases: z.array(z.string()),
  }),
  /** The next tabs of a parsed answer from the index-th on: as many as fit in CELLS_PER_REPLY cells (at least
   *  one), so copying a reply in costs the coordinator a few ms at most. */
  z.object({ type: z.literal('next'), job: z.number().int(), index: z.number().int().min(0) }),
  /** An answer decoded on the coordinator's thread (too small for a job), handed over afterwards (its
   *  bytes transferred) so the worker knows the reads the coordinator now holds: the next big read of
   *  those tabs comes back as deltas from them. No reply. */
  z.object({
    type: z.literal('learn'),
    bytes: z.instanceof(Uint8Array),
    sheetIds: z.array(z.number().int()),
    keys: z.array(z.string()),
  }),
  /** Forget a parsed answer. */
  z.object({ type: z.literal('drop'), job: z.number().int() }),
]);
export type DecoderRequest = z.infer<typeof DecoderRequestSchema>;

const StringGrid = z.custom<string[][]>((v) => isStringGrid(v), 'a grid of strings');

/** A tab as the worker sends it: its whole grid, or (`delta`) its row count and the rows that differ from
 *  the read whose fingerprint is `base` (rows at or past that read's end are always listed). */
const GridSchema = z.object({
  sheetId: z.number().int(),
  title: z.string(),
  // One pass over the cells (a zod array of arrays would copy each of a refresh's ~1M cells).
  values: StringGrid.optional(),
  delta: z
    .object({
      base: z.string(),
      rows: z.number().int().min(0),
      at: z.array(z.number().int().min(0)),
      cells: StringGrid,
    })
    .optional(),
  fingerprint: z.string(),
});
export type WireGrid = z.infer<typeof GridSchema>;

export const DecoderReplySchema = z.discriminatedUnion('type', [
  /** The worker's module loaded: answers may be handed over. */
  z.object({ type: z.literal('ready') }),
  z.object({ type: z.literal('parsed'), job: z.number().int() }),
  z.object({ type: z.literal('grids'), job: z.number().int(), grids: z.array(GridSchema).min(1) }),
  z.object({ type: z.literal('dropped'), job: z.number().int() }),
  z.object({ type: z.literal('failed'), job: z.number().int(), error: z.string() }),
]);
export type DecoderReply = z.infer<typeof DecoderReplySchema>;
