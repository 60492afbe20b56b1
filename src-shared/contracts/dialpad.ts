// Dialpad wire shapes we depend on (api-facts.md, spec `CallProto`, `InitiateCallMessage`).
// Parsing is tolerant of extra fields (Dialpad adds them) but strict on the ones we act on.
import { z } from 'zod';

export const DIALPAD_CALL_STATES = [
  'preanswer',
  'calling',
  'ringing',
  'connected',
  'hold',
  'hangup',
  'missed',
  'voicemail',
  'voicemail_uploaded',
  'postcall',
  'recording',
  'transcription',
  'dispositions',
  'merged',
  'queued',
  'parked',
  'blocked',
] as const;

const party = z
  .object({
    id: z.union([z.number(), z.string()]).transform(String).optional(),
    type: z.string().optional(),
    name: z.string().nullable().optional(),
    email: z.string().nullable().optional(),
    phone: z.string().nullable().optional(),
  })
  .passthrough();

/** A call event as Dialpad posts it (decoded from the HS256 JWT body when a secret is set). */
export const DialpadCallEventSchema = z
  .object({
    call_id: z.union([z.number(), z.string()]).transform(String),
    state: z.string().min(1),
    direction: z.string().optional(),
    external_number: z.string().nullable().optional(),
    internal_number: z.string().nullable().optional(),
    target: party.nullable().optional(),
    contact: party.nullable().optional(),
    custom_data: z.string().nullable().optional(),
    date_started: z.number().nullable().optional(),
    date_rang: z.number().nullable().optional(),
    date_connected: z.number().nullable().optional(),
    date_ended: z.number().nullable().optional(),
    /** Epoch ms. */
    event_timestamp: z.number().nullable().optional(),
    /** Milliseconds. */
    duration: z.number().nullable().optional(),
    total_duration: z.number().nullable().optional(),
  })
  .passthrough();
export type DialpadCallEvent = z.infer<typeof DialpadCallEventSchema>;

/** Body of POST /api/v2/users/{id}/initiate_call. */
export const DialpadInitiateCallSchema = z
  .object({
    phone_number: z.string().optional(),
    outbound_caller_id: z.string().optional(),
    custom_data: z.string().max(2000).optional(),
    group_id: z.number().int().optional(),
    group_type: z.enum(['callcenter', 'department', 'office']).optional(),
  })
  .strict();
export type DialpadInitiateCall = z.infer<typeof DialpadInitiateCallSchema>;

export const DialpadDeviceSchema = z
  .object({
    id: z.union([z.string(), z.number()]).transform(String),
    type: z.string().optional(),
    user_id: z.union([z.string(), z.number()]).transform(String).optional(),
    display_name: z.string().optional(),
    phone_number: z.string().nullable().optional(),
  })
  .passthrough();
export const DialpadInitiateCallResponseSchema = z.object({ device: DialpadDeviceSchema }).passthrough();

/** `custom_data` we send with every call: lets a webhook find our call and session. */
export const CallCustomDataSchema = z.object({ td: z.literal(1), callId: z.string(), sessionId: z.string() });
export type CallCustomData = z.infer<typeof CallCustomDataSchema>;
