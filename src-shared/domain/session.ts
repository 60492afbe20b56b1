// Session and call lifecycles as data: the states, and which transitions are legal. The coordinator's Lua
// scripts receive the allowed source states from these tables (one source of truth for transitions).
//
//   session:  (none) ──start──▶ PAUSE ──PLAY──▶ PLAY ◀──PAUSE──▶ PAUSE ; PLAY|PAUSE ──STOP──▶ STOP (ended)
//   call:     DIALING ──▶ RINGING ──▶ CONNECTED ──▶ ENDED ──disposition──▶ DISPOSED
//             (any non-final state may jump to ENDED: hangup, missed, voicemail, or the no-event timeout)
import { z } from 'zod';

export const SESSION_STATES = ['PLAY', 'PAUSE', 'STOP'] as const;
export const SessionStateSchema = z.enum(SESSION_STATES);
export type SessionState = z.infer<typeof SessionStateSchema>;

export const SESSION_TRANSITIONS: Readonly<Record<SessionState, readonly SessionState[]>> = {
  PLAY: ['PAUSE', 'STOP', 'PLAY'],
  PAUSE: ['PLAY', 'STOP', 'PAUSE'],
  STOP: [],
};

export const CALL_STATES = ['DIALING', 'RINGING', 'CONNECTED', 'ENDED', 'DISPOSED'] as const;
export const CallStateSchema = z.enum(CALL_STATES);
export type CallState = z.infer<typeof CallStateSchema>;

/** Order of call states: an event never moves a call backwards (webhooks may arrive out of order). */
export const CALL_STATE_RANK: Readonly<Record<CallState, number>> = {
  DIALING: 0,
  RINGING: 1,
  CONNECTED: 2,
  ENDED: 3,
  DISPOSED: 4,
};
