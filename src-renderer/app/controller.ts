// The controller: the only place that does I/O for the UI, and the one object React components, the
// desktop shortcuts and the tray talk to. It wires parts with one job each: AuthFlow (sign-in, tokens),
// SessionActions (session intents), DispositionActions (the modal, shortcut dispatch), OutboxSender
// (idempotent requests kept until acknowledged) with answers.ts (what an answer does), Connection (the
// socket), Watchdogs (preview countdown, idle Play), wireBridge (app:status, snapshot, bridge events),
// InstallReporter (the desktop install report, after sign-in) and updater.ts (Restart to update).
import type { ShortcutAction } from '../../src-shared/contracts/ipc';
import type { DispositionCode } from '../../src-shared/domain/disposition';
import type { SessionState } from '../../src-shared/domain/session';
import { ApiClient } from '../api/client';
import type { AgentSocket } from '../api/socket';
import type { AppStore } from '../store';
import { type AnswerContext, applyAnswer, applyFinalError } from './answers';
import { AuthFlow } from './auth';
import { wireBridge } from './bridge-wiring';
import { CallActions } from './call-actions';
import { Connection } from './connection';
import { ControllerCore, type ControllerOptions } from './core';
import { DispositionActions } from './dispositions';
import { InstallReporter } from './install-report';
import { OutboxSender } from './outbox';
import { SessionActions } from './session-actions';
import { installUpdate } from './updater';
import { Watchdogs } from './watchdogs';

export type { ControllerOptions } from './core';

export class Controller {
  readonly store: AppStore;
  readonly bridge: ControllerOptions['bridge'];
  readonly api: ApiClient;
  readonly socket: AgentSocket;
  readonly #core: ControllerCore;
  readonly #auth: AuthFlow;
  readonly #outbox: OutboxSender;
  readonly #session: SessionActions;
  readonly #dispo: DispositionActions;
  readonly #call: CallActions;
  readonly #connection: Connection;
  readonly #watchdogs: Watchdogs;
  readonly #installReport: InstallReporter;
  readonly #unsubs: (() => void)[];

  constructor(o: ControllerOptions) {
    const core = new ControllerCore(o);
    this.#core = core;
    this.store = core.store;
    this.bridge = core.bridge;
    this.api = new ApiClient({
      baseUrl: o.baseUrl,
      ...(o.fetch ? { fetch: o.fetch } : {}),
      getAccessToken: () => core.state().auth.accessToken,
      refresh: () => this.refreshTokens(),
      onReachability: (ok) => {
        if (core.state().connection.apiReachable !== ok)
          core.update((s) => ({ ...s, connection: { ...s.connection, apiReachable: ok } }));
      },
    });
    const answers: AnswerContext = {
      core,
      requestNext: () => this.requestNext(),
      refreshSession: () => this.refreshSession(),
      refreshStats: () => this.refreshStats(),
      socketOpen: () => this.socket.isOpen,
    };
    this.#outbox = new OutboxSender(core, this.api, {
      onAnswer: (name, value, entry) => applyAnswer(answers, name, value, entry),
      onFinalError: (entry, error) => applyFinalError(answers, entry, error),
    });
    this.#session = new SessionActions(core, this.api, this.#outbox);
    this.#call = new CallActions(core, this.#outbox);
    this.#dispo = new DispositionActions(core, this.#outbox, this.#session, this.#call);
    this.#connection = new Connection(core, this.api, {
      refreshTokens: () => this.refreshTokens(),
      flush: () => this.flush(),
      cancelFlushRetry: () => this.#outbox.cancelRetry(),
      refreshSession: () => this.refreshSession(),
      refreshStats: () => this.refreshStats(),
      loadAuthConfig: () => this.loadAuthConfig(),
    });
    this.socket = this.#connection.socket;
    this.#auth = new AuthFlow(core, this.api, {
      afterSignIn: () => this.#afterSignIn(),
      stopSocket: () => this.socket.stop(),
    });
    this.#watchdogs = new Watchdogs(core, {
      requestNext: () => this.requestNext(),
      dialNow: () => this.dialNow(),
    });
    this.#installReport = new InstallReporter(core, this.api);
    this.#unsubs = wireBridge(core, {
      dispatchShortcut: (action) => this.dispatchShortcut(action),
      setSessionState: (state) => this.setSessionState(state),
      onStoreChange: (s, prev) => this.#watchdogs.onStoreChange(s, prev),
    });
  }

  now(): number {
    return this.#core.now();
  }

  // ------------------------------------------------------------------------------------------ sign-in

  /** Restores the local snapshot, then the sign-in, then the server's view of the session. */
  boot(): Promise<void> {
    return this.#auth.boot();
  }

  loadAuthConfig(): Promise<void> {
    return this.#auth.loadAuthConfig();
  }

  loginDemo(email: string): Promise<void> {
    return this.#auth.login({ demoEmail: email });
  }

  /** Production sign-in: an OIDC ID token (Google Identity Services) exchanged for our own tokens. */
  loginWithIdToken(idToken: string): Promise<void> {
    return this.#auth.login({ idToken });
  }

  async logout(): Promise<void> {
    this.#clearTimers();
    await this.#auth.logout();
  }

  /** Single-flight token refresh. false = could not refresh (signed out, or the coordinator is unreachable). */
  refreshTokens(): Promise<boolean> {
    return this.#auth.refreshTokens();
  }

  async #afterSignIn(): Promise<void> {
    this.#outbox.resetBackoff();
    await this.refreshSession();
    this.socket.start();
    void this.flush();
    void this.#installReport.report();
  }

  // ------------------------------------------------------------------------------------------ session

  refreshSession(): Promise<void> {
    return this.#session.refreshSession();
  }

  refreshStats(): Promise<void> {
    return this.#session.refreshStats();
  }

  startSession(): Promise<void> {
    return this.#session.startSession();
  }

  setSessionState(state: SessionState): Promise<void> {
    return this.#session.setSessionState(state);
  }

  togglePlay(): Promise<void> {
    return this.#session.togglePlay();
  }

  /** Dials the pending preview now (or asks for the next lead when none is pending). */
  dialNow(): Promise<void> {
    return this.#session.dialNow();
  }

  skipPreview(): Promise<void> {
    return this.#session.skipPreview();
  }

  requestNext(): Promise<void> {
    return this.#session.requestNext();
  }

  /** Notes for the call on screen, typed on the lead card; sent with its disposition. */
  setCallNotes(text: string): void {
    this.#call.setNotes(text);
  }

  /** Hangs up the live call through Dialpad; the modal opens at once. */
  hangUp(): Promise<void> {
    return this.#call.hangUp();
  }

  // ------------------------------------------------------------------------------------------ disposition

  pickDispo(code: DispositionCode): void {
    this.#dispo.pickDispo(code);
  }

  pickDispoByKey(key: number): void {
    this.#dispo.pickDispoByKey(key);
  }

  setDispoNotes(notes: string): void {
    this.#dispo.setDispoNotes(notes);
  }

  hideDispo(): void {
    this.#dispo.hideDispo();
  }

  showDispo(): void {
    this.#dispo.showDispo();
  }

  confirmDispo(): Promise<void> {
    return this.#dispo.confirmDispo();
  }

  /** One entry point for in-page keys, global shortcuts and tray commands. */
  dispatchShortcut(action: ShortcutAction): void {
    this.#dispo.dispatchShortcut(action);
  }

  // ------------------------------------------------------------------------------------------ desktop update

  /** "Restart to update": asks the main process to install the downloaded update (it may refuse, with a reason). */
  installUpdate(): Promise<void> {
    return installUpdate(this.#core);
  }

  // ------------------------------------------------------------------------------------------ outbox & connection

  /** Sends the outbox in order, one at a time. */
  flush(): Promise<void> {
    return this.#outbox.flush();
  }

  /** Simulates a dropped connection (diagnostics; the e2e suite uses it through window.__turbo). */
  dropSocket(): void {
    this.socket.drop();
  }

  /** The banner's Retry: reconnect at once and re-read the session. */
  retry(): Promise<void> {
    return this.#connection.retry();
  }

  /** The browser says the network is back. */
  online(): void {
    this.#connection.online();
  }

  #clearTimers(): void {
    this.#auth.dispose();
    this.#outbox.cancelRetry();
    this.#watchdogs.dispose();
  }

  dispose(): void {
    this.#clearTimers();
    this.socket.stop();
    for (const u of this.#unsubs) u();
  }
}
