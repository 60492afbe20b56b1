// The fast lane (server/src/http/fast-lane.ts) answers the hot routes exactly as the Express path does: the
// same request sent to `/disposition` (the lane) and to `/disposition?via=express` (a query string sends it
// to Express, whose router ignores it) gets the same status, body and headers, for successes, replays and
// every rejection; what the lane does not take (a chunked or compressed body, another charset, a non-JSON
// type) still reaches Express; and the lane's requests are counted and logged the same.
import { request } from 'node:http';
import { connect } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Hs256 } from '../../src/auth/hs256.js';
import { type Harness, startHarness, WEBHOOK_SECRET } from './support/harness.js';
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

interface Answer {
  status: number;
  body: string;
  headers: Record<string, string | undefined>;
}

/** A raw POST (node:http, so chunked and odd headers are possible); the answer's comparable parts. */
function post(path: string, body: Buffer | string, headers: Record<string, string>, chunked = false) {
  return new Promise<Answer>((resolve, reject) => {
    const buf = Buffer.isBuffer(body) ? body : Buffer.from(body);
    const req = request(
      `${h.url}${path}`,
      {
        method: 'POST',
        headers: chunked ? headers : { ...headers, 'content-length': String(buf.length) },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          text += c;
        });
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body: text,
            headers: {
              'content-type': res.headers['content-type'],
              'retry-after': res.headers['retry-after'] as string | undefined,
              'idempotent-replayed': res.headers['idempotent-replayed'] as string | undefined,
              'x-request-id': res.headers['x-request-id'] as string | undefined,
            },
          }),
        );
      },
    );
    req.on('error', reject);
    if (chunked) req.write(buf.subarray(0, 1));
    req.end(chunked ? buf.subarray(1) : buf);
  });
}

const json = (extra: Record<string, string> = {}) => ({
  'content-type': 'application/json',
  authorization: `Bearer ${token}`,
  ...extra,
});

/** The same request to the lane and to Express; both answers. */
async function both(path: string, body: string | Buffer, headers: Record<string, string>) {
  const lane = await post(path, body, headers);
  const express = await post(`${path}?via=express`, body, headers);
  return { lane, express };
}

const signer = new Hs256(WEBHOOK_SECRET);
let callSeq = 1;
const webhookBody = (state: string) =>
  signer.sign({ call_id: `fl-${callSeq++}`, state, custom_data: null, iat: Math.floor(Date.now() / 1000) });

describe('fast lane', () => {
  it('answers every hot route exactly as Express does, successes and rejections alike', async () => {
    const cases: { path: string; body: string; headers: Record<string, string>; noKey?: true }[] = [
      // a disposition, accepted (each side with its own key: both are first requests)
      { path: '/disposition', body: '{"callId":"c-1","code":"NO_ANSWER"}', headers: json() },
      // the contract refuses the body (400 VALIDATION_FAILED with zod's issues)
      { path: '/disposition', body: '{"callId":"c-1","code":"MAYBE"}', headers: json() },
      // not JSON, and JSON that is not an object (strict)
      { path: '/disposition', body: '{"callId":', headers: json() },
      { path: '/dial', body: '"x"', headers: json() },
      // no token, a bad token
      { path: '/next', body: '{}', headers: { 'content-type': 'application/json' } },
      { path: '/next', body: '{}', headers: json({ authorization: 'Bearer nope' }) },
      // an empty body is {}; a charset utf-8 is fine
      { path: '/next', body: '', headers: json() },
      {
        path: '/skip',
        body: '{"previewId":"p-1"}',
        headers: json({ 'content-type': 'application/json; charset=UTF-8' }),
      },
      // an idempotent route without its key
      { path: '/dial', body: '{}', headers: json(), noKey: true },
    ];
    const statuses: number[] = [];
    for (const c of cases) {
      const key = (): Record<string, string> =>
        c.noKey ? {} : { 'idempotency-key': `fast-lane-${callSeq++}` };
      const lane = await post(c.path, c.body, { ...c.headers, ...key() });
      const express = await post(`${c.path}?via=express`, c.body, { ...c.headers, ...key() });
      statuses.push(lane.status);
      const { 'x-request-id': _a, ...laneHeaders } = lane.headers;
      const { 'x-request-id': _b, ...expressHeaders } = express.headers;
      expect({ c, status: lane.status, body: lane.body, headers: laneHeaders }).toEqual({
        c,
        status: express.status,
        body: express.body,
        headers: expressHeaders,
      });
    }
    expect(statuses).toEqual([200, 400, 400, 400, 401, 401, 200, 200, 400]);
  });

  it('replays an idempotent answer with the same header, and refuses a reused key the same way', async () => {
    const headers = json({ 'idempotency-key': 'fl-replay-1' });
    const first = await post('/disposition', '{"callId":"c-9","code":"NO_ANSWER"}', headers);
    const calls = rec.count('dispose');
    const { lane, express } = await both('/disposition', '{"callId":"c-9","code":"NO_ANSWER"}', headers);
    expect(rec.count('dispose')).toBe(calls);
    expect([lane.status, lane.body, lane.headers['idempotent-replayed']]).toEqual([
      first.status,
      first.body,
      'true',
    ]);
    expect([express.status, express.body, express.headers['idempotent-replayed']]).toEqual([
      first.status,
      first.body,
      'true',
    ]);
    const reused = await both('/disposition', '{"callId":"c-9","code":"WRONG"}', headers);
    expect(reused.lane.status).toBe(422);
    expect(reused.lane.body).toBe(reused.express.body);
  });

  it('handles webhooks as Express does: applied once, a redelivery is a duplicate, a bad signature 401', async () => {
    const body = webhookBody('calling');
    const applied = rec.count('onDialpadEvent');
    const first = await post('/events/dialpad', body, { 'content-type': 'application/jwt' });
    const again = await post('/events/dialpad?via=express', body, { 'content-type': 'application/jwt' });
    const third = await post('/events/dialpad', body, { 'content-type': 'text/plain' });
    expect([first.status, first.body]).toEqual([200, '{"ok":true}']);
    expect([again.status, again.body, third.body]).toEqual([
      200,
      '{"ok":true,"duplicate":true}',
      '{"ok":true,"duplicate":true}',
    ]);
    expect(rec.count('onDialpadEvent')).toBe(applied + 1);
    const forged = new Hs256('not-the-secret').sign({ call_id: 'x', state: 'calling' });
    const bad = await both('/events/dialpad', forged, { 'content-type': 'application/jwt' });
    expect(bad.lane.status).toBe(401);
    expect(bad.lane.body).toBe(bad.express.body);
    expect(rec.count('onDialpadEvent')).toBe(applied + 1);
  });

  it('leaves to Express what it does not take: chunked, compressed, another charset, another type', async () => {
    const body = '{"callId":"c-2","code":"NO_ANSWER"}';
    const chunked = await post('/disposition', body, json({ 'idempotency-key': 'fl-chunked' }), true);
    expect(chunked.status).toBe(200);
    const gz = await post(
      '/disposition',
      gzipSync(body),
      json({ 'idempotency-key': 'fl-gzip-01', 'content-encoding': 'gzip' }),
    );
    expect([gz.status, gz.body]).toEqual([200, expect.stringContaining('"code":"NO_ANSWER"')]);
    const latin = await post(
      '/disposition',
      body,
      json({ 'idempotency-key': 'fl-latin-01', 'content-type': 'application/json; charset=latin1' }),
    );
    expect(latin.status).toBe(400);
    expect(JSON.parse(latin.body).error.message).toMatch(/encoding or charset/);
    // Not JSON to express.json: no body, validated as {} (the contract refuses it).
    const text = await post(
      '/disposition',
      body,
      json({ 'idempotency-key': 'fl-text-001', 'content-type': 'text/plain' }),
    );
    expect(text.status).toBe(400);
    expect(JSON.parse(text.body).error.code).toBe('VALIDATION_FAILED');
  });

  it('counts and logs lane requests under their route, with the request id', async () => {
    const hook = await post('/events/dialpad', webhookBody('ringing'), {
      'content-type': 'application/jwt',
      'x-request-id': 'fl-hook-1',
    });
    expect(hook.status).toBe(200);
    // At debug level the webhook's own line is written, bound to its request (the guard skips only
    // building the request's logger when debug is off).
    expect(
      logLines.some((l) => l.reqId === 'fl-hook-1' && l.msg === 'webhook handled' && l.state === 'ringing'),
    ).toBe(true);
    const r = await post('/next', '{}', json({ 'x-request-id': 'fl-req-1' }));
    expect(r.headers['x-request-id']).toBe('fl-req-1');
    const metrics = await (await fetch(`${h.url}/metrics`)).text();
    expect(metrics).toMatch(/http_request_duration_seconds_count\{[^}]*route="\/next"[^}]*\} [1-9]/);
    expect(
      logLines.some((l) => l.reqId === 'fl-req-1' && l.msg === 'request done' && l.route === '/next'),
    ).toBe(true);
  });

  it('treats a body the client stops sending as Express does: no error line, nothing applied', async () => {
    const errors = () => logLines.filter((l) => l.level === 'error').length;
    const before = [errors(), rec.count('dispose')];
    const port = new URL(h.url).port;
    await new Promise<void>((resolve, reject) => {
      const s = connect(Number(port), '127.0.0.1', () => {
        s.write(
          'POST /disposition HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n' +
            `Authorization: Bearer ${token}\r\nIdempotency-Key: fast-lane-abort-1\r\nContent-Length: 100\r\n\r\n{"callId":`,
        );
        setTimeout(() => {
          s.destroy();
          resolve();
        }, 100);
      });
      s.on('error', reject);
    });
    // The next request on a new connection is served as usual, after the aborted one was handled.
    const r = await post('/next', '{}', json({ 'idempotency-key': 'fast-lane-after-abort' }));
    expect(r.status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect([errors(), rec.count('dispose')]).toEqual(before);
  });
});
