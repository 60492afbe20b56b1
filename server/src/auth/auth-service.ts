// Login, refresh, logout and request authentication. Only agents Active in the router sheet get tokens, both
// at login and at every refresh, and every authenticated request is checked against the router as last read
// (AgentAccess), so deactivating an agent locks them out within one router refresh.
// Refresh reads the router BEFORE spending the token: a Sheets outage fails the refresh but leaves the token
// usable, so the client's retry is not mistaken for reuse (which would revoke the family and log the agent out).
// Production login exchanges an OIDC ID token; demo login (only when config enables it) takes a seeded
// agent's email alone.
import type { z } from 'zod';
import { ApiError } from '../../../src-shared/contracts/errors.js';
import type { AuthConfigSchema, LoginRequestSchema, TokenPair } from '../../../src-shared/contracts/http.js';
import type { AgentPrincipal, RouterEntry, SheetsGateway } from '../ports.js';
import type { AccessTokens } from './access-tokens.js';
import type { AgentAccess } from './agent-access.js';
import type { OidcVerifier } from './oidc.js';
import { loginEmail, oidcPublicSettings } from './login-email.js';
import { hashSecret, newRefreshToken, parseRefreshToken, type RefreshTokenStore } from './refresh-tokens.js';
import { openSuccessor, sealSuccessor } from './successor-seal.js';

export interface AuthServiceDeps {
  tokens: AccessTokens;
  refreshStore: RefreshTokenStore;
  refreshTtlSeconds: number;
  router: Pick<SheetsGateway, 'findRouterEntry' | 'listRouterEntries'>;
  oidc: OidcVerifier | null;
  demoMode: boolean;
  /** The router as last read: a removed or inactive agent's access token is refused (403) on every route. */
  access?: AgentAccess;
  /** Agents a supervisor signed out: their older tokens are refused (401 AGENT_SIGNED_OUT) until they log in. */
  signedOut?: SignedOutCheck;
  /** Whether an agent is also an active supervisor (the token pair says so: the dialer links to the console). */
  isSupervisor?: (email: string) => Promise<boolean>;
}

/** The supervisor console's sign-out record, as auth needs it (supervisor/signed-out.ts). */
export interface SignedOutCheck {
  /** When a supervisor last signed the agent out, as this instance knows it (no I/O); null: never. */
  signedOutAt(email: string): number | null;
  /** The same, read from the shared store (refresh is rare and must agree across instances). */
  fetch(email: string): Promise<number | null>;
  /** The agent logged in again: the sign-out no longer applies. */
  clear(email: string): Promise<void>;
}

export class AuthService {
  constructor(private readonly d: AuthServiceDeps) {}

  async authConfig(): Promise<z.infer<typeof AuthConfigSchema>> {
    const demoAgents = this.d.demoMode
      ? (await this.d.router.listRouterEntries())
          .filter((e) => e.active)
          .map((e) => ({ email: e.agentEmail, campaignName: e.campaignName }))
      : [];
    const oidc = oidcPublicSettings(this.d);
    return { mode: this.d.demoMode ? 'demo' : 'oidc', demoAgents, oidc };
  }

  async login(body: z.infer<typeof LoginRequestSchema>, now: number): Promise<TokenPair> {
    const email = await loginEmail(this.d, body, now);
    const entry = await this.activeEntry(email);
    await this.d.signedOut?.clear(entry.agentEmail);
    return this.issue(entry, undefined, now);
  }

  async refresh(refreshToken: string, now: number): Promise<TokenPair> {
    const parts = parseRefreshToken(refreshToken);
    if (!parts) throw new ApiError('UNAUTHENTICATED', 'refresh token is invalid');
    const ttlMs = this.d.refreshTtlSeconds * 1000;
    const presented = { ...parts, hash: hashSecret(parts.secret) };
    if (this.d.signedOut && (await this.d.signedOut.fetch(parts.email)) !== null) {
      await this.d.refreshStore.revokeFamily(presented, now, ttlMs);
      throw new ApiError('AGENT_SIGNED_OUT', 'a supervisor signed this agent out: log in again');
    }
    let entry: RouterEntry;
    try {
      entry = await this.activeEntry(parts.email);
    } catch (e) {
      // Only a definite "not Active / not listed" ends the family; Sheets unavailable just fails this attempt.
      // A made-up token (nothing stored under it) revokes nothing and learns nothing about the router.
      if (e instanceof ApiError && e.status === 403) {
        if (!(await this.d.refreshStore.revokeFamily(presented, now, ttlMs)))
          throw new ApiError('UNAUTHENTICATED', 'refresh token is invalid or revoked');
      }
      throw e;
    }
    const next = await this.pairFor(entry, parts.familyId, now);
    const r = await this.d.refreshStore.rotate(
      presented,
      { ...next.record, sealed: sealSuccessor(next.pair, parts) },
      now,
      ttlMs,
    );
    switch (r.status) {
      case 'ok':
        return next.pair;
      case 'replayed': {
        const pair = openSuccessor(r.sealed, parts);
        if (pair) return pair;
        throw new ApiError('UNAUTHENTICATED', 'refresh token is invalid or revoked');
      }
      case 'reused':
        throw new ApiError('UNAUTHENTICATED', 'refresh token was already used: all its sessions are revoked');
      case 'expired':
        throw new ApiError('TOKEN_EXPIRED', 'refresh token expired: log in again');
      default:
        throw new ApiError('UNAUTHENTICATED', 'refresh token is invalid or revoked');
    }
  }

  /** Revokes the token's whole family. Unknown tokens change nothing (logout always succeeds). */
  async logout(refreshToken: string, now: number): Promise<void> {
    const parts = parseRefreshToken(refreshToken);
    if (!parts) return;
    const presented = { ...parts, hash: hashSecret(parts.secret) };
    await this.d.refreshStore.revokeFamily(presented, now, this.d.refreshTtlSeconds * 1000);
  }

  /** `Authorization: Bearer <jwt>` → the principal, or 401. */
  async authenticate(authorization: string | undefined, now: number): Promise<AgentPrincipal> {
    const m = authorization ? /^Bearer\s+([A-Za-z0-9._~+/=-]+)\s*$/i.exec(authorization) : null;
    if (!m?.[1]) throw new ApiError('UNAUTHENTICATED', 'missing bearer token');
    const token = await this.d.tokens.verify(m[1], now);
    if (token.role !== 'agent')
      throw new ApiError('FORBIDDEN', 'a supervisor token cannot be used on agent routes');
    const signedOutAt = this.d.signedOut?.signedOutAt(token.email) ?? null;
    if (signedOutAt !== null && token.issuedAt < signedOutAt)
      throw new ApiError('AGENT_SIGNED_OUT', 'a supervisor signed this agent out: log in again');
    this.d.access?.check(token.email);
    return { email: token.email };
  }

  private async activeEntry(email: string): Promise<RouterEntry> {
    const entry = await this.d.router.findRouterEntry(email);
    if (!entry) throw new ApiError('AGENT_NOT_IN_ROUTER', 'this account is not listed in the router sheet');
    if (!entry.active) throw new ApiError('AGENT_INACTIVE', 'this agent is not Active in the router sheet');
    return entry;
  }

  private async issue(entry: RouterEntry, familyId: string | undefined, now: number): Promise<TokenPair> {
    const { pair, record } = await this.pairFor(entry, familyId, now);
    await this.d.refreshStore.create({ ...record, email: pair.agent.email });
    return pair;
  }

  /** A new token pair and the refresh token's record (hash only), not yet stored. */
  private async pairFor(entry: RouterEntry, familyId: string | undefined, now: number) {
    const email = entry.agentEmail.toLowerCase();
    const access = await this.d.tokens.sign(email, now);
    const supervisor = this.d.isSupervisor ? await this.d.isSupervisor(email).catch(() => false) : false;
    const { token, parts } = newRefreshToken(email, familyId);
    const refreshExpiresAt = now + this.d.refreshTtlSeconds * 1000;
    const pair: TokenPair = {
      accessToken: access.token,
      accessExpiresAt: access.expiresAt,
      refreshToken: token,
      refreshExpiresAt,
      agent: {
        email,
        dialpadUserId: entry.dialpadUserId,
        campaignName: entry.campaignName,
        ...(supervisor ? { supervisor: true } : {}),
      },
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
