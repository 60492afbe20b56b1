// The synchronous HS256 verifier against jose, the library it replaces on the hot path: the same tokens are
// accepted and refused for the same reason, on the boundaries of exp and nbf too.
import { createHmac } from 'node:crypto';
import { jwtVerify, SignJWT, UnsecuredJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { Hs256, type JwtFailure, JwtVerifyError } from './hs256.js';

const SECRET = 'a-secret-of-the-right-length-0123456789';
const key = new TextEncoder().encode(SECRET);
const NOW = Date.parse('2026-11-30T10:00:00Z');
const S = Math.floor(NOW / 1000);
const hs = new Hs256(SECRET);

const sign = (claims: Record<string, unknown>, header: Record<string, unknown> = { alg: 'HS256' }) =>
  new SignJWT(claims).setProtectedHeader(header as { alg: string }).sign(key);

function failureOf(token: string, checks: Partial<Parameters<Hs256['verify']>[1]> = {}): JwtFailure | null {
  try {
    hs.verify(token, { now: NOW, toleranceSec: 30, ...checks });
    return null;
  } catch (e) {
    if (e instanceof JwtVerifyError) return e.failure;
    throw e;
  }
}

async function joseAccepts(token: string, tolerance = 30): Promise<boolean> {
  return jwtVerify(token, key, {
    algorithms: ['HS256'],
    currentDate: new Date(NOW),
    clockTolerance: tolerance,
  })
    .then(() => true)
    .catch(() => false);
}

describe('Hs256', () => {
  it('accepts what jose signs and returns its claims; jose accepts what it signs', async () => {
    const claims = { sub: 'a@x.example', iat: S, exp: S + 60, n: [1, 'two'] };
    expect(hs.verify(await sign(claims), { now: NOW, toleranceSec: 0 })).toEqual(claims);
    const ours = hs.sign(claims);
    expect((await jwtVerify(ours, key, { currentDate: new Date(NOW) })).payload).toEqual(claims);
  });

  it('agrees with jose on exp and nbf at and around the tolerance', async () => {
    for (const d of [-31, -30, -29, 0, 29, 30, 31]) {
      const exp = await sign({ exp: S + d });
      expect([d, failureOf(exp) === null]).toEqual([d, await joseAccepts(exp)]);
      const nbf = await sign({ nbf: S + d });
      expect([d, failureOf(nbf) === null]).toEqual([d, await joseAccepts(nbf)]);
    }
    expect(failureOf(await sign({ exp: S - 31 }))).toEqual({ kind: 'expired' });
    expect(failureOf(await sign({ nbf: S + 31 }))).toEqual({ kind: 'claim', claim: 'nbf' });
    expect(failureOf(await sign({ iat: 'yesterday' }))).toEqual({ kind: 'claim', claim: 'iat' });
  });

  it('refuses another secret, a tampered payload, and a re-encoded signature', async () => {
    const other = await new SignJWT({ a: 1 }).setProtectedHeader({ alg: 'HS256' }).sign(key.slice(1));
    expect(failureOf(other)).toEqual({ kind: 'signature' });
    const [h, , s] = (await sign({ role: 'agent' })).split('.');
    const forged = Buffer.from(JSON.stringify({ role: 'admin' })).toString('base64url');
    expect(failureOf(`${h}.${forged}.${s}`)).toEqual({ kind: 'signature' });
    expect(failureOf(`${h}.${forged}.${s}=`)).toEqual({ kind: 'malformed' });
    expect(failureOf(`${h}.${forged}.${s?.slice(0, -1)}`)).toEqual({ kind: 'signature' });
  });

  it('refuses alg none, other algorithms and unknown critical headers before using the key', async () => {
    expect(failureOf(new UnsecuredJWT({ a: 1 }).encode())).toEqual({ kind: 'alg' });
    const hs512 = await new SignJWT({ a: 1 }).setProtectedHeader({ alg: 'HS512' }).sign(key);
    expect(failureOf(hs512)).toEqual({ kind: 'alg' });
    const h = Buffer.from(JSON.stringify({ alg: 'HS256', crit: ['exp'], exp: 1 })).toString('base64url');
    expect(failureOf(`${h}.e30.sig`)).toEqual({ kind: 'malformed' });
  });

  it('refuses what is not a compact JWS of a JSON object', async () => {
    for (const t of ['', 'a.b', 'a.b.c.d', 'x y.z.w', `${Buffer.from('[1]').toString('base64url')}.e30.x`])
      expect(failureOf(t)).toEqual({ kind: 'malformed' });
    // Correctly signed, but the payload is an array, not a claims object.
    const h = Buffer.from(JSON.stringify({ alg: 'HS256' })).toString('base64url');
    const p = Buffer.from('[1,2]').toString('base64url');
    const sig = createHmac('sha256', SECRET).update(`${h}.${p}`).digest('base64url');
    expect(failureOf(`${h}.${p}.${sig}`)).toEqual({ kind: 'malformed' });
    // Correctly signed, but the payload is not UTF-8.
    const bad = Buffer.from([0x7b, 0xff, 0x7d]).toString('base64url');
    const badSig = createHmac('sha256', SECRET).update(`${h}.${bad}`).digest('base64url');
    expect(failureOf(`${h}.${bad}.${badSig}`)).toEqual({ kind: 'malformed' });
  });

  it('checks required claims, iss and aud when asked (string or array aud)', async () => {
    const t = await sign({ iss: 'td', aud: ['x', 'td-api'], sub: 's' });
    expect(failureOf(t, { issuer: 'td', audience: 'td-api', requiredClaims: ['sub'] })).toBeNull();
    expect(failureOf(t, { requiredClaims: ['exp'] })).toEqual({ kind: 'claim', claim: 'exp' });
    expect(failureOf(t, { issuer: 'other' })).toEqual({ kind: 'claim', claim: 'iss' });
    expect(failureOf(t, { audience: 'nope' })).toEqual({ kind: 'claim', claim: 'aud' });
  });
});
