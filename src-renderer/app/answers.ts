// What the controller does with the server's answer to an outbox entry: apply the next step, chain the
// next dial after Play, and turn a final refusal into the right screen (an already-recorded disposition is
// silent, a failed session start goes back to "Not started", nothing-to-dial clears the preview).
import type { OutboxEntry } from '../../src-shared/contracts/ipc';
import type { ApiCallError } from '../api/client';
import { DEFAULT_DISPOSITIONS } from '../../src-shared/domain/disposition';
import { amendAnswered, amendRefused } from '../store/amend';
import * as R from '../store/reducers';
import type { ControllerCore } from './core';
import type { OutboxAnswer } from './outbox-send';

export interface AnswerContext {
  core: ControllerCore;
  requestNext: () => Promise<void>;
  refreshSession: () => Promise<void>;
  refreshStats: () => Promise<void>;
  refreshCallbacks: () => Promise<void>;
  socketOpen: () => boolean;
}

export function applyAnswer(ctx: AnswerContext, answer: OutboxAnswer): void {
  const { core } = ctx;
  const { entry } = answer;
  // A success clears errors older than this intent, not one the server pushed while handling it (e.g. the
  // ERROR event of a chained dial that failed after the disposition was saved).
  core.update((s) => ({
    ...s,
    ui: {
      ...s.ui,
      notice: s.outbox.entries.length === 0 ? null : s.ui.notice,
      error: s.ui.error && s.ui.error.at < entry.createdAt ? null : s.ui.error,
    },
  }));
  switch (answer.route) {
    case 'sessionStart': {
      const snap = answer.value;
      core.update((s) => R.applySnapshot(s, snap));
      void ctx.refreshCallbacks();
      return;
    }
    case 'sessionState': {
      const v = answer.value;
      core.update((s) =>
        R.applyNextStep(
          { ...s, session: { session: v.session, phase: v.session.state === 'STOP' ? 'ended' : 'active' } },
          v.next,
        ),
      );
      const s = core.state();
      if (
        v.session.state === 'PLAY' &&
        v.next.kind === 'idle' &&
        !s.call.call &&
        !s.ui.dispo &&
        s.outbox.entries.length === 0
      )
        void ctx.requestNext();
      return;
    }
    case 'disposition': {
      const { next } = answer.value;
      core.update((s) => R.applyNextStep(s, next));
      // With the socket up the server's STATS event brings the new numbers.
      if (!ctx.socketOpen()) void ctx.refreshStats();
      void ctx.refreshCallbacks();
      return;
    }
    case 'next':
    case 'dial':
    case 'skip': {
      const next = answer.value;
      core.update((s) => R.applyNextStep(s, next));
      return;
    }
    case 'amendDisposition': {
      const v = answer.value;
      const catalog = core.state().session.session?.catalog ?? DEFAULT_DISPOSITIONS;
      const label = catalog.find((d) => d.code === v.code)?.label ?? v.code;
      core.update((s) => amendAnswered(s, v, label));
      if (!ctx.socketOpen()) void ctx.refreshStats();
      return;
    }
    case 'hangup':
      // Dialpad's hangup webhook brings SHOW_DISPO; the screen already shows the modal.
      return;
    case 'callbackDial': {
      const next = answer.value;
      core.update((s) => R.applyNextStep(s, next));
      void ctx.refreshCallbacks();
      return;
    }
    case 'callbackCancel': {
      const list = answer.value;
      core.update((s) => R.applyCallbacks(s, list));
      return;
    }
  }
}

export function applyFinalError(ctx: AnswerContext, e: OutboxEntry, error: ApiCallError): void {
  const { core } = ctx;
  if (e.route === 'disposition' && (error.code === 'NO_CALL_PENDING' || error.code === 'CALL_NOT_FOUND')) {
    // Already recorded (e.g. by a replay whose answer was lost): nothing for the agent to do.
    core.update((s) => ({ ...s, ui: { ...s.ui, notice: null } }));
    return;
  }
  if (e.route === 'disposition') {
    // Refused for good: the receipt must not keep saying it was saved (the banner says what happened).
    const callId = e.body.callId;
    core.update((s) => (s.ui.receipt?.callId === callId ? { ...s, ui: { ...s.ui, receipt: null } } : s));
  }
  if (e.route === 'amendDisposition') {
    // Refused for good (window passed, lead changed, not the last call): the receipt shows what is saved.
    const callId = e.body.callId;
    core.update((s) => amendRefused(s, callId));
  }
  if (e.route === 'sessionStart') {
    if (error.code === 'SESSION_ALREADY_ACTIVE') {
      void ctx.refreshSession();
      return;
    }
    // No session (e.g. a wrong sheet header): back to "Not started", so Play or Retry can try again.
    core.update((s) =>
      s.session.phase === 'starting' ? { ...s, session: { ...s.session, phase: 'none' } } : s,
    );
  }
  if (e.route === 'dial' && error.code === 'CALL_IN_PROGRESS') return;
  if (error.code === 'NOTHING_TO_DIAL' || error.code === 'OUTSIDE_CALLING_HOURS') {
    core.update((s) => ({ ...s, preview: { ...s.preview, pending: null } }));
  }
  core.fail(error);
}
