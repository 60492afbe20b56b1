// WebSocket `/ws` messages, versioned, one discriminated union per direction.
// Auth: the client's first message is AUTH with a short-lived ticket from POST /ws/ticket (never a
// long-lived token in a URL). Every server message to an agent carries `seq` (per agent, increasing);
// on reconnect the client sends its last seen seq and the server replays what it missed, in order.
import { z } from 'zod';
import { ErrorCodeSchema } from './errors.js';
import { SupervisorActionNoticeSchema } from './supervisor.js';
import {
  CallViewSchema,
  LeadPreviewSchema,
  NextStepSchema,
  SessionViewSchema,
  StatsViewSchema,
} from './views.js';

export const WS_PROTOCOL_VERSION = 1;

export const ClientMessageSchema = z.discriminatedUnion('type', [
  z.object({
    v: z.literal(WS_PROTOCOL_VERSION),
    type: z.literal('AUTH'),
    ticket: z.string().min(10).max(512),
    /** Last seq the client processed; the server replays everything after it. null = fresh start. */
    lastSeq: z.number().int().min(0).nullable(),
  }),
  z.object({ v: z.literal(WS_PROTOCOL_VERSION), type: z.literal('PING'), t: z.number() }),
  z.object({ v: z.literal(WS_PROTOCOL_VERSION), type: z.literal('ACK'), seq: z.number().int().min(0) }),
]);
export type ClientMessage = z.infer<typeof ClientMessageSchema>;

const seq = z.number().int().min(0);
const v = z.literal(WS_PROTOCOL_VERSION);

/** Messages delivered to one agent, in order, with a sequence number (replayable). */
export const AgentEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('SESSION_STATE'), session: SessionViewSchema }),
  z.object({ type: z.literal('CALL_STATE'), call: CallViewSchema }),
  z.object({ type: z.literal('SHOW_DISPO'), call: CallViewSchema, preview: LeadPreviewSchema.nullable() }),
  z.object({ type: z.literal('NEXT'), next: NextStepSchema }),
  z.object({ type: z.literal('STATS'), stats: StatsViewSchema }),
  z.object({ type: z.literal('ERROR'), code: ErrorCodeSchema, message: z.string() }),
  /** A call the coordinator answered with (DIALING: the dial was committed before Dialpad was asked) that
   *  Dialpad then refused for certain: the dial was undone (the lead is back in the queue, no attempt
   *  counted). `code`/`message` say why; `next` is where the session stands now (the app drops the call,
   *  shows the message and, on Play, asks for the next lead by itself). */
  z.object({
    type: z.literal('DIAL_FAILED'),
    callId: z.string(),
    code: ErrorCodeSchema,
    message: z.string(),
    next: NextStepSchema,
  }),
  /** A supervisor paused this agent's session or signed them out: the app says who and why. */
  z.object({ type: z.literal('SUPERVISOR_ACTION'), notice: SupervisorActionNoticeSchema }),
]);
export type AgentEvent = z.infer<typeof AgentEventSchema>;

export const ServerMessageSchema = z.union([
  z.object({
    v,
    type: z.literal('HELLO'),
    agentEmail: z.string(),
    serverSeq: seq,
    replayed: z.number().int().min(0),
    instanceId: z.string(),
  }),
  z.object({ v, type: z.literal('PONG'), t: z.number() }),
  z.object({ v, type: z.literal('AUTH_FAILED'), code: ErrorCodeSchema, message: z.string() }),
  /** A replay gap too old to fill (trimmed stream): the client must refetch GET /session/current. */
  z.object({ v, type: z.literal('RESYNC_REQUIRED'), serverSeq: seq }),
  z.object({ v, type: z.literal('EVENT'), seq, at: z.number().int(), event: AgentEventSchema }),
]);
export type ServerMessage = z.infer<typeof ServerMessageSchema>;

/** Close codes used by the server. */
export const WS_CLOSE = {
  AUTH_FAILED: 4401,
  AUTH_TIMEOUT: 4408,
  BAD_MESSAGE: 4400,
  SHUTDOWN: 1001,
  /** A supervisor signed the agent out (the SUPERVISOR_ACTION event before it says who and why). */
  SIGNED_OUT: 4409,
} as const;
