// Composition root of the main process (Electron glue): single-instance lock, then on `ready` build every
// service from the pure modules, register all IPC in one call, and tear down on quit (shortcuts released,
// snapshot flushed). No logic of its own beyond wiring; each decision lives in a tested module.
import { existsSync } from 'node:fs';
import { release } from 'node:os';
import { dirname, join } from 'node:path';
import {
  app,
  clipboard,
  globalShortcut,
  ipcMain,
  Menu,
  type MenuItemConstructorOptions,
  net,
  nativeImage,
  powerMonitor,
  safeStorage,
  Tray,
} from 'electron';
import electronUpdater from 'electron-updater';
import { IPC_INVOKE, type UpdateState } from '../../src-shared/contracts/ipc.js';
import { maskPhonesInText } from '../../src-shared/domain/phone.js';
import { createHandlers } from '../ipc/handlers.js';
import { registerIpc } from '../ipc/register-ipc.js';
import { createEventSender } from '../ipc/send-event.js';
import { memoryCandidate, selectCredentialStore } from '../services/credentials/credential-store.js';
import { keytarCandidate } from '../services/credentials/keytar-store.js';
import { safeStorageCandidate } from '../services/credentials/safe-storage-store.js';
import { buildDiagnostics } from '../services/diagnostics/diagnostics.js';
import { createMainLogger } from '../services/logging/logger.js';
import { RotatingFileSink } from '../services/logging/rotating-file.js';
import { globalShortcutSupport, shouldForceX11 } from '../services/shortcuts/shortcut-plan.js';
import { ShortcutService } from '../services/shortcuts/shortcut-service.js';
import { SnapshotState } from '../services/snapshot/snapshot-state.js';
import { SnapshotStore } from '../services/snapshot/snapshot-store.js';
import type { TrayMenuItem } from '../services/tray/tray-model.js';
import { TrayService } from '../services/tray/tray-service.js';
import { installReportBody } from '../services/updater/install-report.js';
import { loadItPolicy } from '../services/updater/it-policy-source.js';
import {
  chooseChannel,
  DEFAULT_IDLE_INSTALL_MINUTES,
  detectInstallType,
  updateMode,
} from '../services/updater/update-policy.js';
import { type AutoUpdaterLike, UpdaterService } from '../services/updater/updater-service.js';
import { createMainWindow, focusWindow } from '../services/window/main-window.js';
import { isTrustedFrame } from '../services/window/window-security.js';
import { appPaths } from './paths.js';
import { loadSettings, saveSettings } from './settings.js';

const APP_ID = 'com.turbodialer.desktop';
const UPDATE_CHECK_MS = 4 * 60 * 60 * 1000;
const IDLE_CHECK_MS = 60 * 1000;
const CONNECTIVITY_MS = 15 * 1000;

type Running = {
  window: Electron.BrowserWindow | null;
  shutdown: () => Promise<void>;
};

export function initialize(): void {
  // Wayland with XWayland available: run on X11 so OS-wide shortcuts work (see shortcut-plan.ts).
  if (shouldForceX11(process.platform, process.env)) app.commandLine.appendSwitch('ozone-platform', 'x11');
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  app.setAppUserModelId(APP_ID);
  let running: Running | null = null;
  const quit = { quitting: false };
  let shutDown = false;
  app.on('second-instance', () => focusWindow(running?.window ?? null));
  // macOS: a click on the dock icon brings the hidden window back.
  app.on('activate', () => focusWindow(running?.window ?? null));
  app.on('before-quit', () => {
    quit.quitting = true;
  });
  // The dialer lives in the tray: closing the window hides it, Quit (tray/menu) ends the app.
  app.on('window-all-closed', () => {});
  app.on('will-quit', (event) => {
    if (shutDown || !running) return;
    event.preventDefault();
    shutDown = true;
    void running.shutdown().finally(() => app.quit());
  });
  app
    .whenReady()
    .then(async () => {
      running = await start(quit);
    })
    .catch((err: unknown) => {
      console.error('turbo-dialer: start-up failed', err);
      app.exit(1);
    });
}

async function start(quit: { quitting: boolean }): Promise<Running> {
  const userData = app.getPath('userData');
  const sink = new RotatingFileSink({
    dir: app.getPath('logs'),
    maxBytes: 5 * 1024 * 1024,
    maxFiles: 5,
    mask: maskPhonesInText,
  });
  const log = createMainLogger(sink, { echo: !app.isPackaged });
  log.info({ version: app.getVersion(), electron: process.versions.electron }, 'starting');

  const notes: string[] = [];
  const policyRead = await loadItPolicy(process.platform, process.env);
  if (policyRead.error) {
    log.warn({ source: policyRead.source, error: policyRead.error }, 'IT policy ignored');
    notes.push(`IT policy ignored (${policyRead.source}): ${policyRead.error}`);
  }
  const policy = policyRead.policy;
  const settingsRead = await loadSettings(userData);
  if (settingsRead.error) {
    log.warn({ error: settingsRead.error }, 'settings ignored');
    notes.push(settingsRead.error);
  }
  let settings = settingsRead.settings;

  const snapshot = new SnapshotState(
    new SnapshotStore({
      dir: userData,
      now: Date.now,
      onCorrupt: (r) => {
        log.error({ movedTo: r.movedTo, reason: r.reason }, 'snapshot corrupt: set aside');
        notes.push(`snapshot corrupt (${r.reason}): moved to ${r.movedTo}`);
      },
    }),
    { debounceMs: 400, onError: (err) => log.error({ err: String(err) }, 'snapshot write failed') },
  );
  const loaded = await snapshot.load();
  log.info({ source: loaded.source, outbox: loaded.snapshot?.outbox.length ?? 0 }, 'snapshot loaded');

  const credentials = await selectCredentialStore([
    keytarCandidate({ service: 'Turbo Dialer', account: 'refresh-token' }),
    safeStorageCandidate({
      safeStorage,
      platform: process.platform,
      file: join(userData, 'credentials.bin'),
    }),
    memoryCandidate,
  ]);
  for (const s of credentials.skipped)
    log.warn({ kind: s.kind, reason: s.reason }, 'credential store skipped');
  log.info({ storage: credentials.store.kind }, 'credential store');

  const coordinatorUrl = policy?.coordinatorUrl ?? process.env.TURBO_COORDINATOR_URL ?? null;
  const target = { coordinatorUrl, rendererFileUrl: appPaths.rendererFileUrl };
  const window = createMainWindow({
    target,
    preloadPath: appPaths.preload,
    iconPath: appPaths.appIcon,
    onBlocked: (what, url) => log.warn({ what, origin: safeOrigin(url) }, 'blocked'),
  });
  window.on('close', (event) => {
    if (!quit.quitting) {
      event.preventDefault();
      window.hide();
    }
  });
  const send = createEventSender(
    () => (window.isDestroyed() ? null : window.webContents),
    (channel) => log.error({ channel }, 'refused to push an invalid event'),
  );

  const shortcuts = new ShortcutService({
    globalShortcut,
    support: globalShortcutSupport({
      platform: process.platform,
      env: process.env,
      ozonePlatform: app.commandLine.getSwitchValue('ozone-platform') || null,
    }),
    onFired: (action) => {
      if (action === 'show-window') focusWindow(window);
      send('shortcut:fired', { action });
    },
    onReport: (report) => {
      for (const c of report.conflicts) log.warn(c, 'shortcut held by another application');
      send('shortcuts:report', report);
    },
  });
  if (settings.shortcuts) {
    try {
      shortcuts.configure(settings.shortcuts);
    } catch (err) {
      log.warn({ err: String(err) }, 'saved shortcuts invalid: defaults used');
    }
  }
  shortcuts.start();

  const tray = new TrayService<Electron.Menu>({
    createTrayInstance: (iconPath) => {
      const tray = new Tray(trayImage(iconPath));
      return {
        setImage: (p: string) => tray.setImage(trayImage(p)),
        setToolTip: (t: string) => tray.setToolTip(t),
        setContextMenu: (m: Electron.Menu | null) => tray.setContextMenu(m),
        on: (_event: 'click', listener: () => void) => tray.on('click', () => listener()),
        destroy: () => tray.destroy(),
      };
    },
    buildMenu: (items, onClick) => Menu.buildFromTemplate(items.map((i) => menuItem(i, onClick))),
    iconPath: appPaths.trayIcon,
    onCommand: (id) => {
      if (id === 'QUIT') app.quit();
      else if (id === 'SHOW') focusWindow(window);
      else send('tray:command', { command: id });
    },
  });
  tray.start();

  const version = app.getVersion();
  const installType = detectInstallType({
    platform: process.platform,
    isPackaged: app.isPackaged,
    appImage: Boolean(process.env.APPIMAGE),
    nsisUninstallerPresent: existsSync(join(dirname(process.execPath), `Uninstall ${app.getName()}.exe`)),
    policy,
  });
  const channel = chooseChannel(policy, settings.updateChannel ?? null, version);
  const mode = updateMode(installType, policy, version);
  let updateState: UpdateState = { kind: 'idle' };
  const updater = new UpdaterService({
    autoUpdater:
      mode.mode === 'self-update'
        ? adaptAutoUpdater(electronUpdater.autoUpdater, log, () => {
            // quitAndInstall closes the windows BEFORE emitting before-quit: let the close through.
            quit.quitting = true;
          })
        : null,
    mode,
    channel: channel.channel,
    appVersion: version,
    idleInstallMinutes: policy?.idleInstallMinutes ?? DEFAULT_IDLE_INSTALL_MINUTES,
    systemIdleSeconds: () => powerMonitor.getSystemIdleTime(),
    onState: (state) => {
      updateState = state;
      send('updater:state', state);
    },
    log: { info: (o, m) => log.info(o, m), warn: (o, m) => log.warn(o, m) },
  });
  updater.start();
  log.info({ installType, channel, mode: mode.mode }, 'updates');
  // Served to the renderer, which POSTs it with the agent's access token after sign-in (this process never
  // holds that token) and relays the coordinator's answer to updater.applyItPolicy.
  const installInfo = installReportBody({
    appVersion: version,
    channel: channel.channel,
    installType,
    platform: process.platform,
    arch: process.arch,
  });
  if (!installInfo)
    log.warn({ version }, 'install report not sent: the version is not one the contract accepts');

  const disposeIpc = registerIpc(
    ipcMain,
    IPC_INVOKE,
    createHandlers({
      snapshot,
      credentials: credentials.store,
      onStatus: (status) => {
        tray.setStatus(status);
        shortcuts.setDispositionPending(status.dispositionPending);
        updater.setStatus(status);
      },
      shortcuts,
      persistBindings: async (bindings) => {
        settings = { ...settings, shortcuts: bindings };
        await saveSettings(userData, settings);
      },
      requestInstall: () => updater.requestInstall(),
      copyDiagnostics: () => {
        clipboard.writeText(
          buildDiagnostics({
            appVersion: version,
            versions: process.versions,
            platform: process.platform,
            arch: process.arch,
            osRelease: release(),
            channel: channel.channel,
            channelSource: channel.source,
            installType,
            updateState,
            credentialStorage: credentials.store.kind,
            credentialNotes: credentials.skipped.map((s) => `${s.kind}: ${s.reason}`),
            shortcuts: shortcuts.report(),
            notes,
            logLines: sink.tail(200),
            generatedAt: new Date().toISOString(),
            mask: maskPhonesInText,
          }),
        );
        return true;
      },
      installInfo: () => installInfo,
      applyItPolicy: (hint) => updater.applyItPolicy(hint),
    }),
    {
      isTrustedSender: (s) => isTrustedFrame(s.frameUrl, target),
      log: (e) => log.warn(e, 'IPC call refused'),
    },
  );

  // A reload (or the first load) gets the current push state, since it may have missed earlier events.
  window.webContents.on('did-finish-load', () => {
    send('updater:state', updateState);
    send('shortcuts:report', shortcuts.report());
  });

  const timers = [
    setInterval(() => void updater.check(), UPDATE_CHECK_MS),
    setInterval(() => updater.idleCheck(), IDLE_CHECK_MS),
    setInterval(() => tray.setOnline(net.isOnline()), CONNECTIVITY_MS),
  ];
  setTimeout(() => void updater.check(), 30_000).unref();

  return {
    window,
    shutdown: async () => {
      for (const t of timers) clearInterval(t);
      shortcuts.dispose();
      disposeIpc();
      tray.dispose();
      await snapshot
        .flush()
        .catch((err: unknown) => log.error({ err: String(err) }, 'final snapshot write failed'));
      log.info({}, 'stopped');
    },
  };
}

function menuItem(item: TrayMenuItem, onClick: (id: 'PLAY' | 'PAUSE' | 'STOP' | 'SHOW' | 'QUIT') => void) {
  const options: MenuItemConstructorOptions =
    item.kind === 'separator'
      ? { type: 'separator' }
      : item.kind === 'label'
        ? { label: item.label, enabled: false }
        : { label: item.label, enabled: item.enabled, click: () => onClick(item.id) };
  return options;
}

/** electron-updater's typed emitter, seen through the small interface UpdaterService needs. */
function adaptAutoUpdater(
  u: electronUpdater.AppUpdater,
  log: ReturnType<typeof createMainLogger>,
  beforeInstall: () => void,
): AutoUpdaterLike {
  u.logger = {
    info: (m?: unknown) => log.info({ updater: String(m) }, 'electron-updater'),
    warn: (m?: unknown) => log.warn({ updater: String(m) }, 'electron-updater'),
    error: (m?: unknown) => log.warn({ updater: String(m) }, 'electron-updater error'),
  };
  return {
    get channel() {
      return u.channel;
    },
    set channel(v) {
      u.channel = v;
    },
    get allowPrerelease() {
      return u.allowPrerelease;
    },
    set allowPrerelease(v) {
      u.allowPrerelease = v;
    },
    get autoDownload() {
      return u.autoDownload;
    },
    set autoDownload(v) {
      u.autoDownload = v;
    },
    get autoInstallOnAppQuit() {
      return u.autoInstallOnAppQuit;
    },
    set autoInstallOnAppQuit(v) {
      u.autoInstallOnAppQuit = v;
    },
    on: ((event: string, listener: (...args: never[]) => void) =>
      u.on(event as 'error', listener as unknown as (e: Error) => void)) as AutoUpdaterLike['on'],
    checkForUpdates: () => u.checkForUpdates(),
    quitAndInstall: (isSilent, isForceRunAfter) => {
      beforeInstall();
      u.quitAndInstall(isSilent, isForceRunAfter);
    },
  };
}

/** The macOS menu bar wants 16pt icons (the @2x file is picked up for Retina); elsewhere 32px is right. */
function trayImage(path: string): Electron.NativeImage {
  const image = nativeImage.createFromPath(path);
  return process.platform === 'darwin' ? image.resize({ width: 16, height: 16, quality: 'best' }) : image;
}

function safeOrigin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '(invalid url)';
  }
}
