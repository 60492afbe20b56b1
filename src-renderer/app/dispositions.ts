// The disposition modal's actions (pick by code or key 1–6, notes, the callback step, Esc, reopen, confirm
// into the outbox) and the one entry point shared by in-page keys, desktop global shortcuts and tray commands.
import type { ShortcutAction } from '../../src-shared/contracts/ipc';
import { DEFAULT_DISPOSITIONS, type DispositionCode } from '../../src-shared/domain/disposition';
import { DEFAULT_AMEND_WINDOW_SECONDS } from '../../src-shared/domain/outcome';
import * as R from '../store/reducers';
import { buildReceipt } from '../store/receipt';
import type { ControllerCore } from './core';
import type { OutboxSender } from './outbox';
import type { CallActions } from './call-actions';
import type { SessionActions } from './session-actions';

export class DispositionActions {
  readonly #core: ControllerCore;
  readonly #outbox: OutboxSender;
  readonly #session: SessionActions;
  readonly #call: CallActions;

  constructor(core: ControllerCore, outbox: OutboxSender, session: SessionActions, call: CallActions) {
    this.#core = core;
    this.#outbox = outbox;
    this.#session = session;
    this.#call = call;
  }

  pick(code: DispositionCode): void {
    this.#core.update((s) => R.pickDispo(s, code));
  }

  pickByKey(key: number): void {
    const catalog = this.#core.state().session.session?.catalog ?? DEFAULT_DISPOSITIONS;
    const def = catalog.find((d) => d.key === key);
    if (def) this.#core.update((s) => R.showDispo(R.pickDispo(s, def.code)));
  }

  setNotes(notes: string): void {
    this.#core.update((s) => R.setDispoNotes(s, notes));
  }

  hide(): void {
    this.#core.update(R.hideDispo);
  }

  /** Key B: the schedule step (a lead-local date and time to call back). */
  toggleScheduling(): void {
    this.#core.update(R.toggleScheduling);
  }

  setCallback(at: number | null): void {
    this.#core.update((s) => R.setDispoCallback(s, at));
  }

  show(): void {
    this.#core.update(R.showDispo);
  }

  /** Enter: the chosen disposition goes into the outbox (persisted first), then is sent. */
  async confirm(): Promise<void> {
    const core = this.#core;
    const d = core.state().ui.dispo;
    if (!d?.code) return;
    const notes = d.notes.trim();
    // A callback goes with the disposition (one request, one script): never with do-not-call.
    const callbackAt =
      d.callbackAt && d.code !== 'DO_NOT_CALL' && core.state().callbacks.enabled ? d.callbackAt : null;
    const entry = this.#outbox.entry({
      route: 'disposition',
      body: {
        callId: d.callId,
        code: d.code,
        ...(notes ? { notes } : {}),
        ...(callbackAt ? { callback: { at: callbackAt } } : {}),
      },
    });
    core.update((s) => {
      const catalog = s.session.session?.catalog ?? DEFAULT_DISPOSITIONS;
      const def = catalog.find((x) => x.code === d.code);
      const change = {
        at: core.now(),
        windowSeconds: s.session.session?.amendWindowSeconds ?? DEFAULT_AMEND_WINDOW_SECONDS,
      };
      const receipt = def ? buildReceipt(d.callId, s.call.call, s.preview.lead, def, change) : null;
      return R.confirmDispo(s, entry, d.callId, receipt);
    });
    await core.saveNow();
    await this.#outbox.flush();
  }

  /** One entry point for in-page keys, global shortcuts and tray commands. */
  dispatchShortcut(action: ShortcutAction): void {
    const dispo = this.#core.state().ui.dispo;
    const m = /^dispo-(\d)$/.exec(action);
    if (m) {
      if (dispo) this.pickByKey(Number(m[1]));
      return;
    }
    switch (action) {
      case 'confirm':
        if (dispo?.open) void this.confirm();
        else if (dispo) this.show();
        return;
      case 'cancel':
        if (dispo?.open) this.hide();
        return;
      case 'toggle-play':
        if (!dispo?.open) void this.#session.togglePlay();
        return;
      case 'stop':
        if (!dispo?.open) void this.#session.setSessionState('STOP');
        return;
      case 'hang-up':
        if (!dispo?.open) void this.#call.hangUp();
        return;
      case 'show-window':
        return;
    }
  }
}
