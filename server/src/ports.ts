// The seams between the coordinator's parts. Each side is built and tested on its own against these
// interfaces: the HTTP/WS layer calls the DialerService; the DialerService uses the Store, the gateways and
// the AgentEventBus. Redis is the only store (Lua scripts; contract suite in server/test/store).
import type { CallbackColumns } from '../../src-shared/domain/callback.js';
import type { CampaignRules } from '../../src-shared/domain/campaign.js';
import type { DispositionCode } from '../../src-shared/domain/disposition.js';
import type { Lead } from '../../src-shared/domain/lead.js';
import type { SheetPatch } from '../../src-shared/domain/sheet-patch.js';
import type { AmendRequest, AmendResponse } from '../../src-shared/contracts/amend.js';
import type { CallbackRequest, CallbacksResponse } from '../../src-shared/contracts/callbacks.js';
import type { DialpadCallEvent } from '../../src-shared/contracts/dialpad.js';
import type {
  DispositionResponse,
  HangupResponse,
  SessionSnapshot,
} from '../../src-shared/contracts/http.js';
import type { NextStep, SessionView, StatsResponse } from '../../src-shared/contracts/views.js';
import type { AgentEvent } from '../../src-shared/contracts/ws.js';
import type { SessionState } from '../../src-shared/domain/session.js';
import type { InScriptIdempotency } from './idempotency/in-script.js';

/** The authenticated caller of an API request (from the access JWT). */
export interface AgentPrincipal {
  email: string;
}

/** A row of the router sheet, decoded. */
export interface RouterEntry {
  agentEmail: string;
  dialpadUserId: string;
  spreadsheetId: string;
  /** Numeric tab id (gid) as written in the router's TabId column. */
  tabId: number;
  campaignName: string;
  active: boolean;
}

/** The agent tab as read from Google: the tab's identity plus its decoded leads. */
export interface AgentTab {
  spreadsheetId: string;
  sheetId: number;
  tabTitle: string;
  leads: Lead[];
  /** Rows that could not be decoded (blank rows are skipped silently, bad ones are listed here). */
  rowErrors: { row: number; column: string; message: string }[];
  /** Where the CallbackAt / CallbackAgent columns are; absent or null: the tab keeps no callbacks. */
  callbackColumns?: CallbackColumns | null | undefined;
}

// ---------------------------------------------------------------------------------------------- gateways

export interface SheetsGateway {
  /** Router lookup by email (case-insensitive). null when absent. */
  findRouterEntry(agentEmail: string): Promise<RouterEntry | null>;
  /** All Active and inactive router rows (demo login list, admin tools). `fresh`: read past the cache (the
   *  periodic access refresh, so a deactivation takes effect within one tab-refresh interval); a failed
   *  read still falls back to the last rows read. */
  listRouterEntries(opts?: { fresh?: boolean }): Promise<RouterEntry[]>;
  /** Reads the whole agent tab by id, in a read that starts after this call; tabs of one spreadsheet asked
   *  for together share one request (sheets/tab-reader.ts). Throws ApiError SHEET_TAB_NOT_FOUND /
   *  SHEET_HEADER_MISMATCH (naming the column) / SHEETS_UNAVAILABLE / RATE_LIMITED (both with
   *  details.retryAfterMs). `decodeAfter`: awaited once the read is in, before the tab is decoded (instead
   *  of the gateway's own one-decode-per-turn order), so a caller that paces its use of many tabs (the tab
   *  refresh) decodes each in its own paced turn rather than all 500 on arrival. */
  readAgentTab(
    spreadsheetId: string,
    tabId: number,
    opts?: { decodeAfter?: () => Promise<void> },
  ): Promise<AgentTab>;
}

export interface InitiatedCall {
  /** Dialpad device that will ring (initiate_call returns no call id: we match webhooks by custom_data). */
  deviceId: string;
}

export interface DialpadGateway {
  /** POST /api/v2/users/{id}/initiate_call. Throws ApiError DIALPAD_REJECTED / DIALPAD_UNAVAILABLE / UPSTREAM_TIMEOUT / RATE_LIMITED. */
  initiateCall(input: {
    dialpadUserId: string;
    phoneE164: string;
    customData: string;
    /** Local presence: the company number the lead sees (outbound_caller_id); absent = the user's default. */
    outboundCallerId?: string;
  }): Promise<InitiatedCall>;
  /** PUT /api/v2/call/{id}/actions/hangup (Dialpad's call actions API; the ending webhook follows).
   *  Throws ApiError DIALPAD_REJECTED / DIALPAD_UNAVAILABLE / UPSTREAM_TIMEOUT / RATE_LIMITED. */
  hangUp(dialpadCallId: string): Promise<void>;
}

/** Verifies and decodes a webhook body (raw JWT or, from n8n, the same JWT or JSON wrapped). Throws ApiError BAD_SIGNATURE. */
export interface DialpadWebhookVerifier {
  verify(rawBody: Buffer, contentType: string | undefined, now: number): Promise<DialpadCallEvent>;
}

// ---------------------------------------------------------------------------------------------- events

/** Ordered, replayable, cross-instance delivery of AgentEvents to one agent's sockets. */
/** Whose events: an agent's email (the bus finds its home), or a session or call of the agent, whose tab
 *  is the agent's home (no lookup: the hot path's publishers). */
export type AgentRef = string | { readonly agentEmail: string; readonly tag: string };

/** A live event as the bus carries it: its seq and time (checked), and the event as the JSON text a
 *  coordinator encoded (JSON.stringify of an AgentEvent, its `type` checked), forwarded to the socket as is:
 *  the client validates every frame (ServerMessageSchema), so the hot path does not re-validate the body. */
export interface LiveAgentEvent {
  seq: number;
  at: number;
  json: string;
  /** The last event of its step (a notice carries one whole step): the next event in order is then the
   *  first of the next step (events/replay.ts), else this seq + 1. */
  stepEnd: boolean;
}

export interface AgentEventBus {
  /** Appends to the agent's stream (assigning the next seq) and notifies every instance. Returns the seq. */
  publish(to: AgentRef, event: AgentEvent, now: number): Promise<number>;
  /** Appends several events at once (one step: at most 63), in order (consecutive seqs), with one notice.
   *  Returns the last seq.
   *  (A transition that makes a step appends its events itself, in its script: includes/eventsAppend.lua.) */
  publishAll(to: AgentRef, events: readonly AgentEvent[], now: number): Promise<number>;
  /** publishAll (`to` naming a session or call: its tab) that also releases that tab's session lock for
   *  its owner, in the same step (eventsAppendUnlock: one script after a disposition's chained dial).
   *  `events` may be empty (only the release). Returns whether the lock was released. `ttlMs`: the lock's
   *  TTL, given back to another holder's token should the release take it (eventsAppendUnlock-2.lua). */
  publishAllUnlocking(
    to: { readonly agentEmail: string; readonly tag: string },
    events: readonly AgentEvent[],
    now: number,
    lock: { sessionId: string; token: string; ttlMs: number },
  ): Promise<boolean>;
  /** Events with seq > afterSeq, in order (bounded retention: `truncated` when some were trimmed or went
   *  to another home); `lastSeq`: where the client is after them (the end of the stream's last step). */
  readSince(
    to: AgentRef,
    afterSeq: number,
  ): Promise<{
    events: { seq: number; at: number; event: AgentEvent }[];
    truncated: boolean;
    lastSeq: number;
  }>;
  /** Live subscription (all instances); returns an unsubscribe function. Live events come as the
   *  publishing coordinator encoded them (LiveAgentEvent), for the socket to forward. */
  subscribe(agentEmail: string, onEvent: (e: LiveAgentEvent) => void): Promise<() => Promise<void>>;
  /** The position of a client that has every event so far: the end of the last step (0: none yet). Every
   *  later event's seq is above it. */
  lastSeq(to: AgentRef): Promise<number>;
  /** A session of the agent starts on tab `tag`: that tab becomes the agent's home, its stream continuing
   *  above every seq the previous home issued (a client holding one resyncs, never drops an event). */
  rehome(agentEmail: string, tag: string, now: number): Promise<void>;
}

// ---------------------------------------------------------------------------------------------- write-behind queue

export interface QueuedPatch {
  /** Queue entry id (monotonic per spreadsheet). */
  id: string;
  patch: SheetPatch;
  enqueuedAt: number;
  attempts: number;
}

/** The durable Sheets write-behind queue (Redis; AOF in production). Entries leave only on ack. */
export interface PatchQueue {
  enqueue(patch: SheetPatch, now: number): Promise<string>;
  /** Spreadsheets that have pending patches. */
  spreadsheetsWithPending(): Promise<string[]>;
  /** Oldest-first pending patches of one spreadsheet, up to `max`. */
  peek(spreadsheetId: string, max: number): Promise<QueuedPatch[]>;
  /** Removes entries Google acknowledged. */
  ack(spreadsheetId: string, ids: string[]): Promise<void>;
  /** Records a failed attempt (for metrics and backoff). */
  markAttempt(spreadsheetId: string, ids: string[], now: number): Promise<void>;
  depth(): Promise<number>;
}

/** One Sheets request budget shared by every coordinator instance (fixed window per minute). */
export interface QuotaBudget {
  /** Takes `n` request tokens if available now; else returns ms to wait. */
  take(
    bucket: 'sheets-read' | 'sheets-write',
    n: number,
    now: number,
  ): Promise<{ ok: true } | { ok: false; retryInMs: number }>;
  used(bucket: 'sheets-read' | 'sheets-write', now: number): Promise<number>;
}

// ---------------------------------------------------------------------------------------------- service

/** What the HTTP and WS layers call. Every method is safe to retry with the same idempotency key upstream. */
export interface DialerService {
  startSession(agent: AgentPrincipal, now: number): Promise<SessionSnapshot>;
  setSessionState(
    agent: AgentPrincipal,
    state: SessionState,
    now: number,
  ): Promise<{ session: SessionView; next: NextStep }>;
  currentSession(agent: AgentPrincipal, now: number): Promise<SessionSnapshot>;
  resync(agent: AgentPrincipal, now: number): Promise<{ leadsTotal: number; changedLeads: number }>;
  next(agent: AgentPrincipal, now: number): Promise<NextStep>;
  dial(agent: AgentPrincipal, previewId: string | undefined, now: number): Promise<NextStep>;
  skip(agent: AgentPrincipal, previewId: string, now: number): Promise<NextStep>;
  dispose(
    agent: AgentPrincipal,
    input: {
      callId: string;
      code: DispositionCode;
      notes?: string | undefined;
      callback?: CallbackRequest | undefined;
    },
    now: number,
    /** The request's Idempotency-Key record, checked and reserved by the disposition's own script
     *  (idempotency/in-script.ts). Absent: no key (a direct call). */
    idem?: InScriptIdempotency,
  ): Promise<DispositionResponse>;
  /** Changes the disposition of the agent's last call within the campaign's window (service/amend.ts). */
  amendDisposition(agent: AgentPrincipal, input: AmendRequest, now: number): Promise<AmendResponse>;
  /** The agent's callbacks (theirs and anyone's on the tab), due first; `enabled`: the tab can hold them. */
  callbacks(agent: AgentPrincipal, now: number): Promise<CallbacksResponse>;
  /** Dials one of the agent's callbacks now (session in PLAY, no call, inside calling hours). */
  dialCallback(agent: AgentPrincipal, rowId: string, now: number): Promise<NextStep>;
  /** Cancels one of the agent's callbacks (overlay + sheet cells cleared in one script). */
  cancelCallback(agent: AgentPrincipal, rowId: string, now: number): Promise<CallbacksResponse>;
  /** Ends the agent's own live call through Dialpad; FORBIDDEN for another agent's call. */
  hangUp(agent: AgentPrincipal, callId: string, now: number): Promise<HangupResponse>;
  stats(agent: AgentPrincipal, now: number): Promise<StatsResponse>;
  /** A verified Dialpad event. `claim()` records its id as handled (the webhook dedupe) and answers whether
   *  this delivery was the first to do so; the service calls it once the event's step is applied, so a
   *  crash before that lets the sender's retry through. Absent: every delivery counts as the first. An
   *  event of one of our calls needs no record (its step, made once with its announcement, is the dedupe):
   *  the service then calls `claim(seen)` only to say whether this delivery's step was already made. */
  onDialpadEvent(
    event: DialpadCallEvent,
    now: number,
    claim?: (seen?: boolean) => Promise<boolean>,
  ): Promise<void>;
  /** Ends calls whose ending webhook never came (called periodically). */
  sweepTimeouts(now: number): Promise<number>;
}

/** Loads campaign rules by name (defaults + overrides from config). */
export type CampaignRulesLoader = (campaignName: string) => CampaignRules;
