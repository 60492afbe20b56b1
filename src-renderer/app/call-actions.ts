// What the agent can do to the live call from the app: take notes (sent with the disposition) and hang up
// (button, H, the global shortcut). The call
// ends on screen and the modal opens at once; the request goes through the outbox to POST /call/hangup,
// which asks Dialpad's call actions API. Mute and transfer stay in the Dialpad app (the screen says so).
import * as R from '../store/reducers';
import type { ControllerCore } from './core';
import type { OutboxSender } from './outbox';

/** Dialpad has reported the call (a ringing or connected webhook named its id): it can be hung up. */
export function canHangUp(state: string | undefined): boolean {
  return state === 'RINGING' || state === 'CONNECTED';
}

export class CallActions {
  readonly #core: ControllerCore;
  readonly #outbox: OutboxSender;

  constructor(core: ControllerCore, outbox: OutboxSender) {
    this.#core = core;
    this.#outbox = outbox;
  }

  /** Notes typed on the lead card during the call (they go out with the disposition). */
  setNotes(text: string): void {
    const call = this.#core.state().call.call;
    if (call) this.#core.update((s) => R.setCallNotes(s, call.callId, text));
  }

  async hangUp(): Promise<void> {
    const core = this.#core;
    const call = core.state().call.call;
    if (!call || !canHangUp(call.state)) return;
    core.update((s) => R.hangUpLocally(s, call.callId, core.now()));
    await this.#outbox.intent({ route: 'hangup', body: { callId: call.callId } });
  }
}
