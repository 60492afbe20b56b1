// One agent's live row on the supervisor console, folded from the events the coordinator already publishes
// to the agent (SESSION_STATE, CALL_STATE, SHOW_DISPO, DIAL_FAILED, STATS, SUPERVISOR_ACTION): pure, time
// passed in.
//
//   no session / STOP ─▶ NOT_STARTED     session PLAY, no call ─▶ PLAYING     session PAUSE, no call ─▶ PAUSED
//   call DIALING ─▶ DIALING   RINGING ─▶ RINGING   CONNECTED ─▶ IN_CALL   ENDED ─▶ WRAP_UP   DISPOSED ─▶ (no call)
//   DIAL_FAILED of the call shown (Dialpad refused a call already told DIALING) ─▶ (no call, no wrap-up)
//
// A new session id resets the figures (they are the current session's). The dispositions a STATS event adds
// over the previous one are returned, so the caller can count them per hour without any other event.
import type {
  AgentLiveState,
  DispositionCounts,
  SupervisorActionNotice,
  SupervisorAgentRow,
} from '../contracts/supervisor.js';
import { emptyDispositionCounts } from '../contracts/supervisor.js';
import { DISPOSITION_CODES } from './disposition.js';
import { CALL_STATE_RANK, type CallState, type SessionState } from './session.js';

/** The parts of the agent events the console needs (what the server's lean parser keeps). */
export type LiveEvent =
  | {
      type: 'SESSION_STATE';
      session: { id: string; campaignName: string; tabTitle: string; state: SessionState; startedAt: number };
    }
  | {
      type: 'CALL_STATE' | 'SHOW_DISPO';
      call: { callId: string; sessionId: string; state: CallState; endedAt: number | null };
    }
  | {
      type: 'STATS';
      stats: {
        callsInitiated: number;
        callsCompleted: number;
        connects: number;
        dispositions: DispositionCounts;
        talkTimeSeconds: number;
      };
    }
  | { type: 'DIAL_FAILED'; callId: string }
  | { type: 'SUPERVISOR_ACTION'; notice: SupervisorActionNotice };

export interface AgentLive {
  email: string;
  campaignName: string;
  tabTitle: string | null;
  sessionId: string | null;
  sessionStartedAt: number | null;
  /** null: no session known. */
  sessionState: SessionState | null;
  call: { callId: string; state: CallState } | null;
  state: AgentLiveState;
  since: number;
  calls: number;
  connects: number;
  completed: number;
  dispositions: DispositionCounts;
  talkMs: number;
  /** Closed wrap-ups of the session, summed. */
  wrapUpMs: number;
  /** Start of the open wrap-up (call ended, not disposed), else null. */
  wrapUpFrom: number | null;
  lastActivityAt: number | null;
  lastAction: SupervisorActionNotice | null;
}

/** Dials per hour are shown once the session has run this long and placed this many calls. */
export const DIALS_PER_HOUR_MIN_MS = 5 * 60_000;
export const DIALS_PER_HOUR_MIN_CALLS = 3;

export function newAgentLive(email: string, campaignName: string, now: number): AgentLive {
  return {
    email,
    campaignName,
    tabTitle: null,
    sessionId: null,
    sessionStartedAt: null,
    sessionState: null,
    call: null,
    state: 'NOT_STARTED',
    since: now,
    calls: 0,
    connects: 0,
    completed: 0,
    dispositions: emptyDispositionCounts(),
    talkMs: 0,
    wrapUpMs: 0,
    wrapUpFrom: null,
    lastActivityAt: null,
    lastAction: null,
  };
}

/** The state a team lead sees, from the session state and the open call. */
export function liveStateOf(sessionState: SessionState | null, call: AgentLive['call']): AgentLiveState {
  if (sessionState === null) return 'NOT_STARTED';
  if (call) {
    switch (call.state) {
      case 'DIALING':
        return 'DIALING';
      case 'RINGING':
        return 'RINGING';
      case 'CONNECTED':
        return 'IN_CALL';
      case 'ENDED':
        return 'WRAP_UP';
      case 'DISPOSED':
        break;
    }
  }
  if (sessionState === 'STOP') return 'NOT_STARTED';
  return sessionState === 'PLAY' ? 'PLAYING' : 'PAUSED';
}

function resetForSession(a: AgentLive, sessionId: string, startedAt: number): AgentLive {
  const fresh = newAgentLive(a.email, a.campaignName, a.since);
  return {
    ...fresh,
    state: a.state,
    since: a.since,
    sessionId,
    sessionStartedAt: startedAt,
    lastActivityAt: a.lastActivityAt,
    lastAction: a.lastAction,
  };
}

/** Folds one event in at `at`. Returns the new row and the dispositions this event added (STATS only). */
export function applyLiveEvent(
  prev: AgentLive,
  e: LiveEvent,
  at: number,
): { live: AgentLive; added: DispositionCounts | null } {
  let a = prev;
  let added: DispositionCounts | null = null;
  switch (e.type) {
    case 'SESSION_STATE': {
      const s = e.session;
      if (a.sessionId !== s.id) a = resetForSession(a, s.id, s.startedAt);
      a = {
        ...a,
        campaignName: s.campaignName,
        tabTitle: s.tabTitle,
        sessionState: s.state,
        lastActivityAt: at,
      };
      break;
    }
    case 'CALL_STATE':
    case 'SHOW_DISPO': {
      const c = e.call;
      if (a.sessionId !== null && c.sessionId !== a.sessionId) {
        // A call of a session we have not seen start (this instance came up mid-session).
        a = { ...resetForSession(a, c.sessionId, at), sessionState: a.sessionState ?? 'PLAY' };
      }
      if (a.sessionState === null) a = { ...a, sessionId: c.sessionId, sessionState: 'PLAY' };
      const same = a.call?.callId === c.callId;
      if (same && a.call && CALL_STATE_RANK[c.state] < CALL_STATE_RANK[a.call.state]) break;
      if (c.state === 'DISPOSED') {
        const wrap = a.wrapUpFrom === null ? 0 : Math.max(0, at - a.wrapUpFrom);
        a = { ...a, call: null, wrapUpMs: a.wrapUpMs + wrap, wrapUpFrom: null, lastActivityAt: at };
        break;
      }
      a = { ...a, call: { callId: c.callId, state: c.state } };
      if (c.state === 'DIALING' && !same) a = { ...a, lastActivityAt: at };
      if (c.state === 'ENDED' && a.wrapUpFrom === null) a = { ...a, wrapUpFrom: c.endedAt ?? at };
      break;
    }
    case 'DIAL_FAILED':
      // A disposition's chained dial is told DIALING with the disposition, before Dialpad answers: a
      // refusal ends that call (undone, never rang), with nothing to wrap up.
      if (a.call?.callId === e.callId) a = { ...a, call: null, lastActivityAt: at };
      break;
    case 'STATS': {
      const s = e.stats;
      added = emptyDispositionCounts();
      let any = false;
      for (const code of DISPOSITION_CODES) {
        const d = (s.dispositions[code] ?? 0) - (a.dispositions[code] ?? 0);
        if (d > 0) {
          added[code] = d;
          any = true;
        }
      }
      if (!any) added = null;
      a = {
        ...a,
        calls: s.callsInitiated,
        connects: s.connects,
        completed: s.callsCompleted,
        dispositions: { ...s.dispositions },
        talkMs: Math.round(s.talkTimeSeconds * 1000),
      };
      break;
    }
    case 'SUPERVISOR_ACTION':
      a = { ...a, lastAction: e.notice };
      break;
  }
  const state = liveStateOf(a.sessionState, a.call);
  if (state !== a.state) a = { ...a, state, since: at };
  return { live: a, added };
}

/** The row as the console shows it at `now`. */
export function agentRow(a: AgentLive, now: number): SupervisorAgentRow {
  const ran = a.sessionStartedAt === null ? 0 : now - a.sessionStartedAt;
  const meaningful = ran >= DIALS_PER_HOUR_MIN_MS && a.calls >= DIALS_PER_HOUR_MIN_CALLS;
  return {
    email: a.email,
    campaignName: a.campaignName,
    tabTitle: a.tabTitle,
    sessionId: a.sessionId,
    sessionStartedAt: a.sessionStartedAt,
    state: a.state,
    since: a.since,
    calls: a.calls,
    connects: a.connects,
    completed: a.completed,
    contactRate: a.calls > 0 ? Math.min(1, a.connects / a.calls) : null,
    dispositions: a.dispositions,
    dialsPerHour: meaningful ? Math.round((a.calls / (ran / 3_600_000)) * 10) / 10 : null,
    talkMs: a.talkMs,
    wrapUpMs: a.wrapUpMs + (a.wrapUpFrom === null ? 0 : Math.max(0, now - a.wrapUpFrom)),
    lastActivityAt: a.lastActivityAt,
    lastAction: a.lastAction,
  };
}
