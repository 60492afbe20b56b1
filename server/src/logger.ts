// pino JSON logging for the coordinator. Two guarantees hold for every line, whoever writes it:
//  - secrets never appear: authorization/cookie/token/secret-like fields are redacted by name at any depth
//    (in the same pass as the masking below: pino's path-based redact was a second walk of every record);
//  - phone numbers never appear in clear: each serialized line is masked as a whole before it is written, so
//    every string (message, printf arguments, fields and field names at any depth, and the bindings of child
//    loggers such as the client-chosen reqId) goes through the domain's phone masker (`+1******4567`).
// `audit()` writes the one line per disposition that says who did what, when.
import pino, { type DestinationStream, type Logger } from 'pino';
import { maskPhonesInText } from '../../src-shared/domain/phone.js';

export type { Logger } from 'pino';

/** Field names whose values are replaced by `[redacted]`, at any depth (compared case-insensitively). */
const SECRET_FIELDS = [
  'authorization',
  'cookie',
  'set-cookie',
  'token',
  'accessToken',
  'refreshToken',
  'idToken',
  'ticket',
  'secret',
  'password',
  'apiKey',
  'webhookSecret',
  'jwtSecret',
  'idempotency-key',
];
const SECRET_KEYS = new Set(SECRET_FIELDS.map((f) => f.toLowerCase()));
const CENSOR = '[redacted]';

// Our ids (session, preview, request) are UUIDs: their digit groups joined by '-' look like a phone
// number to the masker, which turned an audit line's callId into `648831a6-f83c-42a0-8c***4403f3c6473`, so
// it could no longer be traced. A call id is `<tab code>.<session UUID>.<12 characters of another UUID>`
// (keys.callIdIn), whose tab code and tail can hold a run of 7 digits too (~12 % of tails). None of them
// carries personal data: each is kept whole, the text around it is masked as before.
// The tab code and the tail are kept only when they hold a letter or '_' (a phone number written next to
// a UUID with a dot stays masked; an all-digit tail, 1 in ~300, is masked with it).
const UUID_RE =
  /(?:(?<![A-Za-z0-9_+-])(?=[A-Za-z0-9_-]{0,9}[A-Za-z_])[A-Za-z0-9_-]{10}\.)?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(?:\.(?=[A-Za-z0-9_]{0,11}[A-Za-z_])[A-Za-z0-9_]{1,12}(?![A-Za-z0-9_]))?/gi;

/** maskPhonesInText, but every UUID and call id in the text is kept as is. (An `exec` loop on the one
 *  global regex: `matchAll` clones the regex on every call, a regex compile per logged string.) */
export function maskLogText(text: string): string {
  let out = '';
  let from = 0;
  UUID_RE.lastIndex = 0;
  for (let m = UUID_RE.exec(text); m !== null; m = UUID_RE.exec(text)) {
    out += maskPhonesInText(text.slice(from, m.index)) + m[0];
    from = m.index + m[0].length;
  }
  return out + maskPhonesInText(text.slice(from));
}

/** Masks phone numbers in every string of a log record and redacts secret-named fields (SECRET_FIELDS) at
 *  any depth; deeper than 32 levels is dropped, never left in clear. */
export function maskDeep(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return maskLogText(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth > 32) return '[too deep]';
  if (value instanceof Error) {
    return {
      type: value.name,
      message: maskLogText(value.message),
      stack: maskLogText(value.stack ?? ''),
    };
  }
  if (Array.isArray(value)) return value.map((v) => maskDeep(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value))
    out[maskLogText(k)] = SECRET_KEYS.has(k.toLowerCase()) ? CENSOR : maskDeep(v, depth + 1);
  return out;
}

/** Fewer digits than the shortest run the phone masker changes (maskPhonesInText: 7). */
const MIN_MASKED_DIGITS = 7;

const isJsonSpace = (c: number) => c === 32 || c === 9 || c === 10 || c === 13;

/**
 * True when masking `line` would give it back unchanged, decided on the text without decoding it (the
 * JSON.parse, walk and JSON.stringify of maskLine were ~12 µs of the ~28 µs an audit line cost). The line
 * is pino's, one JSON object by construction; only the plain case is decided here, where the JSON text of
 * every string is the string itself: no backslash anywhere (an escape could hide a separator inside a
 * digit run), so each string is the text between two quotes. Then nothing changes when no string (value
 * or field name) with 7 digits or more is changed by maskLogText, no field name is secret-like, and no
 * nesting is deeper than maskDeep keeps; numbers stay numbers either way. Anything else (an escape, a
 * secret name, a phone number, a line that does not look like one JSON object) takes the full path.
 */
function needsNoMasking(line: string): boolean {
  const n = line.length;
  if (n < 2 || line.charCodeAt(0) !== 123 || line.charCodeAt(n - 1) !== 10) return false;
  if (line.includes('\\')) return false;
  let depth = 0;
  for (let i = 0; i < n - 1; i++) {
    const c = line.charCodeAt(i);
    if (c === 34) {
      const end = line.indexOf('"', i + 1);
      if (end === -1) return false;
      let digits = 0;
      for (let j = i + 1; j < end; j++) {
        const d = line.charCodeAt(j);
        if (d >= 48 && d <= 57) digits++;
      }
      let k = end + 1;
      while (isJsonSpace(line.charCodeAt(k))) k++;
      const isKey = line.charCodeAt(k) === 58;
      if (digits >= MIN_MASKED_DIGITS || isKey) {
        const text = line.slice(i + 1, end);
        if (digits >= MIN_MASKED_DIGITS && maskLogText(text) !== text) return false;
        if (isKey && SECRET_KEYS.has(text.toLowerCase())) return false;
      }
      i = end;
    } else if (c === 123 || c === 91) {
      if (++depth > 32) return false;
    } else if (c === 125 || c === 93) {
      depth--;
    }
  }
  return depth === 0;
}

/**
 * Masks one serialized line as a whole, just before it is written: the message, every field and field name,
 * and what pino serializes apart from the line's own fields (child-logger bindings such as the client-chosen
 * reqId, printf arguments). Numbers stay numbers (only strings are masked).
 */
export function maskLine(line: string): string {
  if (needsNoMasking(line)) return line;
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return `${maskLogText(line.replace(/\n$/, ''))}\n`;
  }
  return `${JSON.stringify(maskDeep(parsed))}\n`;
}

export interface LoggerOptions {
  level?: pino.LevelWithSilent;
  instanceId?: string;
  /** Where lines go (tests capture them); stdout by default, written synchronously: one write(2) per line
   *  on the event loop, as pino's documented standard mode. pino's default stdout stream was asynchronous
   *  here: every line went through a libuv thread-pool job (a worker's futex wake, its write, an eventfd
   *  write back and one more event-loop wakeup): ~8 of the ~54 syscalls of a dialing cycle at 500 agents
   *  (strace), for the one audit line per disposition. A synchronous line is never lost to a crash. */
  destination?: DestinationStream;
}

export function createLogger(opts: LoggerOptions = {}): Logger {
  return pino(
    {
      level: opts.level ?? 'info',
      base: { svc: 'coordinator', ...(opts.instanceId ? { instance: opts.instanceId } : {}) },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      hooks: { streamWrite: maskLine },
      serializers: { err: pino.stdSerializers.err },
    },
    opts.destination ?? pino.destination({ dest: 1, sync: true }),
  );
}

/** The audit line for a disposition: who, what, when (always written, at info level). */
export function auditDisposition(
  log: Logger,
  entry: {
    agent: string;
    callId: string;
    code: string;
    at: number;
    requestId?: string;
    /** The next step's kind, and the chained call's id when it is a call. */
    next?: string;
    chained?: string;
    queuedCells?: number;
  },
): void {
  log.info({ audit: 'disposition', ...entry, atIso: new Date(entry.at).toISOString() }, 'audit: disposition');
}
