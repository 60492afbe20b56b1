// POST /disposition/amend: the agent changes the disposition of her last call within the campaign's
// window (docs/agent-ui.md, "Change the last disposition"; docs/coordinator-state.md, callAmend). The
// answer says what the lead looks like now, in the receipt's terms.
import { z } from 'zod';
import { DispositionCodeSchema } from '../domain/disposition.js';
import { DispositionOutcomeSchema } from '../domain/outcome.js';

export const AmendRequestSchema = z
  .object({
    callId: z.string().min(1).max(64),
    code: DispositionCodeSchema,
  })
  .strict();
export type AmendRequest = z.infer<typeof AmendRequestSchema>;

export const AmendResponseSchema = z.object({
  callId: z.string(),
  /** The code the call carries now. */
  code: DispositionCodeSchema,
  /** The code it carried before this change. */
  previousCode: DispositionCodeSchema,
  /** Sheet cells queued to correct the row (write-behind; the later write wins). */
  queuedCells: z.number().int(),
  outcome: DispositionOutcomeSchema,
  /** Epoch ms after which the disposition can no longer be changed. */
  amendableUntil: z.number().int(),
  /** true when the call already carried this code (a retry): nothing was written now. */
  alreadySaved: z.boolean().optional(),
});
export type AmendResponse = z.infer<typeof AmendResponseSchema>;
