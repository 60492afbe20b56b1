// The supervisor console's store: its own Zustand store (the agent's dialer store is never built on this
// page). Slices: sign-in, the live view (the coordinator's snapshot with its diffs applied), the socket,
// the supervisor's own settings (stuck thresholds, filter), the action being confirmed and its outcome.
// It changes only through the pure reducers in reducers.ts.
import { createStore, type StoreApi } from 'zustand/vanilla';
import {
  DEFAULT_STUCK_THRESHOLDS_MS,
  type SupervisorActionKind,
  type SupervisorAuthConfig,
  type SupervisorSnapshot,
  type SupervisorView,
} from '../../../src-shared/contracts/supervisor';
import type { SocketState } from '../../api/ticket-socket';

export interface StuckThresholds {
  /** In wrap-up longer than this (ms) = stuck. */
  WRAP_UP: number;
  /** Paused longer than this (ms) = stuck. */
  PAUSED: number;
}

export interface PendingAction {
  action: SupervisorActionKind;
  agentEmail: string;
  /** The request is on its way (the dialog's buttons are disabled). */
  sending: boolean;
}

export interface ActionOutcome {
  action: SupervisorActionKind;
  agentEmail: string;
  ok: boolean;
  /** Plain words: "Paused ana@… at 10:31", or why it failed. */
  text: string;
}

export interface ConsoleState {
  auth: {
    /** forbidden: signed in, but the coordinator says this account is not a supervisor (403). */
    phase: 'booting' | 'signed-out' | 'signing-in' | 'signed-in' | 'forbidden';
    config: SupervisorAuthConfig | null;
    supervisor: SupervisorView | null;
    accessToken: string | null;
    accessExpiresAt: number | null;
  };
  live: {
    view: SupervisorSnapshot | null;
    /** Stream and last seq applied (resume point of the socket). */
    stream: string | null;
    seq: number | null;
    /** serverNow − Date.now() at the last message: times in state are computed on the server's clock. */
    clockOffsetMs: number;
  };
  socket: { phase: SocketState; retryAt: number | null };
  settings: { thresholds: StuckThresholds; filter: string; stuckOnly: boolean };
  confirm: PendingAction | null;
  outcome: ActionOutcome | null;
  /** A failure in plain words (sign-in refused, coordinator unreachable). */
  error: { title: string; detail: string | null } | null;
}

export type ConsoleStore = StoreApi<ConsoleState>;

export function initialConsoleState(
  thresholds: StuckThresholds = { ...DEFAULT_STUCK_THRESHOLDS_MS },
): ConsoleState {
  return {
    auth: { phase: 'booting', config: null, supervisor: null, accessToken: null, accessExpiresAt: null },
    live: { view: null, stream: null, seq: null, clockOffsetMs: 0 },
    socket: { phase: 'idle', retryAt: null },
    settings: { thresholds, filter: '', stuckOnly: false },
    confirm: null,
    outcome: null,
    error: null,
  };
}

export function createConsoleStore(init: ConsoleState = initialConsoleState()): ConsoleStore {
  return createStore<ConsoleState>()(() => init);
}

/** Applies a pure reducer (no notification when nothing changed). */
export function updateConsole(store: ConsoleStore, reducer: (s: ConsoleState) => ConsoleState): void {
  const prev = store.getState();
  const next = reducer(prev);
  if (next !== prev) store.setState(next, true);
}
