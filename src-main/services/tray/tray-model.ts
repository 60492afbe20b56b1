// The tray as a pure state machine: (AppStatus from the renderer, network connectivity) → icon, tooltip and
// menu model. The TrayService only renders what this returns (Mattermost: "the tray only renders").
//
//   status ──┐                     ┌─ icon    tray-<state>.png
//            ├─► TrayModelState ─► ├─ tooltip "Turbo Dialer: On a call"
//   online ──┘                     └─ menu    Play / Pause / Stop (enabled per session state), Open, Quit
//
// Offline wins over whatever the renderer last said: the agent must see that nothing is reaching the server.
import type { AppStatus, TrayState } from '../../../src-shared/contracts/ipc.js';

export type TrayModelState = Readonly<{ status: AppStatus | null; online: boolean }>;
export type TrayEvent = { type: 'status'; status: AppStatus } | { type: 'connectivity'; online: boolean };

export const INITIAL_TRAY_STATE: TrayModelState = { status: null, online: true };

export function trayReducer(state: TrayModelState, event: TrayEvent): TrayModelState {
  switch (event.type) {
    case 'status':
      return { ...state, status: event.status };
    case 'connectivity':
      return { ...state, online: event.online };
  }
}

export type TrayMenuId = 'PLAY' | 'PAUSE' | 'STOP' | 'SHOW' | 'QUIT';
export type TrayMenuItem =
  | { kind: 'label'; label: string }
  | { kind: 'separator' }
  | { kind: 'action'; id: TrayMenuId; label: string; enabled: boolean };

export type TrayView = Readonly<{ state: TrayState; icon: string; tooltip: string; menu: TrayMenuItem[] }>;

const STATE_TEXT: Record<TrayState, string> = {
  idle: 'Ready',
  paused: 'Paused',
  dialing: 'Dialing',
  'on-call': 'On a call',
  'disposition-pending': 'Disposition pending',
  offline: 'Offline',
  'signed-out': 'Signed out',
};

export function effectiveTrayState(state: TrayModelState): TrayState {
  if (!state.online) return 'offline';
  return state.status?.tray ?? 'signed-out';
}

export function trayIconName(tray: TrayState): string {
  return `tray-${tray}.png`;
}

export function renderTray(state: TrayModelState): TrayView {
  const tray = effectiveTrayState(state);
  const session = state.status?.sessionState ?? null;
  // Commands need a signed-in agent and a reachable coordinator; otherwise they would only queue confusion.
  const canCommand = tray !== 'offline' && tray !== 'signed-out';
  const text = STATE_TEXT[tray];
  return {
    state: tray,
    icon: trayIconName(tray),
    tooltip: `Turbo Dialer: ${text}`,
    menu: [
      { kind: 'label', label: text },
      { kind: 'separator' },
      { kind: 'action', id: 'PLAY', label: 'Play', enabled: canCommand && session !== 'PLAY' },
      { kind: 'action', id: 'PAUSE', label: 'Pause', enabled: canCommand && session === 'PLAY' },
      {
        kind: 'action',
        id: 'STOP',
        label: 'Stop',
        enabled: canCommand && (session === 'PLAY' || session === 'PAUSE'),
      },
      { kind: 'separator' },
      { kind: 'action', id: 'SHOW', label: 'Open Turbo Dialer', enabled: true },
      { kind: 'action', id: 'QUIT', label: 'Quit', enabled: true },
    ],
  };
}

export function sameView(a: TrayView | null, b: TrayView): boolean {
  return a !== null && JSON.stringify(a) === JSON.stringify(b);
}
