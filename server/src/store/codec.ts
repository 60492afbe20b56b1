// Redis HASH fields <-> Store records. Everything read back from Redis is parsed with zod (a hand-edited or
// half-written key is an error, not a silent misread). Empty string stands for null in a HASH field.
import { z } from 'zod';
import { CallEndReasonSchema } from '../../../src-shared/contracts/views.js';
import { DISPOSITION_CODES, DispositionCodeSchema } from '../../../src-shared/domain/disposition.js';
import { LeadCallbackSchema } from '../../../src-shared/domain/lead.js';
import { CallStateSchema, SessionStateSchema } from '../../../src-shared/domain/session.js';
import { PhoneStatusSchema, SkipReasonSchema } from '../../../src-shared/domain/status.js';
import type {
  CallRecord,
  LastDisposed,
  LeadClaim,
  LeadOwnedState,
  LeadOverlay,
  PendingPreview,
  SessionRecord,
  StatsCounters,
} from './types.js';

const int = z.coerce.number().int();
const nullableInt = z.string().transform((s, ctx) => {
  if (s === '') return null;
  const n = Number(s);
  if (!Number.isFinite(n)) {
    ctx.addIssue({ code: 'custom', message: `not a number: ${s}` });
    return z.NEVER;
  }
  return n;
});
const nullableStr = z.string().transform((s) => (s === '' ? null : s));
const opt = <T extends z.ZodType>(schema: T) => z.preprocess((v) => v ?? '', schema);

export const PendingPreviewSchema = z.object({
  previewId: z.string(),
  rowId: z.string(),
  numberIndex: z.number().int().min(0).max(9),
  claimedAt: z.number(),
  dialAt: z.number(),
});

const previewField = z.string().transform((s, ctx): PendingPreview | null => {
  if (s === '') return null;
  const r = PendingPreviewSchema.safeParse(JSON.parse(s));
  if (!r.success) {
    ctx.addIssue({ code: 'custom', message: 'bad pending preview' });
    return z.NEVER;
  }
  return r.data;
});

const SessionHashSchema = z.object({
  id: z.string(),
  agentEmail: z.string(),
  tag: z.string(),
  spreadsheetId: z.string(),
  sheetId: int,
  tabTitle: z.string(),
  campaignName: z.string(),
  dialpadUserId: z.string(),
  state: SessionStateSchema,
  version: int,
  startedAt: int,
  endedAt: opt(nullableInt),
  callId: opt(nullableStr),
  preview: opt(previewField),
  lastCall: opt(z.string()),
  lastPre: opt(z.string()),
  lastLeadV: opt(z.string()),
  lastCode: opt(z.string()),
  lastAt: opt(z.string()),
  lastRow: opt(z.string()),
});

/** callDispose's record of the last disposed call, when it wrote the lead (`lastPre` set) and carries the
 *  code, time and row (sessions disposed before those fields existed have none: not offered again). */
const LastDisposedSchema = z.object({
  callId: z.string().min(1),
  code: DispositionCodeSchema,
  disposedAt: z.coerce.number().int().positive(),
  rowId: z.string().min(1),
  leadVersion: z.coerce.number().int().min(0),
  pre: z.string().min(1),
});

function lastDisposedOf(h: z.infer<typeof SessionHashSchema>): LastDisposed | null {
  if (h.lastPre === '' || h.lastLeadV === '') return null;
  const r = LastDisposedSchema.safeParse({
    callId: h.lastCall,
    code: h.lastCode,
    disposedAt: h.lastAt,
    rowId: h.lastRow,
    leadVersion: h.lastLeadV,
    pre: h.lastPre,
  });
  return r.success ? r.data : null;
}

export function sessionToHash(s: SessionRecord): Record<string, string> {
  return {
    id: s.id,
    agentEmail: s.agentEmail,
    tag: s.tag,
    spreadsheetId: s.spreadsheetId,
    sheetId: String(s.sheetId),
    tabTitle: s.tabTitle,
    campaignName: s.campaignName,
    dialpadUserId: s.dialpadUserId,
    state: s.state,
    version: String(s.version),
    startedAt: String(s.startedAt),
    endedAt: s.endedAt === null ? '' : String(s.endedAt),
    callId: s.callId ?? '',
    preview: s.preview ? JSON.stringify(s.preview) : '',
  };
}

export function sessionFromHash(h: Record<string, string>): SessionRecord | null {
  if (!h.id) return null;
  const parsed = SessionHashSchema.parse(h);
  const { lastCall, lastPre, lastLeadV, lastCode, lastAt, lastRow, ...session } = parsed;
  return { ...session, lastDisposed: lastDisposedOf(parsed) };
}

const CallHashSchema = z.object({
  callId: z.string(),
  sessionId: z.string(),
  agentEmail: z.string(),
  tag: z.string(),
  rowId: z.string(),
  numberIndex: int,
  phoneE164: z.string(),
  state: CallStateSchema,
  startedAt: int,
  ringingAt: opt(nullableInt),
  connectedAt: opt(nullableInt),
  endedAt: opt(nullableInt),
  endReason: opt(z.union([z.literal('').transform(() => null), CallEndReasonSchema])),
  suggested: opt(z.union([z.literal('').transform(() => null), DispositionCodeSchema])),
  timeoutAt: int,
  dialpadCallId: opt(nullableStr),
  disposition: opt(z.union([z.literal('').transform(() => null), DispositionCodeSchema])),
  disposedAt: opt(nullableInt),
  callerId: opt(nullableStr),
});

export function callToHash(c: CallRecord): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(c)) out[k] = v === null ? '' : String(v);
  return out;
}

/** Only the non-null fields (for "set once" updates). */
export function callFieldsToHash(fields: Partial<CallRecord>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(fields)) if (v !== null && v !== undefined) out[k] = String(v);
  return out;
}

export function callFromHash(h: Record<string, string>): CallRecord | null {
  if (!h.callId) return null;
  return CallHashSchema.parse(h);
}

export const LeadOwnedStateSchema = z.object({
  slots: z
    .array(
      z.object({
        status: PhoneStatusSchema,
        skipReason: SkipReasonSchema.nullable(),
        retryAt: z.number().int().nullable(),
      }),
    )
    .length(10),
  notes: z.string(),
  lastOutcome: z.string(),
  attemptCount: z.number().int().min(0),
  nextIndex: z.number().int().min(0).max(9),
  /** A scheduled callback (absent in overlays written before callbacks existed). */
  callback: LeadCallbackSchema.nullable().optional(),
});

export function leadFromHash(rowId: string, h: Record<string, string>): LeadOverlay | null {
  if (!h.v || !h.s) return null;
  const state: LeadOwnedState = LeadOwnedStateSchema.parse(JSON.parse(h.s));
  return { rowId, version: Number(h.v), state, updatedAt: Number(h.u ?? 0), claim: claimFrom(h.c ?? null) };
}

/** A lead's claim field `c` (`<owner>|<what>|<expiresAt>`, includes/dialerLead.lua); null when empty or
 *  malformed. */
export function claimFrom(raw: string | null): LeadClaim | null {
  if (!raw) return null;
  const cut = raw.lastIndexOf('|');
  const expiresAt = Number(raw.slice(cut + 1));
  const owner = raw.slice(0, Math.max(0, raw.indexOf('|')));
  if (cut <= 0 || !Number.isFinite(expiresAt) || owner === '') return null;
  return { owner, expiresAt };
}

/** The owner (session id) of a claim field while its lease lasts at `now`, else null. */
export function claimOwner(raw: string | null, now: number): string | null {
  const c = claimFrom(raw);
  return c && c.expiresAt > now ? c.owner : null;
}

export function emptyStats(): StatsCounters {
  const byCode = Object.fromEntries(DISPOSITION_CODES.map((c) => [c, 0])) as StatsCounters['byCode'];
  return { initiated: 0, completed: 0, connects: 0, talkMs: 0, skips: 0, successes: 0, byCode, since: null };
}

/** Counters from a hash: the agent's stats hash (no prefix), or a session hash (`n:`, next to its fields). */
export function statsFromHash(h: Record<string, string>, prefix = ''): StatsCounters {
  const s = emptyStats();
  const n = (k: string) => Number(h[prefix + k] ?? 0) || 0;
  s.initiated = n('initiated');
  s.completed = n('completed');
  s.connects = n('connects');
  s.talkMs = n('talkMs');
  s.skips = n('skips');
  s.successes = n('successes');
  for (const c of DISPOSITION_CODES) s.byCode[c] = n(`d:${c}`);
  const since = h[`${prefix}since`];
  s.since = since ? Number(since) : null;
  return s;
}

/** The counters as statsFromHash reads them (no prefix): every figure it reads, `since` "" when none. What
 *  callDispose.lua compares with the session's before it tells the agent a STATS built on them. */
export function statsToHash(c: StatsCounters): Record<string, string> {
  const out: Record<string, string> = {
    initiated: String(c.initiated),
    completed: String(c.completed),
    connects: String(c.connects),
    talkMs: String(c.talkMs),
    skips: String(c.skips),
    successes: String(c.successes),
    since: c.since === null ? '' : String(c.since),
  };
  for (const code of DISPOSITION_CODES) out[`d:${code}`] = String(c.byCode[code]);
  return out;
}

/** Two sets of counters added (an agent's over its tabs); `since` is the earlier one. */
export function addStats(a: StatsCounters, b: StatsCounters): StatsCounters {
  const byCode = { ...a.byCode };
  for (const c of DISPOSITION_CODES) byCode[c] += b.byCode[c];
  const since = a.since === null ? b.since : b.since === null ? a.since : Math.min(a.since, b.since);
  return {
    initiated: a.initiated + b.initiated,
    completed: a.completed + b.completed,
    connects: a.connects + b.connects,
    talkMs: a.talkMs + b.talkMs,
    skips: a.skips + b.skips,
    successes: a.successes + b.successes,
    byCode,
    since,
  };
}
