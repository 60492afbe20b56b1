// The console's controller: sign-in with the supervisor routes (demo or OIDC), a single-flight token refresh
// (60 s before expiry and on any 401), the live socket (its messages through the pure reducers; a seq gap
// reconnects for a fresh snapshot), the two actions (pause, sign out) behind a confirmation, and the
// supervisor's settings kept in this browser (stuck thresholds). The refresh token lives in sessionStorage
// under its own key (closing the window signs the supervisor out; the dialer's credentials are untouched).
import { z } from 'zod';
import type { LoginRequest } from '../../../src-shared/contracts/http';
import {
  SUPERVISOR_API,
  SUPERVISOR_WS_PATH,
  type SupervisorActionKind,
  type SupervisorTokenPair,
} from '../../../src-shared/contracts/supervisor';
import { ApiCallError, ApiClient } from '../../api/client';
import { describeError } from '../../api/error-text';
import { formatClock } from '../../lib/format';
import { newId } from '../../lib/ids';
import { ConsoleSocket } from './console-socket';
import { applyMessage, setThresholdMinutes } from './reducers';
import {
  type ConsoleState,
  type ConsoleStore,
  createConsoleStore,
  initialConsoleState,
  type StuckThresholds,
  updateConsole,
} from './state';

const REFRESH_KEY = 'turbo-dialer:supervisor-refresh-token';
const THRESHOLDS_KEY = 'turbo-dialer:supervisor-thresholds';
const REFRESH_MARGIN_MS = 60_000;
/** Thresholds saved in this browser (an input like any other: checked before use). */
const ThresholdsSchema = z.object({
  WRAP_UP: z.number().int().positive().max(86_400_000),
  PAUSED: z.number().int().positive().max(86_400_000),
});

export interface ConsoleOptions {
  /** Coordinator origin ('' = this page's origin). */
  baseUrl: string;
  /** ws(s):// origin + nothing: the socket path is appended. */
  wsOrigin: string;
  storage?: { session: Storage; local: Storage };
  fetch?: typeof fetch;
}

export class ConsoleController {
  readonly store: ConsoleStore;
  readonly api: ApiClient<typeof SUPERVISOR_API>;
  readonly socket: ConsoleSocket;
  readonly #storage: { session: Storage; local: Storage };
  #refreshToken: string | null = null;
  #refreshing: Promise<boolean> | null = null;
  #timer: ReturnType<typeof setTimeout> | null = null;

  constructor(o: ConsoleOptions) {
    this.#storage = o.storage ?? { session: sessionStorage, local: localStorage };
    this.store = createConsoleStore(initialConsoleState(this.#loadThresholds()));
    this.api = new ApiClient({
      routes: SUPERVISOR_API,
      baseUrl: o.baseUrl,
      ...(o.fetch ? { fetch: o.fetch } : {}),
      getAccessToken: () => this.state().auth.accessToken,
      refresh: () => this.refreshTokens(),
    });
    this.socket = new ConsoleSocket({
      url: `${o.wsOrigin}${SUPERVISOR_WS_PATH}`,
      getTicket: async () => (await this.api.call('wsTicket', {})).ticket,
      getResume: () => {
        const { stream, seq } = this.state().live;
        return stream !== null && seq !== null ? { stream, lastSeq: seq } : null;
      },
      onMessage: (m) => {
        const { state, resync } = applyMessage(this.state(), m, Date.now());
        if (state !== this.state()) this.store.setState(state, true);
        if (resync) {
          this.#update((s) => ({ ...s, live: { ...s.live, stream: null, seq: null } }));
          this.socket.reconnect();
        }
      },
      onPhase: (phase, { retryAt }) => this.#update((s) => ({ ...s, socket: { phase, retryAt } })),
      onAuthFailed: () => this.refreshTokens(),
      onForbidden: () => this.#update((s) => ({ ...s, auth: { ...s.auth, phase: 'forbidden' } })),
    });
  }

  state(): ConsoleState {
    return this.store.getState();
  }

  #update(r: (s: ConsoleState) => ConsoleState): void {
    updateConsole(this.store, r);
  }

  #fail(e: unknown, title?: string): void {
    const err = e instanceof ApiCallError ? e : null;
    const text = describeError(err?.code ?? 'NETWORK');
    this.#update((s) => ({
      ...s,
      error: {
        title: title ?? text.title,
        detail: err && err.code !== 'NETWORK' ? err.message : text.action,
      },
    }));
  }

  dismissError(): void {
    this.#update((s) => ({ ...s, error: null }));
  }

  // ── sign-in ───────────────────────────────────────────────────────────────────────────────────────────

  async boot(): Promise<void> {
    void this.#loadConfig();
    this.#refreshToken = this.#storage.session.getItem(REFRESH_KEY);
    if (this.#refreshToken && (await this.refreshTokens())) this.#signedIn();
    else if (this.state().auth.phase === 'booting') this.#setPhase('signed-out');
  }

  async #loadConfig(): Promise<void> {
    try {
      const config = await this.api.call('authConfig');
      this.#update((s) => ({ ...s, auth: { ...s.auth, config } }));
    } catch (e) {
      this.#fail(e);
    }
  }

  #setPhase(phase: ConsoleState['auth']['phase']): void {
    this.#update((s) => ({ ...s, auth: { ...s.auth, phase } }));
  }

  async login(body: LoginRequest): Promise<void> {
    this.#setPhase('signing-in');
    this.dismissError();
    try {
      this.#accept(await this.api.call('login', body));
      this.#signedIn();
    } catch (e) {
      this.#setPhase('signed-out');
      const forbidden = e instanceof ApiCallError && e.status === 403;
      this.#fail(e, forbidden ? 'This account is not a supervisor' : undefined);
    }
  }

  async logout(): Promise<void> {
    const token = this.#refreshToken;
    this.socket.stop();
    this.#clearTimer();
    this.#refreshToken = null;
    this.#storage.session.removeItem(REFRESH_KEY);
    if (token) await this.api.call('logout', { refreshToken: token }).catch(() => undefined);
    const { config } = this.state().auth;
    this.store.setState(
      {
        ...initialConsoleState(this.state().settings.thresholds),
        auth: { ...initialConsoleState().auth, phase: 'signed-out', config },
      },
      true,
    );
  }

  refreshTokens(): Promise<boolean> {
    this.#refreshing ??= this.#doRefresh().finally(() => {
      this.#refreshing = null;
    });
    return this.#refreshing;
  }

  async #doRefresh(): Promise<boolean> {
    const refreshToken = this.#refreshToken;
    if (!refreshToken) return false;
    try {
      this.#accept(await this.api.call('refresh', { refreshToken }));
      return true;
    } catch (e) {
      if (e instanceof ApiCallError && !e.transient) {
        this.#refreshToken = null;
        this.#storage.session.removeItem(REFRESH_KEY);
        this.socket.stop();
        this.#update((s) => ({
          ...s,
          auth: { ...s.auth, phase: e.status === 403 ? 'forbidden' : 'signed-out', accessToken: null },
        }));
      } else this.#fail(e);
      return false;
    }
  }

  #accept(pair: SupervisorTokenPair): void {
    this.#refreshToken = pair.refreshToken;
    this.#storage.session.setItem(REFRESH_KEY, pair.refreshToken);
    this.#update((s) => ({
      ...s,
      auth: {
        ...s.auth,
        phase: 'signed-in',
        supervisor: pair.supervisor,
        accessToken: pair.accessToken,
        accessExpiresAt: pair.accessExpiresAt,
      },
    }));
    this.#clearTimer();
    const wait = Math.max(5_000, pair.accessExpiresAt - Date.now() - REFRESH_MARGIN_MS);
    this.#timer = setTimeout(() => void this.refreshTokens(), wait);
  }

  #signedIn(): void {
    this.socket.start();
  }

  #clearTimer(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
  }

  // ── actions ───────────────────────────────────────────────────────────────────────────────────────────

  /** Opens the confirmation for an action on one agent. */
  ask(action: SupervisorActionKind, agentEmail: string): void {
    this.#update((s) => ({ ...s, confirm: { action, agentEmail, sending: false } }));
  }

  cancel(): void {
    this.#update((s) => (s.confirm?.sending ? s : { ...s, confirm: null }));
  }

  /** Sends the confirmed action (one idempotency key per confirmation) and says what happened. */
  async confirm(reason: string): Promise<void> {
    const pending = this.state().confirm;
    if (!pending || pending.sending) return;
    this.#update((s) => ({ ...s, confirm: { ...pending, sending: true } }));
    const { action, agentEmail } = pending;
    const route = action === 'PAUSED' ? 'pauseAgent' : 'signOutAgent';
    let outcome: ConsoleState['outcome'];
    try {
      const r = await this.api.call(route, { agentEmail, reason }, { idempotencyKey: newId() });
      const verb = action === 'PAUSED' ? 'Paused' : 'Signed out';
      outcome = {
        action,
        agentEmail,
        ok: true,
        text: r.changed
          ? `${verb} ${agentEmail} at ${formatClock(r.at)}.`
          : `${agentEmail} was already ${action === 'PAUSED' ? 'paused' : 'signed out'}: nothing changed.`,
      };
    } catch (e) {
      const detail = e instanceof ApiCallError ? e.message : String(e);
      outcome = {
        action,
        agentEmail,
        ok: false,
        text: `Could not ${action === 'PAUSED' ? 'pause' : 'sign out'} ${agentEmail}: ${detail}`,
      };
    }
    this.#update((s) => ({ ...s, confirm: null, outcome }));
  }

  // ── settings ──────────────────────────────────────────────────────────────────────────────────────────

  setThreshold(which: keyof StuckThresholds, minutes: number): void {
    this.#update((s) => setThresholdMinutes(s, which, minutes));
    this.#storage.local.setItem(THRESHOLDS_KEY, JSON.stringify(this.state().settings.thresholds));
  }

  setFilter(filter: string): void {
    this.#update((s) => ({ ...s, settings: { ...s.settings, filter } }));
  }

  setStuckOnly(stuckOnly: boolean): void {
    this.#update((s) => ({ ...s, settings: { ...s.settings, stuckOnly } }));
  }

  #loadThresholds(): StuckThresholds | undefined {
    try {
      const saved = ThresholdsSchema.safeParse(
        JSON.parse(this.#storage.local.getItem(THRESHOLDS_KEY) ?? 'null'),
      );
      return saved.success ? saved.data : undefined;
    } catch {
      return undefined; // unreadable: the defaults
    }
  }

  dispose(): void {
    this.#clearTimer();
    this.socket.stop();
  }
}
