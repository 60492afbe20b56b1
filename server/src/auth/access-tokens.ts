// Coordinator-signed access JWTs (HS256, hs256.ts: node:crypto, synchronous): short expiry, `iss` and `aud`
// checked, `sub` = agent email, `typ: "access"`.
// A token issued (`iat`) or not valid before (`nbf`) more than CLOCK_SKEW_SECONDS in the future is refused, as
// is one without `iat`: a clock that ran ahead or a forged token cannot buy extra lifetime.
// Verification maps every failure to an ApiError the client can act on: TOKEN_EXPIRED (refresh),
// BAD_SIGNATURE / UNAUTHENTICATED (log in again).
// A verified token is remembered by its text until it expires (VerifiedCache): an agent's app sends the same
// token on every request until it refreshes, so the HMAC, the JSON decode and the claims' zod parse run once
// per token, not once per request. A hit is served only inside the window the full check would accept at
// that `now` (from iat/nbf minus the skew to exp plus it), so every outcome is the uncached one; the checks
// that can change after a token was issued (the router, a supervisor's sign-out) run in auth-service.ts on
// every request, after this.
import { errors } from 'jose';
import { z } from 'zod';
import { ApiError } from '../../../src-shared/contracts/errors.js';
import type { AgentPrincipal } from '../ports.js';
import { Hs256, JwtVerifyError } from './hs256.js';

export interface AccessTokenSettings {
  secret: string;
  issuer: string;
  audience: string;
  ttlSeconds: number;
}

/** Who a token speaks for: agent tokens carry no `role` claim (so tokens issued before roles stay agents'),
 *  supervisor tokens carry `role: "supervisor"`. */
export const TokenRoleSchema = z.enum(['agent', 'supervisor']);
export type TokenRole = z.infer<typeof TokenRoleSchema>;

const ClaimsSchema = z.object({
  sub: z.string().email(),
  typ: z.literal('access'),
  iat: z.number(),
  role: TokenRoleSchema.default('agent'),
});

/** A verified token: its subject, role and issue time (epoch ms). */
export interface VerifiedToken extends AgentPrincipal {
  role: TokenRole;
  issuedAt: number;
}

/** How far ahead of ours a signer's clock may be (seconds): `iat` and `nbf` beyond it are refused. */
export const CLOCK_SKEW_SECONDS = 60;

/** How many verified tokens are remembered (about one per signed-in agent and tab; the oldest go first). */
export const VERIFIED_CACHE_MAX = 4096;

/** A verified token and the window (epoch seconds, inclusive start, exclusive end) in which the full check
 *  accepts it. */
interface Verified {
  token: VerifiedToken;
  fromS: number;
  untilS: number;
}

export class AccessTokens {
  readonly #hs: Hs256;
  readonly #s: AccessTokenSettings;
  readonly #verified = new Map<string, Verified>();

  constructor(settings: AccessTokenSettings) {
    this.#s = settings;
    this.#hs = new Hs256(settings.secret);
  }

  async sign(
    email: string,
    now: number,
    role: TokenRole = 'agent',
  ): Promise<{ token: string; expiresAt: number }> {
    const iat = Math.floor(now / 1000);
    const exp = iat + this.#s.ttlSeconds;
    const token = this.#hs.sign({
      typ: 'access',
      ...(role === 'agent' ? {} : { role }),
      sub: email.toLowerCase(),
      iss: this.#s.issuer,
      aud: this.#s.audience,
      iat,
      exp,
    });
    return { token, expiresAt: exp * 1000 };
  }

  async verify(token: string, now: number): Promise<VerifiedToken> {
    const hit = this.#verified.get(token);
    if (hit) {
      const nowS = Math.floor(now / 1000);
      if (nowS >= hit.fromS && nowS < hit.untilS) return hit.token;
      this.#verified.delete(token); // outside its window: the full check answers (expired, or not yet valid)
    }
    const verified = this.#verify(token, now);
    if (this.#verified.size >= VERIFIED_CACHE_MAX) {
      const oldest = this.#verified.keys().next();
      if (!oldest.done) this.#verified.delete(oldest.value);
    }
    this.#verified.set(token, verified);
    return verified.token;
  }

  #verify(token: string, now: number): Verified {
    try {
      const payload = this.#hs.verify(token, {
        now,
        toleranceSec: CLOCK_SKEW_SECONDS,
        issuer: this.#s.issuer,
        audience: this.#s.audience,
        requiredClaims: ['exp', 'sub', 'iat'],
      });
      const claims = ClaimsSchema.safeParse(payload);
      if (!claims.success) throw new ApiError('UNAUTHENTICATED', 'access token has unexpected claims');
      if (claims.data.iat > now / 1000 + CLOCK_SKEW_SECONDS)
        throw new ApiError('UNAUTHENTICATED', 'access token rejected: issued in the future');
      // hs256.ts checked exp (required) and nbf (when present) to be finite numbers.
      const exp = Number(payload.exp);
      const nbf = typeof payload.nbf === 'number' ? payload.nbf : Number.NEGATIVE_INFINITY;
      return {
        token: { email: claims.data.sub, role: claims.data.role, issuedAt: claims.data.iat * 1000 },
        // Whole seconds s the full check accepts: iat ≤ s + skew (s ≥ ⌈iat⌉ − skew: `now/1000` is
        // fractional there), nbf ≤ s + skew, and exp > s − skew.
        fromS: Math.max(Math.ceil(claims.data.iat), Math.ceil(nbf)) - CLOCK_SKEW_SECONDS,
        untilS: Math.ceil(exp) + CLOCK_SKEW_SECONDS,
      };
    } catch (e) {
      throw mapJoseError(e, 'access token');
    }
  }
}

/** jose's errors and ours (hs256.ts) → our codes (shared with the OIDC verifier). */
export function mapJoseError(e: unknown, what: string): ApiError {
  if (e instanceof ApiError) return e;
  if (e instanceof JwtVerifyError) {
    const f = e.failure;
    if (f.kind === 'expired') return new ApiError('TOKEN_EXPIRED', `${what} expired`);
    if (f.kind === 'signature') return new ApiError('BAD_SIGNATURE', `${what} signature is invalid`);
    if (f.kind === 'claim')
      return new ApiError('UNAUTHENTICATED', `${what} rejected: ${f.claim} claim check failed`);
    return new ApiError('UNAUTHENTICATED', `${what} is invalid`);
  }
  if (e instanceof errors.JWTExpired) return new ApiError('TOKEN_EXPIRED', `${what} expired`);
  if (e instanceof errors.JWSSignatureVerificationFailed)
    return new ApiError('BAD_SIGNATURE', `${what} signature is invalid`);
  if (e instanceof errors.JWTClaimValidationFailed)
    return new ApiError('UNAUTHENTICATED', `${what} rejected: ${e.claim} claim check failed`);
  return new ApiError('UNAUTHENTICATED', `${what} is invalid`);
}
