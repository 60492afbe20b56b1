// Campaign rules: everything the policy engine and applyDisposition need to know about a campaign.
// Defaults are the speed-first ones of DESIGN.md; the coordinator may load overrides per campaign.
import { z } from 'zod';
import { DispositionOverrideSchema } from './disposition.js';

const HHMM = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected HH:MM (24 h)');

export const CallingHoursSchema = z.object({
  /** Local start time, inclusive (HH:MM). */
  start: HHMM,
  /** Local end time, exclusive (HH:MM). */
  end: HHMM,
  /** ISO weekdays on which calling is allowed (1 = Monday … 7 = Sunday). */
  days: z.array(z.number().int().min(1).max(7)).min(1),
});
export type CallingHours = z.infer<typeof CallingHoursSchema>;

/** Calling hours per weekday: one window, or several (e.g. weekdays 08:00–21:00 and weekends 09:00–20:00).
 *  An instant is inside the schedule when it is inside any of its windows. */
export const CallingScheduleSchema = z.union([
  CallingHoursSchema,
  z.array(CallingHoursSchema).min(1).max(14),
]);
export type CallingSchedule = z.infer<typeof CallingScheduleSchema>;

/** A calendar date, YYYY-MM-DD (lead-local). */
export const IsoDateSchema = z
  .string()
  .regex(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, 'expected YYYY-MM-DD');

/** A region a number belongs to: a US state or Canadian province ("US-CA", "CA-ON", ISO 3166-2) or a
 *  country ("GB", ISO 3166-1 alpha-2), as phone-place lookup reports it (number-place.ts). */
export const RegionCodeSchema = z.string().regex(/^[A-Z]{2}(-[A-Z0-9]{1,3})?$/, 'expected "US-FL" or "GB"');

/** A stricter window for numbers of some regions: applies on top of the campaign's hours (both must hold). */
export const RegionHoursSchema = z.object({
  regions: z.array(RegionCodeSchema).min(1),
  hours: CallingScheduleSchema,
});
export type RegionHours = z.infer<typeof RegionHoursSchema>;

/** An E.164 number (a campaign's outbound caller ID). */
export const E164Schema = z.string().regex(/^\+[1-9]\d{6,14}$/, 'expected an E.164 number like +14155550100');

/** What to do with a number whose time zone cannot be told (no TimeZone cell, no precise phone data). */
export const UnknownTimeZonePolicySchema = z.enum(['SKIP', 'CAMPAIGN_ZONE']);
export type UnknownTimeZonePolicy = z.infer<typeof UnknownTimeZonePolicySchema>;

export const CampaignRulesSchema = z.object({
  name: z.string().min(1),
  maxAttempts: z.number().int().min(1).max(100),
  /** Lead-local calling hours; null = no calling window (dial any time). */
  callingHours: CallingScheduleSchema.nullable(),
  /** Lead-local dates on which the campaign does not dial at all (holidays). */
  holidays: z.array(IsoDateSchema).max(366).optional(),
  /** Stricter windows per US state / province / country of the number (intersected with callingHours). */
  regionHours: z.array(RegionHoursSchema).max(100).optional(),
  /** A number whose zone cannot be told: SKIP (default: never dialed, reason UNKNOWN_TIMEZONE) or
   *  CAMPAIGN_ZONE (judged in `timeZone`). */
  unknownTimeZone: UnknownTimeZonePolicySchema.optional(),
  /** The campaign's zone: for unknown numbers under CAMPAIGN_ZONE, and the campaign's own reports. */
  timeZone: z.string().min(1),
  /** The campaign's Dialpad numbers for local presence; each call goes out with the one closest to the
   *  lead (caller-id.ts). The first is the default. Absent: Dialpad's default caller ID. */
  callerIds: z.array(E164Schema).min(1).max(200).optional(),
  retryDelaysEnabled: z.boolean(),
  /** Seconds the next lead is previewed before it is dialed; 0 = chain at once. */
  previewCountdownSeconds: z.number().int().min(0).max(300),
  /** A call with no ending webhook within this many seconds ends by itself into the modal. */
  callTimeoutSeconds: z
    .number()
    .int()
    .min(10)
    .max(3 * 3600),
  dispositions: z.array(DispositionOverrideSchema),
  /** Once a call connects, its no-webhook deadline moves to connectedAt + this many seconds (a real
   *  conversation outlives callTimeoutSeconds). Absent: CONNECTED_TIMEOUT_DEFAULT_SECONDS. */
  connectedTimeoutSeconds: z
    .number()
    .int()
    .min(60)
    .max(24 * 3600)
    .optional(),
  /** For how many seconds after confirming the agent may change a disposition (0 = never). Absent:
   *  DEFAULT_AMEND_WINDOW_SECONDS (5 min, outcome.ts). */
  amendWindowSeconds: z.number().int().min(0).max(3600).optional(),
});
export type CampaignRules = z.infer<typeof CampaignRulesSchema>;

/** The connected-call limit when a campaign sets none: 4 hours. */
export const CONNECTED_TIMEOUT_DEFAULT_SECONDS = 4 * 3600;

/** The connected-call limit of these rules, in ms (never shorter than the ringing limit). */
export const connectedTimeoutMsOf = (rules: CampaignRules): number =>
  Math.max(rules.connectedTimeoutSeconds ?? CONNECTED_TIMEOUT_DEFAULT_SECONDS, rules.callTimeoutSeconds) *
  1000;

export const DEFAULT_CAMPAIGN_RULES: CampaignRules = {
  name: 'default',
  maxAttempts: 6,
  // The federal window, lead-local: Mon–Fri 08:00–21:00, Sat–Sun 09:00–20:00.
  callingHours: [
    { start: '08:00', end: '21:00', days: [1, 2, 3, 4, 5] },
    { start: '09:00', end: '20:00', days: [6, 7] },
  ],
  timeZone: 'America/New_York',
  retryDelaysEnabled: true,
  previewCountdownSeconds: 0,
  callTimeoutSeconds: 15 * 60,
  dispositions: [],
};
