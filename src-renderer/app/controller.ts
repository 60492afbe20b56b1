// The composition root of the agent's screen: builds the store's parts and wires them to each other, then
// hands them out. React components, the in-window keys, the desktop shortcuts and the tray call the part
// that does the job (c.session.togglePlay(), c.dispo.confirm…, c.call.hangUp()); nothing here forwards.
// Its own jobs: the wiring below, what happens after a sign-in (session, socket, outbox, install report),
// logout (timers stopped first) and dispose.
//   auth       AuthFlow: boot, sign-in (demo / OIDC), single-flight token refresh
//   session    SessionActions: start, Play / Pause / Stop, next, Dial now, Skip, GET /session/current, /stats
//   dispo      DispositionActions: the modal's actions and dispatchShortcut (keys, global shortcuts, tray)
//   call       CallActions: Hang up, the note typed during the call
//   amend      AmendActions: Change the last disposition (the receipt's Change, key C)
//   outbox     OutboxSender with answers.ts: idempotent requests kept until acknowledged
//   connection Connection: the socket, Retry, back online
//   updater    UpdaterActions: Restart to update
//   callbacks  CallbackActions: the "Callbacks due" list, dial or cancel one
// plus Watchdogs (preview countdown, idle Play), wireBridge (app:status, snapshot, bridge events) and
// InstallReporter (the desktop install report, after sign-in).
import { HTTP_API } from '../../src-shared/contracts/http';
import { ApiClient } from '../api/client';
import type { AgentSocket } from '../api/socket';
import type { AppStore } from '../store';
import { type AnswerContext, applyAnswer, applyFinalError } from './answers';
import { AuthFlow } from './auth';
import { wireBridge } from './bridge-wiring';
import { AmendActions } from './amend-actions';
import { CallActions } from './call-actions';
import { CallbackActions } from './callbacks';
import { Connection } from './connection';
import { ControllerCore, type ControllerOptions } from './core';
import { DispositionActions } from './dispositions';
import { InstallReporter } from './install-report';
import { OutboxSender } from './outbox';
import { SessionActions } from './session-actions';
import { UpdaterActions } from './updater';
import { Watchdogs } from './watchdogs';

export type { ControllerOptions } from './core';

export class Controller {
  readonly store: AppStore;
  readonly bridge: ControllerOptions['bridge'];
  readonly api: ApiClient;
  readonly socket: AgentSocket;
  readonly auth: AuthFlow;
  readonly session: SessionActions;
  readonly dispo: DispositionActions;
  readonly amend: AmendActions;
  readonly call: CallActions;
  readonly outbox: OutboxSender;
  readonly connection: Connection;
  readonly updater: UpdaterActions;
  readonly callbacks: CallbackActions;
  readonly #core: ControllerCore;
  readonly #watchdogs: Watchdogs;
  readonly #installReport: InstallReporter;
  readonly #unsubs: (() => void)[];

  constructor(o: ControllerOptions) {
    const core = new ControllerCore(o);
    this.#core = core;
    this.store = core.store;
    this.bridge = core.bridge;
    this.api = new ApiClient({
      routes: HTTP_API,
      baseUrl: o.baseUrl,
      ...(o.fetch ? { fetch: o.fetch } : {}),
      getAccessToken: () => core.state().auth.accessToken,
      refresh: () => this.auth.refreshTokens(),
      onReachability: (ok) => {
        if (core.state().connection.apiReachable !== ok)
          core.update((s) => ({ ...s, connection: { ...s.connection, apiReachable: ok } }));
      },
    });
    const answers: AnswerContext = {
      core,
      requestNext: () => this.session.requestNext(),
      refreshSession: () => this.session.refreshSession(),
      refreshStats: () => this.session.refreshStats(),
      refreshCallbacks: () => this.callbacks.refresh(),
      socketOpen: () => this.socket.isOpen,
    };
    this.outbox = new OutboxSender(core, this.api, {
      onAnswer: (answer) => applyAnswer(answers, answer),
      onFinalError: (entry, error) => applyFinalError(answers, entry, error),
    });
    this.session = new SessionActions(core, this.api, this.outbox);
    this.callbacks = new CallbackActions(core, this.api, this.outbox);
    this.call = new CallActions(core, this.outbox);
    this.dispo = new DispositionActions(core, this.outbox, this.session, this.call);
    this.amend = new AmendActions(core, this.outbox);
    this.connection = new Connection(core, this.api, {
      refreshTokens: () => this.auth.refreshTokens(),
      flush: () => this.outbox.flush(),
      cancelFlushRetry: () => this.outbox.cancelRetry(),
      refreshSession: () => this.session.refreshSession(),
      refreshStats: () => this.session.refreshStats(),
      loadAuthConfig: () => this.auth.loadAuthConfig(),
    });
    this.socket = this.connection.socket;
    this.auth = new AuthFlow(core, this.api, {
      afterSignIn: () => this.#afterSignIn(),
      stopSocket: () => this.socket.stop(),
    });
    this.updater = new UpdaterActions(core);
    this.#watchdogs = new Watchdogs(core, {
      requestNext: () => this.session.requestNext(),
      dialNow: () => this.session.dialNow(),
    });
    this.#installReport = new InstallReporter(core, this.api);
    this.#unsubs = wireBridge(core, {
      dispatchShortcut: (action) => this.dispo.dispatchShortcut(action),
      setSessionState: (state) => this.session.setSessionState(state),
      onStoreChange: (s, prev) => this.#watchdogs.onStoreChange(s, prev),
    });
  }

  now(): number {
    return this.#core.now();
  }

  /** Signed in (boot or login): the server's view, the socket, the outbox, the install report. */
  async #afterSignIn(): Promise<void> {
    this.outbox.resetBackoff();
    await this.session.refreshSession();
    this.callbacks.start();
    this.socket.start();
    void this.outbox.flush();
    void this.#installReport.report();
  }

  /** Sign out: every timer stops first, so nothing fires for an agent who is gone. */
  async logout(): Promise<void> {
    this.#clearTimers();
    await this.auth.logout();
  }

  #clearTimers(): void {
    this.auth.dispose();
    this.outbox.cancelRetry();
    this.callbacks.stop();
    this.#watchdogs.dispose();
  }

  dispose(): void {
    this.#clearTimers();
    this.socket.stop();
    for (const u of this.#unsubs) u();
  }
}
