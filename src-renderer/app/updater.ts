// The desktop update, renderer side: why "Restart to update" is not offered right now (a live call or a
// pending disposition: the main process refuses then too, see src-main/services/updater/update-policy.ts),
// and the install request itself ('updater:install'), whose refusal is shown beside the button.
import * as U from '../store/updater';
import type { StoreState } from '../store/types';
import type { ControllerCore } from './core';
import { computeAppStatus } from './status';

/** Why the agent cannot restart into the update now, or null when they can. */
export function installBlockedReason(s: StoreState): string | null {
  const status = computeAppStatus(s);
  if (status.callActive) return 'Not during a call: available when the call ends';
  if (status.dispositionPending) return 'Finish the disposition first';
  return null;
}

/** Asks the main process to restart into the downloaded update (it closes the app when it accepts). */
export async function installUpdate(core: ControllerCore): Promise<void> {
  const s = core.state();
  if (s.updater.state?.kind !== 'ready' || s.updater.install !== 'none') return;
  if (installBlockedReason(s)) return; // the button is disabled; a shortcut or a stale click lands here
  core.update(U.installRequested);
  let answer: U.InstallAnswer;
  try {
    const res = await core.bridge.invoke('updater:install', null);
    answer = res.ok
      ? res.value
      : { accepted: false, reason: 'The update could not be started. Try again in a moment.' };
  } catch {
    answer = { accepted: false, reason: 'The update could not be started. Try again in a moment.' };
  }
  core.update((x) => U.installAnswered(x, answer));
}

/** "Restart to update" as the UI calls it (the button). */
export class UpdaterActions {
  readonly #core: ControllerCore;
  constructor(core: ControllerCore) {
    this.#core = core;
  }
  install(): Promise<void> {
    return installUpdate(this.#core);
  }
}
