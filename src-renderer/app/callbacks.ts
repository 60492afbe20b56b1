// The agent's callbacks: the "Callbacks due" list (GET /callbacks, refreshed after sign-in, after every
// answer that can change it, and every 30 s so an upcoming one turns due on screen) and its two actions,
// dial one now and cancel one, sent through the outbox like every state change.
import type { ApiClient } from '../api/client';
import * as R from '../store/reducers';
import type { ControllerCore } from './core';
import type { OutboxSender } from './outbox';

const REFRESH_MS = 30_000;

export class CallbackActions {
  readonly #core: ControllerCore;
  readonly #api: ApiClient;
  readonly #outbox: OutboxSender;
  #timer: ReturnType<typeof setInterval> | null = null;

  constructor(core: ControllerCore, api: ApiClient, outbox: OutboxSender) {
    this.#core = core;
    this.#api = api;
    this.#outbox = outbox;
  }

  /** GET /callbacks. A failure leaves the list as it was (the next refresh brings it). */
  async refresh(): Promise<void> {
    if (this.#core.state().auth.phase !== 'signed-in') return;
    try {
      const r = await this.#api.call('callbacks');
      this.#core.update((s) => R.applyCallbacks(s, r));
    } catch {
      // The list is a convenience: the due callback is offered first by the server anyway.
    }
  }

  /** Starts the periodic refresh (after sign-in); stop() ends it. */
  start(): void {
    this.stop();
    void this.refresh();
    this.#timer = setInterval(() => void this.refresh(), REFRESH_MS);
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }

  async dial(rowId: string): Promise<void> {
    await this.#outbox.intent({ route: 'callbackDial', body: { rowId } });
  }

  async cancel(rowId: string): Promise<void> {
    await this.#outbox.intent({ route: 'callbackCancel', body: { rowId } });
  }
}
