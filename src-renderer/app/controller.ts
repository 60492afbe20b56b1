// The controller: the only place that does I/O for the UI. It turns the agent's intents (keys, buttons,
// global shortcuts, tray commands) into API calls, feeds every answer and socket message through the pure
// reducers, keeps idempotent requests in the outbox until the server acknowledged them, saves the snapshot
// through the DesktopBridge and reports app:status. React components call its methods and read the store.
import type { SessionSnapshot, TokenPair } from '../../src-shared/contracts/http';
import type { DesktopBridge, OutboxEntry, ShortcutAction } from '../../src-shared/contracts/ipc';
import type { NextStep, SessionView } from '../../src-shared/contracts/views';
import type { ServerMessage } from '../../src-shared/contracts/ws';
import { WS_PROTOCOL_VERSION } from '../../src-shared/contracts/ws';
import { DEFAULT_DISPOSITIONS, type DispositionCode } from '../../src-shared/domain/disposition';
import type { SessionState } from '../../src-shared/domain/session';
import { backoffDelay } from '../api/backoff';
import { ApiCallError, ApiClient } from '../api/client';
import { AgentSocket } from '../api/socket';
import { newId } from '../lib/ids';
import { type AppStore, update } from '../store';
import * as R from '../store/reducers';
import type { StoreState } from '../store/types';
import { computeAppStatus } from './status';

export interface ControllerOptions {
  store: AppStore;
  bridge: DesktopBridge;
  /** Coordinator origin ('' = this page's origin). */
  baseUrl: string;
  /** Full ws(s):// URL of /ws. */
  wsUrl: string;
  fetch?: typeof fetch;
  WebSocketImpl?: typeof WebSocket;
  now?: () => number;
  random?: () => number;
}

const OUTBOX_BACKOFF = { baseMs: 1000, maxMs: 10_000, floorMs: 500 };
/** Asking again on Play when nothing happens: first after 3–5 s, then backing off to 30 s. */
const IDLE_BACKOFF = { baseMs: 5000, maxMs: 30_000, floorMs: 3000 };
/** Refresh the access token this long before it expires. */
const REFRESH_MARGIN_MS = 60_000;

export class Controller {
  readonly store: AppStore;
  readonly bridge: DesktopBridge;
  readonly api: ApiClient;
  readonly socket: AgentSocket;
  readonly #o: ControllerOptions;
  #refreshToken: string | null = null;
  #refreshing: Promise<boolean> | null = null;
  #refreshTimer: ReturnType<typeof setTimeout> | null = null;
  #flushing = false;
  #flushAgain = false;
  #flushTimer: ReturnType<typeof setTimeout> | null = null;
  #flushAttempt = 0;
  #dialTimer: ReturnType<typeof setTimeout> | null = null;
  #dialTimerFor: string | null = null;
  #idleTimer: ReturnType<typeof setTimeout> | null = null;
  #idleAttempt = 0;
  #saveQueued = false;
  #lastStatus = '';
  #unsubs: (() => void)[] = [];

  constructor(o: ControllerOptions) {
    this.#o = o;
    this.store = o.store;
    this.bridge = o.bridge;
    this.api = new ApiClient({
      baseUrl: o.baseUrl,
      ...(o.fetch ? { fetch: o.fetch } : {}),
      getAccessToken: () => this.store.getState().auth.accessToken,
      refresh: () => this.refreshTokens(),
      onReachability: (ok) => {
        if (this.store.getState().connection.apiReachable !== ok)
          update(this.store, (s) => ({ ...s, connection: { ...s.connection, apiReachable: ok } }));
      },
    });
    this.socket = new AgentSocket({
      url: o.wsUrl,
      getTicket: async () => (await this.api.call('wsTicket', {})).ticket,
      getLastSeq: () => this.store.getState().connection.lastSeq,
      onMessage: (m) => this.#onServerMessage(m),
      onPhase: (phase, info) =>
        update(this.store, (s) => ({
          ...s,
          connection: { ...s.connection, socket: phase, attempt: info.attempt, retryAt: info.retryAt },
        })),
      onAuthFailed: () => this.refreshTokens(),
      ...(o.WebSocketImpl ? { WebSocketImpl: o.WebSocketImpl } : {}),
      ...(o.random ? { random: o.random } : {}),
    });
    this.#unsubs.push(this.store.subscribe((s, prev) => this.#onStoreChange(s, prev)));
    this.#unsubs.push(this.bridge.on('shortcut:fired', ({ action }) => this.dispatchShortcut(action)));
    this.#unsubs.push(
      this.bridge.on('tray:command', ({ command }) => {
        if (command === 'PLAY' || command === 'PAUSE' || command === 'STOP')
          void this.setSessionState(command);
      }),
    );
  }

  now(): number {
    return (this.#o.now ?? Date.now)();
  }

  // ------------------------------------------------------------------------------------------ boot & auth

  /** Restores the local snapshot, then the sign-in, then the server's view of the session. */
  async boot(): Promise<void> {
    const snap = await this.bridge.invoke('snapshot:load', null);
    if (snap.ok && snap.value) {
      const v = snap.value;
      update(this.store, (s) => R.restoreAppSnapshot(s, v, this.now()));
    }
    void this.loadAuthConfig();
    const creds = await this.bridge.invoke('credentials:get', null);
    this.#refreshToken = creds.ok ? creds.value.refreshToken : null;
    if (!this.#refreshToken) {
      this.#setPhase('signed-out');
      return;
    }
    if (await this.refreshTokens()) await this.#afterSignIn();
    else if (this.store.getState().auth.phase !== 'signed-out') this.#scheduleBootRetry();
  }

  async loadAuthConfig(): Promise<void> {
    try {
      const config = await this.api.call('authConfig');
      update(this.store, (s) => ({ ...s, auth: { ...s.auth, config } }));
    } catch (e) {
      this.#fail(e);
    }
  }

  async loginDemo(email: string): Promise<void> {
    await this.#login({ demoEmail: email });
  }

  /** Production sign-in: an OIDC ID token (Google Identity Services) exchanged for our own tokens. */
  async loginWithIdToken(idToken: string): Promise<void> {
    await this.#login({ idToken });
  }

  async #login(body: { demoEmail: string } | { idToken: string }): Promise<void> {
    this.#setPhase('signing-in');
    try {
      const pair = await this.api.call('login', body);
      await this.#acceptTokens(pair);
      update(this.store, (s) => R.setErrorValue(s, null));
      await this.#afterSignIn();
    } catch (e) {
      this.#setPhase('signed-out');
      this.#fail(e);
    }
  }

  async logout(): Promise<void> {
    const token = this.#refreshToken;
    this.socket.stop();
    this.#clearTimers();
    this.#refreshToken = null;
    await this.bridge.invoke('credentials:clear', null);
    if (token) await this.api.call('logout', { refreshToken: token }).catch(() => undefined);
    // The outbox stays: an unsent disposition is sent after the same agent signs in again.
    update(this.store, (s) => {
      const fresh = R.initialState();
      return {
        ...fresh,
        auth: { ...fresh.auth, phase: 'signed-out', config: s.auth.config },
        outbox: s.outbox,
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

  async #doRefresh(): Promise<boolean> {
    const refreshToken = this.#refreshToken;
    if (!refreshToken) return false;
    try {
      await this.#acceptTokens(await this.api.call('refresh', { refreshToken }));
      return true;
    } catch (e) {
      if (e instanceof ApiCallError && !e.transient && e.code !== 'HTTP') {
        // The refresh token itself is dead: the agent signs in again (the outbox is kept).
        this.#refreshToken = null;
        await this.bridge.invoke('credentials:clear', null);
        this.socket.stop();
        update(this.store, (s) =>
          R.setError(
            { ...s, auth: { ...s.auth, phase: 'signed-out', accessToken: null, accessExpiresAt: null } },
            'TOKEN_EXPIRED',
            null,
            this.now(),
          ),
        );
      } else {
        update(this.store, (s) => ({ ...s, connection: { ...s.connection, apiReachable: false } }));
      }
      return false;
    }
  }

  async #acceptTokens(pair: TokenPair): Promise<void> {
    this.#refreshToken = pair.refreshToken;
    const prevAgent = this.store.getState().auth.agent?.email ?? null;
    update(this.store, (s) => {
      // A snapshot left by another agent on this computer is not this agent's screen: drop it.
      const other = s.auth.agent && s.auth.agent.email !== pair.agent.email;
      const base = other ? { ...R.initialState(), auth: s.auth } : s;
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
      const snapAgent = await this.#snapshotAgent();
      if (snapAgent && snapAgent !== pair.agent.email)
        update(this.store, (s) => ({ ...R.initialState(), auth: s.auth }));
    }
    await this.bridge.invoke('credentials:set', { refreshToken: pair.refreshToken });
    if (this.#refreshTimer) clearTimeout(this.#refreshTimer);
    const wait = Math.max(5_000, pair.accessExpiresAt - this.now() - REFRESH_MARGIN_MS);
    this.#refreshTimer = setTimeout(() => void this.refreshTokens(), wait);
  }

  async #snapshotAgent(): Promise<string | null> {
    const snap = await this.bridge.invoke('snapshot:load', null);
    return snap.ok && snap.value ? snap.value.agentEmail : null;
  }

  #scheduleBootRetry(): void {
    // Offline at boot: the restored screen stays visible; keep trying to sign back in.
    update(this.store, (s) => ({ ...s, auth: { ...s.auth, phase: 'signed-in' } }));
    const delay = backoffDelay(this.#flushAttempt++, this.#random(), OUTBOX_BACKOFF);
    this.#refreshTimer = setTimeout(async () => {
      if (await this.refreshTokens()) await this.#afterSignIn();
      else if (this.#refreshToken) this.#scheduleBootRetry();
    }, delay);
  }

  async #afterSignIn(): Promise<void> {
    this.#flushAttempt = 0;
    await this.refreshSession();
    this.socket.start();
    void this.flush();
  }

  /** GET /session/current (after sign-in, reload, or RESYNC_REQUIRED); starts a session when none runs. */
  async refreshSession(): Promise<void> {
    try {
      const snap = await this.api.call('sessionCurrent');
      this.#applySnapshot(snap);
      update(this.store, (s) => (s.ui.error?.code === 'NETWORK' ? R.setErrorValue(s, null) : s));
    } catch (e) {
      if (e instanceof ApiCallError && e.code === 'NO_ACTIVE_SESSION') {
        update(this.store, (s) => ({
          ...s,
          session: { session: null, phase: 'none' },
          call: { ...s.call, call: null },
          preview: { lead: null, pending: null, nothing: null },
        }));
        await this.startSession();
      } else this.#fail(e);
    }
  }

  /** GET /stats: the fallback for the live STATS events, after the socket (re)connects (events trimmed from
   *  the replay window are not replayed) and after a disposition sent while the socket was down. */
  async refreshStats(): Promise<void> {
    try {
      const { session } = await this.api.call('stats');
      if (session) update(this.store, (s) => R.applyFetchedStats(s, session));
    } catch {
      // Stats are a nicety: the next answer or event brings them.
    }
  }

  #applySnapshot(snap: SessionSnapshot): void {
    update(this.store, (s) => R.applySnapshot(s, snap));
  }

  // ------------------------------------------------------------------------------------------ session

  async startSession(): Promise<void> {
    update(this.store, (s) => ({ ...s, session: { ...s.session, phase: 'starting' } }));
    await this.#intent('sessionStart', {});
  }

  async setSessionState(state: SessionState): Promise<void> {
    const s = this.store.getState();
    if (!s.session.session || s.session.phase === 'ended' || s.session.phase === 'none') {
      if (state === 'PLAY') {
        await this.startSession();
        if (this.store.getState().session.session) await this.#intent('sessionState', { state: 'PLAY' });
      }
      return;
    }
    if (state === 'PLAY' && s.ui.dispo) {
      // The last call still needs its disposition: show the modal instead of dialing on top of it.
      update(this.store, R.showDispo);
      return;
    }
    await this.#intent('sessionState', { state });
  }

  async togglePlay(): Promise<void> {
    const session = this.store.getState().session.session;
    await this.setSessionState(
      session?.state === 'PLAY' && this.store.getState().session.phase === 'active' ? 'PAUSE' : 'PLAY',
    );
  }

  /** Dials the pending preview now (or asks for the next lead when none is pending). */
  async dialNow(): Promise<void> {
    const pending = this.store.getState().preview.pending;
    await this.#intent('dial', pending ? { previewId: pending.previewId } : {});
  }

  async skipPreview(): Promise<void> {
    const pending = this.store.getState().preview.pending;
    if (pending) await this.#intent('skip', { previewId: pending.previewId });
  }

  /** Asks for the next lead: a preview when the campaign counts down first, else a dial at once. */
  async requestNext(): Promise<void> {
    const session = this.store.getState().session.session;
    if (session && session.previewCountdownSeconds > 0) await this.#intent('next', {});
    else await this.#intent('dial', {});
  }

  // ------------------------------------------------------------------------------------------ disposition

  pickDispo(code: DispositionCode): void {
    update(this.store, (s) => R.pickDispo(s, code));
  }

  pickDispoByKey(key: number): void {
    const catalog = this.store.getState().session.session?.catalog ?? DEFAULT_DISPOSITIONS;
    const def = catalog.find((d) => d.key === key);
    if (def) update(this.store, (s) => R.showDispo(R.pickDispo(s, def.code)));
  }

  setDispoNotes(notes: string): void {
    update(this.store, (s) => R.setDispoNotes(s, notes));
  }

  hideDispo(): void {
    update(this.store, R.hideDispo);
  }

  showDispo(): void {
    update(this.store, R.showDispo);
  }

  /** Enter: the chosen disposition goes into the outbox (persisted first), then is sent. */
  async confirmDispo(): Promise<void> {
    const d = this.store.getState().ui.dispo;
    if (!d?.code) return;
    const notes = d.notes.trim();
    const entry = this.#entry('/disposition', {
      callId: d.callId,
      code: d.code,
      ...(notes ? { notes } : {}),
    });
    update(this.store, (s) => R.confirmDispo(s, entry, d.callId));
    await this.#saveNow();
    await this.flush();
  }

  /** One entry point for in-page keys, global shortcuts and tray commands. */
  dispatchShortcut(action: ShortcutAction): void {
    const s = this.store.getState();
    const dispo = s.ui.dispo;
    const m = /^dispo-(\d)$/.exec(action);
    if (m) {
      if (dispo) this.pickDispoByKey(Number(m[1]));
      return;
    }
    switch (action) {
      case 'confirm':
        if (dispo?.open) void this.confirmDispo();
        else if (dispo) this.showDispo();
        return;
      case 'cancel':
        if (dispo?.open) this.hideDispo();
        return;
      case 'toggle-play':
        if (!dispo?.open) void this.togglePlay();
        return;
      case 'stop':
        if (!dispo?.open) void this.setSessionState('STOP');
        return;
      case 'show-window':
        return;
    }
  }

  // ------------------------------------------------------------------------------------------ outbox

  #entry(path: string, body: unknown): OutboxEntry {
    return { idempotencyKey: newId(), method: 'POST', path, body, createdAt: this.now(), attempts: 0 };
  }

  /** A state-changing request: one idempotency key per intent, kept in the outbox until acknowledged. */
  async #intent(
    name: 'sessionStart' | 'sessionState' | 'next' | 'dial' | 'skip',
    body: object,
  ): Promise<void> {
    const path = {
      sessionStart: '/session/start',
      sessionState: '/session/state',
      next: '/next',
      dial: '/dial',
      skip: '/skip',
    }[name];
    const entry = this.#entry(path, body);
    update(this.store, (s) => ({ ...R.outboxAdd(s, entry), ui: { ...s.ui, busy: name } }));
    await this.#saveNow();
    await this.flush();
    update(this.store, (s) => (s.ui.busy === name ? { ...s, ui: { ...s.ui, busy: null } } : s));
  }

  /** Sends the outbox in order, one at a time. Stops at the first transient failure and retries later. */
  async flush(): Promise<void> {
    if (this.#flushing) {
      this.#flushAgain = true;
      while (this.#flushing) await new Promise((r) => setTimeout(r, 20));
      return;
    }
    this.#flushing = true;
    try {
      for (;;) {
        this.#flushAgain = false;
        await this.#flushOnce();
        if (!this.#flushAgain) break;
      }
    } finally {
      this.#flushing = false;
    }
  }

  async #flushOnce(): Promise<void> {
    for (;;) {
      const s = this.store.getState();
      const e = s.outbox.entries[0];
      if (!e) return;
      if (!s.auth.accessToken) return; // sent after sign-in
      if (!R.isReplayable(e, this.now())) {
        update(this.store, (st) => R.outboxAck(st, e.idempotencyKey));
        continue;
      }
      update(this.store, (st) => R.outboxAttempt(st, e.idempotencyKey));
      try {
        const { name, value } = await this.api.replay(e.path, e.body, e.idempotencyKey);
        update(this.store, (st) => R.outboxAck(st, e.idempotencyKey));
        this.#flushAttempt = 0;
        this.#onAnswer(name, value, e);
        await this.#saveNow();
      } catch (err) {
        const error = err instanceof ApiCallError ? err : new ApiCallError('CLIENT', String(err), 0);
        if (error.transient || error.code === 'UNAUTHENTICATED' || error.code === 'TOKEN_EXPIRED') {
          this.#scheduleFlush(error);
          return;
        }
        update(this.store, (st) => R.outboxAck(st, e.idempotencyKey));
        await this.#saveNow();
        this.#onFinalError(e, error);
      }
    }
  }

  #scheduleFlush(error: ApiCallError): void {
    if (error.code === 'NETWORK' || error.code === 'HTTP') {
      update(this.store, (s) =>
        s.outbox.entries.some((e) => e.path === '/disposition')
          ? {
              ...s,
              ui: {
                ...s.ui,
                notice: 'Disposition saved on this computer: it is sent as soon as the server is back.',
              },
            }
          : s,
      );
    }
    if (this.#flushTimer) return;
    const delay = backoffDelay(this.#flushAttempt++, this.#random(), OUTBOX_BACKOFF);
    this.#flushTimer = setTimeout(() => {
      this.#flushTimer = null;
      void this.flush();
    }, delay);
  }

  #onAnswer(name: string, value: unknown, entry: OutboxEntry): void {
    // A success clears errors older than this intent, not one the server pushed while handling it (e.g. the
    // ERROR event of a chained dial that failed after the disposition was saved).
    update(this.store, (s) => ({
      ...s,
      ui: {
        ...s.ui,
        notice: s.outbox.entries.length === 0 ? null : s.ui.notice,
        error: s.ui.error && s.ui.error.at < entry.createdAt ? null : s.ui.error,
      },
    }));
    switch (name) {
      case 'sessionStart':
        this.#applySnapshot(value as SessionSnapshot);
        return;
      case 'sessionState': {
        const v = value as { session: SessionView; next: NextStep };
        update(this.store, (s) =>
          R.applyNextStep(
            { ...s, session: { session: v.session, phase: v.session.state === 'STOP' ? 'ended' : 'active' } },
            v.next,
          ),
        );
        const s = this.store.getState();
        if (
          v.session.state === 'PLAY' &&
          v.next.kind === 'idle' &&
          !s.call.call &&
          !s.ui.dispo &&
          s.outbox.entries.length === 0
        )
          void this.requestNext();
        return;
      }
      case 'disposition':
        update(this.store, (s) => R.applyNextStep(s, (value as { next: NextStep }).next));
        // With the socket up the server's STATS event brings the new numbers.
        if (!this.socket.isOpen) void this.refreshStats();
        return;
      case 'next':
      case 'dial':
      case 'skip':
        update(this.store, (s) => R.applyNextStep(s, value as NextStep));
        return;
    }
  }

  #onFinalError(e: OutboxEntry, error: ApiCallError): void {
    if (e.path === '/disposition' && (error.code === 'NO_CALL_PENDING' || error.code === 'CALL_NOT_FOUND')) {
      // Already recorded (e.g. by a replay whose answer was lost): nothing for the agent to do.
      update(this.store, (s) => ({ ...s, ui: { ...s.ui, notice: null } }));
      return;
    }
    if (e.path === '/session/start') {
      if (error.code === 'SESSION_ALREADY_ACTIVE') {
        void this.refreshSession();
        return;
      }
      // No session (e.g. a wrong sheet header): back to "Not started", so Play or Retry can try again.
      update(this.store, (s) =>
        s.session.phase === 'starting' ? { ...s, session: { ...s.session, phase: 'none' } } : s,
      );
    }
    if (e.path === '/dial' && error.code === 'CALL_IN_PROGRESS') return;
    if (error.code === 'NOTHING_TO_DIAL' || error.code === 'OUTSIDE_CALLING_HOURS') {
      update(this.store, (s) => ({ ...s, preview: { ...s.preview, pending: null } }));
    }
    this.#fail(error);
  }

  // ------------------------------------------------------------------------------------------ socket

  #onServerMessage(m: ServerMessage): void {
    switch (m.type) {
      case 'HELLO':
        update(this.store, (s) => ({ ...s, connection: { ...s.connection, apiReachable: true } }));
        void this.flush();
        void this.refreshStats();
        return;
      case 'EVENT':
        update(this.store, (s) => R.applyAgentEvent(s, m.seq, m.event, this.now()));
        this.socket.send({ v: WS_PROTOCOL_VERSION, type: 'ACK', seq: m.seq });
        return;
      case 'RESYNC_REQUIRED':
        void this.refreshSession();
        return;
      default:
        return;
    }
  }

  /** Simulates a dropped connection (diagnostics; the e2e suite uses it through window.__turbo). */
  dropSocket(): void {
    this.socket.drop();
  }

  /** The banner's Retry: reconnect at once and re-read the session. */
  async retry(): Promise<void> {
    update(this.store, (s) => R.setErrorValue(s, null));
    if (this.store.getState().auth.phase !== 'signed-in') {
      await this.loadAuthConfig();
      return;
    }
    this.socket.reconnectNow();
    if (this.#flushTimer) {
      clearTimeout(this.#flushTimer);
      this.#flushTimer = null;
    }
    await this.refreshSession();
    await this.flush();
  }

  /** The browser says the network is back. */
  online(): void {
    this.socket.reconnectNow();
    void this.flush();
  }

  // ------------------------------------------------------------------------------------------ store effects

  #onStoreChange(s: StoreState, prev: StoreState): void {
    const status = computeAppStatus(s);
    const key = JSON.stringify(status);
    if (key !== this.#lastStatus) {
      this.#lastStatus = key;
      void this.bridge.invoke('app:status', status);
    }
    if (
      s.session !== prev.session ||
      s.call !== prev.call ||
      s.preview !== prev.preview ||
      s.ui.dispo !== prev.ui.dispo ||
      s.outbox !== prev.outbox ||
      s.connection.lastSeq !== prev.connection.lastSeq
    )
      this.#queueSave();
    if (
      s.preview.pending !== prev.preview.pending ||
      s.session.session?.state !== prev.session.session?.state
    )
      this.#armAutoDial(s);
    this.#armIdleWatchdog(s);
  }

  /** On Play with nothing happening (a chained dial failed, Dialpad rate-limited us, a retry delay is due)
   *  the client asks again by itself, backing off, so the agent is never left waiting on a silent screen. */
  #armIdleWatchdog(s: StoreState): void {
    const idle =
      s.auth.phase === 'signed-in' &&
      s.session.phase === 'active' &&
      s.session.session?.state === 'PLAY' &&
      !s.call.call &&
      !s.preview.pending &&
      !s.ui.dispo &&
      s.outbox.entries.length === 0 &&
      (s.preview.nothing === null || s.preview.nothing.nextDialableAt !== null);
    if (!idle) {
      if (this.#idleTimer) clearTimeout(this.#idleTimer);
      this.#idleTimer = null;
      if (s.call.call || s.preview.pending) this.#idleAttempt = 0;
      return;
    }
    if (this.#idleTimer) return;
    const nextAt = s.preview.nothing?.nextDialableAt ?? null;
    const delay =
      nextAt !== null
        ? Math.max(1000, nextAt - this.now() + 500)
        : backoffDelay(this.#idleAttempt++, this.#random(), IDLE_BACKOFF);
    this.#idleTimer = setTimeout(() => {
      this.#idleTimer = null;
      const cur = this.store.getState();
      if (cur.session.session?.state === 'PLAY' && !cur.call.call && !cur.preview.pending && !cur.ui.dispo)
        void this.requestNext();
    }, delay);
  }

  /** The preview countdown: when it runs out (and the session is on Play) the client dials. */
  #armAutoDial(s: StoreState): void {
    const pending = s.preview.pending;
    const playing = s.session.session?.state === 'PLAY';
    if (!pending || !playing) {
      if (this.#dialTimer) clearTimeout(this.#dialTimer);
      this.#dialTimer = null;
      this.#dialTimerFor = null;
      return;
    }
    if (this.#dialTimerFor === pending.previewId) return;
    if (this.#dialTimer) clearTimeout(this.#dialTimer);
    this.#dialTimerFor = pending.previewId;
    const delay = previewRemainingMs(
      pending.dialAt,
      s.session.session?.previewCountdownSeconds ?? 0,
      this.now(),
    );
    this.#dialTimer = setTimeout(() => {
      this.#dialTimer = null;
      const cur = this.store.getState();
      if (cur.preview.pending?.previewId === pending.previewId && cur.session.session?.state === 'PLAY')
        void this.dialNow();
    }, delay);
  }

  #queueSave(): void {
    if (this.#saveQueued) return;
    this.#saveQueued = true;
    queueMicrotask(() => {
      this.#saveQueued = false;
      void this.#saveNow();
    });
  }

  async #saveNow(): Promise<void> {
    const s = this.store.getState();
    if (s.auth.phase === 'booting') return; // never overwrite the snapshot before it was restored
    await this.bridge.invoke('snapshot:save', R.toAppSnapshot(s, this.now(), this.#o.baseUrl || null));
  }

  // ------------------------------------------------------------------------------------------ helpers

  #setPhase(phase: StoreState['auth']['phase']): void {
    update(this.store, (s) => ({ ...s, auth: { ...s.auth, phase } }));
  }

  #fail(e: unknown): void {
    const err =
      e instanceof ApiCallError
        ? e
        : new ApiCallError('CLIENT', e instanceof Error ? e.message : String(e), 0);
    const code = err.code === 'HTTP' ? 'NETWORK' : err.code;
    update(this.store, (s) => R.setError(s, code, err.code === 'NETWORK' ? null : err.message, this.now()));
  }

  #random(): number {
    return (this.#o.random ?? Math.random)();
  }

  #clearTimers(): void {
    for (const t of [this.#refreshTimer, this.#flushTimer, this.#dialTimer, this.#idleTimer])
      if (t) clearTimeout(t);
    this.#refreshTimer = this.#flushTimer = this.#dialTimer = this.#idleTimer = null;
    this.#dialTimerFor = null;
  }

  dispose(): void {
    this.#clearTimers();
    this.socket.stop();
    for (const u of this.#unsubs) u();
  }
}

/** Milliseconds left on a preview countdown. dialAt is the server's clock: clamped to the configured countdown
 *  so a skewed client clock can neither dial at once nor wait forever. */
export function previewRemainingMs(dialAt: number, countdownSeconds: number, now: number): number {
  return Math.min(Math.max(0, dialAt - now), countdownSeconds * 1000);
}
