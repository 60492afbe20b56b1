// Google API error bodies exactly as the Sheets API sends them: `{"error":{"code","message","status"}}`,
// with the canonical status name for each HTTP code (google.rpc.Code) and, for quota errors, the ErrorInfo
// detail Google attaches.

export const STATUS_FOR_CODE: Readonly<Record<number, string>> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'ABORTED',
  429: 'RESOURCE_EXHAUSTED',
  499: 'CANCELLED',
  500: 'INTERNAL',
  501: 'NOT_IMPLEMENTED',
  502: 'UNKNOWN',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

const DEFAULT_MESSAGE: Readonly<Record<number, string>> = {
  401: 'Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.',
  404: 'Requested entity was not found.',
  500: 'Internal error encountered.',
  502: 'Bad Gateway',
  503: 'The service is currently unavailable.',
  504: 'The request timed out. Please try again.',
};

/** Thrown inside handlers; the server turns it into the JSON error body. */
export class GoogleApiError extends Error {
  readonly code: number;
  readonly details: unknown[] | undefined;
  constructor(code: number, message?: string, details?: unknown[]) {
    super(message ?? DEFAULT_MESSAGE[code] ?? 'Error');
    this.code = code;
    this.details = details;
  }
}

export interface GoogleErrorBody {
  error: { code: number; message: string; status: string; details?: unknown[] };
}

export function errorBody(code: number, message?: string, details?: unknown[]): GoogleErrorBody {
  const status = STATUS_FOR_CODE[code] ?? (code >= 500 ? 'UNKNOWN' : 'FAILED_PRECONDITION');
  const error: GoogleErrorBody['error'] = {
    code,
    message: message ?? DEFAULT_MESSAGE[code] ?? status,
    status,
  };
  if (details?.length) error.details = details;
  return { error };
}

/** The quota error Google returns when a per-minute request quota is exhausted (api-facts.md B). */
export function quotaExceeded(kind: 'Read' | 'Write'): GoogleApiError {
  const metric = kind === 'Read' ? 'read_requests' : 'write_requests';
  return new GoogleApiError(
    429,
    `Quota exceeded for quota metric '${kind} requests' and limit '${kind} requests per minute per user' of service 'sheets.googleapis.com' for consumer 'project_number:000000000000'.`,
    [
      {
        '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
        reason: 'RATE_LIMIT_EXCEEDED',
        domain: 'googleapis.com',
        metadata: {
          quota_metric: `sheets.googleapis.com/${metric}`,
          quota_limit: `${kind}RequestsPerMinutePerUser`,
          service: 'sheets.googleapis.com',
          consumer: 'projects/000000000000',
          quota_location: 'global',
          quota_limit_value: '60',
        },
      },
      {
        '@type': 'type.googleapis.com/google.rpc.Help',
        links: [
          {
            description: 'Request a higher quota limit.',
            url: 'https://cloud.google.com/docs/quotas/help/request_increase',
          },
        ],
      },
    ],
  );
}
