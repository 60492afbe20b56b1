// "Change the last disposition" (issue 10): the receipt's Change control and key C open a dialog with the
// campaign's dispositions for the receipt's call; Enter sends POST /disposition/amend through the outbox
// (one Idempotency-Key per change, replayed after a reload); the receipt shows the new code at once and
// what happens next to the lead once the coordinator answers (app/answers.ts).
import { DEFAULT_DISPOSITIONS, type DispositionCode } from '../../src-shared/domain/disposition';
import * as A from '../store/amend';
import type { ControllerCore } from './core';
import type { OutboxSender } from './outbox';

export class AmendActions {
  readonly #core: ControllerCore;
  readonly #outbox: OutboxSender;

  constructor(core: ControllerCore, outbox: OutboxSender) {
    this.#core = core;
    this.#outbox = outbox;
  }

  #catalog() {
    return this.#core.state().session.session?.catalog ?? DEFAULT_DISPOSITIONS;
  }

  /** C or the Change button: opens the dialog while the receipt's window runs (no-op otherwise). */
  open(): void {
    this.#core.update((s) => A.openAmend(s, this.#core.now()));
  }

  pick(code: DispositionCode): void {
    this.#core.update((s) => A.pickAmend(s, code));
  }

  pickByKey(key: number): void {
    const def = this.#catalog().find((d) => d.key === key);
    if (def) this.pick(def.code);
  }

  hide(): void {
    this.#core.update(A.closeAmend);
  }

  /** Enter: the same code closes the dialog; another one goes into the outbox and the receipt follows. */
  async confirm(): Promise<void> {
    const core = this.#core;
    const s = core.state();
    const draft = s.ui.amend;
    const def = this.#catalog().find((d) => d.code === draft?.code);
    if (!draft || !def) return;
    if (def.code === s.ui.receipt?.code) {
      this.hide();
      return;
    }
    core.update((st) => A.amendSent(st, def));
    await this.#outbox.intent({ route: 'amendDisposition', body: { callId: draft.callId, code: def.code } });
  }
}
