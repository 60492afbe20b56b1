// The live connection: the agent's WebSocket (ticket auth, resume from the last seq, backoff), what each
// server message does to the store, and the agent's ways to reconnect (Retry, the browser back online).
import type { ServerMessage } from '../../src-shared/contracts/ws';
import { WS_PROTOCOL_VERSION } from '../../src-shared/contracts/ws';
import type { ApiClient } from '../api/client';
import { AgentSocket } from '../api/socket';
import * as R from '../store/reducers';
import type { ControllerCore } from './core';

export interface ConnectionDeps {
  refreshTokens: () => Promise<boolean>;
  /** Sends the outbox now. */
  flush: () => Promise<void>;
  /** Drops any scheduled outbox retry (the caller flushes at once). */
  cancelFlushRetry: () => void;
  refreshSession: () => Promise<void>;
  refreshStats: () => Promise<void>;
  loadAuthConfig: () => Promise<void>;
}

export class Connection {
  readonly socket: AgentSocket;
  readonly #core: ControllerCore;
  readonly #deps: ConnectionDeps;

  constructor(core: ControllerCore, api: ApiClient, deps: ConnectionDeps) {
    this.#core = core;
    this.#deps = deps;
    const o = core.options;
    this.socket = new AgentSocket({
      url: o.wsUrl,
      getTicket: async () => (await api.call('wsTicket', {})).ticket,
      getLastSeq: () => core.state().connection.lastSeq,
      onMessage: (m) => this.#onServerMessage(m),
      onPhase: (phase, info) =>
        core.update((s) => ({
          ...s,
          connection: { ...s.connection, socket: phase, attempt: info.attempt, retryAt: info.retryAt },
        })),
      onAuthFailed: () => deps.refreshTokens(),
      ...(o.WebSocketImpl ? { WebSocketImpl: o.WebSocketImpl } : {}),
      ...(o.random ? { random: o.random } : {}),
    });
  }

  #onServerMessage(m: ServerMessage): void {
    const core = this.#core;
    switch (m.type) {
      case 'HELLO':
        core.update((s) => ({ ...s, connection: { ...s.connection, apiReachable: true } }));
        void this.#deps.flush();
        // Live numbers come as STATS events; after a (re)connect read them once in case some were missed.
        void this.#deps.refreshStats();
        return;
      case 'EVENT':
        core.update((s) => R.applyAgentEvent(s, m.seq, m.event, core.now()));
        this.socket.send({ v: WS_PROTOCOL_VERSION, type: 'ACK', seq: m.seq });
        return;
      case 'RESYNC_REQUIRED':
        void this.#deps.refreshSession();
        return;
      default:
        return;
    }
  }

  /** The banner's Retry: reconnect at once and re-read the session. */
  async retry(): Promise<void> {
    const core = this.#core;
    core.update((s) => R.setErrorValue(s, null));
    if (core.state().auth.phase !== 'signed-in') {
      await this.#deps.loadAuthConfig();
      return;
    }
    this.socket.reconnectNow();
    this.#deps.cancelFlushRetry();
    await this.#deps.refreshSession();
    await this.#deps.flush();
  }

  /** The browser says the network is back. */
  online(): void {
    this.socket.reconnectNow();
    void this.#deps.flush();
  }
}
