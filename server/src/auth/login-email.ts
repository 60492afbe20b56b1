// Who a login proves to be, for agents and supervisors alike: an OpenID Connect id token's verified email, or
// (demo mode only) the demo email picked on the sign-in screen. Whether that email may sign in is the caller's
// rule (the router for agents, the Supervisors tab for supervisors).
import type { z } from 'zod';
import { ApiError } from '../../../src-shared/contracts/errors.js';
import type { LoginRequestSchema } from '../../../src-shared/contracts/http.js';
import type { OidcVerifier } from './oidc.js';

export interface LoginIdentityDeps {
  oidc: OidcVerifier | null;
  demoMode: boolean;
}

export async function loginEmail(
  d: LoginIdentityDeps,
  body: z.infer<typeof LoginRequestSchema>,
  now: number,
): Promise<string> {
  if ('idToken' in body) {
    if (!d.oidc) throw new ApiError('FORBIDDEN', 'OpenID Connect login is not configured');
    return d.oidc.verify(body.idToken, now);
  }
  if (!d.demoMode) throw new ApiError('FORBIDDEN', 'demo login is disabled on this coordinator');
  return body.demoEmail;
}

/** The OIDC settings a sign-in screen needs (null: demo mode or none configured). */
export function oidcPublicSettings(d: LoginIdentityDeps): { issuer: string; clientId: string } | null {
  return d.oidc ? { issuer: d.oidc.settings.issuer, clientId: d.oidc.settings.clientId } : null;
}
