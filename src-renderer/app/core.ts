// What every part of the controller shares: the store, the bridge, the clock and randomness (injectable for
// tests), and the two things they all do: report an error in plain words and save the local snapshot.
import type { DesktopBridge } from '../../src-shared/contracts/ipc';
import { ApiCallError } from '../api/client';
import { type AppStore, update } from '../store';
import * as R from '../store/reducers';
import type { StoreState } from '../store/types';

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

export class ControllerCore {
  readonly store: AppStore;
  readonly bridge: DesktopBridge;
  readonly options: ControllerOptions;
  #saveQueued = false;

  constructor(o: ControllerOptions) {
    this.options = o;
    this.store = o.store;
    this.bridge = o.bridge;
  }

  now(): number {
    return (this.options.now ?? Date.now)();
  }

  random(): number {
    return (this.options.random ?? Math.random)();
  }

  state(): StoreState {
    return this.store.getState();
  }

  update(reducer: (s: StoreState) => StoreState): void {
    update(this.store, reducer);
  }

  setPhase(phase: StoreState['auth']['phase']): void {
    this.update((s) => ({ ...s, auth: { ...s.auth, phase } }));
  }

  /** Shows any failure as the banner (a transport-level HTTP error reads as "cannot reach the server"). */
  fail(e: unknown): void {
    const err =
      e instanceof ApiCallError
        ? e
        : new ApiCallError('CLIENT', e instanceof Error ? e.message : String(e), 0);
    const code = err.code === 'HTTP' ? 'NETWORK' : err.code;
    this.update((s) => R.setError(s, code, err.code === 'NETWORK' ? null : err.message, this.now()));
  }

  /** Saves the snapshot once per burst of store changes. */
  queueSave(): void {
    if (this.#saveQueued) return;
    this.#saveQueued = true;
    queueMicrotask(() => {
      this.#saveQueued = false;
      void this.saveNow();
    });
  }

  /** Saves the snapshot now (an outbox entry is on disk before its request leaves). */
  async saveNow(): Promise<void> {
    const s = this.state();
    if (s.auth.phase === 'booting') return; // never overwrite the snapshot before it was restored
    await this.bridge.invoke('snapshot:save', R.toAppSnapshot(s, this.now(), this.options.baseUrl || null));
  }
}
