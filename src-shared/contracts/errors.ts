// Error codes of the coordinator API, the shape every error response takes, and their HTTP statuses.
// Lua scripts return negative codes that the server maps onto these (server/src/redis/script-errors.ts).
import { z } from 'zod';

export const ERROR_CODES = {
  BAD_REQUEST: 400,
  VALIDATION_FAILED: 400,
  UNAUTHENTICATED: 401,
  TOKEN_EXPIRED: 401,
  BAD_SIGNATURE: 401,
  FORBIDDEN: 403,
  /** A supervisor signed this agent out: log in again (the app shows who and why). */
  AGENT_SIGNED_OUT: 401,
  AGENT_INACTIVE: 403,
  AGENT_NOT_IN_ROUTER: 403,
  NOT_FOUND: 404,
  NO_ACTIVE_SESSION: 404,
  CALL_NOT_FOUND: 404,
  SESSION_ALREADY_ACTIVE: 409,
  INVALID_STATE: 409,
  CALL_IN_PROGRESS: 409,
  NO_CALL_PENDING: 409,
  LOCKED: 409,
  IDEMPOTENCY_IN_PROGRESS: 409,
  IDEMPOTENCY_KEY_REUSED: 422,
  IDEMPOTENCY_KEY_REQUIRED: 400,
  SHEET_HEADER_MISMATCH: 422,
  SHEET_TAB_NOT_FOUND: 422,
  SHEET_UNREADABLE: 502,
  NOTHING_TO_DIAL: 409,
  OUTSIDE_CALLING_HOURS: 409,
  DO_NOT_CALL: 409,
  /** Changing a disposition: its window passed, the lead changed since, or it is not the last call. */
  AMEND_WINDOW_PASSED: 409,
  LEAD_CHANGED: 409,
  NOT_LAST_CALL: 409,
  /** The agent's tab has no CallbackAt / CallbackAgent columns: a callback cannot be kept in the sheet. */
  CALLBACKS_NOT_ENABLED: 409,
  RATE_LIMITED: 429,
  DIALPAD_REJECTED: 502,
  DIALPAD_UNAVAILABLE: 503,
  SHEETS_UNAVAILABLE: 503,
  /** The coordinator's own store (Redis) is unreachable: retry after Retry-After; nothing was changed. */
  STORE_UNAVAILABLE: 503,
  UPSTREAM_TIMEOUT: 504,
  INTERNAL: 500,
} as const;
export type ErrorCode = keyof typeof ERROR_CODES;
export const ErrorCodeSchema = z.enum(Object.keys(ERROR_CODES) as [ErrorCode, ...ErrorCode[]]);

export const ApiErrorBodySchema = z.object({
  error: z.object({
    code: ErrorCodeSchema,
    message: z.string(),
    details: z.unknown().optional(),
  }),
});
export type ApiErrorBody = z.infer<typeof ApiErrorBodySchema>;

export function httpStatusOf(code: ErrorCode): number {
  return ERROR_CODES[code];
}

/** An error a handler throws on purpose; the server's error middleware turns it into ApiErrorBody. */
export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly details: unknown;
  constructor(code: ErrorCode, message: string, details?: unknown) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.details = details;
  }
  get status(): number {
    return httpStatusOf(this.code);
  }
  toBody(): ApiErrorBody {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.details === undefined ? {} : { details: this.details }),
      },
    };
  }
}
