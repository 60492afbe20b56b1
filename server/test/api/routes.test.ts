// The HTTP layer on its own (its own throw-away Redis, a recording DialerService): correlation ids, validation that
// changes nothing, the one error shape, idempotency, the webhook's signature/dedupe gate, metrics, audit.
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiErrorBodySchema, ApiError } from '../../../src-shared/contracts/errors.js';
import { DispositionResponseSchema, HealthSchema } from '../../../src-shared/contracts/http.js';
import { call, type Harness, startHarness, WEBHOOK_SECRET } from './support/harness.js';
import type { RecordingService } from './support/recording-service.js';

let h: Harness;
let rec: RecordingService;
let token: string;
const logLines: Record<string, unknown>[] = [];

beforeAll(async () => {
  h = await startHarness({ logLines });
  rec = h.recording as RecordingService;
  token = (await h.login('ann@example.com')).accessToken;
});
afterAll(() => h.close());

const signEvent = (event: Record<string, unknown>, secret = WEBHOOK_SECRET) =>
  new SignJWT(event)
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuedAt()
    .sign(new TextEncoder().encode(secret));

describe('correlation id', () => {
  it('echoes a sane X-Request-Id and replaces an insane one', async () => {
    const a = await call(`${h.url}/healthz`, { headers: { 'x-request-id': 'abc-123' } });
    expect(HealthSchema.parse(a.body)).toEqual({ status: 'ok' });
    expect(a.headers.get('x-request-id')).toBe('abc-123');
    const b = await call(`${h.url}/healthz`, { headers: { 'x-request-id': 'bad id with spaces\u00e9' } });
    expect(b.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('replaces an X-Request-Id that holds a phone number, and never logs the number', async () => {
    for (const id of ['3125550112', '+13125550112', 'req-312-555-0112']) {
      const r = await call(`${h.url}/stats`, { token, headers: { 'x-request-id': id } });
      expect(r.status).toBe(200);
      expect(r.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    }
    expect(JSON.stringify(logLines)).not.toContain('5550112');
  });
});

describe('validation', () => {
  it('rejects a bad body with 400 VALIDATION_FAILED, zod issues in details, and never calls the service', async () => {
    const before = rec.calls.length;
    const r = await call(`${h.url}/disposition`, {
      token,
      key: 'key-bad-body-1',
      body: { callId: 'c1', code: 'MAYBE', extra: 1 },
    });
    expect(r.status).toBe(400);
    const err = ApiErrorBodySchema.parse(r.body).error;
    expect(err.code).toBe('VALIDATION_FAILED');
    expect(JSON.stringify(err.details)).toContain('code');
    const state = await call(`${h.url}/session/state`, {
      token,
      key: 'key-bad-body-2',
      body: { state: 'RUN' },
    });
    expect(state.status).toBe(400);
    const json = await call(`${h.url}/dial`, { token, key: 'key-bad-body-3', body: '{"previewId":' });
    expect(json.status).toBe(400);
    expect(rec.calls.length).toBe(before);
  });

  it('answers unknown routes with the JSON error shape', async () => {
    const r = await call(`${h.url}/nope`);
    expect(r.status).toBe(404);
    expect(ApiErrorBodySchema.parse(r.body).error.code).toBe('NOT_FOUND');
  });
});

describe('errors', () => {
  it('maps ApiError to its status and hides the message of anything else', async () => {
    rec.hook = async (m) => {
      if (m === 'stats') throw new Error('redis password is hunter2');
      if (m === 'currentSession') throw new ApiError('NO_ACTIVE_SESSION', 'no session');
    };
    try {
      const a = await call(`${h.url}/stats`, { token });
      expect(a.status).toBe(500);
      expect(ApiErrorBodySchema.parse(a.body).error).toEqual({ code: 'INTERNAL', message: 'internal error' });
      const b = await call(`${h.url}/session/current`, { token });
      expect(b.status).toBe(404);
      expect(ApiErrorBodySchema.parse(b.body).error.code).toBe('NO_ACTIVE_SESSION');
    } finally {
      rec.hook = null;
    }
  });

  it('Redis unreachable is 503 STORE_UNAVAILABLE with Retry-After, a warning, not an error line', async () => {
    const gaveUp = new Error('Reached the max retries per request limit (which is 3).');
    gaveUp.name = 'MaxRetriesPerRequestError';
    rec.hook = async (m) => {
      if (m === 'stats') throw gaveUp;
      if (m === 'currentSession') throw new ApiError('SHEETS_UNAVAILABLE', 'Sheets down');
    };
    const errorsBefore = logLines.filter((l) => l.level === 'error').length;
    try {
      const a = await call(`${h.url}/stats`, { token });
      expect([a.status, a.headers.get('retry-after')]).toEqual([503, '2']);
      expect(ApiErrorBodySchema.parse(a.body).error.code).toBe('STORE_UNAVAILABLE');
      const b = await call(`${h.url}/session/current`, { token });
      expect([b.status, b.headers.get('retry-after')]).toEqual([503, '2']);
      expect(logLines.filter((l) => l.level === 'error').length).toBe(errorsBefore);
    } finally {
      rec.hook = null;
    }
  });
});

describe('idempotency', () => {
  it('requires the header on state-changing routes', async () => {
    const r = await call(`${h.url}/session/start`, { token, body: {} });
    expect(r.status).toBe(400);
    expect(ApiErrorBodySchema.parse(r.body).error.code).toBe('IDEMPOTENCY_KEY_REQUIRED');
  });

  it('replays the stored response for the same key and body, 422 for another body', async () => {
    const before = rec.count('dispose');
    const body = { callId: 'call-1', code: 'NO_ANSWER' };
    const a = await call(`${h.url}/disposition`, { token, key: 'idem-same-1', body });
    const b = await call(`${h.url}/disposition`, { token, key: 'idem-same-1', body });
    expect(a.status).toBe(200);
    expect(b.status).toBe(200);
    expect(DispositionResponseSchema.parse(b.body)).toEqual(a.body);
    expect(b.headers.get('idempotent-replayed')).toBe('true');
    expect(rec.count('dispose')).toBe(before + 1);
    const c = await call(`${h.url}/disposition`, {
      token,
      key: 'idem-same-1',
      body: { ...body, code: 'WRONG' },
    });
    expect(c.status).toBe(422);
    expect(ApiErrorBodySchema.parse(c.body).error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(rec.count('dispose')).toBe(before + 1);
  });

  it('keys are per agent: another agent may use the same key', async () => {
    const bob = (await h.login('bob@example.com')).accessToken;
    const before = rec.count('dial');
    await call(`${h.url}/dial`, { token, key: 'shared-key-1', body: {} });
    const r = await call(`${h.url}/dial`, { token: bob, key: 'shared-key-1', body: {} });
    expect(r.status).toBe(200);
    expect(rec.count('dial')).toBe(before + 2);
  });

  it('concurrent duplicates wait for the first and share its result', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    let entered = 0;
    rec.hook = async (m) => {
      if (m === 'dial') {
        entered += 1;
        await gate;
      }
    };
    try {
      const first = call(`${h.url}/dial`, { token, key: 'concurrent-1', body: {} });
      const second = call(`${h.url}/dial`, { token, key: 'concurrent-1', body: {} });
      const deadline = Date.now() + 10_000;
      while (entered === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      release();
      const [a, b] = await Promise.all([first, second]);
      expect(a.status).toBe(200);
      expect(b.status).toBe(200);
      expect(b.body).toEqual(a.body);
      expect(entered).toBe(1);
    } finally {
      rec.hook = null;
    }
  });

  it('a failed first attempt (5xx) is not replayed: the retry runs again', async () => {
    let fail = true;
    rec.hook = async (m) => {
      if (m === 'next' && fail) {
        fail = false;
        throw new Error('boom');
      }
    };
    try {
      const a = await call(`${h.url}/next`, { token, key: 'retry-after-500', body: {} });
      const b = await call(`${h.url}/next`, { token, key: 'retry-after-500', body: {} });
      expect(a.status).toBe(500);
      expect(b.status).toBe(200);
    } finally {
      rec.hook = null;
    }
  });
});

describe('auth gate', () => {
  it('rejects protected routes without a bearer token, before validating the body', async () => {
    const r = await call(`${h.url}/disposition`, { key: 'no-token-1', body: { bad: true } });
    expect(r.status).toBe(401);
    expect(ApiErrorBodySchema.parse(r.body).error.code).toBe('UNAUTHENTICATED');
  });
});

describe('Dialpad webhook', () => {
  const event = { call_id: 777, state: 'hangup', custom_data: 'x', event_timestamp: 1_700_000_000_000 };

  it('401 on a bad signature, nothing applied', async () => {
    const before = rec.count('onDialpadEvent');
    const forged = await signEvent(event, 'not-the-secret-at-all');
    const r = await call(`${h.url}/events/dialpad`, {
      body: forged,
      headers: { 'content-type': 'application/jwt' },
    });
    expect(r.status).toBe(401);
    expect(ApiErrorBodySchema.parse(r.body).error.code).toBe('BAD_SIGNATURE');
    expect(rec.count('onDialpadEvent')).toBe(before);
  });

  it('applies a signed event once and answers 200 to its redelivery', async () => {
    const before = rec.count('onDialpadEvent');
    const jwt = await signEvent(event);
    const a = await call(`${h.url}/events/dialpad`, {
      body: jwt,
      headers: { 'content-type': 'application/jwt' },
    });
    const b = await call(`${h.url}/events/dialpad`, { body: jwt, headers: { 'content-type': 'text/plain' } });
    expect(a.status).toBe(200);
    expect(b.status).toBe(200);
    expect(b.body).toMatchObject({ duplicate: true });
    expect(rec.count('onDialpadEvent')).toBe(before + 1);
  });
});

describe('metrics and logs', () => {
  it('exposes HTTP latency by route and disposition counters', async () => {
    await call(`${h.url}/disposition`, {
      token,
      key: 'metrics-dispo-1',
      body: { callId: 'c-9', code: 'CORRECT' },
    });
    const m = await call(`${h.url}/metrics`);
    expect(m.status).toBe(200);
    const text = String(m.body);
    expect(text).toMatch(/dialer_http_request_duration_seconds_bucket\{[^}]*route="\/disposition"/);
    expect(text).toMatch(/dialer_dispositions_total\{code="CORRECT"\} [1-9]/);
    expect(text).toContain('dialer_ws_connections');
  });

  it('writes an audit line per disposition and never logs the access token', async () => {
    await call(`${h.url}/disposition`, {
      token,
      key: 'audit-dispo-1',
      body: { callId: 'c-10', code: 'WRONG' },
      headers: { 'x-request-id': 'audit-req-1' },
    });
    const audit = logLines.find((l) => l.audit === 'disposition' && l.callId === 'c-10');
    expect(audit).toMatchObject({ agent: 'ann@example.com', code: 'WRONG', reqId: 'audit-req-1' });
    expect(typeof audit?.at).toBe('number');
    const all = JSON.stringify(logLines);
    expect(all).not.toContain(token);
  });
});
