// What a disposition did to its lead, in the terms the agent's receipt uses ("2 numbers skipped, next try
// with number 2 after 15:04"), and what the coordinator keeps with a disposed call so that the agent can
// change it for a few minutes (the lead's owned fields before the disposition). Schemas only: no
// apply.ts import, so the renderer's first-load chunk can parse them (apply.ts pulls libphonenumber in).
import { z } from 'zod';
import { DispositionCodeSchema } from './disposition.js';
import { LeadCallbackSchema } from './lead.js';
import { PhoneStatusSchema, SkipReasonSchema } from './status.js';

/** How long after confirming the agent may change a disposition, when the campaign sets nothing. */
export const DEFAULT_AMEND_WINDOW_SECONDS = 5 * 60;

/** The campaign's change window in seconds (its `amendWindowSeconds`, else the default). */
export const amendWindowSecondsOf = (rules: { amendWindowSeconds?: number | undefined }): number =>
  rules.amendWindowSeconds ?? DEFAULT_AMEND_WINDOW_SECONDS;

/** The lead's dialer-owned fields just before the disposition: a change of disposition re-applies the
 *  right code to exactly this. Not the notes: a change leaves the Notes cell as the disposition wrote it (the
 *  same note, appended once), so they are not kept (the cell may hold 50,000 characters). */
export const PreDispositionSchema = z.object({
  slots: z
    .array(
      z.object({
        status: PhoneStatusSchema,
        skipReason: SkipReasonSchema.nullable(),
        retryAt: z.number().int().nullable(),
      }),
    )
    .length(10),
  lastOutcome: z.string(),
  attemptCount: z.number().int().min(0),
  nextIndex: z.number().int().min(0).max(9),
  /** The callback the lead had before (the disposition marked it done). Absent: none. */
  callback: LeadCallbackSchema.optional(),
  /** The callback the agent scheduled with the disposition: a change keeps it (but not with DO_NOT_CALL). */
  scheduled: LeadCallbackSchema.optional(),
});
export type PreDisposition = z.infer<typeof PreDispositionSchema>;

/** The lead after a disposition, as the receipt says it: what the sheet will show and what comes next. */
export const DispositionOutcomeSchema = z.object({
  rowId: z.string(),
  leadName: z.string(),
  code: DispositionCodeSchema,
  /** Open sibling numbers this disposition skipped (a lead-finishing code: CORRECT, DO_NOT_CALL). */
  skipped: z.number().int().min(0),
  /** No open number left: the lead is not dialed again. */
  leadDone: z.boolean(),
  /** The 1-based number the lead is dialed with next; null when it is done. */
  nextNumber: z.number().int().min(1).max(10).nullable(),
  /** Epoch ms before which the dialed number is not retried (a retry code); null otherwise. */
  retryAt: z.number().int().nullable(),
  /** Open numbers that became EXHAUSTED (the campaign's max attempts reached). */
  exhausted: z.number().int().min(0),
  /** The dialed number is on the campaign's do-not-call list because of this disposition. */
  doNotCall: z.boolean(),
});
export type DispositionOutcome = z.infer<typeof DispositionOutcomeSchema>;
