// Sign-in lifecycle: boot (snapshot first, then the stored refresh token), demo and OIDC login, logout, and
// the single-flight token refresh (60 s before expiry and on any 401). The refresh token lives in the
// bridge (OS keychain on the desktop, sessionStorage on the web); the access token only in memory.
import type { LoginRequest, TokenPair } from '../../src-shared/contracts/http';
import { backoffDelay } from '../api/backoff';
import { ApiCallError, type ApiClient } from '../api/client';
import * as R from '../store/reducers';
import type { ControllerCore } from './core';

/** Offline at boot: retry signing back in, backing off from 1 s to 10 s. */
const BOOT_RETRY_BACKOFF = { baseMs: 1000, maxMs: 10_000, floorMs: 500 };
/** Refresh the access token this long before it expires. */
const REFRESH_MARGIN_MS = 60_000;

export interface AuthDeps {
  /** After a successful sign-in: session, socket, outbox. */
  afterSignIn: () => Promise<void>;
  /** The refresh token is dead or the agent signed out: stop the socket (and, on logout, every timer). */
  stopSocket: () => void;
}

export class AuthFlow {
  readonly #core: ControllerCore;
  readonly #api: ApiClient;
  readonly #deps: AuthDeps;
  #refreshToken: string | null = null;
  #refreshing: Promise<boolean> | null = null;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #bootAttempt = 0;

  constructor(core: ControllerCore, api: ApiClient, deps: AuthDeps) {
    this.#core = core;
    this.#api = api;
    this.#deps = deps;
  }

  /** Restores the local snapshot, then the sign-in, then the server's view of the session. */
  async boot(): Promise<void> {
    const core = this.#core;
    const snap = await core.bridge.invoke('snapshot:load', null);
    if (snap.ok && snap.value) {
      const v = snap.value;
      core.update((s) => R.restoreAppSnapshot(s, v, core.now()));
    }
    void this.loadAuthConfig();
    const creds = await core.bridge.invoke('credentials:get', null);
    this.#refreshToken = creds.ok ? creds.value.refreshToken : null;
    if (!this.#refreshToken) {
      core.setPhase('signed-out');
      return;
    }
    if (await this.refreshTokens()) await this.#signedIn();
    else if (core.state().auth.phase !== 'signed-out') this.#scheduleBootRetry();
  }

  async loadAuthConfig(): Promise<void> {
    try {
      const config = await this.#api.call('authConfig');
      this.#core.update((s) => ({ ...s, auth: { ...s.auth, config } }));
    } catch (e) {
      this.#core.fail(e);
    }
  }

  async login(body: LoginRequest): Promise<void> {
    const core = this.#core;
    core.setPhase('signing-in');
    try {
      const pair = await this.#api.call('login', body);
      await this.#acceptTokens(pair);
      core.update((s) => R.setErrorValue(s, null));
      await this.#signedIn();
    } catch (e) {
      core.setPhase('signed-out');
      core.fail(e);
    }
  }

  async logout(): Promise<void> {
    const token = this.#refreshToken;
    this.#deps.stopSocket();
    this.dispose();
    this.#refreshToken = null;
    await this.#core.bridge.invoke('credentials:clear', null);
    if (token) await this.#api.call('logout', { refreshToken: token }).catch(() => undefined);
    // The outbox stays: an unsent disposition is sent after the same agent signs in again.
    this.#core.update((s) => {
      const fresh = R.initialState();
      return {
        ...fresh,
        auth: { ...fresh.auth, phase: 'signed-out', config: s.auth.config },
        outbox: s.outbox,
        // The updater belongs to this computer, not to the agent (the main process does not repeat it).
        updater: s.updater,
      };
    });
  }

  /** Single-flight token refresh. false = could not refresh (signed out, or the coordinator is unreachable). */
  refreshTokens(): Promise<boolean> {
    this.#refreshing ??= this.#doRefresh().finally(() => {
      this.#refreshing = null;
    });
    return this.#refreshing;
  }

  /** Clears the refresh / boot-retry timer. */
  dispose(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
  }

  async #doRefresh(): Promise<boolean> {
    const core = this.#core;
    const refreshToken = this.#refreshToken;
    if (!refreshToken) return false;
    try {
      await this.#acceptTokens(await this.#api.call('refresh', { refreshToken }));
      return true;
    } catch (e) {
      if (e instanceof ApiCallError && !e.transient && e.code !== 'HTTP') {
        // The refresh token itself is dead: the agent signs in again (the outbox is kept).
        this.#refreshToken = null;
        await core.bridge.invoke('credentials:clear', null);
        this.#deps.stopSocket();
        core.update((s) => {
          const out: typeof s = {
            ...s,
            auth: { ...s.auth, phase: 'signed-out', accessToken: null, accessExpiresAt: null },
          };
          // Signed out by a supervisor: keep the notice that says who and why (SUPERVISOR_ACTION).
          if (e.code === 'AGENT_SIGNED_OUT')
            return s.ui.error?.code === 'AGENT_SIGNED_OUT'
              ? out
              : R.setError(out, 'AGENT_SIGNED_OUT', e.message, core.now());
          return R.setError(out, 'TOKEN_EXPIRED', null, core.now());
        });
      } else {
        core.update((s) => ({ ...s, connection: { ...s.connection, apiReachable: false } }));
      }
      return false;
    }
  }

  async #acceptTokens(pair: TokenPair): Promise<void> {
    const core = this.#core;
    this.#refreshToken = pair.refreshToken;
    const prevAgent = core.state().auth.agent?.email ?? null;
    core.update((s) => {
      // A snapshot left by another agent on this computer is not this agent's screen: drop it.
      const other = s.auth.agent && s.auth.agent.email !== pair.agent.email;
      const base = other ? { ...R.initialState(), auth: s.auth, updater: s.updater } : s;
      return {
        ...base,
        auth: {
          ...base.auth,
          phase: 'signed-in',
          agent: pair.agent,
          accessToken: pair.accessToken,
          accessExpiresAt: pair.accessExpiresAt,
        },
      };
    });
    if (prevAgent === null) {
      // First sign-in in this window: a restored snapshot of someone else's outbox must not be sent.
      const snap = await core.bridge.invoke('snapshot:load', null);
      const snapAgent = snap.ok && snap.value ? snap.value.agentEmail : null;
      if (snapAgent && snapAgent !== pair.agent.email)
        core.update((s) => ({ ...R.initialState(), auth: s.auth, updater: s.updater }));
    }
    await core.bridge.invoke('credentials:set', { refreshToken: pair.refreshToken });
    this.dispose();
    const wait = Math.max(5_000, pair.accessExpiresAt - core.now() - REFRESH_MARGIN_MS);
    this.#timer = setTimeout(() => void this.refreshTokens(), wait);
  }

  #scheduleBootRetry(): void {
    // Offline at boot: the restored screen stays visible; keep trying to sign back in.
    this.#core.update((s) => ({ ...s, auth: { ...s.auth, phase: 'signed-in' } }));
    const delay = backoffDelay(this.#bootAttempt++, this.#core.random(), BOOT_RETRY_BACKOFF);
    this.#timer = setTimeout(async () => {
      if (await this.refreshTokens()) await this.#signedIn();
      else if (this.#refreshToken) this.#scheduleBootRetry();
    }, delay);
  }

  async #signedIn(): Promise<void> {
    this.#bootAttempt = 0;
    await this.#deps.afterSignIn();
  }
}
