// Reads a live notice as eventsAppend.lua writes it, without decoding its events:
//   {"email":<JSON string>,"at":<integer>,"events":[{"seq":<integer>,"event":<JSON object>},…]}
// optionally followed by `,"leads":<JSON object>` before the closing brace: the lead-change notice of the
// step (a disposition and its chained dial), read by the lead-change listeners (noticeLeads).
// Each event's text is cut out of the notice as it stands (the JSON a coordinator encoded), so the hub
// forwards it to the socket without JSON.parse + JSON.stringify of every call view and lead preview (the
// bus's largest allocation per notice). What the hub acts on is checked: the agent, the time, integer seqs,
// each event one JSON object (strings and nesting balanced) whose top-level `type` is a string; the client
// parses every frame with ServerMessageSchema. Anything else is null (the bus reports it and drops it).

export interface NoticeEvent {
  seq: number;
  /** Top-level `type` of the event. */
  type: string;
  /** The event's JSON text. */
  json: string;
}

export interface NoticeText {
  email: string;
  at: number;
  events: NoticeEvent[];
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;

/** The index just past the JSON string starting at `i` (a quote), or -1. The closing quote is the first one
 *  after `i` preceded by an even number of backslashes; found with indexOf (native), not char by char. */
function skipString(s: string, i: number): number {
  let j = s.indexOf('"', i + 1);
  while (j !== -1) {
    let k = j - 1;
    while (s.charCodeAt(k) === BACKSLASH) k--;
    if ((j - 1 - k) % 2 === 0) return j + 1;
    j = s.indexOf('"', j + 1);
  }
  return -1;
}

/** The closers still open in skipNested, reused (no array per call; only one scan runs at a time). */
const open: number[] = [];

/** The index just past the object or array starting at `i`, or -1 when its brackets do not balance. */
function skipNested(s: string, i: number): number {
  open.length = 0;
  for (let j = i; j < s.length; j++) {
    const c = s.charCodeAt(j);
    if (c === QUOTE) {
      j = skipString(s, j) - 1;
      if (j < 0) return -1;
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET)
      open.push(c === OPEN_BRACE ? CLOSE_BRACE : CLOSE_BRACKET);
    else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      if (open.pop() !== c) return -1;
      if (open.length === 0) return j + 1;
    }
  }
  return -1;
}

/** The non-negative integer of at most 16 digits at `i` ending at a comma: [value, index of the comma], or
 *  null. Read digit by digit: no substring per seq. */
function intAt(s: string, i: number): [number, number] | null {
  let v = 0;
  let j = i;
  for (; j < s.length && j - i <= 16; j++) {
    const c = s.charCodeAt(j);
    if (c === COMMA) return j > i ? [v, j] : null;
    if (c < 0x30 || c > 0x39) return null;
    v = v * 10 + (c - 0x30);
  }
  return null;
}

/** The JSON string at `i..end` (quotes included) as a value: sliced when it has no escape. */
function stringValue(s: string, i: number, end: number): string | null {
  const inner = s.slice(i + 1, end - 1);
  if (!inner.includes('\\')) return inner;
  try {
    const v: unknown = JSON.parse(s.slice(i, end));
    return typeof v === 'string' ? v : null;
  } catch {
    return null;
  }
}

const TYPE_FIRST = '{"type":"';

/** The top-level `type` of the object text `o` (keys at depth 1 only), or null. */
function topLevelType(o: string): string | null {
  // The coordinator writes `type` first ({type: …, …}): the first key at depth 1 is the one the walk below
  // would find first, read without walking.
  if (o.startsWith(TYPE_FIRST)) {
    const valueEnd = skipString(o, TYPE_FIRST.length - 1);
    return valueEnd < 0 ? null : stringValue(o, TYPE_FIRST.length - 1, valueEnd);
  }
  let depth = 0;
  for (let j = 0; j < o.length; j++) {
    const c = o.charCodeAt(j);
    if (c === QUOTE) {
      const end = skipString(o, j);
      if (end < 0) return null;
      const isKey = depth === 1 && (o.charCodeAt(j - 1) === OPEN_BRACE || o.charCodeAt(j - 1) === COMMA);
      if (isKey && end - j === 6 && o.startsWith('"type":"', j)) {
        const valueEnd = skipString(o, end + 1);
        return valueEnd < 0 ? null : stringValue(o, end + 1, valueEnd);
      }
      j = end - 1;
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) depth++;
    else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) depth--;
  }
  return null;
}

const HEAD = '{"email":';
const LEADS = ',"leads":';

/** The lead-change object at `i` runs to the notice's closing brace. */
function leadsEnd(text: string, i: number): boolean {
  if (text.charCodeAt(i) !== OPEN_BRACE) return false;
  const end = skipNested(text, i);
  return end > 0 && end + 1 === text.length && text.charCodeAt(end) === CLOSE_BRACE;
}

/** The JSON text of the lead-change notice an agent event notice carries (`"leads":{…}` after its events),
 *  or null: one character tells a notice without one (its text ends with `]}`). The lead-change listeners
 *  parse it as they parse the notices of the lead-change channel. */
export function noticeLeads(text: string): string | null {
  const n = text.length;
  if (n < 2 || text.charCodeAt(n - 2) !== CLOSE_BRACE) return null;
  const at = text.lastIndexOf(LEADS);
  return at < 0 ? null : text.slice(at + LEADS.length, n - 1);
}
const SEQ = '{"seq":';
const EVENT = ',"event":';

/** The notice's agent, time and events (each as its own JSON text), or null when it is not one. */
export function readNotice(text: string): NoticeText | null {
  if (!text.startsWith(HEAD)) return null;
  let i = HEAD.length;
  const emailEnd = skipString(text, i);
  if (text.charCodeAt(i) !== QUOTE || emailEnd < 0) return null;
  const email = stringValue(text, i, emailEnd);
  if (email === null) return null;
  i = emailEnd;
  if (!text.startsWith(',"at":', i)) return null;
  i += 6;
  const atInt = intAt(text, i);
  if (!atInt) return null;
  const [at, atEnd] = atInt;
  i = atEnd;
  if (!text.startsWith(',"events":[', i)) return null;
  i += 11;
  const events: NoticeEvent[] = [];
  for (;;) {
    if (!text.startsWith(SEQ, i)) return null;
    i += SEQ.length;
    const seqInt = intAt(text, i);
    if (!seqInt) return null;
    const [seq, seqEnd] = seqInt;
    i = seqEnd;
    if (!text.startsWith(EVENT, i)) return null;
    i += EVENT.length;
    if (text.charCodeAt(i) !== OPEN_BRACE) return null;
    const end = skipNested(text, i);
    if (end < 0 || text.charCodeAt(end) !== CLOSE_BRACE) return null;
    const json = text.slice(i, end);
    const type = topLevelType(json);
    if (type === null) return null;
    events.push({ seq, type, json });
    i = end + 1;
    const c = text.charCodeAt(i);
    if (c === COMMA) i++;
    else if (c === CLOSE_BRACKET && i + 2 === text.length && text.charCodeAt(i + 1) === CLOSE_BRACE) break;
    else if (c === CLOSE_BRACKET && text.startsWith(LEADS, i + 1) && leadsEnd(text, i + 1 + LEADS.length))
      break;
    else return null;
  }
  return events.length > 0 && Number.isSafeInteger(at) ? { email, at, events } : null;
}
