// The call's lifecycle after the dial, decided once: where a webhook's step (or the no-webhook timeout
// sweep) takes a call. Pure: the coordinator reads (or remembers) the call, runs this, and callStep.lua
// writes the result only if the call still is what was decided on (compare-and-set), with the step's
// events in the same script. Calls only move forward, so repeated and out-of-order webhooks change nothing.
import type { CallEndReason } from '../contracts/views.js';
import type { DispositionCode } from './disposition.js';
import { CALL_STATE_RANK, type CallState } from './session.js';

/** What of a call can change after its dial: every field the decision reads or writes. */
export interface CallProgress {
  state: CallState;
  ringingAt: number | null;
  connectedAt: number | null;
  endedAt: number | null;
  endReason: CallEndReason | null;
  suggested: DispositionCode | null;
  /** The sweeper's deadline: the ringing limit, moved to connectedAt + the connected limit on CONNECTED. */
  timeoutAt: number;
  /** Dialpad's own call id, learned from the first webhook. */
  dialpadCallId: string | null;
}

/** The fields of CallProgress, in a fixed order (the compare-and-set checks each). */
export const CALL_PROGRESS_FIELDS = [
  'state',
  'ringingAt',
  'connectedAt',
  'endedAt',
  'endReason',
  'suggested',
  'timeoutAt',
  'dialpadCallId',
] as const satisfies readonly (keyof CallProgress)[];

/** Fields a step brings (a webhook's timestamps and ids): set once, the first value wins. */
export type CallStepFields = Partial<
  Pick<CallProgress, 'ringingAt' | 'connectedAt' | 'endedAt' | 'endReason' | 'dialpadCallId'>
>;

export interface CallStep {
  state: CallState;
  fields: CallStepFields;
  /** On ENDED: the suggested disposition, chosen by whether the call was ever connected. */
  suggest?: { connected: DispositionCode | null; notConnected: DispositionCode | null };
  /** On reaching CONNECTED the deadline moves to connectedAt + this (absent or 0: it stays). */
  connectedTimeoutMs?: number;
  /** The timeout sweeper asks (the call's deadline in the timeouts ZSET is due). */
  sweep?: boolean;
  /** Only a call Dialpad has not reported yet (still DIALING) moves: the confirmation deadline of a dial
   *  whose answer was lost ends it, while any webhook since (it rang, it connected) keeps it. */
  unconfirmedOnly?: boolean;
  now: number;
}

/** What to do with the call, and with its entry in the tab's timeouts ZSET (`timeouts`). */
export type CallStepDecision =
  /** Moved forward: write `set`; `next` is the call after it. The sweeper's step also leaves the ZSET. */
  | { kind: 'advance'; set: Partial<CallProgress>; next: CallProgress; timeouts: 'rem' | null }
  /** Not ahead of where the call is (or a failed dial): nothing to write or tell. The sweeper drops an
   *  ended call from the ZSET (`rem`) or re-files a connected one under its moved deadline (`refile`). */
  | { kind: 'stay'; timeouts: 'rem' | { refile: number } | null };

/** Where `step` takes `call`. Never backwards: a DISPOSED call, or one whose dial failed, never moves. */
export function decideCallStep(call: CallProgress, step: CallStep): CallStepDecision {
  const failed = call.endReason === 'DIAL_FAILED';
  if (step.sweep) {
    if (CALL_STATE_RANK[call.state] >= CALL_STATE_RANK.ENDED || failed)
      return { kind: 'stay', timeouts: 'rem' };
    if (call.timeoutAt > step.now) return { kind: 'stay', timeouts: { refile: call.timeoutAt } };
  }
  if (CALL_STATE_RANK[step.state] <= CALL_STATE_RANK[call.state] || failed)
    return { kind: 'stay', timeouts: null };
  if (step.unconfirmedOnly && call.state !== 'DIALING') return { kind: 'stay', timeouts: null };
  const set: Partial<CallProgress> = { state: step.state };
  const next: CallProgress = { ...call, state: step.state };
  for (const [k, v] of Object.entries(step.fields) as [
    keyof CallStepFields,
    CallStepFields[keyof CallStepFields],
  ][]) {
    if (v === undefined || v === null || next[k] !== null) continue;
    Object.assign(set, { [k]: v });
    Object.assign(next, { [k]: v });
  }
  if (step.state === 'ENDED' && next.suggested === null && step.suggest) {
    const s = next.connectedAt !== null ? step.suggest.connected : step.suggest.notConnected;
    if (s !== null) {
      set.suggested = s;
      next.suggested = s;
    }
  }
  const connectedMs = step.connectedTimeoutMs ?? 0;
  if (step.state === 'CONNECTED' && connectedMs > 0) {
    next.timeoutAt = (next.connectedAt ?? step.now) + connectedMs;
    set.timeoutAt = next.timeoutAt;
  }
  return { kind: 'advance', set, next, timeouts: step.sweep ? 'rem' : null };
}
