// The supervisor console reads every agent's event notices from the bus (redis-bus.ts subscribeAllRaw). It
// validates only the fields it folds (src-shared/domain/agent-live.ts LiveEvent), with small zod schemas, so
// the cost per event stays a few microseconds at 500 agents; events it does not use are skipped unparsed.
import { z } from 'zod';
import {
  DispositionCountsSchema,
  SupervisorActionNoticeSchema,
} from '../../../src-shared/contracts/supervisor.js';
import type { LiveEvent } from '../../../src-shared/domain/agent-live.js';
import { CallStateSchema, SessionStateSchema } from '../../../src-shared/domain/session.js';

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
const DialFailedEvent = z.object({ type: z.literal('DIAL_FAILED'), callId: z.string() });

const BY_TYPE: Record<string, z.ZodType<LiveEvent>> = {
  SESSION_STATE: SessionStateEvent,
  CALL_STATE: CallEvent,
  SHOW_DISPO: CallEvent,
  STATS: StatsEvent,
  DIAL_FAILED: DialFailedEvent,
  SUPERVISOR_ACTION: ActionEvent,
};

export interface LiveNotice {
  email: string;
  at: number;
  events: LiveEvent[];
}

/** The notice's email, time and the events the console folds; null when the notice is malformed. `raw` is
 *  the notice's JSON text as the bus hands it over (or the decoded value). */
export function parseLiveNotice(raw: unknown): LiveNotice | null {
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
