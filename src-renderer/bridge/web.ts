// The DesktopBridge served in a plain browser tab (no Electron): the same interface as the preload's
// window.turboDesktop, so the app code is identical in both.
// - snapshot:* → localStorage (survives a reload and a closed tab; validated with AppSnapshotSchema on load).
// - credentials:* → sessionStorage, reported as 'memory': a browser has no keychain, so the refresh token
//   lives only as long as the tab (a reload keeps it, closing the tab signs the agent out). Honest limit.
// - app:status → the page title and a 'turbo:app-status' DOM event (what the tray shows on the desktop).
// - shortcuts → a browser cannot register OS-wide shortcuts; the desktop defaults (Ctrl+Alt+1..6, Enter,
//   Esc, Space, S) are served in-page instead and arrive as 'shortcut:fired', like on the desktop.
// - desktop:install-info → null (a tab is not an installed copy: the renderer sends no install report);
//   desktop:it-policy → not applied (there is no updater to tell).
import type {
  AppStatus,
  DesktopBridge,
  IpcEventChannel,
  IpcInvokeChannel,
  IpcResult,
  ShortcutAction,
  ShortcutReport,
} from '../../src-shared/contracts/ipc';
import { AppSnapshotSchema } from '../../src-shared/contracts/ipc';

export const SNAPSHOT_KEY = 'turbo-dialer:snapshot:v1';
const REFRESH_KEY = 'turbo-dialer:refresh-token';

/** In-page equivalents of the desktop global shortcuts (Ctrl+Alt+key). */
export const WEB_SHORTCUTS: Readonly<Record<string, ShortcutAction>> = {
  '1': 'dispo-1',
  '2': 'dispo-2',
  '3': 'dispo-3',
  '4': 'dispo-4',
  '5': 'dispo-5',
  '6': 'dispo-6',
  Enter: 'confirm',
  Escape: 'cancel',
  ' ': 'toggle-play',
  s: 'stop',
  h: 'hang-up',
};

const TITLES: Record<AppStatus['tray'], string> = {
  idle: 'Ready',
  paused: 'Paused',
  dialing: 'Dialing',
  'on-call': 'On call',
  'disposition-pending': 'Disposition needed',
  offline: 'Offline',
  'signed-out': 'Signed out',
};

type Listener = (payload: unknown) => void;

export function createWebBridge(win: Window = window): DesktopBridge {
  const listeners = new Map<IpcEventChannel, Set<Listener>>();
  const emit = (channel: IpcEventChannel, payload: unknown) => {
    for (const l of listeners.get(channel) ?? []) l(payload);
  };
  const report = (): ShortcutReport => ({
    supported: false,
    unsupportedReason:
      'A browser tab cannot register OS-wide shortcuts; Ctrl+Alt+key works while this tab has focus.',
    registered: Object.entries(WEB_SHORTCUTS).map(([key, action]) => ({
      action,
      accelerator: `Ctrl+Alt+${key === ' ' ? 'Space' : key.length === 1 ? key.toUpperCase() : key}`,
    })),
    conflicts: [],
  });

  win.addEventListener('keydown', (e) => {
    if (!e.ctrlKey || !e.altKey || e.metaKey) return;
    const key = e.key.length === 1 ? e.key.toLowerCase() : e.key;
    // Digits: some layouts send the shifted symbol with Ctrl+Alt; e.code keeps the physical key.
    const digit = /^Digit([1-6])$/.exec(e.code)?.[1];
    const action = WEB_SHORTCUTS[digit ?? key];
    if (!action) return;
    e.preventDefault();
    e.stopPropagation();
    emit('shortcut:fired', { action });
  });

  const ok = <T>(value: T): IpcResult<T> => ({ ok: true, value });
  const handlers: Record<IpcInvokeChannel, (req: unknown) => IpcResult<unknown>> = {
    'snapshot:load': () => {
      const raw = win.localStorage.getItem(SNAPSHOT_KEY);
      if (!raw) return ok(null);
      try {
        const parsed = AppSnapshotSchema.safeParse(JSON.parse(raw));
        return ok(parsed.success ? parsed.data : null);
      } catch {
        return ok(null);
      }
    },
    'snapshot:save': (req) => {
      win.localStorage.setItem(SNAPSHOT_KEY, JSON.stringify(AppSnapshotSchema.parse(req)));
      return ok(null);
    },
    'credentials:get': () =>
      ok({ refreshToken: win.sessionStorage.getItem(REFRESH_KEY), storage: 'memory' as const }),
    'credentials:set': (req) => {
      win.sessionStorage.setItem(REFRESH_KEY, (req as { refreshToken: string }).refreshToken);
      return ok({ storage: 'memory' as const });
    },
    'credentials:clear': () => {
      win.sessionStorage.removeItem(REFRESH_KEY);
      return ok(null);
    },
    'app:status': (req) => {
      const s = req as AppStatus;
      win.document.title = `${TITLES[s.tray]} · Turbo Dialer`;
      win.dispatchEvent(new CustomEvent('turbo:app-status', { detail: s }));
      return ok(null);
    },
    'shortcuts:get': () => ok(report()),
    'shortcuts:configure': () => ok(report()),
    'updater:install': () => ok({ accepted: false, reason: 'The web app updates when the page reloads.' }),
    'diagnostics:copy': () => ok({ copied: false }),
    'desktop:install-info': () => ok(null),
    'desktop:it-policy': () => ok({ applied: false }),
  };

  return {
    kind: 'web',
    invoke(channel, req) {
      try {
        return Promise.resolve(handlers[channel](req) as never);
      } catch (e) {
        return Promise.resolve({
          ok: false,
          error: { code: 'WEB_BRIDGE', message: e instanceof Error ? e.message : String(e) },
        });
      }
    },
    on(channel, listener) {
      let set = listeners.get(channel);
      if (!set) {
        set = new Set();
        listeners.set(channel, set);
      }
      const l = listener as Listener;
      set.add(l);
      return () => set.delete(l);
    },
  };
}
