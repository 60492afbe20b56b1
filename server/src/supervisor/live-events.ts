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

const NoticeSchema = z.object({
  email: z.string(),
  at: z.number(),
  events: z.array(z.object({ event: z.object({ type: z.string() }).loose() })),
});

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

/** The notice's email, time and the events the console folds; null when the notice is malformed. */
export function parseLiveNotice(raw: unknown): LiveNotice | null {
  const n = NoticeSchema.safeParse(raw);
  if (!n.success) return null;
  const events: LiveEvent[] = [];
  for (const { event } of n.data.events) {
    const schema = BY_TYPE[event.type];
    if (!schema) continue;
    const e = schema.safeParse(event);
    if (e.success) events.push(e.data);
  }
  return { email: n.data.email.toLowerCase(), at: n.data.at, events };
}
