// The supervisor console reads every agent's event notices from the bus (redis-bus.ts subscribeAllRaw). It
// validates only the fields it folds (src-shared/domain/agent-live.ts LiveEvent), with small zod schemas, so
// the cost per event stays a few microseconds at 500 agents; events it does not use are skipped unparsed.
// When the bus split a notice for a local socket (events/notice-text.ts), the console reads that split: only
// the events it folds, and of a call event only the call's first fields (its lead preview is never scanned),
// instead of JSON.parse of the whole notice (3 % of the coordinator's busy time at 500 agents, watched or
// not). A notice the bus did not split is parsed whole: in JS a split costs what JSON.parse does.
import { z } from 'zod';
import {
  DispositionCountsSchema,
  SupervisorActionNoticeSchema,
} from '../../../src-shared/contracts/supervisor.js';
import type { LiveEvent } from '../../../src-shared/domain/agent-live.js';
import { CallStateSchema, SessionStateSchema } from '../../../src-shared/domain/session.js';
import { type NoticeText, topLevelFields } from '../events/notice-text.js';

/** The envelope (email, time, the events' list) is checked by hand: a zod object with a loose event
 *  would copy every field of every event (call views, lead previews) before the per-type schemas below
 *  keep the few the console folds. */
const NoticeSchema = z.object({ email: z.string(), at: z.number() });
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

const SessionStateEvent = z.object({
  type: z.literal('SESSION_STATE'),
  session: z.object({
    id: z.string(),
    campaignName: z.string(),
    tabTitle: z.string(),
    state: SessionStateSchema,
    startedAt: z.number(),
  }),
});
const CallEvent = z.object({
  type: z.enum(['CALL_STATE', 'SHOW_DISPO']),
  call: z.object({
    callId: z.string(),
    sessionId: z.string(),
    state: CallStateSchema,
    endedAt: z.number().nullable(),
  }),
});
const StatsEvent = z.object({
  type: z.literal('STATS'),
  stats: z.object({
    callsInitiated: z.number(),
    callsCompleted: z.number(),
    connects: z.number(),
    dispositions: DispositionCountsSchema,
    talkTimeSeconds: z.number(),
  }),
});
const ActionEvent = z.object({ type: z.literal('SUPERVISOR_ACTION'), notice: SupervisorActionNoticeSchema });

const BY_TYPE: Record<string, z.ZodType<LiveEvent>> = {
  SESSION_STATE: SessionStateEvent,
  CALL_STATE: CallEvent,
  SHOW_DISPO: CallEvent,
  STATS: StatsEvent,
  SUPERVISOR_ACTION: ActionEvent,
};

export interface LiveNotice {
  email: string;
  at: number;
  events: LiveEvent[];
}

/** The notice's email, time and the events the console folds; null when the notice is malformed. `raw` is
 *  the notice's JSON text as the bus hands it over, with `read`, the bus's split of that text when it made
 *  one (else it is split here), or the decoded value. */
export function parseLiveNotice(raw: unknown, read?: NoticeText | null): LiveNotice | null {
  if (read) return foldedOf(read);
  // Not split by the bus (no local socket of this agent): JSON.parse of the whole text is faster than a
  // split in JS (bench figures in docs/performance.md "CPU per cycle at 500 agents").
  let value = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch {
      return null;
    }
  }
  const n = NoticeSchema.safeParse(value);
  const list = isRecord(value) ? value.events : undefined;
  if (!n.success || !Array.isArray(list)) return null;
  const events: LiveEvent[] = [];
  for (const item of list) {
    const event = isRecord(item) ? item.event : undefined;
    if (!isRecord(event) || typeof event.type !== 'string') return null;
    const schema = Object.hasOwn(BY_TYPE, event.type) ? BY_TYPE[event.type] : undefined;
    if (!schema) continue;
    const e = schema.safeParse(event);
    if (e.success) events.push(e.data);
  }
  return { email: n.data.email.toLowerCase(), at: n.data.at, events };
}

/** The folded events of a split notice: only their texts are parsed. */
function foldedOf(n: NoticeText | null): LiveNotice | null {
  if (!n) return null;
  const events: LiveEvent[] = [];
  for (const item of n.events) {
    const schema = Object.hasOwn(BY_TYPE, item.type) ? BY_TYPE[item.type] : undefined;
    if (!schema) continue;
    let value: unknown;
    try {
      value = (CALL_TYPES.has(item.type) ? callFieldsOf(item.json) : null) ?? JSON.parse(item.json);
    } catch {
      return null;
    }
    const e = schema.safeParse(value);
    if (e.success) events.push(e.data);
  }
  return { email: n.email.toLowerCase(), at: n.at, events };
}

const CALL_TYPES: ReadonlySet<string> = new Set(['CALL_STATE', 'SHOW_DISPO']);
const EVENT_KEYS: ReadonlySet<string> = new Set(['type', 'call']);
const CALL_KEYS = ['callId', 'sessionId', 'state', 'endedAt'] as const;
const CALL_KEY_SET: ReadonlySet<string> = new Set(CALL_KEYS);

/** A call event with only the call fields CallEvent reads (the call view's other fields and SHOW_DISPO's
 *  lead preview are never decoded), or null when the text is not compact JSON the walk follows. A field
 *  that is not valid JSON throws (the notice is refused), as JSON.parse of the whole event would. */
function callFieldsOf(json: string): unknown {
  const top = topLevelFields(json, EVENT_KEYS);
  const type = top?.get('type');
  const callText = top?.get('call');
  if (!top || type === undefined || callText === undefined) return null;
  const fields = topLevelFields(callText, CALL_KEY_SET);
  if (!fields) return null;
  const call: Record<string, unknown> = {};
  for (const k of CALL_KEYS) {
    const v = fields.get(k);
    if (v !== undefined) call[k] = JSON.parse(v);
  }
  return { type: JSON.parse(type), call };
}
