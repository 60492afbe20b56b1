// Every way a request body can fail to be read (a Content-Encoding the body does not match, an unknown
// encoding, a charset JSON cannot have, bad JSON, oversize) is a 400 with the standard error body, logged at
// info, on every POST route and on the Dialpad webhook, before auth or the service run; never a 500.
import { request } from 'node:http';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiErrorBodySchema } from '../../../src-shared/contracts/errors.js';
import { HTTP_API } from '../../../src-shared/contracts/http.js';
import { DIALPAD_WEBHOOK_PATH } from '../../src/http/webhook.js';
import { type Harness, startHarness } from './support/harness.js';
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

/** A raw POST (node:http, so any header and byte sequence goes out as is). */
function rawPost(
  path: string,
  body: Buffer,
  headers: Record<string, string>,
): Promise<{ status: number; body: unknown }> {
  const u = new URL(path, h.url);
  return new Promise((resolve, reject) => {
    const req = request(
      u,
      { method: 'POST', headers: { 'content-length': String(body.length), ...headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = text;
          try {
            parsed = JSON.parse(text);
          } catch {
            // left as text: the assertion below reports it
          }
          resolve({ status: res.statusCode ?? 0, body: parsed });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const postPaths = [
  ...Object.values(HTTP_API)
    .filter((r) => r.method === 'POST')
    .map((r) => r.path),
  DIALPAD_WEBHOOK_PATH,
];
const plain = Buffer.from('{"refreshToken":"x","state":"PAUSED"}');

describe('a body that cannot be read', () => {
  it('is a 400 with the error body on every POST route for gzip, deflate and br over an uncompressed body', async () => {
    const before = rec.calls.length;
    const errorsBefore = logLines.filter((l) => l.level === 'error').length;
    for (const path of postPaths) {
      for (const enc of ['gzip', 'deflate', 'br', 'GZIP']) {
        const r = await rawPost(path, plain, {
          'content-type': 'application/json',
          'content-encoding': enc,
          authorization: `Bearer ${token}`,
          'idempotency-key': `enc-${enc}-${path}`,
        });
        expect({ path, enc, status: r.status }).toEqual({ path, enc, status: 400 });
        expect(ApiErrorBodySchema.parse(r.body).error.code).toBe('BAD_REQUEST');
      }
    }
    expect(rec.calls.length).toBe(before);
    expect(logLines.filter((l) => l.level === 'error').length).toBe(errorsBefore);
  });

  it('is a 400 for an unknown encoding, a non-UTF charset, bad JSON and an oversize body', async () => {
    const errorsBefore = logLines.filter((l) => l.level === 'error').length;
    const cases: { headers: Record<string, string>; body: Buffer; code: string }[] = [
      { headers: { 'content-encoding': 'x-unknown' }, body: plain, code: 'BAD_REQUEST' },
      { headers: { 'content-encoding': 'zstd' }, body: plain, code: 'BAD_REQUEST' },
      { headers: { 'content-type': 'application/json; charset=latin1' }, body: plain, code: 'BAD_REQUEST' },
      { headers: { 'content-type': 'application/json; charset=bogus' }, body: plain, code: 'BAD_REQUEST' },
      { headers: {}, body: Buffer.from('{"refreshToken":'), code: 'VALIDATION_FAILED' },
      { headers: {}, body: Buffer.from(`{"x":"${'a'.repeat(70_000)}"}`), code: 'BAD_REQUEST' },
    ];
    for (const c of cases) {
      const r = await rawPost('/auth/refresh', c.body, { 'content-type': 'application/json', ...c.headers });
      expect({ headers: c.headers, status: r.status }).toEqual({ headers: c.headers, status: 400 });
      expect(ApiErrorBodySchema.parse(r.body).error.code).toBe(c.code);
    }
    const big = await rawPost(DIALPAD_WEBHOOK_PATH, Buffer.alloc(300_000, 'a'), {
      'content-type': 'application/jwt',
    });
    expect(big.status).toBe(400);
    expect(logLines.filter((l) => l.level === 'error').length).toBe(errorsBefore);
  });

  it('a real gzip body is still read', async () => {
    const r = await rawPost('/auth/login', gzipSync(JSON.stringify({ demoEmail: 'bob@example.com' })), {
      'content-type': 'application/json',
      'content-encoding': 'gzip',
    });
    expect(r.status).toBe(200);
  });
});
