// The layout of one sheet-queue stream entry and of the queue ids that name its patches, in one place for
// every reader (the queue's peek and dead letters, the store's unflushed cells).
//
// An entry holds the patches of one step (scripts/includes/enqueuePatch.lua): one patch as
// `patch` = its JSON (the layout every version writes and reads), several (a disposition and its chained
// dial) as `patches` = a JSON array of them, in the step's order; `at` = the enqueue time either way.
// The flusher works per patch: a single-patch entry's id is `<sheetId>/<streamId>` (as before entries could
// hold several), patch i of a several-patch entry is `<sheetId>/<streamId>#<i>`, so a refused patch is
// dead-lettered alone and the entry leaves the stream once each of its patches landed or was dead-lettered
// (the ones already done are listed in the tab's side hash under `done:<streamId>`).

/** The JSON values of an entry's patches, in order; null when it has neither layout (or bad JSON). */
export function entryPatchValues(fields: Record<string, string>): unknown[] | null {
  if (fields.patch !== undefined) {
    const one = parseJson(fields.patch);
    return one === undefined ? null : [one];
  }
  if (fields.patches === undefined) return null;
  const all = parseJson(fields.patches);
  return Array.isArray(all) ? all : null;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** The side hash's field listing the patches of a several-patch entry already landed or dead-lettered. */
export const doneField = (streamId: string): string => `done:${streamId}`;

/** The part indexes a `done:` field lists ("0,2"); empty for none. */
export function parseDone(value: string | null | undefined): Set<number> {
  const out = new Set<number>();
  for (const s of (value ?? '').split(',')) if (/^\d+$/.test(s)) out.add(Number(s));
  return out;
}

export interface QueueIdParts {
  sheetId: number;
  streamId: string;
  /** The patch's index in a several-patch entry; null for a single-patch entry (the whole entry). */
  part: number | null;
}

/** The queue id of a patch: the entry's for a single-patch entry, `#<part>` added in a several-patch one. */
export function queueIdOf(sheetId: number, streamId: string, part: number | null): string {
  return part === null ? `${sheetId}/${streamId}` : `${sheetId}/${streamId}#${part}`;
}

/** The parts of a queue id; null for one that is not ours. */
export function parseQueueId(id: string): QueueIdParts | null {
  const m = /^(\d+)\/(\d+-\d+)(?:#(\d+))?$/.exec(id);
  if (!m) return null;
  return { sheetId: Number(m[1]), streamId: m[2] as string, part: m[3] === undefined ? null : Number(m[3]) };
}

/** The stream-side name of a patch the Lua scripts take: `<streamId>` or `<streamId>#<part>`. */
export const streamRef = (p: { streamId: string; part: number | null }): string =>
  p.part === null ? p.streamId : `${p.streamId}#${p.part}`;
