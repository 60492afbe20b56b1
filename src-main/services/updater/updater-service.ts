// Drives electron-updater's autoUpdater (injected as AutoUpdaterLike) by the pure policy: configures the
// channel, downloads in the background, turns its events into the shared UpdateState for the renderer, and
// installs only when installDecision allows. Errors become an `error` state and a log line, never a crash.
// For an MSI install nothing is checked at all: the state is `managed-by-it`; the coordinator's answer to the
// install report (sent by the renderer, see install-report.ts) arrives through applyItPolicy and can name a
// newer MSI that IT is rolling out.
import type { AppStatus, DesktopItPolicy, UpdateState } from '../../../src-shared/contracts/ipc.js';
import { newestNewerVersion } from '../../../src-shared/contracts/version-order.js';
import type { UpdateChannel } from './it-policy.js';
import {
  busy,
  type InstallDecision,
  installDecision,
  managedState,
  type UpdateMode,
  updaterSettings,
} from './update-policy.js';

/** The part of electron-updater's AppUpdater we use. */
export interface AutoUpdaterLike {
  channel: string | null;
  allowPrerelease: boolean;
  autoDownload: boolean;
  autoInstallOnAppQuit: boolean;
  on(event: 'checking-for-update' | 'update-not-available', listener: () => void): unknown;
  on(event: 'update-available', listener: (info: { version: string }) => void): unknown;
  on(event: 'download-progress', listener: (p: { percent: number }) => void): unknown;
  on(event: 'update-downloaded', listener: (info: { version: string }) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  checkForUpdates(): Promise<unknown>;
  quitAndInstall(isSilent?: boolean, isForceRunAfter?: boolean): void;
}

export type UpdaterLogger = Readonly<{
  info: (obj: object, msg: string) => void;
  warn: (obj: object, msg: string) => void;
}>;

export type UpdaterServiceOptions = Readonly<{
  autoUpdater: AutoUpdaterLike | null;
  mode: UpdateMode;
  channel: UpdateChannel;
  appVersion: string;
  idleInstallMinutes: number;
  systemIdleSeconds: () => number;
  onState: (state: UpdateState) => void;
  log: UpdaterLogger;
}>;

export class UpdaterService {
  readonly #o: UpdaterServiceOptions;
  #state: UpdateState = { kind: 'idle' };
  #status: AppStatus | null = null;

  constructor(options: UpdaterServiceOptions) {
    this.#o = options;
  }

  get state(): UpdateState {
    return this.#state;
  }

  start(): void {
    const managed = managedState(this.#o.mode, this.#o.appVersion, this.#o.channel);
    if (managed || !this.#o.autoUpdater) {
      this.#set(managed ?? { kind: 'disabled', reason: 'Updater unavailable' });
      return;
    }
    const u = this.#o.autoUpdater;
    this.#configure(u);
    u.on('checking-for-update', () => this.#set({ kind: 'checking' }));
    u.on('update-not-available', () => this.#set({ kind: 'idle' }));
    u.on('update-available', (info) => this.#set({ kind: 'available', version: info.version }));
    u.on('download-progress', (p) => {
      const version = 'version' in this.#state ? this.#state.version : '';
      this.#set({ kind: 'downloading', version, percent: Math.round(p.percent) });
    });
    u.on('update-downloaded', (info) => {
      this.#set({
        kind: 'ready',
        version: info.version,
        installWhen: busy(this.#status) ? 'consent' : 'idle',
      });
      this.idleCheck();
    });
    u.on('error', (error) => {
      this.#o.log.warn({ err: error.message }, 'update error');
      this.#set({ kind: 'error', message: 'Update check failed; it will be retried later' });
    });
  }

  /** Periodic check (the glue calls this on a timer); failures are logged, not thrown. */
  async check(): Promise<void> {
    const u = this.#o.autoUpdater;
    if (!u || this.#o.mode.mode !== 'self-update' || this.#state.kind === 'ready') return;
    try {
      await u.checkForUpdates();
    } catch (err) {
      this.#o.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'update check failed');
      this.#set({ kind: 'error', message: 'Update check failed; it will be retried later' });
    }
  }

  setStatus(status: AppStatus): void {
    this.#status = status;
    if (this.#o.autoUpdater && this.#o.mode.mode === 'self-update') this.#configure(this.#o.autoUpdater);
    this.idleCheck();
  }

  /**
   * The coordinator's IT-policy hint (its answer to the install report). Only an IT-managed install acts on
   * it: the state stays `managed-by-it`, now naming the newer of the local policy's and the coordinator's
   * due MSI (if newer than this copy). Returns whether the hint applied to this install.
   */
  applyItPolicy(policy: DesktopItPolicy): boolean {
    const mode = this.#o.mode;
    if (mode.mode !== 'managed-by-it') return false;
    const due = newestNewerVersion(this.#o.appVersion, [mode.newerMsiDue, policy.newerMsiDue]);
    this.#o.log.info({ newerMsiDue: due }, 'IT policy from the coordinator');
    const state = managedState(
      { mode: 'managed-by-it', newerMsiDue: due },
      this.#o.appVersion,
      this.#o.channel,
    );
    if (state) this.#set(state);
    return true;
  }

  /** The agent clicked "restart and update". */
  requestInstall(): { accepted: boolean; reason: string | null } {
    const decision = this.#decide('consent');
    if (decision.install) this.#install();
    return { accepted: decision.install, reason: decision.reason };
  }

  /** Installs a downloaded update if the agent is idle (no call, no disposition, no running session). */
  idleCheck(): boolean {
    if (this.#state.kind !== 'ready') return false;
    const decision = this.#decide('idle-check');
    if (decision.install) this.#install();
    return decision.install;
  }

  #decide(trigger: 'consent' | 'idle-check'): InstallDecision {
    if (this.#o.mode.mode !== 'self-update') {
      return { install: false, reason: 'Updates for this installation are managed by IT' };
    }
    return installDecision({
      updateState: this.#state,
      status: this.#status,
      trigger,
      systemIdleSeconds: this.#o.systemIdleSeconds(),
      idleInstallMinutes: this.#o.idleInstallMinutes,
    });
  }

  #install(): void {
    this.#o.log.info({ version: 'version' in this.#state ? this.#state.version : null }, 'installing update');
    // Silent on Windows (NSIS), relaunch afterwards so the agent is back where they were.
    this.#o.autoUpdater?.quitAndInstall(true, true);
  }

  #configure(u: AutoUpdaterLike): void {
    const s = updaterSettings(this.#o.channel, this.#status);
    u.channel = s.channel === 'stable' ? 'latest' : s.channel;
    u.allowPrerelease = s.allowPrerelease;
    u.autoDownload = s.autoDownload;
    u.autoInstallOnAppQuit = s.autoInstallOnAppQuit;
  }

  #set(state: UpdateState): void {
    this.#state = state;
    this.#o.onState(state);
  }
}
