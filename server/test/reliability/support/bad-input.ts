// The fuzz's request generator (fast-check): every HTTP route plus the webhook and unknown paths, with
// fuzzed method, Authorization (none, valid, another agent's, garbage, expired, future iat, alg none, wrong
// key), Content-Type, Content-Encoding (declared but absent, really compressed, unknown), Idempotency-Key,
// X-Request-Id (phone numbers included) and bodies (arbitrary JSON, text, bytes, route-shaped objects with
// fuzzed fields, oversize). Plus the WebSocket frames fuzz.
import { randomUUID } from 'node:crypto';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { HTTP_API } from '../../../../src-shared/contracts/http.js';
import { DIALPAD_WEBHOOK_PATH } from '../../../src/http/webhook.js';

export interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Buffer | null;
}

/** Tokens the generator picks from, minted by the test against the stack's JWT settings. */
export interface TokenSet {
  valid: string;
  otherAgent: string;
  expired: string;
  futureIat: string;
  notYetValid: string;
  algNone: string;
  wrongKey: string;
  wrongAudience: string;
}

const routePaths = Object.values(HTTP_API).map((r) => ({ method: r.method as string, path: r.path }));

const phoneish = fc.constantFrom('3125550112', '+13125550112', '(312) 555-0112', '312.555.0112');
const shortText = fc.string({ maxLength: 40 });

/** Route-shaped bodies: right field names, fuzzed values (so validation, not only JSON parsing, is hit). */
const shapedBody = fc.oneof(
  fc.record({
    callId: fc.oneof(fc.uuid(), shortText, fc.integer()),
    code: fc.oneof(shortText, fc.constantFrom('CORRECT', 'WRONG', 'MAYBE')),
    notes: fc.option(fc.oneof(shortText, phoneish)),
  }),
  fc.record({
    state: fc.oneof(fc.constantFrom('PAUSE', 'STOP', 'RUN', '', 'pause'), fc.integer(), fc.constant(null)),
  }),
  fc.record({ previewId: fc.oneof(fc.uuid(), shortText, fc.integer()) }),
  fc.record({
    refreshToken: fc.oneof(
      shortText,
      fc.constant(`rt1.${Buffer.from('ana@demo.turbodialer.example').toString('base64url')}.f.t.s`),
    ),
  }),
  fc.record({ demoEmail: fc.oneof(fc.emailAddress(), shortText, phoneish) }),
  fc.record({ idToken: shortText }),
  fc.record({
    appVersion: shortText,
    channel: shortText,
    installType: shortText,
    platform: shortText,
    arch: shortText,
  }),
  fc.dictionary(shortText, fc.jsonValue({ maxDepth: 3 }), { maxKeys: 6 }),
);

const bodyBytes: fc.Arbitrary<Buffer | null> = fc.oneof(
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 4, arbitrary: shapedBody.map((b) => Buffer.from(JSON.stringify(b))) },
  {
    weight: 2,
    arbitrary: fc.jsonValue({ maxDepth: 4 }).map((v) => Buffer.from(JSON.stringify(v) ?? 'null')),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 200 }).map((s) => Buffer.from(s)) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }).map((a) => Buffer.from(a)) },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom('{"callId":', '[', '{"a":1}}', 'null', '"x"', '\u0000')
      .map((s) => Buffer.from(s)),
  },
  {
    weight: 1,
    arbitrary: fc
      .integer({ min: 65_000, max: 300_000 })
      .map((n) => Buffer.from(`{"notes":"${'9'.repeat(n)}"}`)),
  },
);

type Encoding =
  | 'none'
  | 'declared-gzip'
  | 'declared-deflate'
  | 'declared-br'
  | 'gzip'
  | 'deflate'
  | 'br'
  | 'unknown'
  | 'list';
const encoding = fc.constantFrom<Encoding>(
  'none',
  'none',
  'none',
  'declared-gzip',
  'declared-deflate',
  'declared-br',
  'gzip',
  'deflate',
  'br',
  'unknown',
  'list',
);

function encode(body: Buffer | null, e: Encoding): { body: Buffer | null; header?: string } {
  if (e === 'none') return { body };
  const b = body ?? Buffer.alloc(0);
  switch (e) {
    case 'declared-gzip':
      return { body: b, header: 'gzip' };
    case 'declared-deflate':
      return { body: b, header: 'deflate' };
    case 'declared-br':
      return { body: b, header: 'br' };
    case 'gzip':
      return { body: gzipSync(b), header: 'gzip' };
    case 'deflate':
      return { body: deflateSync(b), header: 'deflate' };
    case 'br':
      return { body: brotliCompressSync(b), header: 'br' };
    case 'unknown':
      return { body: b, header: 'x-fuzz' };
    case 'list':
      return { body: gzipSync(b), header: 'gzip, br' };
  }
}

export function fuzzRequests(tokens: TokenSet): fc.Arbitrary<FuzzRequest> {
  // Weighted so most requests get past auth (a valid token) and exercise validation and the handlers.
  const auth = fc.oneof(
    { weight: 2, arbitrary: fc.constant<string | null>(null) },
    { weight: 10, arbitrary: fc.constant(`Bearer ${tokens.valid}`) },
    { weight: 2, arbitrary: fc.constant(`Bearer ${tokens.otherAgent}`) },
    { weight: 4, arbitrary: fc.constantFrom(...Object.values(tokens)).map((t) => `Bearer ${t}`) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        'Bearer',
        'Bearer ',
        'Basic YW5hOnB3',
        'bearer x.y.z',
        `Bearer ${'a'.repeat(5000)}`,
      ),
    },
    { weight: 1, arbitrary: shortText.map((s) => `Bearer ${s}`) },
  );
  const target = fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom(...routePaths) },
    { weight: 2, arbitrary: fc.constant({ method: 'POST', path: DIALPAD_WEBHOOK_PATH }) },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom(
          '/session/../auth/login',
          '/%2e%2e/metrics',
          '/session/start/',
          '/SESSION/START',
          '/nope',
        )
        .map((path) => ({ method: 'POST', path })),
    },
  );
  return fc
    .record({
      target,
      methodSwap: fc.oneof(
        { weight: 9, arbitrary: fc.constant(null) },
        { weight: 1, arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS') },
      ),
      auth,
      contentType: fc.option(
        fc.constantFrom(
          'application/json',
          'application/json; charset=utf-8',
          'application/json; charset=latin1',
          'application/json; charset=bogus',
          'text/plain',
          'application/jwt',
          'multipart/form-data; boundary=x',
          'application/x-www-form-urlencoded',
          '*/*',
          ';;;',
        ),
        { freq: 8 },
      ),
      encoding,
      key: fc.option(
        fc.oneof(
          fc.constant('fresh'),
          fc.constantFrom('short', 'has space!', 'k'.repeat(200), 'fixed-key-0001'),
        ),
        { freq: 4 },
      ),
      requestId: fc.option(
        fc.oneof(phoneish, fc.uuid(), fc.constantFrom('a'.repeat(300), 'x y', 'ok-id-1')),
        { freq: 3 },
      ),
      body: bodyBytes,
    })
    .map((r) => {
      const enc = encode(r.body, r.encoding);
      const headers: Record<string, string> = {};
      if (r.auth !== null) headers.authorization = r.auth;
      if (r.contentType !== null) headers['content-type'] = r.contentType;
      if (enc.header) headers['content-encoding'] = enc.header;
      if (r.key !== null) headers['idempotency-key'] = r.key === 'fresh' ? `fz-${randomUUID()}` : r.key;
      if (r.requestId !== null) headers['x-request-id'] = r.requestId;
      const method = r.methodSwap ?? r.target.method;
      return {
        method,
        path: r.target.path,
        headers,
        body: method === 'GET' || method === 'OPTIONS' ? null : enc.body,
      };
    });
}

/** WebSocket frames: text that is not JSON, JSON that breaks the contract, binary, oversize. */
export const fuzzFrames: fc.Arbitrary<string | Buffer> = fc.oneof(
  fc.string({ maxLength: 100 }),
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v) ?? 'null'),
  fc
    .record({
      v: fc.oneof(fc.constant(1), fc.integer()),
      type: fc.constantFrom('AUTH', 'PING', 'ACK', 'HELLO', 'EVENT', ''),
      ticket: fc.option(shortText),
      lastSeq: fc.option(fc.oneof(fc.integer(), shortText)),
      t: fc.option(fc.oneof(fc.integer(), shortText)),
    })
    .map((m) => JSON.stringify(m)),
  fc.uint8Array({ maxLength: 64 }).map((a) => Buffer.from(a)),
  fc.integer({ min: 17_000, max: 40_000 }).map((n) => 'x'.repeat(n)),
);
