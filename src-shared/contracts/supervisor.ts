// The supervisor console's contract (issue 11): what the coordinator shows a team lead and what it accepts.
// One snapshot (agents, per-campaign and team totals, system health), its live WebSocket messages on
// `/supervisor/ws` (a SNAPSHOT, then DIFFs, resumable by seq within one stream), and the two actions (pause an
// agent's session, sign an agent out). Supervisors sign in with their own routes and tokens (role claim
// `supervisor`): an agent's token is refused (403) on every route here and on the socket.
import { z } from 'zod';
import { DISPOSITION_CODES, DispositionCodeSchema } from '../domain/disposition.js';
import { SKIP_REASONS } from '../domain/status.js';
import { ErrorCodeSchema } from './errors.js';
import { LoginRequestSchema } from './http.js';

// ── Agents ────────────────────────────────────────────────────────────────────────────────────────────────

/** What an agent is doing now, as a team lead names it. */
export const AGENT_LIVE_STATES = [
  'NOT_STARTED', // no session today (listed in the router, never started, or signed out / stopped)
  'PLAYING', // session in PLAY, between calls (picking / preview countdown)
  'PAUSED', // session in PAUSE, no call
  'DIALING',
  'RINGING',
  'IN_CALL', // connected
  'WRAP_UP', // call ended, disposition not yet given
] as const;
export const AgentLiveStateSchema = z.enum(AGENT_LIVE_STATES);
export type AgentLiveState = z.infer<typeof AgentLiveStateSchema>;

const count = z.number().int().nonnegative();
const epochMs = z.number().int();

/** One count per disposition code (every code present, 0 when none). */
export const DispositionCountsSchema = z.record(DispositionCodeSchema, count);
export type DispositionCounts = z.infer<typeof DispositionCountsSchema>;

/** All codes at 0 (the shape a fresh counter starts from). */
export function emptyDispositionCounts(): DispositionCounts {
  const out = {} as Record<(typeof DISPOSITION_CODES)[number], number>;
  for (const c of DISPOSITION_CODES) out[c] = 0;
  return out;
}

/** Why a supervisor action changed an agent's session (shown to the agent, kept in the audit). */
export const SupervisorActionKindSchema = z.enum(['PAUSED', 'SIGNED_OUT']);
export type SupervisorActionKind = z.infer<typeof SupervisorActionKindSchema>;

export const SupervisorActionNoticeSchema = z.object({
  action: SupervisorActionKindSchema,
  /** The supervisor's email. */
  by: z.string(),
  /** Free text the supervisor typed (may be empty). */
  reason: z.string(),
  at: epochMs,
});
export type SupervisorActionNotice = z.infer<typeof SupervisorActionNoticeSchema>;

/** One agent's row. Figures are those of the agent's current session (or latest one, once stopped). */
export const SupervisorAgentRowSchema = z.object({
  email: z.string(),
  campaignName: z.string(),
  /** The tab the agent dials from; null before a first session. */
  tabTitle: z.string().nullable(),
  sessionId: z.string().nullable(),
  sessionStartedAt: epochMs.nullable(),
  state: AgentLiveStateSchema,
  /** Epoch ms the agent entered `state` (the console shows "time in state" = serverNow − since). */
  since: epochMs,
  /** Calls placed (dials). */
  calls: count,
  /** Calls that connected. */
  connects: count,
  /** Calls disposed. */
  completed: count,
  /** connects / calls, 0..1; null before the first call. */
  contactRate: z.number().min(0).max(1).nullable(),
  dispositions: DispositionCountsSchema,
  /** Dials per hour of session time; null until meaningful (at least 5 minutes and 3 calls into it). */
  dialsPerHour: z.number().nonnegative().nullable(),
  /** Connected time summed over the session's calls (ms). */
  talkMs: count,
  /** Time between a call's end and its disposition, summed (ms; the current wrap-up included). */
  wrapUpMs: count,
  /** Last thing the agent did (dial, disposition, skip, play/pause); null when nothing yet. */
  lastActivityAt: epochMs.nullable(),
  /** The last supervisor action on this session (shown beside a paused agent); null when none. */
  lastAction: SupervisorActionNoticeSchema.nullable(),
});
export type SupervisorAgentRow = z.infer<typeof SupervisorAgentRowSchema>;

// ── Campaigns and team ───────────────────────────────────────────────────────────────────────────────────

/** Why a lead cannot be dialed now: the policy engine's skip reasons, plus no open number left. */
export const NOT_DIALABLE_REASONS = [...SKIP_REASONS, 'NO_OPEN_NUMBERS'] as const;
export const NotDialableReasonSchema = z.enum(NOT_DIALABLE_REASONS);
export type NotDialableReason = z.infer<typeof NotDialableReasonSchema>;

/** Dispositions in one hour of the day (the console's small chart). */
export const HourBucketSchema = z.object({
  /** Epoch ms of the hour's start. */
  startAt: epochMs,
  dispositions: DispositionCountsSchema,
});
export type HourBucket = z.infer<typeof HourBucketSchema>;

/** Lead progress of a set of tabs (one campaign, or the whole team). */
export const LeadProgressSchema = z.object({
  leadsTotal: count,
  /** Leads not finished for good (total minus done: sibling correct, do-not-call, max attempts, no number). */
  leadsLeft: count,
  dialableNow: count,
  /** Leads with a call on one of their numbers right now. */
  inProgress: count,
  /** Not dialable now, by reason (only reasons with leads). */
  notDialable: z.array(z.object({ reason: NotDialableReasonSchema, leads: count })),
  /** Earliest moment something becomes dialable (null: nothing ever will, or unknown). */
  nextDialableAt: epochMs.nullable(),
  /** When these figures were computed from the coordinator's tab index; null: no tab of it loaded yet. */
  asOf: epochMs.nullable(),
});
export type LeadProgress = z.infer<typeof LeadProgressSchema>;

export const TotalsSchema = z.object({
  /** Agents listed, and how many are in each live state. */
  agents: count,
  byState: z.record(AgentLiveStateSchema, count),
  calls: count,
  connects: count,
  completed: count,
  contactRate: z.number().min(0).max(1).nullable(),
  dispositions: DispositionCountsSchema,
  leads: LeadProgressSchema,
  /** Dispositions per hour since `dayStartAt`, oldest first, one bucket per hour up to the current one. */
  perHour: z.array(HourBucketSchema),
});
export type Totals = z.infer<typeof TotalsSchema>;

export const CampaignTotalsSchema = TotalsSchema.extend({ campaignName: z.string() });
export type CampaignTotals = z.infer<typeof CampaignTotalsSchema>;

// ── System health ────────────────────────────────────────────────────────────────────────────────────────

export const BreakerStateSchema = z.enum(['closed', 'open', 'half-open']);
export type BreakerStateName = z.infer<typeof BreakerStateSchema>;

export const SystemHealthSchema = z.object({
  sheets: z.object({
    breaker: BreakerStateSchema,
    /** Sheet patches waiting in the write-behind queue. */
    queueDepth: count,
    /** Enqueue time of the oldest waiting patch (lag = serverNow − this); null when the queue is empty. */
    oldestQueuedAt: epochMs.nullable(),
    /** Age of the oldest patch at the last successful flush (ms): how far behind the sheet was. */
    lastFlushLagMs: count.nullable(),
  }),
  dialpad: z.object({ breaker: BreakerStateSchema }),
  webhooks: z.object({
    /** When the last Dialpad webhook was accepted by any instance; null: none since the coordinator started. */
    lastEventAt: epochMs.nullable(),
  }),
});
export type SystemHealth = z.infer<typeof SystemHealthSchema>;

// ── Snapshot ─────────────────────────────────────────────────────────────────────────────────────────────

export const SupervisorSnapshotSchema = z.object({
  /** The coordinator's clock when built: ages and times-in-state are computed against it. */
  serverNow: epochMs,
  /** Start of the day the per-hour series cover (UTC midnight unless configured). */
  dayStartAt: epochMs,
  supervisor: z.object({ email: z.string(), campaigns: z.array(z.string()) }),
  /** The supervisor's agents (of their campaigns), sorted by email. */
  agents: z.array(SupervisorAgentRowSchema),
  /** One entry per campaign of the supervisor's, sorted by name. */
  campaigns: z.array(CampaignTotalsSchema),
  /** Sums over the supervisor's campaigns. */
  team: TotalsSchema,
  health: SystemHealthSchema,
});
export type SupervisorSnapshot = z.infer<typeof SupervisorSnapshotSchema>;

/** A change to the snapshot: changed agent rows whole, removed agents, and any section that changed whole. */
export const SupervisorDiffSchema = z.object({
  serverNow: epochMs,
  agents: z.array(SupervisorAgentRowSchema),
  removedAgents: z.array(z.string()),
  campaigns: z.array(CampaignTotalsSchema).optional(),
  team: TotalsSchema.optional(),
  health: SystemHealthSchema.optional(),
  dayStartAt: epochMs.optional(),
});
export type SupervisorDiff = z.infer<typeof SupervisorDiffSchema>;

/** Applies a diff to a snapshot (pure; the console and the tests use the same function). */
export function applySupervisorDiff(s: SupervisorSnapshot, d: SupervisorDiff): SupervisorSnapshot {
  let agents = s.agents;
  if (d.agents.length > 0 || d.removedAgents.length > 0) {
    const byEmail = new Map(s.agents.map((a) => [a.email, a]));
    for (const e of d.removedAgents) byEmail.delete(e);
    for (const a of d.agents) byEmail.set(a.email, a);
    agents = [...byEmail.values()].sort((a, b) => (a.email < b.email ? -1 : a.email > b.email ? 1 : 0));
  }
  return {
    ...s,
    serverNow: d.serverNow,
    dayStartAt: d.dayStartAt ?? s.dayStartAt,
    agents,
    campaigns: d.campaigns ?? s.campaigns,
    team: d.team ?? s.team,
    health: d.health ?? s.health,
  };
}

// ── WebSocket `/supervisor/ws` ───────────────────────────────────────────────────────────────────────────

export const SUPERVISOR_WS_PATH = '/supervisor/ws';
export const SUPERVISOR_WS_VERSION = 1;
/** The server sends at most one DIFF per this many ms (changes in between are merged into it). */
export const SUPERVISOR_DIFF_INTERVAL_MS = 250;

const v = z.literal(SUPERVISOR_WS_VERSION);
const seq = z.number().int().min(0);

export const SupervisorClientMessageSchema = z.discriminatedUnion('type', [
  z.object({
    v,
    type: z.literal('AUTH'),
    /** From POST /supervisor/ws/ticket (short-lived, single use). */
    ticket: z.string().min(10).max(512),
    /** Resume: the stream id and last seq the client applied (null = fresh start: a SNAPSHOT follows). */
    resume: z.object({ stream: z.string().min(1).max(128), lastSeq: seq }).nullable(),
  }),
  z.object({ v, type: z.literal('PING'), t: z.number() }),
]);
export type SupervisorClientMessage = z.infer<typeof SupervisorClientMessageSchema>;

export const SupervisorServerMessageSchema = z.discriminatedUnion('type', [
  z.object({ v, type: z.literal('AUTH_FAILED'), code: ErrorCodeSchema, message: z.string() }),
  /** The whole view; `seq` is the seq it is current at (DIFFs continue from seq + 1). */
  z.object({
    v,
    type: z.literal('SNAPSHOT'),
    stream: z.string(),
    seq,
    snapshot: SupervisorSnapshotSchema,
  }),
  /** Resumed: the DIFFs after the client's lastSeq follow (`replayed` of them), then live ones. */
  z.object({ v, type: z.literal('RESUMED'), stream: z.string(), seq, replayed: z.number().int().min(0) }),
  z.object({ v, type: z.literal('DIFF'), stream: z.string(), seq, diff: SupervisorDiffSchema }),
  z.object({ v, type: z.literal('PONG'), t: z.number() }),
]);
export type SupervisorServerMessage = z.infer<typeof SupervisorServerMessageSchema>;

/** Close codes of the supervisor socket (the agent socket's are in ws.ts). */
export const SUPERVISOR_WS_CLOSE = {
  AUTH_FAILED: 4401,
  /** An agent's ticket, or a supervisor no longer listed: the console shows "not a supervisor". */
  FORBIDDEN: 4403,
  AUTH_TIMEOUT: 4408,
  BAD_MESSAGE: 4400,
  SHUTDOWN: 1001,
} as const;

// ── HTTP ─────────────────────────────────────────────────────────────────────────────────────────────────

const Email = z.string().trim().toLowerCase().email().max(254);
const Empty = z.object({}).strict();

export const SupervisorViewSchema = z.object({ email: z.string(), campaigns: z.array(z.string()) });
export type SupervisorView = z.infer<typeof SupervisorViewSchema>;

export const SupervisorTokenPairSchema = z.object({
  accessToken: z.string(),
  accessExpiresAt: epochMs,
  refreshToken: z.string(),
  refreshExpiresAt: epochMs,
  supervisor: SupervisorViewSchema,
});
export type SupervisorTokenPair = z.infer<typeof SupervisorTokenPairSchema>;

export const SupervisorAuthConfigSchema = z.object({
  mode: z.enum(['oidc', 'demo']),
  /** Seeded supervisors the demo login offers (demo mode only). */
  demoSupervisors: z.array(SupervisorViewSchema),
  oidc: z.object({ issuer: z.string(), clientId: z.string() }).nullable(),
});
export type SupervisorAuthConfig = z.infer<typeof SupervisorAuthConfigSchema>;

/** A supervisor signs in exactly as an agent does (the same body). */
export const SupervisorLoginRequestSchema = LoginRequestSchema;

/** Body of both actions: which agent, and why (shown to the agent, audited). */
export const SupervisorActionRequestSchema = z
  .object({ agentEmail: Email, reason: z.string().trim().max(200).default('') })
  .strict();
export type SupervisorActionRequest = z.infer<typeof SupervisorActionRequestSchema>;

export const SupervisorActionResponseSchema = z.object({
  agentEmail: z.string(),
  action: SupervisorActionKindSchema,
  /** false when there was nothing to do (already paused / no session and no sign-in), still audited. */
  changed: z.boolean(),
  at: epochMs,
});
export type SupervisorActionResponse = z.infer<typeof SupervisorActionResponseSchema>;

interface SupervisorRoute<B extends z.ZodType, R extends z.ZodType> {
  method: 'GET' | 'POST';
  path: string;
  body: B;
  response: R;
  /** Needs `Authorization: Bearer <supervisor access token>` (an agent's token: 403 FORBIDDEN). */
  auth: boolean;
  /** State-changing: takes an Idempotency-Key header. */
  idempotent: boolean;
}
const route = <B extends z.ZodType, R extends z.ZodType>(c: SupervisorRoute<B, R>) => c;

export const SUPERVISOR_API = {
  authConfig: route({
    method: 'GET',
    path: '/supervisor/auth/config',
    body: Empty,
    response: SupervisorAuthConfigSchema,
    auth: false,
    idempotent: false,
  }),
  login: route({
    method: 'POST',
    path: '/supervisor/auth/login',
    body: SupervisorLoginRequestSchema,
    response: SupervisorTokenPairSchema,
    auth: false,
    idempotent: false,
  }),
  refresh: route({
    method: 'POST',
    path: '/supervisor/auth/refresh',
    body: z.object({ refreshToken: z.string().min(10).max(512) }).strict(),
    response: SupervisorTokenPairSchema,
    auth: false,
    idempotent: false,
  }),
  logout: route({
    method: 'POST',
    path: '/supervisor/auth/logout',
    body: z.object({ refreshToken: z.string().min(10).max(512) }).strict(),
    response: z.object({ ok: z.literal(true) }),
    auth: false,
    idempotent: false,
  }),
  wsTicket: route({
    method: 'POST',
    path: '/supervisor/ws/ticket',
    body: Empty,
    response: z.object({ ticket: z.string(), expiresAt: epochMs }),
    auth: true,
    idempotent: false,
  }),
  snapshot: route({
    method: 'GET',
    path: '/supervisor/snapshot',
    body: Empty,
    response: SupervisorSnapshotSchema,
    auth: true,
    idempotent: false,
  }),
  /** Pauses the agent's session (PLAY → PAUSE; a live call goes on to its disposition, then no next dial). */
  pauseAgent: route({
    method: 'POST',
    path: '/supervisor/agents/pause',
    body: SupervisorActionRequestSchema,
    response: SupervisorActionResponseSchema,
    auth: true,
    idempotent: true,
  }),
  /** Signs the agent out: session stopped, refresh tokens revoked, sockets closed with AGENT_SIGNED_OUT. */
  signOutAgent: route({
    method: 'POST',
    path: '/supervisor/agents/sign-out',
    body: SupervisorActionRequestSchema,
    response: SupervisorActionResponseSchema,
    auth: true,
    idempotent: true,
  }),
} as const;
export type SupervisorApi = typeof SUPERVISOR_API;
export type SupervisorRouteName = keyof SupervisorApi;
export type SupervisorRequestBody<N extends SupervisorRouteName> = z.input<SupervisorApi[N]['body']>;
export type SupervisorResponseBody<N extends SupervisorRouteName> = z.infer<SupervisorApi[N]['response']>;

/** Default "stuck" thresholds the console starts with (the supervisor changes them on the page). */
export const DEFAULT_STUCK_THRESHOLDS_MS = { WRAP_UP: 2 * 60_000, PAUSED: 10 * 60_000 } as const;
