// Supervisor sign-in: the same identity as agents (OIDC ID token, or a seeded email in demo mode), checked
// against the Supervisors tab instead of the router; the access token carries `role: "supervisor"`, so it is
// refused on agent routes (403) and an agent's token is refused here (403). Refresh tokens are the agents'
// rotating kind (auth/refresh-tokens.ts) in families whose id starts with "sv": a supervisor token cannot be
// refreshed into an agent one or the reverse. A lost refresh answer is not replayed (the console signs in
// again), unlike the desktop app's.
import { ApiError } from '../../../src-shared/contracts/errors.js';
import type {
  SupervisorAuthConfig,
  SupervisorTokenPair,
  SupervisorLoginRequestSchema,
} from '../../../src-shared/contracts/supervisor.js';
import type { SupervisorEntry } from '../../../src-shared/domain/supervisors.js';
import type { z } from 'zod';
import type { AccessTokens } from '../auth/access-tokens.js';
import type { OidcVerifier } from '../auth/oidc.js';
import { loginEmail, oidcPublicSettings } from '../auth/login-email.js';
import {
  hashSecret,
  newRefreshToken,
  parseRefreshToken,
  type RefreshTokenStore,
} from '../auth/refresh-tokens.js';
import type { SupervisorRoster } from './roster.js';
import { randomBytes } from 'node:crypto';

export interface SupervisorAuthDeps {
  tokens: AccessTokens;
  refreshStore: RefreshTokenStore;
  refreshTtlSeconds: number;
  roster: SupervisorRoster;
  oidc: OidcVerifier | null;
  demoMode: boolean;
}

const FAMILY_PREFIX = 'sv';

export class SupervisorAuth {
  constructor(private readonly d: SupervisorAuthDeps) {}

  async authConfig(): Promise<SupervisorAuthConfig> {
    const demoSupervisors = this.d.demoMode
      ? (await this.d.roster.list().catch(() => []))
          .filter((s) => s.active)
          .map((s) => ({ email: s.email, campaigns: s.campaigns }))
      : [];
    const oidc = oidcPublicSettings(this.d);
    return { mode: this.d.demoMode ? 'demo' : 'oidc', demoSupervisors, oidc };
  }

  async login(body: z.infer<typeof SupervisorLoginRequestSchema>, now: number): Promise<SupervisorTokenPair> {
    const email = await loginEmail(this.d, body, now);
    const sup = await this.d.roster.require(email, { fresh: true });
    const familyId = `${FAMILY_PREFIX}${randomBytes(12).toString('base64url')}`;
    const { pair, record } = await this.#pairFor(sup, familyId, now);
    await this.d.refreshStore.create({ ...record, email: sup.email });
    return pair;
  }

  async refresh(refreshToken: string, now: number): Promise<SupervisorTokenPair> {
    const parts = parseRefreshToken(refreshToken);
    if (!parts?.familyId.startsWith(FAMILY_PREFIX))
      throw new ApiError('UNAUTHENTICATED', 'refresh token is invalid');
    const ttlMs = this.d.refreshTtlSeconds * 1000;
    const presented = { ...parts, hash: hashSecret(parts.secret) };
    let sup: SupervisorEntry;
    try {
      sup = await this.d.roster.require(parts.email);
    } catch (e) {
      if (e instanceof ApiError && e.status === 403)
        await this.d.refreshStore.revokeFamily(presented, now, ttlMs);
      throw e;
    }
    const next = await this.#pairFor(sup, parts.familyId, now);
    const r = await this.d.refreshStore.rotate(presented, { ...next.record, sealed: '' }, now, ttlMs);
    if (r.status === 'ok') return next.pair;
    if (r.status === 'expired') throw new ApiError('TOKEN_EXPIRED', 'refresh token expired: log in again');
    throw new ApiError('UNAUTHENTICATED', 'refresh token is invalid, used or revoked: log in again');
  }

  async logout(refreshToken: string, now: number): Promise<void> {
    const parts = parseRefreshToken(refreshToken);
    if (!parts?.familyId.startsWith(FAMILY_PREFIX)) return;
    const presented = { ...parts, hash: hashSecret(parts.secret) };
    await this.d.refreshStore.revokeFamily(presented, now, this.d.refreshTtlSeconds * 1000);
  }

  /** `Authorization: Bearer <jwt>` of a supervisor → their Supervisors row; 401 without a valid token, 403 for
   *  an agent's token or a supervisor no longer listed / active. */
  async authenticate(authorization: string | undefined, now: number): Promise<SupervisorEntry> {
    const m = authorization ? /^Bearer\s+([A-Za-z0-9._~+/=-]+)\s*$/i.exec(authorization) : null;
    if (!m?.[1]) throw new ApiError('UNAUTHENTICATED', 'missing bearer token');
    const token = await this.d.tokens.verify(m[1], now);
    if (token.role !== 'supervisor')
      throw new ApiError('FORBIDDEN', 'the supervisor console is for supervisors; this is an agent account');
    return this.d.roster.require(token.email);
  }

  async #pairFor(sup: SupervisorEntry, familyId: string, now: number) {
    const access = await this.d.tokens.sign(sup.email, now, 'supervisor');
    const { token, parts } = newRefreshToken(sup.email, familyId);
    const refreshExpiresAt = now + this.d.refreshTtlSeconds * 1000;
    const pair: SupervisorTokenPair = {
      accessToken: access.token,
      accessExpiresAt: access.expiresAt,
      refreshToken: token,
      refreshExpiresAt,
      supervisor: { email: sup.email, campaigns: sup.campaigns },
    };
    const record = {
      familyId: parts.familyId,
      tokenId: parts.tokenId,
      hash: hashSecret(parts.secret),
      expiresAt: refreshExpiresAt,
    };
    return { pair, record };
  }
}
