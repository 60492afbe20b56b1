// The agent's session intents: start, Play / Pause / Stop, the next lead, Dial now and Skip on a preview,
// and re-reading the server's view (GET /session/current, GET /stats). State changes go through the outbox.
import type { SessionState } from '../../src-shared/domain/session';
import { ApiCallError, type ApiClient } from '../api/client';
import * as R from '../store/reducers';
import type { ControllerCore } from './core';
import type { OutboxSender } from './outbox';

export class SessionActions {
  readonly #core: ControllerCore;
  readonly #api: ApiClient;
  readonly #outbox: OutboxSender;

  constructor(core: ControllerCore, api: ApiClient, outbox: OutboxSender) {
    this.#core = core;
    this.#api = api;
    this.#outbox = outbox;
  }

  /** GET /session/current (after sign-in, reload, or RESYNC_REQUIRED); starts a session when none runs. */
  async refreshSession(): Promise<void> {
    const core = this.#core;
    try {
      const snap = await this.#api.call('sessionCurrent');
      core.update((s) => R.applySnapshot(s, snap));
      core.update((s) => (s.ui.error?.code === 'NETWORK' ? R.setErrorValue(s, null) : s));
    } catch (e) {
      if (e instanceof ApiCallError && e.code === 'NO_ACTIVE_SESSION') {
        core.update((s) => ({
          ...s,
          session: { session: null, phase: 'none' },
          call: { ...s.call, call: null },
          preview: { lead: null, pending: null, nothing: null },
        }));
        await this.startSession();
      } else core.fail(e);
    }
  }

  /** GET /stats: the fallback for the live STATS events, after the socket (re)connects (events trimmed from
   *  the replay window are not replayed) and after a disposition sent while the socket was down. */
  async refreshStats(): Promise<void> {
    try {
      const { session } = await this.#api.call('stats');
      if (session) this.#core.update((s) => R.applyFetchedStats(s, session));
    } catch {
      // Stats are a nicety: the next answer or event brings them.
    }
  }

  async startSession(): Promise<void> {
    this.#core.update((s) => ({ ...s, session: { ...s.session, phase: 'starting' } }));
    await this.#outbox.intent({ route: 'sessionStart', body: {} });
  }

  async setSessionState(state: SessionState): Promise<void> {
    const core = this.#core;
    const s = core.state();
    if (!s.session.session || s.session.phase === 'ended' || s.session.phase === 'none') {
      if (state === 'PLAY') {
        await this.startSession();
        if (core.state().session.session)
          await this.#outbox.intent({ route: 'sessionState', body: { state: 'PLAY' } });
      }
      return;
    }
    if (state === 'PLAY' && s.ui.dispo) {
      // The last call still needs its disposition: show the modal instead of dialing on top of it.
      core.update(R.showDispo);
      return;
    }
    await this.#outbox.intent({ route: 'sessionState', body: { state } });
  }

  async togglePlay(): Promise<void> {
    const { session } = this.#core.state();
    await this.setSessionState(
      session.session?.state === 'PLAY' && session.phase === 'active' ? 'PAUSE' : 'PLAY',
    );
  }

  /** Dials the pending preview now (or asks for the next lead when none is pending). */
  async dialNow(): Promise<void> {
    const pending = this.#core.state().preview.pending;
    await this.#outbox.intent({ route: 'dial', body: pending ? { previewId: pending.previewId } : {} });
  }

  async skipPreview(): Promise<void> {
    const pending = this.#core.state().preview.pending;
    if (pending) await this.#outbox.intent({ route: 'skip', body: { previewId: pending.previewId } });
  }

  /** Asks for the next lead: a preview when the campaign counts down first, else a dial at once. */
  async requestNext(): Promise<void> {
    const session = this.#core.state().session.session;
    if (session && session.previewCountdownSeconds > 0)
      await this.#outbox.intent({ route: 'next', body: {} });
    else await this.#outbox.intent({ route: 'dial', body: {} });
  }
}
