// The desktop install report, sent by the renderer because only the renderer holds the agent's access token
// (the main process keeps the refresh token in the keychain and never sees the access token, by design):
// after sign-in, on the desktop only, ask the main process for this copy's report (desktop:install-info),
// POST it with the ApiClient (POST /desktop/install-report), and relay the answer's IT-policy hint back
// (desktop:it-policy) so the updater shows "managed by IT, newer MSI due". Best effort: a failure is a
// console line, never the error banner. Once per agent per window (the report replaces that agent's last).
import { ApiCallError, type ApiClient } from '../api/client';
import type { ControllerCore } from './core';

export class InstallReporter {
  readonly #core: ControllerCore;
  readonly #api: ApiClient;
  /** The agent this window has reported for (or is reporting for): a sign-in again does not resend it. */
  #reportedFor: string | null = null;

  constructor(core: ControllerCore, api: ApiClient) {
    this.#core = core;
    this.#api = api;
  }

  /** Sends the report if this is the desktop and this agent has not been reported yet. Never throws. */
  async report(): Promise<void> {
    const { bridge } = this.#core;
    const agent = this.#core.state().auth.agent?.email ?? null;
    if (bridge.kind !== 'electron' || !agent || agent === this.#reportedFor) return;
    this.#reportedFor = agent;
    try {
      const info = await bridge.invoke('desktop:install-info', null);
      if (!info.ok) throw new Error(`desktop:install-info: ${info.error.code}`);
      if (!info.value) return; // this copy does not report (the main process said so)
      const answer = await this.#api.call('desktopInstallReport', info.value);
      const relayed = await bridge.invoke('desktop:it-policy', { newerMsiDue: answer.policy.newerMsiDue });
      if (!relayed.ok) throw new Error(`desktop:it-policy: ${relayed.error.code}`);
    } catch (e) {
      // Not sent (or its answer not relayed): the next sign-in in this window tries again.
      this.#reportedFor = null;
      const why = e instanceof ApiCallError ? `${e.code} (HTTP ${e.status})` : String(e);
      console.warn(`install report not sent (ignored): ${why}`);
    }
  }
}
