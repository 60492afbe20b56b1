// The disposition catalog: data, not code. The default is DESIGN.md's table; a campaign may override
// labels, retry delays (and the other campaign rules in campaign.ts). `applyDisposition` (apply.ts) is the
// one pure function that turns a chosen disposition into the new lead state and its sheet patch.
import { z } from 'zod';
import { PhoneStatusSchema, SkipReasonSchema } from './status.js';

export const DISPOSITION_CODES = [
  'CORRECT',
  'WRONG',
  'VM_SAME_NAME',
  'VM_OR_NA_UNKNOWN',
  'NO_ANSWER',
  'DO_NOT_CALL',
] as const;
export const DispositionCodeSchema = z.enum(DISPOSITION_CODES);
export type DispositionCode = z.infer<typeof DispositionCodeSchema>;

/** What a disposition does to the lead as a whole. */
export const DispositionEffectSchema = z.enum([
  'LEAD_DONE', // lead finished; open sibling numbers become SKIPPED
  'NUMBER_DONE', // this number finished; the lead continues with its next number
  'RETRY', // this number is retried after retryDelayMinutes
]);
export type DispositionEffect = z.infer<typeof DispositionEffectSchema>;

export const DispositionDefSchema = z.object({
  /** The in-window hotkey (1..6). */
  key: z.number().int().min(1).max(9),
  code: DispositionCodeSchema,
  label: z.string().min(1),
  /** Status written to the dialed number's StatusN cell. */
  numberStatus: PhoneStatusSchema,
  /** Skip reason recorded when numberStatus is SKIPPED (DO_NOT_CALL). */
  skipReason: SkipReasonSchema.optional(),
  /** Sibling numbers' skip reason when the effect is LEAD_DONE. */
  siblingSkipReason: SkipReasonSchema.optional(),
  retryDelayMinutes: z
    .number()
    .int()
    .min(0)
    .max(60 * 24 * 30)
    .nullable(),
  effect: DispositionEffectSchema,
  /** Counts as a successful contact in stats (CORRECT). */
  success: z.boolean(),
});
export type DispositionDef = z.infer<typeof DispositionDefSchema>;

export const DEFAULT_DISPOSITIONS: readonly DispositionDef[] = [
  {
    key: 1,
    code: 'CORRECT',
    label: 'Correct person',
    numberStatus: 'CORRECT',
    siblingSkipReason: 'SIBLING_CORRECT',
    retryDelayMinutes: null,
    effect: 'LEAD_DONE',
    success: true,
  },
  {
    key: 2,
    code: 'WRONG',
    label: 'Wrong number',
    numberStatus: 'WRONG',
    retryDelayMinutes: null,
    effect: 'NUMBER_DONE',
    success: false,
  },
  {
    key: 3,
    code: 'VM_SAME_NAME',
    label: 'Voicemail (same name)',
    numberStatus: 'VOICEMAIL',
    retryDelayMinutes: 180,
    effect: 'RETRY',
    success: false,
  },
  {
    key: 4,
    code: 'VM_OR_NA_UNKNOWN',
    label: 'Voicemail / unknown',
    numberStatus: 'VOICEMAIL',
    retryDelayMinutes: 180,
    effect: 'RETRY',
    success: false,
  },
  {
    key: 5,
    code: 'NO_ANSWER',
    label: 'No answer',
    numberStatus: 'NO_ANSWER',
    retryDelayMinutes: 60,
    effect: 'RETRY',
    success: false,
  },
  {
    key: 6,
    code: 'DO_NOT_CALL',
    label: 'Do not call',
    numberStatus: 'SKIPPED',
    skipReason: 'DO_NOT_CALL',
    siblingSkipReason: 'DO_NOT_CALL',
    retryDelayMinutes: null,
    effect: 'LEAD_DONE',
    success: false,
  },
];

/** A campaign's override of one catalog entry: only label and retry delay may change. */
export const DispositionOverrideSchema = z.object({
  code: DispositionCodeSchema,
  label: z.string().min(1).optional(),
  retryDelayMinutes: z
    .number()
    .int()
    .min(0)
    .max(60 * 24 * 30)
    .nullable()
    .optional(),
});
export type DispositionOverride = z.infer<typeof DispositionOverrideSchema>;

export function buildCatalog(overrides: readonly DispositionOverride[] = []): readonly DispositionDef[] {
  return DEFAULT_DISPOSITIONS.map((d) => {
    const o = overrides.find((x) => x.code === d.code);
    if (!o) return d;
    return {
      ...d,
      label: o.label ?? d.label,
      retryDelayMinutes: o.retryDelayMinutes === undefined ? d.retryDelayMinutes : o.retryDelayMinutes,
    };
  });
}

export function findDisposition(catalog: readonly DispositionDef[], code: DispositionCode): DispositionDef {
  const d = catalog.find((x) => x.code === code);
  if (!d) throw new Error(`disposition ${code} is not in the catalog`);
  return d;
}
