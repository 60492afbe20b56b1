// Dialpad call states → our call lifecycle (DESIGN.md "Call lifecycle"), and the event id used for dedupe.
//
//   calling, preanswer → DIALING    ringing → RINGING    connected → CONNECTED
//   hangup → ENDED (HANGUP)   missed → ENDED (MISSED)   voicemail → ENDED (VOICEMAIL)
//   anything else (hold, recording, postcall, transcription, …) → null: not a lifecycle step, ignored.
//
// Event id: Dialpad documents no event id. A retried delivery of the same event carries the same call_id,
// state and event_timestamp (epoch ms of the event), so `<call_id>:<state>:<event_timestamp>` is stable
// across retries and distinct between events. When event_timestamp is missing we fall back to the matching
// date_* field of that state, and last to a hash of the decoded payload (identical bytes = same event).
import { createHash } from 'node:crypto';
import type { DialpadCallEvent } from '../../../src-shared/contracts/dialpad.js';
import type { CallEndReason } from '../../../src-shared/contracts/views.js';
import type { CallState } from '../../../src-shared/domain/session.js';

export type DialpadLifecycleState = Extract<CallState, 'DIALING' | 'RINGING' | 'CONNECTED' | 'ENDED'>;

const STATE_MAP: Readonly<Record<string, DialpadLifecycleState>> = {
  calling: 'DIALING',
  preanswer: 'DIALING',
  ringing: 'RINGING',
  connected: 'CONNECTED',
  hangup: 'ENDED',
  missed: 'ENDED',
  voicemail: 'ENDED',
};

const END_REASONS: Readonly<Record<string, CallEndReason>> = {
  hangup: 'HANGUP',
  missed: 'MISSED',
  voicemail: 'VOICEMAIL',
};

export function mapDialpadState(state: string): DialpadLifecycleState | null {
  return STATE_MAP[state.trim().toLowerCase()] ?? null;
}

/** Why the call ended, for the ending states; null for every other state. */
export function endReasonOf(state: string): CallEndReason | null {
  return END_REASONS[state.trim().toLowerCase()] ?? null;
}

const STATE_DATE: Readonly<Record<string, keyof DialpadCallEvent>> = {
  calling: 'date_started',
  preanswer: 'date_started',
  ringing: 'date_rang',
  connected: 'date_connected',
  hangup: 'date_ended',
  missed: 'date_ended',
  voicemail: 'date_ended',
};

/** Stable id of one event, for `dialer:event:{id}` dedupe (see the module comment). */
export function eventIdOf(event: DialpadCallEvent): string {
  const state = event.state.trim().toLowerCase();
  const dateKey = STATE_DATE[state];
  const when = event.event_timestamp ?? (dateKey ? event[dateKey] : undefined);
  if (typeof when === 'number') return `${event.call_id}:${state}:${when}`;
  const digest = createHash('sha256').update(JSON.stringify(event)).digest('hex').slice(0, 16);
  return `${event.call_id}:${state}:h${digest}`;
}
