// Pure state transitions of the renderer store: (state, input) → state. Everything the server says (HTTP
// answers, WebSocket events, snapshots) and everything the agent does goes through one of these, so the
// rules (stale versions dropped, a disposed call never reopens the modal, ...) are tested in one place.
import type { CallbackView } from '../../src-shared/contracts/callbacks';
import type { SessionSnapshot } from '../../src-shared/contracts/http';
import type { AppSnapshot, OutboxEntry } from '../../src-shared/contracts/ipc';
import type {
  CallView,
  LeadPreview,
  NextStep,
  SessionView,
  StatsView,
} from '../../src-shared/contracts/views';
import type { AgentEvent } from '../../src-shared/contracts/ws';
import type { DispositionCode } from '../../src-shared/domain/disposition';
import { CALL_STATE_RANK } from '../../src-shared/domain/session';
import { describeError } from '../api/error-text';
import type { DispoDraft, DispoReceipt, StoreState, UiError } from './types';
import { receiptFromSession } from './receipt';

const MAX_DISPOSED_REMEMBERED = 50;
/** The disposition body's notes limit (DispositionRequestSchema). */
const NOTES_MAX = 2000;

export function initialState(): StoreState {
  return {
    auth: { phase: 'booting', config: null, agent: null, accessToken: null, accessExpiresAt: null },
    session: { session: null, phase: 'none' },
    call: { call: null, disposedCallIds: [] },
    preview: { lead: null, pending: null, nothing: null },
    stats: { stats: null },
    connection: { socket: 'idle', apiReachable: true, lastSeq: null, retryAt: null, attempt: 0 },
    outbox: { entries: [] },
    ui: { dispo: null, callNotes: null, receipt: null, error: null, notice: null, busy: null },
    updater: { state: null, install: 'none', refusal: null },
    callbacks: { enabled: false, list: [] },
  };
}

/** True when a disposition for this call is already chosen (sent, or waiting in the outbox). */
export function isCallDisposed(s: StoreState, callId: string): boolean {
  if (s.call.disposedCallIds.includes(callId)) return true;
  return s.outbox.entries.some((e) => e.route === 'disposition' && e.body.callId === callId);
}

/** Opens (or re-shows) the modal for an ended call, keeping what the agent already picked and typed. */
export function openDispo(s: StoreState, call: CallView): StoreState {
  if (isCallDisposed(s, call.callId)) return s;
  const prev = s.ui.dispo?.callId === call.callId ? s.ui.dispo : null;
  const typed = s.ui.callNotes?.callId === call.callId ? s.ui.callNotes.text : '';
  const dispo: DispoDraft = {
    callId: call.callId,
    code: prev?.code ?? call.suggestedDisposition,
    notes: prev?.notes ?? typed,
    open: true,
  };
  return { ...s, ui: { ...s.ui, dispo } };
}

function acceptSession(s: StoreState, session: SessionView): StoreState {
  const cur = s.session.session;
  // Versions only grow for one session id: an older version is a stale message, dropped.
  if (cur && cur.id === session.id && session.version < cur.version) return s;
  const phase = session.state === 'STOP' ? 'ended' : 'active';
  return { ...s, session: { session, phase } };
}

/** A call update: never moves a known call backwards (webhooks and replays may arrive out of order). */
function acceptCall(s: StoreState, call: CallView): StoreState {
  const cur = s.call.call;
  if (cur && cur.callId === call.callId && CALL_STATE_RANK[call.state] < CALL_STATE_RANK[cur.state]) return s;
  if (cur && cur.callId !== call.callId && call.startedAt < cur.startedAt) return s;
  if (call.state === 'DISPOSED' || isCallDisposed(s, call.callId)) {
    // A disposed call is over for the screen; keep the lead card until the next step replaces it.
    return cur?.callId === call.callId ? { ...s, call: { ...s.call, call: null } } : s;
  }
  return { ...s, call: { ...s.call, call } };
}

/** The server's whole view (GET /session/current, POST /session/start, or the local snapshot). */
export function applySnapshot(s: StoreState, snap: SessionSnapshot): StoreState {
  let next: StoreState = {
    ...s,
    session: { session: snap.session, phase: snap.session.state === 'STOP' ? 'ended' : 'active' },
    call: { ...s.call, call: null },
    preview: { lead: snap.preview, pending: snap.pendingPreview, nothing: null },
    stats: { stats: snap.stats },
    connection: { ...s.connection, lastSeq: snap.wsSeq },
  };
  if (snap.call) next = acceptCall(next, snap.call);
  // After a reload or a restart the receipt (and its Change control) comes back from the server's view;
  // a receipt already on screen is the richer one and stays.
  if (!next.ui.receipt) {
    const receipt = receiptFromSession(snap.session);
    if (receipt) next = { ...next, ui: { ...next.ui, receipt } };
  }
  const call = next.call.call;
  if (call && call.state === 'ENDED') next = openDispo(next, call);
  else if (next.ui.dispo && next.ui.dispo.callId !== call?.callId)
    next = { ...next, ui: { ...next.ui, dispo: null } };
  return next;
}

/** What comes after a dial, a disposition, a skip or a state change. */
export function applyNextStep(s: StoreState, step: NextStep): StoreState {
  switch (step.kind) {
    case 'call': {
      const withCall = acceptCall(
        { ...s, preview: { lead: step.preview, pending: null, nothing: null } },
        step.call,
      );
      return step.call.state === 'ENDED' ? openDispo(withCall, step.call) : withCall;
    }
    case 'preview':
      return {
        ...s,
        call: { ...s.call, call: endedUndisposed(s) },
        preview: { lead: step.preview.preview, pending: step.preview, nothing: null },
      };
    case 'idle': {
      // Paused or stopped: the next lead is picked only at Play, so the card keeps a lead only while its
      // call is still on screen (live, or ended with the disposition due). A disposed lead never stays as
      // "next up" (issue 10: a stale card after a disposition while paused).
      const session = s.session.session;
      const keep = endedOrLive(s);
      return {
        ...s,
        session: session
          ? {
              session: { ...session, state: step.sessionState },
              phase: step.sessionState === 'STOP' ? 'ended' : 'active',
            }
          : s.session,
        call: { ...s.call, call: keep },
        preview: {
          lead: keep && s.preview.lead?.lead.rowId === keep.leadRowId ? s.preview.lead : null,
          pending: null,
          nothing: null,
        },
      };
    }
    case 'nothing':
      return {
        ...s,
        call: { ...s.call, call: endedUndisposed(s) },
        preview: { lead: null, pending: null, nothing: step.nothing },
      };
  }
}

/** The call still on screen: live, or ended with its disposition due. */
function endedOrLive(s: StoreState): CallView | null {
  const c = s.call.call;
  if (!c || isCallDisposed(s, c.callId)) return null;
  return c.state === 'DISPOSED' ? null : c;
}

/** Keeps an ended call whose disposition is still due (the modal needs it); drops anything else. */
function endedUndisposed(s: StoreState): CallView | null {
  const c = s.call.call;
  return c && c.state === 'ENDED' && !isCallDisposed(s, c.callId) ? c : null;
}

/** One WebSocket EVENT. Returns the state unchanged for a seq already processed. */
export function applyAgentEvent(s: StoreState, seq: number, event: AgentEvent, now: number): StoreState {
  if (s.connection.lastSeq !== null && seq <= s.connection.lastSeq) return s;
  const base: StoreState = { ...s, connection: { ...s.connection, lastSeq: seq } };
  switch (event.type) {
    case 'SESSION_STATE':
      return acceptSession(base, event.session);
    case 'CALL_STATE':
      return acceptCall(base, event.call);
    case 'SHOW_DISPO': {
      if (isCallDisposed(base, event.call.callId)) return base;
      const ended = event.call.state === 'ENDED' ? event.call : { ...event.call, state: 'ENDED' as const };
      let next = acceptCall(base, ended);
      if (event.preview) next = { ...next, preview: { ...next.preview, lead: event.preview } };
      return openDispo(next, next.call.call ?? ended);
    }
    case 'NEXT':
      return applyNextStep(base, event.next);
    case 'STATS':
      return { ...base, stats: { stats: event.stats } };
    case 'ERROR':
      return setError(base, event.code, event.message, now);
    case 'DIAL_FAILED': {
      // The call the answer showed (DIALING) never started: it leaves the screen, the session is where the
      // server says, and the agent reads why (on Play the idle watchdog asks for the next lead).
      const cur = base.call.call;
      if (cur && cur.callId !== event.callId) return setError(base, event.code, event.message, now);
      const dropped = { ...base, call: { ...base.call, call: null } };
      return setError(applyNextStep(dropped, event.next), event.code, event.message, now);
    }
    case 'SUPERVISOR_ACTION': {
      const { action, by, reason } = event.notice;
      const code = action === 'PAUSED' ? 'SUPERVISOR_PAUSED' : 'AGENT_SIGNED_OUT';
      return setError(base, code, reason === '' ? `By ${by}` : `By ${by}: ${reason}`, now);
    }
  }
}

/** GET /stats, the fallback after a reconnect: the STATS events are the live source, so an answer that is
 *  behind what they already showed (it was computed before an event that arrived first) is dropped. The
 *  counters only grow within a session. */
export function applyFetchedStats(s: StoreState, stats: StatsView): StoreState {
  const cur = s.stats.stats;
  if (cur && statsProgress(stats) < statsProgress(cur)) return s;
  return { ...s, stats: { stats } };
}

function statsProgress(v: StatsView): number {
  return v.callsInitiated + v.callsCompleted + v.connects + v.skips;
}

/** Hang up pressed: the call ends on screen and the modal opens at once; Dialpad's hangup webhook (or the
 *  server's SHOW_DISPO) confirms it later without losing what the agent picked meanwhile. */
export function hangUpLocally(s: StoreState, callId: string, now: number): StoreState {
  const c = s.call.call;
  if (!c || c.callId !== callId || c.state === 'ENDED' || c.state === 'DISPOSED') return s;
  const ended: CallView = {
    ...c,
    state: 'ENDED',
    endedAt: now,
    endReason: 'HANGUP',
    suggestedDisposition: c.connectedAt !== null ? null : 'NO_ANSWER',
  };
  return openDispo({ ...s, call: { ...s.call, call: ended } }, ended);
}

// ------------------------------------------------------------------------------------------- disposition

export function pickDispo(s: StoreState, code: DispositionCode): StoreState {
  const d = s.ui.dispo;
  return d ? { ...s, ui: { ...s.ui, dispo: { ...d, code } } } : s;
}

export function setDispoNotes(s: StoreState, notes: string): StoreState {
  const d = s.ui.dispo;
  return d ? setCallNotes(s, d.callId, notes) : s;
}

/** The notes for a call, typed on the lead card while it runs or in the modal after: one text, sent with
 *  the disposition (the coordinator appends it to the sheet's Notes cell with a timestamp, docs/domain.md). */
export function setCallNotes(s: StoreState, callId: string, notes: string): StoreState {
  const text = notes.slice(0, NOTES_MAX);
  const d = s.ui.dispo;
  return {
    ...s,
    ui: {
      ...s.ui,
      callNotes: { callId, text },
      dispo: d && d.callId === callId ? { ...d, notes: text } : d,
    },
  };
}

/** Esc: hides the modal; the disposition stays due (a banner offers to reopen it). */
/** Key B / the "Call back" button: shows or hides the schedule step (never with DO_NOT_CALL picked). */
export function toggleScheduling(s: StoreState): StoreState {
  const d = s.ui.dispo;
  if (!d || !s.callbacks.enabled) return s;
  return { ...s, ui: { ...s.ui, dispo: { ...d, scheduling: !d.scheduling } } };
}

/** The callback chosen in the schedule step (null: none). */
export function setDispoCallback(s: StoreState, at: number | null): StoreState {
  const d = s.ui.dispo;
  return d ? { ...s, ui: { ...s.ui, dispo: { ...d, callbackAt: at } } } : s;
}

export function applyCallbacks(
  s: StoreState,
  r: { enabled: boolean; callbacks: CallbackView[] },
): StoreState {
  return { ...s, callbacks: { enabled: r.enabled, list: r.callbacks } };
}

export function hideDispo(s: StoreState): StoreState {
  const d = s.ui.dispo;
  return d ? { ...s, ui: { ...s.ui, dispo: { ...d, open: false } } } : s;
}

export function showDispo(s: StoreState): StoreState {
  const d = s.ui.dispo;
  return d ? { ...s, ui: { ...s.ui, dispo: { ...d, open: true } } } : s;
}

/** Confirm: the disposition goes into the outbox (sent now or when the coordinator is back) and the call is
 *  marked disposed so no replayed SHOW_DISPO reopens the modal. */
export function confirmDispo(
  s: StoreState,
  entry: OutboxEntry,
  callId: string,
  receipt: DispoReceipt | null = null,
): StoreState {
  const disposedCallIds = [callId, ...s.call.disposedCallIds.filter((id) => id !== callId)].slice(
    0,
    MAX_DISPOSED_REMEMBERED,
  );
  const call = s.call.call?.callId === callId ? s.call.call : null;
  // The disposed lead leaves the card at once: until the next step arrives the receipt says what was done,
  // and the card never shows a finished lead as "next up".
  const lead = call && s.preview.lead?.lead.rowId === call.leadRowId ? null : s.preview.lead;
  return {
    ...s,
    call: { call: call ? null : s.call.call, disposedCallIds },
    preview: { ...s.preview, lead },
    outbox: { entries: [...s.outbox.entries, entry] },
    ui: {
      ...s.ui,
      dispo: null,
      callNotes: s.ui.callNotes?.callId === callId ? null : s.ui.callNotes,
      receipt: receipt ?? s.ui.receipt,
    },
  };
}

// ------------------------------------------------------------------------------------------- outbox

export function outboxAdd(s: StoreState, entry: OutboxEntry): StoreState {
  if (s.outbox.entries.some((e) => e.idempotencyKey === entry.idempotencyKey)) return s;
  return { ...s, outbox: { entries: [...s.outbox.entries, entry] } };
}

/** The server answered (success or a final refusal): the entry leaves the outbox for good. */
export function outboxAck(s: StoreState, key: string): StoreState {
  return { ...s, outbox: { entries: s.outbox.entries.filter((e) => e.idempotencyKey !== key) } };
}

export function outboxAttempt(s: StoreState, key: string): StoreState {
  return {
    ...s,
    outbox: {
      entries: s.outbox.entries.map((e) =>
        e.idempotencyKey === key ? { ...e, attempts: e.attempts + 1 } : e,
      ),
    },
  };
}

/** Idempotency window of the coordinator: a replay within it is deduped by the server. */
export const IDEMPOTENCY_WINDOW_MS = 60_000;

/** Which outbox entries are still worth sending. Dispositions and session state changes are the agent's
 *  durable intent and are always sent (same key → the server dedupes). A dial, skip or claim older than
 *  the idempotency window is dropped: replaying it later would start a call nobody is waiting for. */
export function isReplayable(e: OutboxEntry, now: number): boolean {
  if (e.route === 'disposition' || e.route === 'sessionState') return true;
  return now - e.createdAt < IDEMPOTENCY_WINDOW_MS;
}

// ------------------------------------------------------------------------------------------- errors

export function setErrorValue(s: StoreState, error: UiError | null): StoreState {
  return { ...s, ui: { ...s.ui, error } };
}

export function setError(s: StoreState, code: string, message: string | null, now: number): StoreState {
  const { title, action } = describeError(code);
  return setErrorValue(s, { code, title, action, detail: message, at: now });
}

// ------------------------------------------------------------------------------------------- snapshots

/** The part of the store the desktop snapshot keeps (restores the screen before the network answers). */
export function toAppSnapshot(s: StoreState, now: number, coordinatorUrl: string | null): AppSnapshot {
  const { session } = s.session;
  const { stats } = s.stats;
  const sessionSnap: SessionSnapshot | null =
    session && stats
      ? {
          session,
          call: s.call.call,
          preview: s.preview.lead,
          pendingPreview: s.preview.pending,
          stats,
          wsSeq: s.connection.lastSeq ?? 0,
        }
      : null;
  const d = s.ui.dispo;
  const n = s.ui.callNotes;
  return {
    schemaVersion: 1,
    savedAt: now,
    coordinatorUrl,
    agentEmail: s.auth.agent?.email ?? null,
    session: sessionSnap,
    // Notes typed during a call travel as a disposition not yet picked (code null) until the modal opens.
    pendingDisposition: d
      ? {
          callId: d.callId,
          code: d.code,
          notes: d.notes,
          ...(d.callbackAt ? { callbackAt: d.callbackAt } : {}),
        }
      : n && n.text !== ''
        ? { callId: n.callId, code: null, notes: n.text }
        : null,
    outbox: s.outbox.entries,
    lastWsSeq: s.connection.lastSeq,
  };
}

/** Restores a snapshot saved by toAppSnapshot (the agent's picked code and notes come back too). */
export function restoreAppSnapshot(s: StoreState, snap: AppSnapshot, now: number): StoreState {
  let next: StoreState = {
    ...s,
    outbox: { entries: snap.outbox.filter((e) => isReplayable(e, now)) },
    connection: { ...s.connection, lastSeq: snap.lastWsSeq },
  };
  if (snap.session) next = applySnapshot(next, snap.session);
  next = { ...next, connection: { ...next.connection, lastSeq: snap.lastWsSeq } };
  const p = snap.pendingDisposition;
  if (p && next.ui.dispo?.callId === p.callId) {
    next = {
      ...next,
      ui: {
        ...next.ui,
        dispo: {
          ...next.ui.dispo,
          code: p.code ?? next.ui.dispo.code,
          notes: p.notes,
          ...(p.callbackAt ? { callbackAt: p.callbackAt, scheduling: true } : {}),
        },
        callNotes: { callId: p.callId, text: p.notes },
      },
    };
  } else if (p && next.call.call?.callId === p.callId) {
    next = { ...next, ui: { ...next.ui, callNotes: { callId: p.callId, text: p.notes } } };
  }
  return next;
}

/** The lead a preview card shows with the call, for convenience. */
export function currentLead(s: StoreState): LeadPreview | null {
  return s.preview.lead;
}
