// The dialer state Store: records and the transitions the DialerService performs on them, implemented once
// by RedisStore (Lua scripts, multi-instance, AOF-durable; contract suite in server/test/store). Pure decisions (which lead, what a
// disposition writes) are computed by the caller with src-shared; the Store only checks preconditions
// (lock owner, lead version, claim, call state) and writes the result atomically.
import type { AgentEvent } from '../../../src-shared/contracts/ws.js';
import type { CallProgress } from '../../../src-shared/domain/call-step.js';
import type { DispositionCode } from '../../../src-shared/domain/disposition.js';
import type { LeadCallback } from '../../../src-shared/domain/lead.js';
import type { CallState, SessionState } from '../../../src-shared/domain/session.js';
import type { PreDisposition } from '../../../src-shared/domain/outcome.js';
import type { SheetPatch } from '../../../src-shared/domain/sheet-patch.js';
import type { PhoneStatus, SkipReason } from '../../../src-shared/domain/status.js';
import type { ScriptFailure } from '../redis/script-errors.js';
import type { ScriptIdemArgs } from '../idempotency/in-script.js';

/** A claimed lead waiting for its preview countdown (or the agent's dial/skip). */
export interface PendingPreview {
  previewId: string;
  rowId: string;
  numberIndex: number;
  claimedAt: number;
  dialAt: number;
}

export interface SessionRecord {
  id: string;
  agentEmail: string;
  /** Tab hash tag ({t:spreadsheet:sheet}): every key of the session's tab lives in its slot. */
  tag: string;
  spreadsheetId: string;
  sheetId: number;
  tabTitle: string;
  campaignName: string;
  dialpadUserId: string;
  state: SessionState;
  version: number;
  startedAt: number;
  endedAt: number | null;
  /** The session's call that is not yet disposed (live or ENDED awaiting the modal). */
  callId: string | null;
  preview: PendingPreview | null;
  /** The last call the session disposed with a lead write (callDispose keeps it, callAmend updates its
   *  code): what a change of the last disposition needs to be offered again after a reload. */
  lastDisposed?: LastDisposed | null;
}

export interface LastDisposed {
  callId: string;
  code: DispositionCode;
  disposedAt: number;
  rowId: string;
  /** The lead version the disposition (or the last change) wrote. */
  leadVersion: number;
  /** The lead's state just before the disposition (PreDisposition JSON, `lastPre`): parsed only by the
   *  session view, for the receipt's skipped numbers. */
  pre: string;
}

export type NewSession = Omit<
  SessionRecord,
  'state' | 'version' | 'endedAt' | 'callId' | 'preview' | 'lastDisposed'
>;

/** The dialer-owned part of one number slot. */
export interface OwnedSlot {
  status: PhoneStatus;
  skipReason: SkipReason | null;
  retryAt: number | null;
}

/** The dialer-owned fields of a lead (the cells the coordinator writes, plus retry timing and skip reasons
 *  that live only here). Merged over the sheet's row by the service (service/merge.ts). */
export interface LeadOwnedState {
  slots: OwnedSlot[];
  notes: string;
  lastOutcome: string;
  attemptCount: number;
  nextIndex: number;
  /** A scheduled callback (docs/domain.md "Callbacks"); absent in overlays written before callbacks. */
  callback?: LeadCallback | null | undefined;
}

export interface LeadOverlay {
  rowId: string;
  /** Bumped by every write: the compare-and-set token of every lead transition. 0 = no overlay yet. */
  version: number;
  state: LeadOwnedState;
  updatedAt: number;
  /** The lead's claim as read with the overlay (the same hash), live or not: null when it has none. */
  claim: LeadClaim | null;
}

/** A lead's claim: a lease of `owner` (a session id) until `expiresAt` (epoch ms, exclusive). */
export interface LeadClaim {
  owner: string;
  expiresAt: number;
}

/** One call's record: its identity and dial, plus what webhooks change (CallProgress, src-shared). */
export interface CallRecord extends CallProgress {
  callId: string;
  sessionId: string;
  agentEmail: string;
  tag: string;
  rowId: string;
  numberIndex: number;
  phoneE164: string;
  startedAt: number;
  disposition: DispositionCode | null;
  disposedAt: number | null;
  /** Local presence: the caller ID the call went out with (null/absent = the Dialpad user's default). */
  callerId?: string | null;
}

export interface StatsCounters {
  initiated: number;
  completed: number;
  connects: number;
  talkMs: number;
  skips: number;
  successes: number;
  byCode: Record<DispositionCode, number>;
  /** First dial (agent stats) or session start (session stats), for dials per hour. */
  since: number | null;
}

/** How long a finished call (DISPOSED or DIAL_FAILED, with its locator) and a stopped session (with its
 *  stats) are kept: long enough for late webhooks, retried dispositions and support questions; then they
 *  expire so Redis does not grow without bound. */
export const RETAIN_FINISHED_MS = 7 * 24 * 3600_000;

export type Outcome<T = Record<never, never>> = ({ ok: true } & T) | { ok: false; failure: ScriptFailure };

/** Message published on keys.leadChangesChannel() whenever a lead's state or claim changes: listeners
 *  re-read the lead (overlay + claim) rather than trusting the message, so a lost or reordered notice only
 *  delays a refresh; the claim's version check is what keeps a stale index from dialing. */
export interface LeadChange {
  tag: string;
  rowId: string;
}

export interface LeadWrite {
  rowId: string;
  expectedVersion: number;
  state: LeadOwnedState;
  /** Sheet cells the change writes: enqueued in the write-behind queue in the same atomic step. */
  patch: SheetPatch | null;
}

export interface ClaimPreviewInput {
  tag: string;
  sessionId: string;
  lockToken: string;
  rowId: string;
  expectedVersion: number;
  phoneE164: string;
  preview: PendingPreview;
  leaseMs: number;
  now: number;
}

export interface ClaimAndDialInput {
  tag: string;
  sessionId: string;
  lockToken: string;
  /** Dialing the session's pending preview (its claim is already ours) or null for pick-and-dial. */
  previewId: string | null;
  lead: LeadWrite;
  call: CallRecord;
  leaseMs: number;
  now: number;
}

export interface RevertDialInput {
  tag: string;
  sessionId: string;
  /** The call's agent (its `initiated` in this tab goes back down). */
  agentEmail: string;
  callId: string;
  lead: LeadWrite;
  now: number;
}

export interface AdvanceCallInput {
  tag: string;
  callId: string;
  state: CallState;
  /** Fields set together with the state (only when the state moves forward). */
  fields: Partial<Pick<CallRecord, 'ringingAt' | 'connectedAt' | 'endedAt' | 'endReason' | 'dialpadCallId'>>;
  /** On ENDED: the suggested disposition, chosen by whether the call was ever connected. */
  suggest?: { connected: DispositionCode | null; notConnected: DispositionCode | null };
  /** On reaching CONNECTED the call's deadline (`timeoutAt`) moves to connectedAt + this, so a long
   *  conversation is not swept as timed out. Absent: the deadline stays. */
  connectedTimeoutMs?: number;
  /** The timeout sweeper asks (the call's deadline in the timeouts ZSET is due): a call that already ended
   *  leaves the ZSET, a connected call whose deadline moved is re-filed under it; else it ends. */
  sweep?: boolean;
  /** Only a call still DIALING moves (the confirmation deadline of a dial whose answer was lost). */
  unconfirmedOnly?: boolean;
  now: number;
  /** The call as the caller last saw it (its memory): the step is decided on it without a read, and the
   *  script writes only if the call still is that (else it is decided again on what the script answers). */
  known?: CallRecord | null;
  /** The step's events, built from the call after it: appended to the agent's home stream (the call's
   *  tab) by the same script, so the step and its announcement commit together. */
  announce?: (next: CallRecord) => Promise<readonly AgentEvent[]>;
}

/** What a committed disposition answers: the lead's new version, the DISPOSED call, the session's state
 *  (chain or not), its counters with this call counted (connect, talk time, outcome: the whole call at
 *  once), and the whole session as the script left it (null if gone): what comes next needs no read. */
export interface DisposeResult {
  version: number;
  call: CallRecord;
  sessionState: SessionState | null;
  stats: StatsCounters;
  session: SessionRecord | null;
  /** The session lock was taken with `chainLock.token`: the chained dial holds it already. */
  chainLocked: boolean;
  /** The chained dial (`next`) in the same step: its lead's new version, or why it was refused (nothing
   *  of it written: the caller chains the slow way), or null (not asked, or the lock was not taken). */
  chained: Outcome<{ version: number }> | null;
  /** The script appended `tell`'s events (the list for whether the chained dial was made) with the
   *  lead-change notice in their notice: the agent is told; false: the caller tells it. */
  told: boolean;
  /** The script stored `idem.answer` as the key's final answer (the chained dial was made). */
  idemStored: boolean;
}

/** callDispose found the Idempotency-Key's record held by another request (or done): its JSON. */
export interface IdemHeldOutcome {
  ok: false;
  failure: 'IDEM_HELD';
  record: string;
}

/** The chained dial a disposition runs in its own step (callDispose.lua, includes/dial.lua): the lead the
 *  caller picked from its index with the disposition applied, marked IN_PROGRESS, and its new call. Runs
 *  only when the session is in PLAY and the script took `chainLock`. */
export interface ChainedDial {
  lead: LeadWrite;
  call: CallRecord;
  leaseMs: number;
}

export interface DisposeInput {
  tag: string;
  callId: string;
  sessionId: string;
  code: DispositionCode;
  success: boolean;
  lead: LeadWrite;
  /** Number added to the do-not-call set in the same step (DO_NOT_CALL), else null. */
  doNotCall: string | null;
  /** The lead's state before the disposition (PreDisposition JSON), kept on the session (its last disposed
   *  call) so the agent can change the disposition (service/amend.ts); absent when the lead was not written. */
  preDisposition?: string | null;
  /** When the session is in PLAY, take its lock with this owner token for the chained dial (if free). */
  chainLock?: { token: string; ttlMs: number };
  /** With `chainLock`: the next lead's dial, in the same step. */
  next?: ChainedDial | null;
  /** The request's Idempotency-Key record (keys.idemIn, this tab's slot): checked first (held by another
   *  request: the script answers its JSON and changes nothing), reserved by a committed step, and completed
   *  with `answer` when the chained dial is made (the answer is then known in the script). */
  idem?: (ScriptIdemArgs & { answer: string | null }) | null;
  /** The call's agent (its counters in this tab count the call). */
  agentEmail: string;
  /** The agent's events of this step, told by the script itself (callDispose.lua) when what they were
   *  built on is what it reads; absent or refused: the caller tells them. */
  tell?: DisposeTelling | null;
  now: number;
}

/** What a disposition's script tells the agent (the call's tab is the agent's home): built by the caller
 *  from the call as it last saw it and the session's counters as the call's dial left them, appended only
 *  if the script reads exactly those (else nothing is appended and `DisposeResult.told` is false). */
export interface DisposeTelling {
  /** The call before this step (its progress fields are compared). */
  call: CallProgress;
  /** The session's counters before this step. */
  counters: StatsCounters;
  /** Told when the chained dial is made: the disposition's CALL_STATE, the next call's, STATS. */
  ifDialed: readonly AgentEvent[];
  /** Told otherwise: the disposition's CALL_STATE, STATS. */
  otherwise: readonly AgentEvent[];
}

/** Drops the session's pending preview (its claim lapsed, or its lead is no longer dialable) without
 *  touching the lead; the claim is released only if it is still exactly this preview's. */
export interface DropPreviewInput {
  tag: string;
  sessionId: string;
  lockToken: string;
  previewId: string;
  rowId: string;
  now: number;
}

export interface ManualSkipInput {
  tag: string;
  sessionId: string;
  /** The session's agent (its counters in this tab count the skip). */
  agentEmail: string;
  lockToken: string;
  previewId: string;
  lead: LeadWrite;
  now: number;
}

/** What a change of a call's disposition starts from (store/amend-transition.ts): the call's code and
 *  time, and what callDispose kept on the session for its last disposed call (one per session: memory stays
 *  bounded, and only the last call can be changed). */
export interface AmendBase {
  /** The code the call carries now. */
  code: DispositionCode;
  disposedAt: number;
  /** Changes made so far. */
  amends: number;
  /** The lead's owned state before the disposition (notes aside) with the lead version the
   *  disposition (or the last change) wrote; or why there is none: the session disposed a later call, or
   *  the disposition wrote no lead (the row had left the sheet, a person had re-marked the number). */
  kept: { pre: PreDisposition; leadVersion: number } | 'NOT_LAST_CALL' | 'NOT_WRITTEN';
}

/** callAmend.lua's input: the lead as the right code makes it, over the kept state. */
export interface AmendInput {
  tag: string;
  callId: string;
  sessionId: string;
  agentEmail: string;
  rowId: string;
  phoneE164: string;
  /** AmendBase.kept.leadVersion as read (a change or write since makes the script refuse). */
  expectedLeadVersion: number;
  from: DispositionCode;
  to: DispositionCode;
  state: LeadOwnedState;
  patch: SheetPatch | null;
  successDelta: number;
  doNotCall: 'ADD' | 'REMOVE' | null;
  /** How long after the disposition a change is accepted. */
  windowMs: number;
  now: number;
}

export interface Store {
  // ---- sessions
  /** Creates the agent's session unless one is active (then returns it, created: false). */
  createSession(input: NewSession, now: number): Promise<{ created: boolean; session: SessionRecord }>;
  activeSessionOf(agentEmail: string): Promise<SessionRecord | null>;
  getSession(tag: string, sessionId: string): Promise<SessionRecord | null>;
  /** PLAY/PAUSE (STOP goes through endSession). `allowedFrom` comes from SESSION_TRANSITIONS. */
  setSessionState(
    tag: string,
    sessionId: string,
    to: SessionState,
    allowedFrom: readonly SessionState[],
    now: number,
  ): Promise<Outcome<{ session: SessionRecord }>>;
  /** STOP: releases the preview claim and the agent pointer. A live call keeps its claim until disposed. */
  endSession(
    tag: string,
    sessionId: string,
    allowedFrom: readonly SessionState[],
    now: number,
  ): Promise<Outcome<{ session: SessionRecord }>>;

  // ---- per-session lock
  acquireLock(tag: string, sessionId: string, token: string, ttlMs: number): Promise<boolean>;
  renewLock(tag: string, sessionId: string, token: string, ttlMs: number): Promise<boolean>;
  releaseLock(tag: string, sessionId: string, token: string): Promise<boolean>;

  // ---- leads
  getLead(tag: string, rowId: string): Promise<LeadOverlay | null>;
  /** Every overlay of the tab (a full read: grows with the overlays written through the day). */
  getLeads(tag: string): Promise<LeadOverlay[]>;
  /** The overlays last written after `since` (epoch ms, exclusive, by the writing instance's clock: the
   *  index's score); an overlay whose index entry predates write-time scores (score 1) counts as old.
   *  `skip(rowId, writtenAt)`: a row for which it answers true is not read (the caller knows its overlay). */
  getLeadsWrittenSince(
    tag: string,
    since: number,
    skip?: (rowId: string, writtenAt: number) => boolean,
  ): Promise<LeadOverlay[]>;
  /** The overlays of the given rows that exist. */
  getLeadsOf(tag: string, rowIds: readonly string[]): Promise<LeadOverlay[]>;
  /** Current claim holder (session id) of each given row whose claim is live at `now` (a claim is a lease:
   *  one whose time ran out is no claim). */
  claimsOf(tag: string, rowIds: readonly string[], now: number): Promise<Map<string, string>>;
  /** Compare-and-set of a lead's owned state (e.g. a do-not-call skip found at dial time). */
  writeLead(tag: string, write: LeadWrite, now: number): Promise<Outcome<{ version: number }>>;
  /** Owned cells with unflushed writes: the 0-based columns of each row's patches still in the tab's
   *  write-behind queue (entries leave the queue only when Google acknowledged them). */
  unflushedCells(tag: string): Promise<Map<string, Set<number>>>;
  onLeadChange(listener: (change: LeadChange) => void): Promise<() => Promise<void>>;

  // ---- transitions
  claimPreview(input: ClaimPreviewInput): Promise<Outcome<{ version: number }>>;
  /** Also answers the session's stats counters after this dial (the live STATS needs no read). */
  claimAndDial(input: ClaimAndDialInput): Promise<Outcome<{ version: number; stats: StatsCounters }>>;
  revertDial(input: RevertDialInput): Promise<Outcome<{ version: number }>>;
  /** Moves a call forward (never backwards). advanced=false when the state is not ahead of the current. */
  advanceCall(input: AdvanceCallInput): Promise<Outcome<{ advanced: boolean; call: CallRecord }>>;
  dispose(input: DisposeInput): Promise<Outcome<DisposeResult> | IdemHeldOutcome>;
  manualSkip(input: ManualSkipInput): Promise<Outcome<{ version: number }>>;
  /** What a change of a call's disposition needs (null: the call is missing or not disposed). */
  amendBase(tag: string, sessionId: string, callId: string): Promise<AmendBase | null>;
  /** callAmend.lua: re-writes the lead, the call's code, counters, do-not-call and the sheet patch. */
  amendDisposition(input: AmendInput): Promise<Outcome<{ version: number; amends: number }>>;
  /** dropped=false when that preview is not the pending one any more (nothing changed). */
  dropPreview(input: DropPreviewInput): Promise<Outcome<{ dropped: boolean }>>;

  // ---- calls
  locateCall(callId: string): Promise<string | null>;
  /** The session that claimed a preview (while its lease lasts), or null. */
  locatePreview(previewId: string): Promise<{ tag: string; sessionId: string } | null>;
  getCall(tag: string, callId: string): Promise<CallRecord | null>;
  /** Live calls whose timeout deadline passed (their ids: the timeouts ZSET's members are sessions). */
  dueCalls(tag: string, now: number, limit: number): Promise<string[]>;

  // ---- stats and bookkeeping
  sessionStats(tag: string, sessionId: string): Promise<StatsCounters>;
  /** The agent's lifetime counters: the sum of its counters on every tab it had sessions on (and of the
   *  counters kept before they moved to the tabs). `alsoTags`: tabs to count even if not registered yet
   *  (the caller's session: registered at its start). */
  agentStats(agentEmail: string, alsoTags?: readonly string[]): Promise<StatsCounters>;
  /** Tabs that have (or had) sessions: the timeout sweeper walks these. */
  activeTabs(): Promise<string[]>;
  close(): Promise<void>;
}
