// The domain's one error type. Pure functions throw it when asked to do something the rules forbid
// (dispose a number that was never dialed, read a tab whose header does not match, use an unknown time
// zone); callers map `code` to an API error instead of parsing messages.

export type DomainErrorCode =
  | 'NUMBER_NOT_DIALABLE'
  | 'NUMBER_NOT_IN_PROGRESS'
  | 'BAD_NUMBER_INDEX'
  | 'BAD_PREVIOUS_STATUS'
  | 'UNKNOWN_DISPOSITION'
  | 'HEADER_MISMATCH'
  | 'INVALID_TIME_ZONE'
  | 'UNKNOWN_LEAD'
  | 'LEAD_CHANGED'
  | 'CALLBACK_TIME_INVALID';

export class DomainError extends Error {
  override readonly name = 'DomainError';
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    readonly details?: Readonly<Record<string, unknown>>,
  ) {
    super(message);
  }
}

export function isDomainError(e: unknown): e is DomainError {
  return e instanceof DomainError;
}
