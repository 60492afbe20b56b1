// A lead as the dialer sees it: one row of an agent tab, decoded (sheet-codec.ts) into typed fields.
import { z } from 'zod';
import { PhoneStatusSchema, SkipReasonSchema } from './status.js';

export const PhoneSlotSchema = z.object({
  /** 0-based slot: Num{index+1} / Status{index+1}. */
  index: z.number().int().min(0).max(9),
  /** The cell text as the sheet holds it. */
  raw: z.string(),
  /** Normalised E.164, or null when the cell is empty or not a valid number. */
  e164: z.string().nullable(),
  status: PhoneStatusSchema,
  skipReason: SkipReasonSchema.nullable(),
  /** Epoch ms before which this number must not be dialed (retry delay); null = no delay. */
  retryAt: z.number().int().nullable(),
});
export type PhoneSlot = z.infer<typeof PhoneSlotSchema>;

/** At most this many extra columns are carried per lead, each value at most EXTRA_VALUE_MAX characters. */
export const MAX_LEAD_EXTRAS = 40;
export const EXTRA_VALUE_MAX = 1000;

export const LeadExtraSchema = z.object({
  header: z.string().min(1).max(100),
  value: z.string().max(EXTRA_VALUE_MAX),
});
export type LeadExtra = z.infer<typeof LeadExtraSchema>;

/** A callback the agent scheduled (docs/domain.md "Callbacks"): the lead is held until `at` and then
 *  offered first to `agent` (null: to any agent of the tab), inside calling hours. Sheet columns
 *  CallbackAt (ISO 8601 with offset) and CallbackAgent (email); the overlay keeps it too. */
export const LeadCallbackSchema = z.object({
  /** Epoch ms. */
  at: z.number().int(),
  /** Lower-case email of the agent it is held for; null = whoever dials the tab. */
  agent: z.string().min(3).max(254).nullable(),
  /** The lead-local zone it was scheduled in: the CallbackAt cell is written with that zone's offset. */
  zone: z.string().max(64).nullable().optional(),
  /** The number slot it was scheduled from (the person asked to be called back there); not in the sheet. */
  slot: z.number().int().min(0).max(9).optional(),
});
export type LeadCallback = z.infer<typeof LeadCallbackSchema>;

export const LeadSchema = z.object({
  /** RowID column: the stable identity of the lead. */
  rowId: z.string().min(1),
  /** 1-based sheet row number where the lead currently sits (header is row 1). */
  rowNumber: z.number().int().min(2),
  name: z.string(),
  /** Always 10 slots, Num1..Num10, empty ones with raw "" and e164 null. */
  numbers: z.array(PhoneSlotSchema).length(10),
  notes: z.string(),
  lastOutcome: z.string(),
  attemptCount: z.number().int().min(0),
  /** 0-based slot the round robin looks at first. The sheet's NextIndex cell holds it 1-based (1..10). */
  nextIndex: z.number().int().min(0).max(9),
  /** IANA zone of the lead when known (optional TimeZone column). */
  timeZone: z.string().nullable(),
  /** The row's other columns after NextIndex (company, address, custom fields), by their header names, in
   *  sheet order; only non-empty cells. Read-only for the coordinator: shown on the agent's lead card. */
  extra: z.array(LeadExtraSchema).max(MAX_LEAD_EXTRAS).optional(),
  /** A scheduled callback (absent or null: none). */
  callback: LeadCallbackSchema.nullable().optional(),
});
export type Lead = z.infer<typeof LeadSchema>;
