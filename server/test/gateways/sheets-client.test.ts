// Production auth configuration errors are clear (and never echo the key), and Google errors classify the
// way the breaker and the retry policy rely on.
import { describe, expect, it } from 'vitest';
import { serviceAccountAuth } from '../../src/sheets/client.js';
import { classifyGoogleError, isSheetsFailure } from '../../src/sheets/google-errors.js';

describe('serviceAccountAuth', () => {
  it('says which variables to set when none is', () => {
    expect(() => serviceAccountAuth({})).toThrow(
      /GOOGLE_SERVICE_ACCOUNT_JSON or GOOGLE_APPLICATION_CREDENTIALS/,
    );
  });

  it('rejects JSON that is not a service account key without echoing it', () => {
    const secretish = JSON.stringify({ type: 'authorized_user', private_key: 'SECRET-KEY-MATERIAL' });
    let message = '';
    try {
      serviceAccountAuth({ GOOGLE_SERVICE_ACCOUNT_JSON: secretish });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/not a service account key/);
    expect(message).not.toContain('SECRET-KEY-MATERIAL');
    expect(() => serviceAccountAuth({ GOOGLE_SERVICE_ACCOUNT_JSON: '{nope' })).toThrow(/not valid JSON/);
  });

  it('builds a service-account client with the spreadsheets scope from a key', async () => {
    const key = {
      type: 'service_account',
      client_email: 'td@proj.iam.gserviceaccount.com',
      private_key: 'k',
    };
    const auth = serviceAccountAuth({ GOOGLE_SERVICE_ACCOUNT_JSON: JSON.stringify(key) });
    // getClient builds the JWT client locally (no token is fetched until a request is made)
    const client = (await auth.getClient()) as { email?: string; scopes?: unknown };
    expect(client.email).toBe(key.client_email);
    expect(client.scopes).toEqual(['https://www.googleapis.com/auth/spreadsheets']);
  });
});

describe('classifyGoogleError', () => {
  const gaxios = (status: number, headers: Record<string, string> = {}) =>
    Object.assign(new Error(`Request failed with status code ${status}`), {
      status,
      response: {
        status,
        headers: new Headers(headers),
        data: { error: { code: status, message: `google says ${status}` } },
      },
    });

  it('429 is rate-limited with its Retry-After; 5xx and network errors are unavailable; 4xx rejected', () => {
    expect(classifyGoogleError(gaxios(429, { 'retry-after': '3' }), 0)).toEqual({
      kind: 'rate-limited',
      status: 429,
      message: 'google says 429',
      retryAfterMs: 3000,
    });
    expect(classifyGoogleError(gaxios(503), 0).kind).toBe('unavailable');
    expect(
      classifyGoogleError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), 0).kind,
    ).toBe('unavailable');
    expect(classifyGoogleError(gaxios(400), 0).kind).toBe('rejected');
  });

  it('only the API failing opens the breaker', () => {
    expect(isSheetsFailure(gaxios(500))).toBe(true);
    expect(isSheetsFailure(gaxios(429))).toBe(false);
    expect(isSheetsFailure(gaxios(404))).toBe(false);
  });
});
