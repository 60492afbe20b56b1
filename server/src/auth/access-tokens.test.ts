// AccessTokens remembers the tokens it verified: whatever the order of requests and clocks (forward, back,
// fractional seconds, tokens not yet valid, expired, forged), a long-lived verifier answers every request
// exactly as a fresh one would: the same agent, or the same error code.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../src-shared/contracts/errors.js';
import { AccessTokens, CLOCK_SKEW_SECONDS } from './access-tokens.js';
import { Hs256 } from './hs256.js';

const SETTINGS = {
  secret: 'test-secret-test-secret-test-secret-0123',
  issuer: 'https://coordinator.test',
  audience: 'dialer-api',
  ttlSeconds: 300,
};
const T0 = 1_790_000_000_000;

async function outcome(tokens: AccessTokens, token: string, now: number): Promise<string> {
  try {
    const t = await tokens.verify(token, now);
    return `ok ${t.email} ${t.role} ${t.issuedAt}`;
  } catch (e) {
    return e instanceof ApiError ? e.code : `thrown ${String(e)}`;
  }
}

/** A token with the given claims (seconds relative to T0, fractional allowed), signed with `secret`. */
function token(c: { iat?: number; nbf?: number; exp: number; forged: boolean }): string {
  const s = (x: number) => T0 / 1000 + x;
  return new Hs256(c.forged ? 'another-secret-another-secret-0123' : SETTINGS.secret).sign({
    typ: 'access',
    sub: 'ann@example.com',
    iss: SETTINGS.issuer,
    aud: SETTINGS.audience,
    exp: s(c.exp),
    ...(c.iat === undefined ? {} : { iat: s(c.iat) }),
    ...(c.nbf === undefined ? {} : { nbf: s(c.nbf) }),
  });
}

describe('AccessTokens', () => {
  it('answers a remembered token exactly as a fresh check would, at any time', async () => {
    const offset = fc.oneof(
      fc.integer({ min: -400, max: 400 }),
      fc.double({ min: -400, max: 400, noNaN: true }),
    );
    const claims = fc.record({
      iat: fc.option(offset, { nil: undefined }),
      nbf: fc.option(offset, { nil: undefined }),
      exp: offset,
      forged: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(claims, { minLength: 1, maxLength: 4 }),
        // Each request: a token, and a time near one of its claims (the skew's edges are ±60 s away), or
        // anywhere.
        fc.array(
          fc.tuple(
            fc.nat(),
            fc.constantFrom('iat', 'nbf', 'exp', 'any'),
            fc.double({ min: -62, max: 62, noNaN: true }),
            fc.integer({ min: -500_000, max: 500_000 }),
          ),
          { maxLength: 40 },
        ),
        async (cs, requests) => {
          const tokens = cs.map(token);
          const cached = new AccessTokens(SETTINGS);
          for (const [i, near, delta, anyMs] of requests) {
            const c = cs[i % cs.length] as (typeof cs)[number];
            const t = tokens[i % tokens.length] as string;
            const at = near === 'any' ? undefined : c[near];
            const now = at === undefined ? T0 + anyMs : Math.round(T0 + (at + delta) * 1000);
            expect(await outcome(cached, t, now)).toBe(await outcome(new AccessTokens(SETTINGS), t, now));
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('refuses a remembered token once it has expired, and accepts it again only where it is valid', async () => {
    const tokens = new AccessTokens(SETTINGS);
    const { token: t } = await tokens.sign('Ann@Example.com', T0);
    expect(await outcome(tokens, t, T0)).toBe(`ok ann@example.com agent ${T0}`);
    const expiry = T0 + (SETTINGS.ttlSeconds + CLOCK_SKEW_SECONDS) * 1000;
    expect(await outcome(tokens, t, expiry - 1000)).toBe(`ok ann@example.com agent ${T0}`);
    expect(await outcome(tokens, t, expiry)).toBe('TOKEN_EXPIRED');
    expect(await outcome(tokens, t, T0)).toBe(`ok ann@example.com agent ${T0}`);
  });

  it('keeps to the skew at fractional times: a token issued at x.5 s is refused until x.5 − 60 s', async () => {
    const tokens = new AccessTokens(SETTINGS);
    const t = token({ iat: 100.5, exp: 400, forged: false });
    const edge = T0 + (100.5 - CLOCK_SKEW_SECONDS) * 1000;
    expect(await outcome(tokens, t, edge)).toMatch(/^ok /);
    expect(await outcome(tokens, t, edge - 300)).toBe('UNAUTHENTICATED');
    expect(await outcome(tokens, t, edge)).toMatch(/^ok /);
  });
});
