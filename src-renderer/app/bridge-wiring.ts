// The controller's ties to the DesktopBridge and to store changes: global shortcuts, tray commands and the
// updater state in; app:status (tray, updater guard, global-key gating) and the snapshot out, and the watchdogs re-armed.
import { type ShortcutAction, UpdateStateSchema } from '../../src-shared/contracts/ipc';
import type { SessionState } from '../../src-shared/domain/session';
import type { StoreState } from '../store/types';
import { applyUpdateState } from '../store/updater';
import type { ControllerCore } from './core';
import { computeAppStatus } from './status';

export interface BridgeWiringDeps {
  dispatchShortcut: (action: ShortcutAction) => void;
  setSessionState: (state: SessionState) => Promise<void>;
  /** Further reactions to a store change (the watchdogs). */
  onStoreChange: (s: StoreState, prev: StoreState) => void;
}

/** Subscribes everything; returns the unsubscribers. */
export function wireBridge(core: ControllerCore, deps: BridgeWiringDeps): (() => void)[] {
  let lastStatus = '';
  const onStoreChange = (s: StoreState, prev: StoreState): void => {
    const status = computeAppStatus(s);
    const key = JSON.stringify(status);
    if (key !== lastStatus) {
      lastStatus = key;
      void core.bridge.invoke('app:status', status);
    }
    if (
      s.session !== prev.session ||
      s.call !== prev.call ||
      s.preview !== prev.preview ||
      s.ui.dispo !== prev.ui.dispo ||
      s.outbox !== prev.outbox ||
      s.connection.lastSeq !== prev.connection.lastSeq
    )
      core.queueSave();
    deps.onStoreChange(s, prev);
  };
  return [
    core.store.subscribe(onStoreChange),
    core.bridge.on('shortcut:fired', ({ action }) => deps.dispatchShortcut(action)),
    core.bridge.on('tray:command', ({ command }) => {
      if (command === 'PLAY' || command === 'PAUSE' || command === 'STOP') void deps.setSessionState(command);
    }),
    // The preload validates too; parsed again here because a bridge is input like any other.
    core.bridge.on('updater:state', (payload) => {
      const parsed = UpdateStateSchema.safeParse(payload);
      if (parsed.success) core.update((s) => applyUpdateState(s, parsed.data));
    }),
  ];
}
