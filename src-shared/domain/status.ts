// Phone-number statuses and skip reasons: the words written to the sheet's Status1..Status10 cells.
//
//   NEW ──dial──▶ IN_PROGRESS ──disposition──▶ CORRECT | WRONG | VOICEMAIL | NO_ANSWER | SKIPPED
//    ▲                                              │ (VOICEMAIL / NO_ANSWER: retried after a delay)
//    └──────────── VOICEMAIL / NO_ANSWER ◀──────────┘
//   any open number ──max attempts──▶ EXHAUSTED; any open sibling ──sibling CORRECT──▶ SKIPPED
import { z } from 'zod';

export const PHONE_STATUSES = [
  'NEW',
  'IN_PROGRESS',
  'CORRECT',
  'WRONG',
  'VOICEMAIL',
  'NO_ANSWER',
  'SKIPPED',
  'EXHAUSTED',
] as const;
export const PhoneStatusSchema = z.enum(PHONE_STATUSES);
export type PhoneStatus = z.infer<typeof PhoneStatusSchema>;

/** Statuses after which a number is never dialed again. */
export const TERMINAL_STATUSES: ReadonlySet<PhoneStatus> = new Set([
  'CORRECT',
  'WRONG',
  'SKIPPED',
  'EXHAUSTED',
]);
/** Statuses a number may be dialed from (retry delays permitting). */
export const DIALABLE_STATUSES: ReadonlySet<PhoneStatus> = new Set(['NEW', 'VOICEMAIL', 'NO_ANSWER']);

export const SKIP_REASONS = [
  'SIBLING_CORRECT',
  'MAX_ATTEMPTS',
  'OUTSIDE_WINDOW',
  'RETRY_PENDING',
  'MANUAL_SKIP',
  'DO_NOT_CALL',
  'UNKNOWN_TIMEZONE',
] as const;
export const SkipReasonSchema = z.enum(SKIP_REASONS);
export type SkipReason = z.infer<typeof SkipReasonSchema>;

/** Background of a SKIPPED status cell in the sheet (#8E7CC3). */
export const SKIPPED_BACKGROUND_HEX = '#8E7CC3';

/** Max phone numbers per lead (Num1..Num10). */
export const MAX_NUMBERS_PER_LEAD = 10;
