// The one table that turns a Lua script's negative return code into a named failure and an ApiError code
// (BullMQ's error-code.ts + finished-errors.ts). Codes are unique across every script in ./scripts, so a
// code means the same thing wherever it comes from.
import { ApiError, type ErrorCode } from '../../../src-shared/contracts/errors.js';

export const SCRIPT_FAILURES = {
  SESSION_NOT_FOUND: { code: -1, api: 'NO_ACTIVE_SESSION', message: 'the session does not exist' },
  LOCK_NOT_OWNED: { code: -2, api: 'LOCKED', message: 'the session lock is held by another request' },
  INVALID_STATE: { code: -3, api: 'INVALID_STATE', message: 'that transition is not allowed from here' },
  VERSION_CONFLICT: { code: -4, api: 'LOCKED', message: 'the lead changed meanwhile; try again' },
  LEAD_CLAIMED: { code: -5, api: 'LOCKED', message: 'another session is working this lead' },
  DO_NOT_CALL: { code: -6, api: 'DO_NOT_CALL', message: 'the number is on the do-not-call list' },
  CALL_IN_PROGRESS: { code: -7, api: 'CALL_IN_PROGRESS', message: 'the session already has a call' },
  CALL_NOT_FOUND: { code: -8, api: 'CALL_NOT_FOUND', message: 'no such call' },
  CALL_FINISHED: {
    code: -9,
    api: 'NO_CALL_PENDING',
    message: 'the call is already disposed or never started',
  },
  PREVIEW_MISMATCH: { code: -10, api: 'NOT_FOUND', message: 'that preview is not the pending one' },
  NOT_PLAYING: { code: -11, api: 'INVALID_STATE', message: 'the session is not in PLAY' },
  SESSION_EXISTS: { code: -12, api: 'SESSION_ALREADY_ACTIVE', message: 'the agent already has a session' },
  // callAmend (changing the last disposition): -30..-34.
  AMEND_FORBIDDEN: { code: -30, api: 'FORBIDDEN', message: 'that call belongs to another agent' },
  AMEND_UNAVAILABLE: {
    code: -31,
    api: 'INVALID_STATE',
    message: 'that call has no disposition that can be changed',
  },
  AMEND_WINDOW_PASSED: {
    code: -32,
    api: 'AMEND_WINDOW_PASSED',
    message: 'the time to change that disposition has passed',
  },
  NOT_LAST_CALL: { code: -33, api: 'NOT_LAST_CALL', message: 'only the last disposed call can be changed' },
  LEAD_CHANGED: {
    code: -34,
    api: 'LEAD_CHANGED',
    message: 'the lead changed after the disposition (dialed again or edited in the sheet)',
  },
} as const satisfies Record<string, { code: number; api: ErrorCode; message: string }>;

export type ScriptFailure = keyof typeof SCRIPT_FAILURES;

const BY_CODE = new Map<number, ScriptFailure>(
  (Object.keys(SCRIPT_FAILURES) as ScriptFailure[]).map((k) => [SCRIPT_FAILURES[k].code, k]),
);

/** The named failure of a negative script result; throws on a code no script defines (a bug, not input). */
export function failureOf(code: number): ScriptFailure {
  const f = BY_CODE.get(code);
  if (!f) throw new Error(`unknown script return code ${code}`);
  return f;
}

/** The ApiError an HTTP caller sees for a failure the service does not handle itself. */
export function scriptApiError(failure: ScriptFailure, details?: unknown): ApiError {
  const f = SCRIPT_FAILURES[failure];
  return new ApiError(f.api, f.message, details);
}
