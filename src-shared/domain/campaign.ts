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

export const CampaignRulesSchema = z.object({
  name: z.string().min(1),
  maxAttempts: z.number().int().min(1).max(100),
  /** null = no calling window (dial any time). */
  callingHours: CallingHoursSchema.nullable(),
  /** IANA time zone used for leads whose own TimeZone is unknown. */
  timeZone: z.string().min(1),
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
  callingHours: { start: '08:00', end: '21:00', days: [1, 2, 3, 4, 5, 6] },
  timeZone: 'America/New_York',
  retryDelaysEnabled: true,
  previewCountdownSeconds: 0,
  callTimeoutSeconds: 15 * 60,
  dispositions: [],
};
