// The call log: one row per finished call, appended by the coordinator to a `Call log` tab of the agent's
// spreadsheet (created when missing) for people to pivot. An entry travels with the disposition's sheet
// patch through the durable write-behind queue; the number is kept only as its last 4 digits (never in
// clear in Redis or the sheet). The last column, CallId, lets the flusher write each call once.
import { z } from 'zod';

export const CALL_LOG_TAB = 'Call log';

export const CALL_LOG_HEADER = [
  'Time (UTC)',
  'Agent',
  'Campaign',
  'RowID',
  'Number',
  'Duration (s)',
  'Disposition',
  'Notes',
  'CallId',
] as const;

/** 0-based column of the CallId (the flusher reads it to never write a call twice). */
export const CALL_LOG_CALL_ID_COL = CALL_LOG_HEADER.length - 1;

export const CallLogEntrySchema = z.object({
  callId: z.string().min(1),
  /** When the call was disposed (epoch ms). */
  at: z.number().int().nonnegative(),
  agent: z.string(),
  campaign: z.string(),
  rowId: z.string(),
  /** The dialed number's last 4 digits only. */
  numberLast4: z.string().regex(/^\d{0,4}$/),
  /** From connect to end, 0 when never connected; null: the flusher takes it from the call record. */
  durationS: z.number().int().nonnegative().nullable(),
  disposition: z.string(),
  notes: z.string(),
});
export type CallLogEntry = z.infer<typeof CallLogEntrySchema>;

/** The last 4 digits of a number (E.164 or anything with digits). */
export function last4Digits(phone: string): string {
  return phone.replace(/\D/g, '').slice(-4);
}

/** Whole seconds from connect to end (0 when the call never connected). */
export function callDurationS(connectedAt: number | null, endedAt: number | null, now: number): number {
  return connectedAt === null ? 0 : Math.max(0, Math.round(((endedAt ?? now) - connectedAt) / 1000));
}

/** The row as written (RAW text): the number masked to its last 4 digits. */
export function callLogRow(e: CallLogEntry): string[] {
  return [
    new Date(e.at).toISOString().replace('T', ' ').slice(0, 19),
    e.agent,
    e.campaign,
    e.rowId,
    e.numberLast4 === '' ? '' : `***${e.numberLast4}`,
    e.durationS === null ? '' : String(e.durationS),
    e.disposition,
    e.notes,
    e.callId,
  ];
}
