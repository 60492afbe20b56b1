// Verifies an OpenID Connect ID token (Google by default) against the issuer's JWKS: signature, issuer,
// audience (our client id) and expiry. Returns the verified email. Tests point jwksUrl at a local endpoint
// serving a locally generated key.
import { createRemoteJWKSet, type JWTVerifyGetKey, jwtVerify } from 'jose';
import { z } from 'zod';
import { ApiError } from '../../../src-shared/contracts/errors.js';
import { mapJoseError } from './access-tokens.js';

export interface OidcSettings {
  issuer: string;
  jwksUrl: string;
  clientId: string;
}

const IdClaimsSchema = z.object({
  email: z.string().email(),
  // Google sets it; an issuer that omits it is trusted to have verified the address.
  email_verified: z.union([z.boolean(), z.literal('true'), z.literal('false')]).optional(),
});

export class OidcVerifier {
  readonly #jwks: JWTVerifyGetKey;
  readonly #s: OidcSettings;

  constructor(settings: OidcSettings) {
    this.#s = settings;
    this.#jwks = createRemoteJWKSet(new URL(settings.jwksUrl), {
      timeoutDuration: 5000,
      cooldownDuration: 30_000,
    });
  }

  get settings(): OidcSettings {
    return this.#s;
  }

  /** The verified, lower-cased email of the ID token's subject. */
  async verify(idToken: string, now: number): Promise<string> {
    let payload: unknown;
    try {
      ({ payload } = await jwtVerify(idToken, this.#jwks, {
        issuer: this.#s.issuer,
        audience: this.#s.clientId,
        currentDate: new Date(now),
        requiredClaims: ['exp', 'email'],
      }));
    } catch (e) {
      throw mapJoseError(e, 'ID token');
    }
    const claims = IdClaimsSchema.safeParse(payload);
    if (!claims.success) throw new ApiError('UNAUTHENTICATED', 'ID token carries no usable email');
    const verified = claims.data.email_verified;
    if (verified === false || verified === 'false')
      throw new ApiError('UNAUTHENTICATED', 'ID token email is not verified');
    return claims.data.email.toLowerCase();
  }
}
