// Coordinator-signed access JWTs (HS256, hs256.ts: node:crypto, synchronous): short expiry, `iss` and `aud`
// checked, `sub` = agent email, `typ: "access"`.
// A token issued (`iat`) or not valid before (`nbf`) more than CLOCK_SKEW_SECONDS in the future is refused, as
// is one without `iat`: a clock that ran ahead or a forged token cannot buy extra lifetime.
// Verification maps every failure to an ApiError the client can act on: TOKEN_EXPIRED (refresh),
// BAD_SIGNATURE / UNAUTHENTICATED (log in again).
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

export class AccessTokens {
  readonly #hs: Hs256;
  readonly #s: AccessTokenSettings;

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
      return { email: claims.data.sub, role: claims.data.role, issuedAt: claims.data.iat * 1000 };
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
