// HttpDialpadGateway against the Dialpad emulator (real HTTP), and the webhook path end to end: the
// emulator signs and posts call events (with duplicates injected) to a tiny receiver that runs the real
// verifier and the Redis deduper.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startRedisServer, type RedisServerHandle } from '../../../test/support/redis-server.js';
import type { DialpadCallEvent } from '../../../src-shared/contracts/dialpad.js';
import { ApiError } from '../../../src-shared/contracts/errors.js';
import { type DialpadEmulator, startDialpadEmulator } from '../../emulators/dialpad/server.js';
import { eventIdOf, mapDialpadState } from '../../src/dialpad/call-state.js';
import { createDialpadBreaker, HttpDialpadGateway } from '../../src/dialpad/http-dialpad-gateway.js';
import { RedisWebhookDeduper } from '../../src/dialpad/webhook-deduper.js';
import { JwtWebhookVerifier } from '../../src/dialpad/webhook-verifier.js';
import { eventually } from './sheets-fixtures.js';

const KEY = 'dp-test-key';
const USER = { id: '5550001', name: 'Ann', email: 'ann@example.com' };
const PHONE = '+12125554567';
let emulator: DialpadEmulator | null = null;

afterEach(async () => {
  await emulator?.close();
  emulator = null;
});

async function start(opts: Partial<Parameters<typeof startDialpadEmulator>[0]> = {}) {
  emulator = await startDialpadEmulator({ users: [USER], apiKeys: [KEY], ...opts });
  return emulator;
}

async function apiError(p: Promise<unknown>): Promise<ApiError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ApiError);
  return e as ApiError;
}

const call = (g: HttpDialpadGateway) =>
  g.initiateCall({ dialpadUserId: USER.id, phoneE164: PHONE, customData: 'c-1' });

describe('HttpDialpadGateway', () => {
  it('initiates a call with the Bearer key and returns the ringing device', async () => {
    const em = await start();
    const out = await call(new HttpDialpadGateway({ baseUrl: em.url, apiKey: KEY }));
    expect(out.deviceId).not.toBe('');
    expect(em.state.requestLog.count('initiate_call', { ok: true })).toBe(1);
  });

  it('maps a 4xx to DIALPAD_REJECTED with Dialpad’s reason, and a bad key too', async () => {
    const em = await start({ users: [{ ...USER, autocallable: false }] });
    const e = await apiError(call(new HttpDialpadGateway({ baseUrl: em.url, apiKey: KEY })));
    expect(e.code).toBe('DIALPAD_REJECTED');
    expect(e.status).toBe(502);
    expect(e.message).toMatch(/HTTP 400/);
    expect(e.message).not.toContain(PHONE);
    const e2 = await apiError(call(new HttpDialpadGateway({ baseUrl: em.url, apiKey: 'wrong' })));
    expect(e2.code).toBe('DIALPAD_REJECTED');
    expect(e2.message).toMatch(/HTTP 401/);
  });

  it('maps 429 to RATE_LIMITED with the Retry-After', async () => {
    const em = await start({ rateLimitPerMin: 1, rejectWhenBusy: false });
    const g = new HttpDialpadGateway({ baseUrl: em.url, apiKey: KEY });
    await call(g);
    const e = await apiError(call(g));
    expect(e.code).toBe('RATE_LIMITED');
    expect(e.status).toBe(429);
    expect((e.details as { retryAfterMs: number }).retryAfterMs).toBeGreaterThan(0);
    expect(g.breaker.state()).toBe('closed'); // a 429 proves Dialpad is up
  });

  it('a 503 with Retry-After is a refusal (DIALPAD_UNAVAILABLE); repeated, the breaker opens and fails fast', async () => {
    const em = await start();
    em.state.apiFaults.add({ route: 'initiate_call', status: 503, retryAfterSec: 2 });
    const g = new HttpDialpadGateway({
      baseUrl: em.url,
      apiKey: KEY,
      breaker: createDialpadBreaker({ threshold: 2, halfOpenAfterMs: 60_000 }),
    });
    for (let i = 0; i < 2; i++) {
      const e = await apiError(call(g));
      expect(e.code).toBe('DIALPAD_UNAVAILABLE');
      expect(e.details).toEqual({ status: 503, retryAfterMs: 2000 });
    }
    expect(g.breaker.state()).toBe('open');
    const e = await apiError(call(g));
    expect(e.code).toBe('DIALPAD_UNAVAILABLE');
    expect(e.message).toMatch(/paused/);
    expect(em.state.requestLog.count('initiate_call')).toBe(2);
    expect(em.state.listCalls()).toHaveLength(0);
  });

  it('500, 502, 504 and a 503 without Retry-After are unknown outcomes (UPSTREAM_TIMEOUT), never refusals', async () => {
    const em = await start({ rejectWhenBusy: false });
    const g = new HttpDialpadGateway({ baseUrl: em.url, apiKey: KEY });
    const cases = [
      { status: 502, statusWhen: 'after', placed: true, says: /gateway in front of Dialpad .*HTTP 502/ },
      { status: 504, statusWhen: 'after', placed: true, says: /no answer from it in time \(HTTP 504\)/ },
      { status: 500, statusWhen: 'after', placed: true, says: /failed while handling .*HTTP 500/ },
      { status: 503, statusWhen: 'after', placed: true, says: /HTTP 503/ },
      { status: 502, statusWhen: 'before', placed: false, says: /HTTP 502/ },
    ] as const;
    for (const [i, c] of cases.entries()) {
      em.state.apiFaults.set([
        { route: 'initiate_call', status: c.status, statusWhen: c.statusWhen, times: 1 },
      ]);
      const customData = `c-${i}`;
      const e = await apiError(g.initiateCall({ dialpadUserId: USER.id, phoneE164: PHONE, customData }));
      expect([e.code, e.status, e.details]).toEqual(['UPSTREAM_TIMEOUT', 504, { status: c.status }]);
      expect(e.message).toMatch(c.says);
      expect(e.message).toMatch(/the call may have started: check the Dialpad app/);
      // The client cannot tell a call placed from one not placed: both are kept by the service.
      expect(Boolean(em.state.findCallByCustomData(customData))).toBe(c.placed);
    }
    // Never sent twice: one request per dial.
    expect(em.state.requestLog.count('initiate_call')).toBe(cases.length);
  });

  it('unknown outcomes count as Dialpad failing: repeated 502s open the breaker, which then refuses without a request', async () => {
    const em = await start({ rejectWhenBusy: false });
    em.state.apiFaults.add({ route: 'initiate_call', status: 502, statusWhen: 'after' });
    const g = new HttpDialpadGateway({
      baseUrl: em.url,
      apiKey: KEY,
      breaker: createDialpadBreaker({ threshold: 3, halfOpenAfterMs: 60_000 }),
    });
    for (let i = 0; i < 3; i++) expect((await apiError(call(g))).code).toBe('UPSTREAM_TIMEOUT');
    expect(g.breaker.state()).toBe('open');
    // Open: nothing is sent, so Dialpad certainly placed nothing: a refusal.
    expect((await apiError(call(g))).code).toBe('DIALPAD_UNAVAILABLE');
    expect(em.state.requestLog.count('initiate_call')).toBe(3);
    expect(em.state.listCalls()).toHaveLength(3);
  });

  it('maps a timeout to UPSTREAM_TIMEOUT and never retries initiate_call', async () => {
    const em = await start();
    em.state.apiFaults.add({ route: 'initiate_call', hang: true });
    const g = new HttpDialpadGateway({ baseUrl: em.url, apiKey: KEY, timeoutMs: 300 });
    const e = await apiError(call(g));
    expect(e.code).toBe('UPSTREAM_TIMEOUT');
    expect(e.status).toBe(504);
    expect(e.message).toMatch(/may have started/);
    expect(em.state.requestLog.count('initiate_call')).toBe(1);
  });

  it('hangs up a live call through the call actions API; an unknown call is DIALPAD_REJECTED', async () => {
    const em = await start();
    const g = new HttpDialpadGateway({ baseUrl: em.url, apiKey: KEY });
    await call(g);
    const live = em.state.findCallByCustomData('c-1');
    expect(live?.date_ended).toBeNull();
    await g.hangUp(String(live?.call_id));
    expect(em.state.getCall(live?.call_id ?? 0)?.state).toBe('hangup');
    expect(em.state.requestLog.count('call.hangup', { ok: true })).toBe(1);
    const e = await apiError(g.hangUp('999999'));
    expect(e.code).toBe('DIALPAD_REJECTED');
    expect(e.message).toMatch(/refused to hang up \(HTTP 404\)/);
  });

  it('a hangup answered 502 after Dialpad hung up says the call may still be live; a 503 with Retry-After is unavailable', async () => {
    const em = await start();
    const g = new HttpDialpadGateway({ baseUrl: em.url, apiKey: KEY });
    await call(g);
    const live = em.state.findCallByCustomData('c-1');
    em.state.apiFaults.set([{ route: 'call.hangup', status: 502, statusWhen: 'after', times: 1 }]);
    const e = await apiError(g.hangUp(String(live?.call_id)));
    expect(e.code).toBe('UPSTREAM_TIMEOUT');
    expect(e.message).toMatch(/HTTP 502.*may still be live: hang up in the Dialpad app/);
    expect(em.state.getCall(live?.call_id ?? 0)?.state).toBe('hangup'); // it did hang up
    em.state.apiFaults.set([{ route: 'call.hangup', status: 503, retryAfterSec: 1, times: 1 }]);
    expect((await apiError(g.hangUp(String(live?.call_id)))).code).toBe('DIALPAD_UNAVAILABLE');
  });

  it('a hangup that times out says the call may still be live', async () => {
    const em = await start();
    em.state.apiFaults.add({ route: 'call.hangup', hang: true });
    const g = new HttpDialpadGateway({ baseUrl: em.url, apiKey: KEY, timeoutMs: 300 });
    const e = await apiError(g.hangUp('1'));
    expect(e.code).toBe('UPSTREAM_TIMEOUT');
    expect(e.message).toMatch(/hang up in the Dialpad app/);
  });

  it('reads the device id of a 200 with many other fields; a 200 without one is an unknown outcome, not a refusal', async () => {
    let answer: unknown = null;
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const g = new HttpDialpadGateway({ baseUrl, apiKey: KEY });
    try {
      const extra = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`f${i}`, { nested: i }]));
      answer = { ...extra, device: { ...extra, id: 987654321, type: 'desktop' } };
      expect(await call(g)).toEqual({ deviceId: '987654321' });
      for (answer of [{ ...extra }, { device: { type: 'desktop' } }, [1], 'ok']) {
        const e = await apiError(call(g));
        expect(e.code).toBe('UPSTREAM_TIMEOUT');
        expect(e.message).toMatch(
          /accepted the call but answered in an unexpected shape; the call has probably started/,
        );
      }
      expect(g.breaker.state()).toBe('closed'); // Dialpad answered 200: it is up
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  it('a connection refused is DIALPAD_UNAVAILABLE', async () => {
    const em = await start();
    const url = em.url;
    await em.close();
    emulator = null;
    expect((await apiError(call(new HttpDialpadGateway({ baseUrl: url, apiKey: KEY })))).code).toBe(
      'DIALPAD_UNAVAILABLE',
    );
  });
});

describe('webhooks from the emulator', () => {
  let server: RedisServerHandle;
  let redis: Redis;
  let receiver: Server;
  let receiverUrl: string;
  const received: { status: number; body: Buffer; contentType: string | undefined }[] = [];
  const accepted: DialpadCallEvent[] = [];
  const SECRET = 'hook-secret';
  const verifier = new JwtWebhookVerifier({ secret: SECRET });

  beforeAll(async () => {
    server = await startRedisServer({ appendOnly: false });
    redis = new Redis(server.url);
    const deduper = new RedisWebhookDeduper(redis);
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', async () => {
        const body = Buffer.concat(chunks);
        const contentType = req.headers['content-type'];
        let status = 200;
        try {
          const event = await verifier.verify(body, contentType, Date.now());
          if (await deduper.firstSeen(eventIdOf(event), Date.now())) accepted.push(event);
        } catch (e) {
          status = e instanceof ApiError ? e.status : 500;
        }
        received.push({ status, body, contentType });
        res.writeHead(status).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/events/dialpad`;
  });
  afterAll(async () => {
    await new Promise((r) => receiver.close(r));
    redis.disconnect();
    await server.stop();
  });

  const fast = { dialMs: 20, ringMs: 20, talkMs: 20, noAnswerMs: 20, jitter: 0 };

  it('verifies the emulator’s signed events and drops the duplicates it injects', async () => {
    received.length = 0;
    accepted.length = 0;
    const em = await start({
      webhook: { url: receiverUrl, secret: SECRET },
      timings: fast,
      outcomes: { default: 'connected' },
      faults: { webhooks: [{ action: 'duplicate', copies: 2 }] },
    });
    await call(new HttpDialpadGateway({ baseUrl: em.url, apiKey: KEY }));
    await eventually(async () => accepted.some((e) => e.state === 'hangup'), 'hangup accepted');
    await eventually(async () => received.length >= accepted.length * 3, 'all copies delivered');
    expect(received.every((r) => r.status === 200)).toBe(true);
    const ids = accepted.map(eventIdOf);
    expect(new Set(ids).size).toBe(ids.length);
    expect(accepted.map((e) => mapDialpadState(e.state)).filter(Boolean)).toEqual(
      expect.arrayContaining(['DIALING', 'RINGING', 'CONNECTED', 'ENDED']),
    );
    expect(accepted.every((e) => e.custom_data === 'c-1')).toBe(true);
    // the same JWT, forwarded by n8n as {"body": "<jwt>"}, verifies too
    const raw = received[0]?.body.toString('utf8') ?? '';
    const forwarded = await verifier.verify(
      Buffer.from(JSON.stringify({ body: raw })),
      'application/json',
      Date.now(),
    );
    expect(forwarded.call_id).toBe(accepted[0]?.call_id);
  });

  it('rejects every event signed with another secret (401), accepting nothing', async () => {
    received.length = 0;
    accepted.length = 0;
    const em = await start({ webhook: { url: receiverUrl, secret: 'not-our-secret' }, timings: fast });
    await call(new HttpDialpadGateway({ baseUrl: em.url, apiKey: KEY }));
    await eventually(async () => received.length >= 3, 'events delivered');
    expect(received.every((r) => r.status === 401)).toBe(true);
    expect(accepted).toEqual([]);
  });
});
