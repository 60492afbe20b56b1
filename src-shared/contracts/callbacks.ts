// The callbacks contract (issue 10): what the disposition modal sends to schedule one, and the agent's
// "Callbacks due" list with its actions. docs/domain.md "Callbacks", docs/agent-ui.md.
import { z } from 'zod';
import { NextStepSchema } from './views.js';

/** Sent with a disposition: call the lead back at `at` (epoch ms, the lead-local time the agent chose). */
export const CallbackRequestSchema = z.object({ at: z.number().int().positive() }).strict();
export type CallbackRequest = z.infer<typeof CallbackRequestSchema>;

/** One callback the agent may take (theirs, or anyone's on the tab). */
export const CallbackViewSchema = z.object({
  rowId: z.string(),
  name: z.string(),
  /** When it is due (epoch ms). */
  at: z.number().int(),
  /** Held for this agent (true) or for whoever dials the tab (false: the sheet's CallbackAgent is blank). */
  mine: z.boolean(),
  /** The number it will dial (slot and E.164) and where that number rings. */
  numberIndex: z.number().int().min(0).max(9),
  phoneE164: z.string(),
  timeZone: z.string(),
  /** "Tue 10:00 EST": the due time, lead-local. */
  localDue: z.string(),
  /** Due now (its time has come). */
  due: z.boolean(),
  /** Inside the lead's calling window now (a due callback outside it waits). */
  inWindow: z.boolean(),
  /** A session is dialing or previewing it right now. */
  busy: z.boolean(),
});
export type CallbackView = z.infer<typeof CallbackViewSchema>;

export const CallbacksResponseSchema = z.object({
  /** The tab has the CallbackAt and CallbackAgent columns: callbacks can be scheduled. */
  enabled: z.boolean(),
  /** Due first (oldest first), then upcoming. */
  callbacks: z.array(CallbackViewSchema),
});
export type CallbacksResponse = z.infer<typeof CallbacksResponseSchema>;

export const CallbackRowRequestSchema = z.object({ rowId: z.string().min(1).max(200) }).strict();

/** POST /callbacks/dial answers with the call, like /dial. */
export const CallbackDialResponseSchema = NextStepSchema;
