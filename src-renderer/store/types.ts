// The shape of the one renderer store: a slice per concern (auth, session, call, preview, stats,
// connection, outbox, ui, updater). Pure reducers (reducers.ts) move it; the controller (app/controller.ts) does I/O.
import type { AgentViewSchema, AuthConfigSchema } from '../../src-shared/contracts/http';
import type { CallbackView } from '../../src-shared/contracts/callbacks';
import type { OutboxEntry, UpdateState } from '../../src-shared/contracts/ipc';
import type {
  CallView,
  LeadPreview,
  NothingToDial,
  PreviewView,
  SessionView,
  StatsView,
} from '../../src-shared/contracts/views';
import type { DispositionCode } from '../../src-shared/domain/disposition';
import type { DispositionOutcome } from '../../src-shared/domain/outcome';
import type { z } from 'zod';
import type { SocketState } from '../api/ticket-socket';

export type AuthConfig = z.infer<typeof AuthConfigSchema>;
export type AgentView = z.infer<typeof AgentViewSchema>;

export interface AuthSlice {
  /** booting: restoring the snapshot and credentials; the screen shows a splash, never a blank page. */
  phase: 'booting' | 'signed-out' | 'signing-in' | 'signed-in';
  config: AuthConfig | null;
  agent: AgentView | null;
  accessToken: string | null;
  accessExpiresAt: number | null;
}

export interface SessionSlice {
  session: SessionView | null;
  /** none: no session yet (or it was stopped); starting: POST /session/start in flight. */
  phase: 'none' | 'starting' | 'active' | 'ended';
  /** Epoch ms of the next start attempt when the coordinator said "come back later" (Retry-After: the
   *  sheet's read quota in a morning start storm). Absent otherwise; any new session view clears it. */
  startWaitUntil?: number;
}

export interface CallSlice {
  call: CallView | null;
  /** Calls disposed from this app (most recent first): a replayed SHOW_DISPO for them never reopens the modal. */
  disposedCallIds: string[];
}

export interface PreviewSlice {
  /** The lead of the current call, or of the pending preview. */
  lead: LeadPreview | null;
  /** A claimed lead waiting for its countdown. */
  pending: PreviewView | null;
  /** Why nothing is dialable right now. */
  nothing: NothingToDial | null;
}

export interface StatsSlice {
  stats: StatsView | null;
}

export interface ConnectionSlice {
  socket: SocketState;
  /** false after a request could not reach the coordinator; true again after the next success. */
  apiReachable: boolean;
  /** Last WebSocket seq processed (resume point). */
  lastSeq: number | null;
  /** Epoch ms of the next reconnect attempt, when waiting. */
  retryAt: number | null;
  /** Consecutive failed connection attempts. */
  attempt: number;
}

export interface OutboxSlice {
  entries: OutboxEntry[];
}

export interface DispoDraft {
  callId: string;
  code: DispositionCode | null;
  notes: string;
  /** The modal is on screen (Esc hides it; the disposition stays due). */
  open: boolean;
  /** The schedule step is showing (key B). */
  scheduling?: boolean;
  /** The callback chosen in it (epoch ms), sent with the disposition. */
  callbackAt?: number | null;
}

/** The agent's callbacks (GET /callbacks): the "Callbacks due" list. */
export interface CallbacksSlice {
  /** The tab has the CallbackAt / CallbackAgent columns (the modal offers to schedule). */
  enabled: boolean;
  list: CallbackView[];
}

export type UiErrorCode = string;
export interface UiError {
  code: UiErrorCode;
  title: string;
  action: string;
  /** The server's own message, shown small (never a stack). */
  detail: string | null;
  at: number;
}

/** The one-line receipt after a disposition: "Aisha Chen → Correct person, 2 numbers skipped". */
export interface DispoReceipt {
  callId: string;
  leadName: string;
  label: string;
  /** Open sibling numbers the disposition skips (a LEAD_DONE effect). */
  skipped: number;
  /** The code recorded (absent in receipts saved before the Change control existed: not changeable). */
  code?: DispositionCode;
  /** Epoch ms (this computer's clock) until which "Change" is offered; the coordinator decides for good. */
  amendableUntil?: number;
  /** After a change: the label it replaced, and whether the coordinator has confirmed it yet. */
  changedFrom?: string;
  changing?: boolean;
  /** While a change is on its way: the code and label the coordinator holds (restored if it refuses). */
  saved?: { code: DispositionCode; label: string; skipped: number; outcome?: DispositionOutcome };
  /** The coordinator's account of the lead after a change: what happens next. */
  outcome?: DispositionOutcome;
}

/** The "Change the last disposition" dialog (C on the receipt): the pick for the receipt's call. */
export interface AmendDraft {
  callId: string;
  code: DispositionCode | null;
  open: boolean;
}

/** Notes typed on the lead card during a call: they become the disposition's notes (sent with it). */
export interface CallNotes {
  callId: string;
  text: string;
}

export interface UiSlice {
  dispo: DispoDraft | null;
  callNotes: CallNotes | null;
  receipt: DispoReceipt | null;
  /** The change dialog; shown only while its call is still the receipt's and no disposition modal is up. */
  amend?: AmendDraft | null;
  error: UiError | null;
  /** A short notice (e.g. "Disposition saved offline, will be sent"). */
  notice: string | null;
  /** Name of the user intent in flight (disables its button). */
  busy: string | null;
}

/** The desktop updater as the main process reports it (`updater:state`); the web bridge never reports. */
export interface UpdaterSlice {
  /** The last state pushed by the main process; null until one arrives (always null on the web). */
  state: UpdateState | null;
  /** asking: 'updater:install' in flight; accepted: the main process is restarting the app. */
  install: 'none' | 'asking' | 'accepted';
  /** Why the main process (or the bridge) refused the last install request, shown beside the button. */
  refusal: string | null;
}

export interface StoreState {
  auth: AuthSlice;
  session: SessionSlice;
  call: CallSlice;
  preview: PreviewSlice;
  stats: StatsSlice;
  connection: ConnectionSlice;
  outbox: OutboxSlice;
  ui: UiSlice;
  updater: UpdaterSlice;
  callbacks: CallbacksSlice;
}
