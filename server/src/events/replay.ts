// The replay rule of an agent's event stream (pure): which events a client that last saw `afterSeq` gets,
// or that it must re-sync its whole state instead (events it missed are no longer kept, or went to
// another home). The stream is one entry per step, id `0-<step>`, consecutive steps k, k+1, … except where
// a new home was lifted above an old one (includes/eventsAppend.lua, eventsRebase.lua); event i of step k
// has the seq k * EVENTS_PER_STEP + i, and k * EVENTS_PER_STEP + EVENTS_PER_STEP - 1 (never an event's)
// stands for "all of step k": the position a client is at after a step's last event.
import { EVENTS_PER_STEP } from '../redis/keys.js';

/** The step a seq belongs to. */
export const stepOf = (seq: number): number => Math.floor(seq / EVENTS_PER_STEP);

/** The position after every event of step k (its last seq, whatever the step's size). */
export const stepEnd = (step: number): number => step * EVENTS_PER_STEP + EVENTS_PER_STEP - 1;

/** The step a replay after `afterSeq` reads from: afterSeq's own (the client may hold part of it), or
 *  the next one when afterSeq is a step's end. */
export function replayFromStep(afterSeq: number): number {
  const step = stepOf(afterSeq);
  return afterSeq === stepEnd(step) ? step + 1 : step;
}

/** One stream entry: a step and its events. */
export interface StepEntry<T> {
  step: number;
  at: number;
  events: readonly T[];
}

export interface Replay<T> {
  /** The kept events after afterSeq (all it missed unless `truncated`). */
  events: { seq: number; at: number; event: T }[];
  truncated: boolean;
  /** Where the client is after the replay: the end of the stream's last step (0: no stream). */
  lastSeq: number;
}

/** What XINFO STREAM says of a stream: its last step, entries held and entries ever added. */
export interface StreamInfo {
  lastStep: number;
  length: number;
  entriesAdded: number;
}

/** The replay after `afterSeq` from `stream` (null: none), given its entries from replayFromStep(afterSeq)
 *  on (read in the same transaction). Contiguous only when every step from the client's position to the
 *  last one is there: a trimmed step, a lift (another home's steps came between) or a seq the stream never
 *  issued is truncated. `afterSeq` 0 (a client that has nothing, connected before the stream existed)
 *  gets the whole stream when it holds every entry ever added to it (created by its first step, never
 *  trimmed; a home created by a move has a placeholder entry trimmed at once: resync). */
export function replayAfter<T>(
  afterSeq: number,
  stream: StreamInfo | null,
  entries: readonly StepEntry<T>[],
): Replay<T> {
  const lastSeq = stream === null ? 0 : stepEnd(stream.lastStep);
  const events = entries
    .flatMap((e) => e.events.map((event, i) => ({ seq: e.step * EVENTS_PER_STEP + i, at: e.at, event })))
    .filter((e) => e.seq > afterSeq);
  return { events, truncated: afterSeq !== lastSeq && !contiguous(afterSeq, stream, entries), lastSeq };
}

/** Whether `entries` (read from replayFromStep(afterSeq)) hold every step after afterSeq. */
function contiguous<T>(
  afterSeq: number,
  stream: StreamInfo | null,
  entries: readonly StepEntry<T>[],
): boolean {
  if (stream === null || afterSeq > stepEnd(stream.lastStep)) return false;
  const whole = afterSeq === 0 && stream.entriesAdded === stream.length;
  const from = whole ? (entries[0]?.step ?? 0) : replayFromStep(afterSeq);
  // Every step from `from` to the last one, each once, in order.
  if (entries.length !== stream.lastStep - from + 1) return false;
  for (let i = 0; i < entries.length; i++) if (entries[i]?.step !== from + i) return false;
  // A seq inside a step the client holds part of must be one of its events.
  const first = entries[0];
  return (
    whole || !first || first.step !== stepOf(afterSeq) || afterSeq % EVENTS_PER_STEP < first.events.length
  );
}
