// Webhook intake pieces: the JWT verifier (every body shape Dialpad or n8n sends; valid, invalid, missing,
// expired, alg none, wrong algorithm), the state mapping, the event id, and the dedupe (on Redis).
import { SignJWT, UnsecuredJWT } from 'jose';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedisServer, type RedisServerHandle } from '../../../test/support/redis-server.js';
import { ApiError } from '../../../src-shared/contracts/errors.js';
import { type DialpadCallEvent, DialpadCallEventSchema } from '../../../src-shared/contracts/dialpad.js';
import { endReasonOf, eventIdOf, mapDialpadState } from '../../src/dialpad/call-state.js';
import { JwtWebhookVerifier } from '../../src/dialpad/webhook-verifier.js';
import { RedisWebhookDeduper, type WebhookDeduper } from '../../src/dialpad/webhook-deduper.js';

const SECRET = 'whsec-test-secret';
const NOW = Date.parse('2026-11-25T12:00:00Z');
const event = {
  call_id: 6123456789,
  state: 'hangup',
  direction: 'outbound',
  external_number: '+12125554567',
  target: { id: 5550001, type: 'user', email: 'ann@example.com' },
  custom_data: JSON.stringify({ td: 1, callId: 'c-1', sessionId: 's-1' }),
  event_timestamp: NOW - 1000,
  date_ended: NOW - 1000,
};

async function sign(
  payload: Record<string, unknown>,
  opts: { secret?: string; exp?: number; iat?: number } = {},
) {
  let jwt = new SignJWT(payload).setProtectedHeader({ alg: 'HS256', typ: 'JWT' });
  if (opts.iat !== undefined) jwt = jwt.setIssuedAt(opts.iat);
  if (opts.exp !== undefined) jwt = jwt.setExpirationTime(opts.exp);
  return jwt.sign(new TextEncoder().encode(opts.secret ?? SECRET));
}

async function rejection(p: Promise<unknown>): Promise<ApiError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ApiError);
  return err as ApiError;
}

describe('JwtWebhookVerifier', () => {
  const verifier = new JwtWebhookVerifier({ secret: SECRET });

  it('accepts a valid HS256 JWT body from Dialpad and returns the event', async () => {
    const token = await sign(event, { iat: Math.floor(NOW / 1000), exp: Math.floor(NOW / 1000) + 60 });
    const out = await verifier.verify(Buffer.from(token), 'application/jwt', NOW);
    expect(out.call_id).toBe('6123456789');
    expect(out.state).toBe('hangup');
    expect(out.custom_data).toBe(event.custom_data);
  });

  it("keeps every field we read and drops the event's others (Dialpad sends dozens)", async () => {
    const extra = Object.fromEntries(
      Array.from({ length: 30 }, (_, i) => [`field_${i}`, i % 2 ? i : `v${i}`]),
    );
    const token = await sign({ ...extra, ...event, date_started: NOW - 9000, duration: 8000 });
    const out = await verifier.verify(Buffer.from(token), 'application/jwt', NOW);
    expect(out).toEqual({
      ...event,
      call_id: '6123456789',
      target: { ...event.target, id: '5550001' },
      date_started: NOW - 9000,
      duration: 8000,
    });
  });

  it('accepts the same JWT forwarded by n8n: raw text, JSON string, {"body": jwt} and {"jwt": jwt}', async () => {
    const token = await sign(event);
    const bodies = [
      [`${token}\n`, 'text/plain'],
      [JSON.stringify(token), 'application/json'],
      [JSON.stringify({ body: token }), 'application/json'],
      [JSON.stringify({ jwt: token, headers: { 'content-type': 'application/jwt' } }), 'application/json'],
    ] as const;
    for (const [body, type] of bodies) {
      expect((await verifier.verify(Buffer.from(body), type, NOW)).state).toBe('hangup');
    }
  });

  it('rejects a token signed with another secret (invalid signature)', async () => {
    const err = await rejection(
      verifier.verify(Buffer.from(await sign(event, { secret: 'other' })), undefined, NOW),
    );
    expect(err.code).toBe('BAD_SIGNATURE');
    expect(err.status).toBe(401);
    expect(err.message).toMatch(/signature does not match/);
  });

  it('rejects a tampered payload', async () => {
    const [h, , s] = (await sign(event)).split('.');
    const forged = Buffer.from(JSON.stringify({ ...event, state: 'connected' })).toString('base64url');
    expect((await rejection(verifier.verify(Buffer.from(`${h}.${forged}.${s}`), undefined, NOW))).code).toBe(
      'BAD_SIGNATURE',
    );
  });

  it('rejects a missing body and unsigned JSON (unless explicitly allowed for dev)', async () => {
    expect((await rejection(verifier.verify(Buffer.from(''), 'application/jwt', NOW))).message).toMatch(
      /no signed/,
    );
    const plain = Buffer.from(JSON.stringify(event));
    expect((await rejection(verifier.verify(plain, 'application/json', NOW))).message).toMatch(/unsigned/);
    const wrapped = Buffer.from(JSON.stringify({ body: event }));
    expect((await rejection(verifier.verify(wrapped, 'application/json', NOW))).code).toBe('BAD_SIGNATURE');
    const dev = new JwtWebhookVerifier({ secret: SECRET, allowUnsigned: true });
    expect((await dev.verify(plain, 'application/json', NOW)).call_id).toBe('6123456789');
    expect((await dev.verify(wrapped, 'application/json', NOW)).state).toBe('hangup');
  });

  it('rejects an expired token, one not yet valid, and one issued in the future (30 s tolerance)', async () => {
    const s = Math.floor(NOW / 1000);
    const expired = await sign(event, { exp: s - 31 });
    expect((await rejection(verifier.verify(Buffer.from(expired), undefined, NOW))).message).toMatch(
      /expired/,
    );
    expect(
      (await verifier.verify(Buffer.from(await sign(event, { exp: s - 10 })), undefined, NOW)).state,
    ).toBe('hangup');
    const notYet = await sign({ ...event, nbf: s + 120 });
    expect((await rejection(verifier.verify(Buffer.from(notYet), undefined, NOW))).message).toMatch(/nbf/);
    const future = await sign(event, { iat: s + 600 });
    expect((await rejection(verifier.verify(Buffer.from(future), undefined, NOW))).message).toMatch(/future/);
  });

  it('rejects alg "none" and any algorithm but HS256', async () => {
    const none = new UnsecuredJWT(event).encode();
    expect((await rejection(verifier.verify(Buffer.from(none), undefined, NOW))).code).toBe('BAD_SIGNATURE');
    // A hand-made "HS512" token with a valid-looking structure is refused on its algorithm.
    const hs512 = await new SignJWT(event)
      .setProtectedHeader({ alg: 'HS512' })
      .sign(new TextEncoder().encode(SECRET.repeat(4)));
    expect((await rejection(verifier.verify(Buffer.from(hs512), undefined, NOW))).message).toMatch(
      /algorithm/,
    );
  });

  it('a correctly signed token that is not a call event is a 400, not a 401', async () => {
    const err = await rejection(verifier.verify(Buffer.from(await sign({ hello: 'world' })), undefined, NOW));
    expect(err.code).toBe('VALIDATION_FAILED');
  });
});

describe('call state mapping and event ids', () => {
  it('maps Dialpad states to the call lifecycle, with end reasons', () => {
    expect(
      ['calling', 'ringing', 'connected', 'hangup', 'missed', 'voicemail', 'hold'].map(mapDialpadState),
    ).toEqual(['DIALING', 'RINGING', 'CONNECTED', 'ENDED', 'ENDED', 'ENDED', null]);
    expect(['hangup', 'missed', 'voicemail', 'connected'].map(endReasonOf)).toEqual([
      'HANGUP',
      'MISSED',
      'VOICEMAIL',
      null,
    ]);
  });

  it('derives call_id:state:event_timestamp, stable across redeliveries', () => {
    const e = DialpadCallEventSchema.parse({ ...event, call_id: '61' });
    expect(eventIdOf(e)).toBe(`61:hangup:${NOW - 1000}`);
    expect(eventIdOf({ ...e })).toBe(eventIdOf(e));
    expect(eventIdOf({ ...e, state: 'connected' })).not.toBe(eventIdOf(e));
    const noTs = { call_id: '61', state: 'ringing', date_rang: 5 } as DialpadCallEvent;
    expect(eventIdOf(noTs)).toBe('61:ringing:5');
    const bare = { call_id: '61', state: 'hold' } as DialpadCallEvent;
    expect(eventIdOf(bare)).toMatch(/^61:hold:h[0-9a-f]{16}$/);
  });
});

let server: RedisServerHandle;
let redis: Redis;
beforeAll(async () => {
  server = await startRedisServer({ appendOnly: false });
  redis = new Redis(server.url);
});
afterAll(async () => {
  redis.disconnect();
  await server.stop();
});

function deduperContract(name: string, make: () => WebhookDeduper) {
  describe(`WebhookDeduper: ${name}`, () => {
    it('lets the first delivery through and drops duplicates; release lets a redelivery through', async () => {
      const d = make();
      expect(await d.firstSeen('61:hangup:1', NOW)).toBe(true);
      expect(await d.firstSeen('61:hangup:1', NOW + 5)).toBe(false);
      expect(await d.firstSeen('61:connected:1', NOW)).toBe(true);
      await d.release('61:hangup:1');
      expect(await d.firstSeen('61:hangup:1', NOW + 10)).toBe(true);
    });

    it('two racing deliveries of one event: exactly one wins', async () => {
      const d = make();
      const results = await Promise.all(Array.from({ length: 8 }, () => d.firstSeen('62:hangup:9', NOW)));
      expect(results.filter(Boolean)).toHaveLength(1);
    });
  });
}
deduperContract('redis', () => new RedisWebhookDeduper(redis));
