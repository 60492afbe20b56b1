// The coordinator's HTTP API as data: one entry per route with its request body and response schemas.
// The server validates every body against `body` (bad input → 400 VALIDATION_FAILED, nothing changed);
// the renderer's client parses every response with `response`. Errors are ApiErrorBody (errors.ts).
import { z } from 'zod';
import { DispositionCodeSchema } from '../domain/disposition.js';
import { SessionStateSchema } from '../domain/session.js';
import { AmendRequestSchema, AmendResponseSchema } from './amend.js';
import {
  CallbackDialResponseSchema,
  CallbackRequestSchema,
  CallbackRowRequestSchema,
  CallbacksResponseSchema,
} from './callbacks.js';
import { SemverSchema } from './versions.js';
import {
  CallViewSchema,
  LeadPreviewSchema,
  NextStepSchema,
  PreviewViewSchema,
  SessionViewSchema,
  StatsResponseSchema,
  StatsViewSchema,
} from './views.js';

const Empty = z.object({}).strict();
const Email = z.string().trim().toLowerCase().email().max(254);

export const AgentViewSchema = z.object({
  email: z.string(),
  dialpadUserId: z.string(),
  campaignName: z.string(),
  /** Also an active supervisor (the router's Supervisors tab): the dialer links to the supervisor console.
   *  Absent = no. */
  supervisor: z.boolean().optional(),
});

export const TokenPairSchema = z.object({
  accessToken: z.string(),
  /** Epoch ms when the access token expires; refresh before then. */
  accessExpiresAt: z.number().int(),
  refreshToken: z.string(),
  refreshExpiresAt: z.number().int(),
  agent: AgentViewSchema,
});
export type TokenPair = z.infer<typeof TokenPairSchema>;

export const LoginRequestSchema = z.union([
  z.object({ idToken: z.string().min(10).max(8192) }).strict(),
  z.object({ demoEmail: Email }).strict(),
]);
export type LoginRequest = z.infer<typeof LoginRequestSchema>;

export const AuthConfigSchema = z.object({
  mode: z.enum(['oidc', 'demo']),
  /** Seeded agents the demo login offers (demo mode only). */
  demoAgents: z.array(z.object({ email: z.string(), campaignName: z.string() })),
  oidc: z.object({ issuer: z.string(), clientId: z.string() }).nullable(),
});

export const SessionSnapshotSchema = z.object({
  session: SessionViewSchema,
  /** The live or ended-but-undisposed call, if any. */
  call: CallViewSchema.nullable(),
  /** Lead of the current call or preview. */
  preview: LeadPreviewSchema.nullable(),
  /** A claimed lead waiting for its countdown (preview mode). */
  pendingPreview: PreviewViewSchema.nullable(),
  stats: StatsViewSchema,
  /** Last WebSocket sequence number the server has sent to this agent. */
  wsSeq: z.number().int(),
});
export type SessionSnapshot = z.infer<typeof SessionSnapshotSchema>;

export const DispositionRequestSchema = z
  .object({
    callId: z.string().min(1).max(64),
    code: DispositionCodeSchema,
    notes: z.string().max(2000).optional(),
    /** Schedule a callback of this lead (the modal's schedule step). */
    callback: CallbackRequestSchema.optional(),
  })
  .strict();
export type DispositionRequest = z.infer<typeof DispositionRequestSchema>;

export const DispositionResponseSchema = z.object({
  callId: z.string(),
  code: DispositionCodeSchema,
  /** Sheet writes queued (write-behind): they reach Google later, the agent never waits for them. */
  queuedCells: z.number().int(),
  next: NextStepSchema,
  /** true when an earlier request had already saved this disposition (a retry): nothing was applied now. */
  alreadySaved: z.boolean().optional(),
});
export type DispositionResponse = z.infer<typeof DispositionResponseSchema>;

/** POST /call/hangup: the agent ends her own live call from the app (Dialpad's call actions API). */
export const HangupRequestSchema = z.object({ callId: z.string().min(1).max(64) }).strict();
export type HangupRequest = z.infer<typeof HangupRequestSchema>;

export const HangupResponseSchema = z.object({
  callId: z.string(),
  /** ending: Dialpad was asked, its hangup webhook ends the call (SHOW_DISPO follows); ended: it already had. */
  result: z.enum(['ending', 'ended']),
});
export type HangupResponse = z.infer<typeof HangupResponseSchema>;

export const HealthSchema = z.object({ status: z.literal('ok') });
export const ReadySchema = z.object({
  status: z.enum(['ready', 'degraded', 'not_ready']),
  /** The store this instance really uses: one Redis (REDIS_URL) or a Cluster (REDIS_CLUSTER_NODES). */
  store: z.enum(['redis', 'redis-cluster']),
  redis: z.enum(['up', 'down']),
  /** Origins of the Google Sheets and Dialpad APIs it calls (an emulator's in the demo). */
  upstreams: z.object({ sheets: z.string(), dialpad: z.string() }),
  circuits: z.object({
    sheets: z.enum(['closed', 'open', 'half-open']),
    dialpad: z.enum(['closed', 'open', 'half-open']),
  }),
  sheetsQueueDepth: z.number().int(),
});

/** How a desktop copy was installed (src-main's detectInstallType). Only MSI installs are updated by IT. */
export const DesktopInstallTypeSchema = z.enum(['msi', 'nsis', 'dmg', 'appimage', 'deb', 'unknown']);
export type DesktopInstallType = z.infer<typeof DesktopInstallTypeSchema>;

/** POST /desktop/install-report: the desktop app's version, update channel and install type (best effort). */
export const DesktopInstallReportSchema = z
  .object({
    appVersion: SemverSchema,
    channel: z.enum(['stable', 'beta']),
    installType: DesktopInstallTypeSchema,
    platform: z.string().trim().min(1).max(32),
    arch: z.string().trim().min(1).max(32),
  })
  .strict();
export type DesktopInstallReport = z.infer<typeof DesktopInstallReportSchema>;

/** The coordinator's answer: IT policy hints for this copy. `newerMsiDue` is the MSI version IT is rolling
 *  out (DESKTOP_MSI_LATEST_VERSION) when it is newer than an MSI install's, else null. */
export const DesktopInstallReportResponseSchema = z.object({
  recordedAt: z.number().int(),
  policy: z.object({ newerMsiDue: z.string().nullable() }),
});
export type DesktopInstallReportResponse = z.infer<typeof DesktopInstallReportResponseSchema>;

interface RouteContract<B extends z.ZodType, R extends z.ZodType> {
  method: 'GET' | 'POST';
  path: string;
  body: B;
  response: R;
  /** Needs `Authorization: Bearer <access token>`. */
  auth: boolean;
  /** State-changing: takes an Idempotency-Key header. */
  idempotent: boolean;
}
const route = <B extends z.ZodType, R extends z.ZodType>(c: RouteContract<B, R>) => c;

export const HTTP_API = {
  authConfig: route({
    method: 'GET',
    path: '/auth/config',
    body: Empty,
    response: AuthConfigSchema,
    auth: false,
    idempotent: false,
  }),
  login: route({
    method: 'POST',
    path: '/auth/login',
    body: LoginRequestSchema,
    response: TokenPairSchema,
    auth: false,
    idempotent: false,
  }),
  refresh: route({
    method: 'POST',
    path: '/auth/refresh',
    body: z.object({ refreshToken: z.string().min(10).max(512) }).strict(),
    response: TokenPairSchema,
    auth: false,
    idempotent: false,
  }),
  logout: route({
    method: 'POST',
    path: '/auth/logout',
    body: z.object({ refreshToken: z.string().min(10).max(512) }).strict(),
    response: z.object({ ok: z.literal(true) }),
    auth: false,
    idempotent: false,
  }),
  wsTicket: route({
    method: 'POST',
    path: '/ws/ticket',
    body: Empty,
    response: z.object({ ticket: z.string(), expiresAt: z.number().int() }),
    auth: true,
    idempotent: false,
  }),
  sessionStart: route({
    method: 'POST',
    path: '/session/start',
    body: Empty,
    response: SessionSnapshotSchema,
    auth: true,
    idempotent: true,
  }),
  sessionState: route({
    method: 'POST',
    path: '/session/state',
    body: z.object({ state: SessionStateSchema }).strict(),
    response: z.object({ session: SessionViewSchema, next: NextStepSchema }),
    auth: true,
    idempotent: true,
  }),
  sessionCurrent: route({
    method: 'GET',
    path: '/session/current',
    body: Empty,
    response: SessionSnapshotSchema,
    auth: true,
    idempotent: false,
  }),
  sessionResync: route({
    method: 'POST',
    path: '/session/resync',
    body: Empty,
    response: z.object({ leadsTotal: z.number().int(), changedLeads: z.number().int() }),
    auth: true,
    idempotent: true,
  }),
  /** Claims the next lead without dialing it (preview countdown > 0). */
  next: route({
    method: 'POST',
    path: '/next',
    body: Empty,
    response: NextStepSchema,
    auth: true,
    idempotent: true,
  }),
  /** Dials the pending preview (or picks and dials at once when there is none). */
  dial: route({
    method: 'POST',
    path: '/dial',
    body: z.object({ previewId: z.string().max(64).optional() }).strict(),
    response: NextStepSchema,
    auth: true,
    idempotent: true,
  }),
  /** Skips the pending preview (SKIPPED, MANUAL_SKIP) and returns what comes next. */
  skip: route({
    method: 'POST',
    path: '/skip',
    body: z.object({ previewId: z.string().min(1).max(64) }).strict(),
    response: NextStepSchema,
    auth: true,
    idempotent: true,
  }),
  disposition: route({
    method: 'POST',
    path: '/disposition',
    body: DispositionRequestSchema,
    response: DispositionResponseSchema,
    auth: true,
    idempotent: true,
  }),
  /** Changes the disposition of the caller's last call within the campaign's window (contracts/amend.ts). */
  amendDisposition: route({
    method: 'POST',
    path: '/disposition/amend',
    body: AmendRequestSchema,
    response: AmendResponseSchema,
    auth: true,
    idempotent: true,
  }),
  /** Hangs up the caller's own live call through Dialpad (403 FORBIDDEN for another agent's call). */
  hangup: route({
    method: 'POST',
    path: '/call/hangup',
    body: HangupRequestSchema,
    response: HangupResponseSchema,
    auth: true,
    idempotent: true,
  }),
  /** The agent's callbacks (due and upcoming) and whether the tab can hold them. */
  callbacks: route({
    method: 'GET',
    path: '/callbacks',
    body: Empty,
    response: CallbacksResponseSchema,
    auth: true,
    idempotent: false,
  }),
  /** Dials one callback from the list now (due or not yet), inside calling hours. */
  callbackDial: route({
    method: 'POST',
    path: '/callbacks/dial',
    body: CallbackRowRequestSchema,
    response: CallbackDialResponseSchema,
    auth: true,
    idempotent: true,
  }),
  /** Cancels one of the agent's callbacks (the sheet's cells are cleared). */
  callbackCancel: route({
    method: 'POST',
    path: '/callbacks/cancel',
    body: CallbackRowRequestSchema,
    response: CallbacksResponseSchema,
    auth: true,
    idempotent: true,
  }),
  stats: route({
    method: 'GET',
    path: '/stats',
    body: Empty,
    response: StatsResponseSchema,
    auth: true,
    idempotent: false,
  }),
  healthz: route({
    method: 'GET',
    path: '/healthz',
    body: Empty,
    response: HealthSchema,
    auth: false,
    idempotent: false,
  }),
  readyz: route({
    method: 'GET',
    path: '/readyz',
    body: Empty,
    response: ReadySchema,
    auth: false,
    idempotent: false,
  }),
  /** Replaces the caller's latest report (an upsert of the same facts: naturally idempotent, no key). */
  desktopInstallReport: route({
    method: 'POST',
    path: '/desktop/install-report',
    body: DesktopInstallReportSchema,
    response: DesktopInstallReportResponseSchema,
    auth: true,
    idempotent: false,
  }),
} as const;
export type HttpApi = typeof HTTP_API;
export type RouteName = keyof HttpApi;
export type RequestBody<N extends RouteName> = z.input<HttpApi[N]['body']>;
export type ResponseBody<N extends RouteName> = z.infer<HttpApi[N]['response']>;

/** Header carrying the idempotency key of a state-changing POST. */
export const IDEMPOTENCY_HEADER = 'Idempotency-Key';
/** Header carrying the correlation id (accepted from the client or generated). */
export const REQUEST_ID_HEADER = 'X-Request-Id';
