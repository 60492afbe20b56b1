// The shapes the coordinator shows to clients: session, call, lead preview, stats. Used by HTTP responses
// and WebSocket messages alike, so there is exactly one definition of each.
import { z } from 'zod';
import { DispositionCodeSchema, DispositionDefSchema } from '../domain/disposition.js';
import { LeadSchema } from '../domain/lead.js';
import { CallStateSchema, SessionStateSchema } from '../domain/session.js';
import { SkipReasonSchema } from '../domain/status.js';

/** The session's last disposition while it can still be changed (issue 10): lets a reloaded screen show the
 *  receipt and its Change control again. */
export const LastDispositionViewSchema = z.object({
  callId: z.string(),
  code: DispositionCodeSchema,
  /** Epoch ms (the coordinator's clock) of the confirmation. */
  disposedAt: z.number().int(),
  leadRowId: z.string(),
  /** The lead's name as the coordinator last read the sheet; null when it is no longer in the tab. */
  leadName: z.string().nullable(),
  /** Epoch ms (the coordinator's clock) after which the change is refused. */
  amendableUntil: z.number().int(),
  /** Open numbers of the lead the disposition skipped (the receipt's "2 numbers skipped"); absent from
   *  older coordinators: 0. */
  skipped: z.number().int().min(0).default(0),
});
export type LastDispositionView = z.infer<typeof LastDispositionViewSchema>;

export const SessionViewSchema = z.object({
  id: z.string(),
  agentEmail: z.string(),
  campaignName: z.string(),
  spreadsheetId: z.string(),
  tabTitle: z.string(),
  state: SessionStateSchema,
  startedAt: z.number().int(),
  /** Version bumped by every change: clients drop stale updates. */
  version: z.number().int(),
  previewCountdownSeconds: z.number().int(),
  catalog: z.array(DispositionDefSchema),
  /** Seconds after confirming during which the last disposition can be changed (absent: 300). */
  amendWindowSeconds: z.number().int().min(0).optional(),
  /** The last disposition while it can be changed; null after the window, when the lead changed since,
   *  or when that disposition did not write the lead (absent from older coordinators and snapshots). */
  lastDisposition: LastDispositionViewSchema.nullable().default(null),
});
export type SessionView = z.infer<typeof SessionViewSchema>;

/** The clock in one zone the number rings in. */
export const ZoneClockSchema = z.object({
  timeZone: z.string(),
  /** "PST", "GMT+5:30". */
  abbreviation: z.string(),
  /** Local time as HH:MM. */
  localTime: z.string(),
  /** Inside the campaign's window (and the region rules) in this zone. */
  inWindow: z.boolean(),
});
export type ZoneClock = z.infer<typeof ZoneClockSchema>;

/** The calling window of the number on screen: where it rings, which hours apply, open or not. */
export const CallingWindowViewSchema = z.object({
  /** Inside the window in every zone of the number. */
  inWindow: z.boolean(),
  /** The first zone (the only one for most numbers). */
  timeZone: z.string(),
  /** Lead-local time as HH:MM in the first zone. */
  localTime: z.string(),
  /** Human summary, e.g. "Mon–Fri 08:00–21:00, Sat, Sun 09:00–20:00". null = no window configured. */
  hours: z.string().nullable(),
  /** Every zone the number rings in (several when its area code spans zones), with its local time. */
  zones: z.array(ZoneClockSchema).min(1),
  /** Where the zones come from: the row's TimeZone cell, the number's phone data, or the campaign's zone. */
  source: z.enum(['SHEET', 'PHONE', 'CAMPAIGN']),
  /** "US-CA", "GB"; null when unknown. */
  region: z.string().nullable(),
  /** Stricter region rules that apply to this number, described ("US-CA Mon–Fri 11:00–17:00"). */
  rules: z.array(z.string()),
  /** Today is a campaign holiday in one of the number's zones. */
  holiday: z.boolean(),
  /** Epoch ms when the window opens in every zone, when closed now; null when open or never. */
  nextOpenAt: z.number().int().nullable(),
});
export type CallingWindowView = z.infer<typeof CallingWindowViewSchema>;

export const LeadPreviewSchema = z.object({
  lead: LeadSchema,
  /** The slot being (or about to be) dialed. */
  numberIndex: z.number().int().min(0).max(9),
  window: CallingWindowViewSchema,
});
export type LeadPreview = z.infer<typeof LeadPreviewSchema>;

export const CallEndReasonSchema = z.enum(['HANGUP', 'MISSED', 'VOICEMAIL', 'TIMEOUT', 'DIAL_FAILED']);
export type CallEndReason = z.infer<typeof CallEndReasonSchema>;

export const CallViewSchema = z.object({
  callId: z.string(),
  sessionId: z.string(),
  state: CallStateSchema,
  leadRowId: z.string(),
  numberIndex: z.number().int().min(0).max(9),
  phoneE164: z.string(),
  startedAt: z.number().int(),
  ringingAt: z.number().int().nullable(),
  connectedAt: z.number().int().nullable(),
  endedAt: z.number().int().nullable(),
  endReason: CallEndReasonSchema.nullable(),
  /** Suggested disposition once ENDED (never connected → NO_ANSWER; voicemail → VM_OR_NA_UNKNOWN). */
  suggestedDisposition: DispositionCodeSchema.nullable(),
  /** Epoch ms after which the coordinator ends the call by itself if no ending webhook came. */
  timeoutAt: z.number().int(),
  /** Local presence: the caller ID the lead sees (null = the Dialpad user's default). */
  callerId: z.string().nullable(),
});
export type CallView = z.infer<typeof CallViewSchema>;

export const PreviewViewSchema = z.object({
  previewId: z.string(),
  preview: LeadPreviewSchema,
  /** Epoch ms at which the client should dial (now + countdown); equal to now when countdown is 0. */
  dialAt: z.number().int(),
});
export type PreviewView = z.infer<typeof PreviewViewSchema>;

export const NothingToDialSchema = z.object({
  /** Why nothing is dialable: counts of leads per blocking reason. */
  reasons: z.array(
    z.object({ reason: SkipReasonSchema.or(z.literal('NO_OPEN_NUMBERS')), leads: z.number().int() }),
  ),
  /** Epoch ms of the earliest moment something becomes dialable (a retry delay ends, a window opens). */
  nextDialableAt: z.number().int().nullable(),
});
export type NothingToDial = z.infer<typeof NothingToDialSchema>;

/** What comes after a dial/disposition/skip: the client never has to ask twice. */
export const NextStepSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('call'), call: CallViewSchema, preview: LeadPreviewSchema }),
  z.object({ kind: z.literal('preview'), preview: PreviewViewSchema }),
  z.object({ kind: z.literal('idle'), sessionState: SessionStateSchema }),
  z.object({ kind: z.literal('nothing'), nothing: NothingToDialSchema }),
]);
export type NextStep = z.infer<typeof NextStepSchema>;

export const StatsViewSchema = z.object({
  callsInitiated: z.number().int(),
  callsCompleted: z.number().int(),
  connects: z.number().int(),
  dispositions: z.object({
    CORRECT: z.number().int(),
    WRONG: z.number().int(),
    VM_SAME_NAME: z.number().int(),
    VM_OR_NA_UNKNOWN: z.number().int(),
    NO_ANSWER: z.number().int(),
    DO_NOT_CALL: z.number().int(),
  }),
  skips: z.number().int(),
  /** CORRECT / completed, 0..1. */
  successRate: z.number(),
  dialsPerHour: z.number(),
  talkTimeSeconds: z.number(),
  leadsRemaining: z.number().int(),
  leadsTotal: z.number().int(),
});
export type StatsView = z.infer<typeof StatsViewSchema>;

export const StatsResponseSchema = z.object({ session: StatsViewSchema.nullable(), agent: StatsViewSchema });
export type StatsResponse = z.infer<typeof StatsResponseSchema>;
