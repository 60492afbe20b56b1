// The API client: answers parsed with the shared schemas, errors turned into codes the UI can explain, and
// an expired access token refreshed once, transparently, with the request retried.
import { describe, expect, it } from 'vitest';
import { HTTP_API } from '../../src-shared/contracts/http';
import { ApiCallError, ApiClient, parseRetryAfter } from './client';

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

describe('ApiClient', () => {
  it('refreshes an expired access token once and retries with the new one', async () => {
    let token = 'old-token';
    const seen: string[] = [];
    const client = new ApiClient({
      routes: HTTP_API,
      baseUrl: 'http://c.test',
      getAccessToken: () => token,
      refresh: async () => {
        token = 'new-token';
        return true;
      },
      fetch: (async (_url: string, init: RequestInit) => {
        const auth = new Headers(init.headers).get('Authorization') ?? '';
        seen.push(auth);
        return auth === 'Bearer new-token'
          ? json(200, { ticket: 'ticket-0123456789', expiresAt: 1 })
          : json(401, { error: { code: 'TOKEN_EXPIRED', message: 'expired' } });
      }) as typeof fetch,
    });
    await expect(client.call('wsTicket', {})).resolves.toEqual({ ticket: 'ticket-0123456789', expiresAt: 1 });
    expect(seen).toEqual(['Bearer old-token', 'Bearer new-token']);
  });

  it('turns error bodies into codes, network failures into NETWORK, and refuses a malformed answer', async () => {
    const answers: (() => Response)[] = [
      () => json(409, { error: { code: 'NOTHING_TO_DIAL', message: 'nothing' } }),
      () => {
        throw new TypeError('Failed to fetch');
      },
      () => json(200, { session: 'not a session' }),
      () => json(503, { whatever: true }),
    ];
    const client = new ApiClient({
      routes: HTTP_API,
      baseUrl: '',
      getAccessToken: () => 't',
      refresh: async () => false,
      fetch: (async () => answers.shift()!()) as typeof fetch,
    });
    const codes: string[] = [];
    const transient: boolean[] = [];
    for (let i = 0; i < 4; i++) {
      const e = await client.call('sessionCurrent').catch((err: ApiCallError) => err);
      expect(e).toBeInstanceOf(ApiCallError);
      codes.push((e as ApiCallError).code);
      transient.push((e as ApiCallError).transient);
    }
    expect(codes).toEqual(['NOTHING_TO_DIAL', 'NETWORK', 'BAD_RESPONSE', 'HTTP']);
    expect(transient).toEqual([false, true, false, true]);
  });

  it('never sends a state-changing request without an idempotency key', async () => {
    const client = new ApiClient({
      routes: HTTP_API,
      baseUrl: '',
      getAccessToken: () => 't',
      refresh: async () => false,
    });
    await expect(client.call('dial', {})).rejects.toMatchObject({ code: 'CLIENT' });
  });
});

describe('Retry-After', () => {
  it('reads delta-seconds and HTTP dates; anything else is no hint', () => {
    const now = Date.parse('2026-11-30T08:00:00Z');
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter('Mon, 30 Nov 2026 08:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter(null, now)).toBeNull();
  });
});
