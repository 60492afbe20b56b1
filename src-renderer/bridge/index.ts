// Picks the DesktopBridge: the Electron preload's window.turboDesktop when present, else the in-page web
// implementation. The type comes from the shared IPC contract (import type only: no Electron code here).
import type { DesktopBridge } from '../../src-shared/contracts/ipc';
import { createWebBridge } from './web';

declare global {
  interface Window {
    turboDesktop?: DesktopBridge;
  }
}

let bridge: DesktopBridge | null = null;

export function getBridge(): DesktopBridge {
  bridge ??= window.turboDesktop ?? createWebBridge(window);
  return bridge;
}
