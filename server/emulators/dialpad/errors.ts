// Dialpad API error bodies. Dialpad's v2 API answers errors in the Google Cloud Endpoints shape
// `{"error":{"code","message","errors":[{"domain","reason","message"}]}}`; the exact shape is not in the
// OpenAPI spec (api-facts.md marks it [U]), so clients should rely on the HTTP status and `message` only.

/**
 * 401 messages. ASSUMPTION [U]: Dialpad documents neither; these are the Google Cloud Endpoints texts its
 * other errors follow ("Login Required" for no key, "Invalid Credentials" for a key it does not know), both
 * 401 with the standard error body. Clients must rely on the 401 status only.
 */
export const UNAUTHENTICATED_MESSAGE = {
  missing: 'Login Required',
  unknown: 'Invalid Credentials',
} as const;

const REASON: Readonly<Record<number, string>> = {
  400: 'badRequest',
  401: 'required',
  403: 'forbidden',
  404: 'notFound',
  409: 'conflict',
  429: 'rateLimitExceeded',
  500: 'backendError',
  502: 'backendError',
  503: 'backendError',
  504: 'backendError',
};

const DEFAULT_MESSAGE: Readonly<Record<number, string>> = {
  401: 'Unauthorized',
  404: 'Not Found',
  429: 'Rate limit exceeded',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

export class DialpadApiError extends Error {
  readonly code: number;
  readonly headers: Record<string, string>;
  constructor(code: number, message?: string, headers: Record<string, string> = {}) {
    super(message ?? DEFAULT_MESSAGE[code] ?? 'Error');
    this.code = code;
    this.headers = headers;
  }
}

const reasonOf = (code: number, msg: string): string =>
  code === 401 && msg === UNAUTHENTICATED_MESSAGE.unknown ? 'authError' : (REASON[code] ?? 'error');

export function dialpadErrorBody(code: number, message?: string) {
  const msg = message ?? DEFAULT_MESSAGE[code] ?? 'Error';
  return {
    error: {
      code,
      message: msg,
      errors: [{ domain: 'global', reason: reasonOf(code, msg), message: msg }],
    },
  };
}
