// Pure update policy: which channel, whether this install may update itself at all (an MSI may not: IT
// pushes the next MSI), the electron-updater settings, and when a downloaded update may be installed:
// on the agent's consent or when idle, and NEVER during a call or with a disposition pending.
//
// Staged rollouts are honoured by electron-updater itself: the feed's `stagingPercentage` is compared with a
// per-install UUID kept in userData/.updaterId (AppUpdater.isStagingMatch: bytes 12..15 of the UUID as a
// fraction of 0xffffffff, "within" when below percentage/100). We never override `isUserWithinRollout`;
// `rolloutFraction` mirrors the computation so diagnostics can say where this install stands.
import type { AppStatus, UpdateState } from '../../../src-shared/contracts/ipc.js';
import { isBetaVersion, newestNewerVersion } from '../../../src-shared/contracts/version-order.js';
import type { ItPolicy, UpdateChannel } from './it-policy.js';

export type InstallType = 'nsis' | 'msi' | 'dmg' | 'appimage' | 'deb' | 'portable' | 'dev';

export type ChannelChoice = { channel: UpdateChannel; source: 'it-policy' | 'user' | 'app-version' };

/** IT policy beats the agent's setting; without either, a prerelease build stays on beta. */
export function chooseChannel(
  policy: ItPolicy | null,
  userChannel: UpdateChannel | null,
  appVersion: string,
): ChannelChoice {
  if (policy?.channel) return { channel: policy.channel, source: 'it-policy' };
  if (userChannel) return { channel: userChannel, source: 'user' };
  return { channel: isBetaVersion(appVersion) ? 'beta' : 'stable', source: 'app-version' };
}

export type InstallFacts = Readonly<{
  platform: NodeJS.Platform;
  isPackaged: boolean;
  /** `process.env.APPIMAGE` is set by the AppImage runtime. */
  appImage: boolean;
  /** electron-builder's NSIS installer puts `Uninstall <productName>.exe` beside the app; the MSI does not. */
  nsisUninstallerPresent: boolean;
  policy: ItPolicy | null;
}>;

/**
 * How this copy was installed. IT's word (policy installType) wins; otherwise on Windows a packaged app
 * without the NSIS uninstaller beside it came from the MSI (electron-builder's MSI installs no uninstaller
 * exe: Windows Installer owns removal), macOS is the dmg/zip build, Linux is AppImage or the deb.
 */
export function detectInstallType(f: InstallFacts): InstallType {
  if (!f.isPackaged) return 'dev';
  if (f.policy?.installType) return f.policy.installType;
  switch (f.platform) {
    case 'win32':
      return f.nsisUninstallerPresent ? 'nsis' : 'msi';
    case 'darwin':
      return 'dmg';
    case 'linux':
      return f.appImage ? 'appimage' : 'deb';
    default:
      return 'portable';
  }
}

export type UpdateMode =
  | { mode: 'self-update' }
  | { mode: 'managed-by-it'; newerMsiDue: string | null }
  | { mode: 'disabled'; reason: string };

export function updateMode(
  installType: InstallType,
  policy: ItPolicy | null,
  appVersion: string,
): UpdateMode {
  if (installType === 'msi') {
    return {
      mode: 'managed-by-it',
      newerMsiDue: newestNewerVersion(appVersion, [policy?.msiVersionDue ?? null]),
    };
  }
  if (policy?.autoUpdate === false)
    return { mode: 'disabled', reason: 'Updates are managed by your IT department' };
  switch (installType) {
    case 'dev':
      return { mode: 'disabled', reason: 'Development build: updates are off' };
    case 'deb':
      return {
        mode: 'disabled',
        reason: 'Installed from a .deb package: update it with your package manager',
      };
    case 'portable':
      return { mode: 'disabled', reason: 'This build cannot update itself' };
    default:
      return { mode: 'self-update' };
  }
}

export type UpdaterSettings = Readonly<{
  channel: UpdateChannel;
  allowPrerelease: boolean;
  autoDownload: boolean;
  /** Re-evaluated on every status change: never true while a call or a disposition is live. */
  autoInstallOnAppQuit: boolean;
}>;

export function updaterSettings(channel: UpdateChannel, status: AppStatus | null): UpdaterSettings {
  return {
    channel,
    // electron-updater reads `<channel>.yml`; on beta, versions like 1.2.0-beta.3 must be accepted too.
    allowPrerelease: channel === 'beta',
    // Downloading in the background costs the agent nothing; installing is what waits.
    autoDownload: true,
    autoInstallOnAppQuit: !busy(status),
  };
}

/** A call or a pending disposition: the one time an install would cost the agent work. */
export function busy(status: AppStatus | null): boolean {
  return status !== null && (status.callActive || status.dispositionPending);
}

export const DEFAULT_IDLE_INSTALL_MINUTES = 10;

export type InstallDecision = { install: true; reason: null } | { install: false; reason: string };

export function installDecision(
  input: Readonly<{
    updateState: UpdateState;
    status: AppStatus | null;
    trigger: 'consent' | 'idle-check';
    /** Seconds since the last keyboard/mouse input (Electron powerMonitor.getSystemIdleTime). */
    systemIdleSeconds: number;
    idleInstallMinutes: number;
  }>,
): InstallDecision {
  const { updateState, status } = input;
  if (updateState.kind !== 'ready') return { install: false, reason: 'No update has been downloaded' };
  if (status?.callActive)
    return { install: false, reason: 'Not during a call: the update installs afterwards' };
  if (status?.dispositionPending) {
    return { install: false, reason: 'Finish the disposition first: the update installs afterwards' };
  }
  if (input.trigger === 'consent') return { install: true, reason: null };
  if (status?.sessionState === 'PLAY') return { install: false, reason: 'The session is running' };
  if (input.systemIdleSeconds < input.idleInstallMinutes * 60)
    return { install: false, reason: 'Agent is active' };
  return { install: true, reason: null };
}

/** The state shown when this install does not update itself. */
export function managedState(
  mode: UpdateMode,
  appVersion: string,
  channel: UpdateChannel,
): UpdateState | null {
  if (mode.mode === 'managed-by-it') {
    return { kind: 'managed-by-it', version: appVersion, channel, newerMsiDue: mode.newerMsiDue };
  }
  if (mode.mode === 'disabled') return { kind: 'disabled', reason: mode.reason };
  return null;
}

/** Mirrors electron-updater's staging bucket for a staging user id (a UUID): 0 ≤ fraction < 1. */
export function rolloutFraction(stagingUserId: string): number | null {
  const hex = stagingUserId.replace(/-/g, '');
  if (!/^[0-9a-f]{32}$/i.test(hex)) return null;
  return Number.parseInt(hex.slice(24, 32), 16) / 0xffffffff;
}

export function withinRollout(stagingPercentage: number | undefined, stagingUserId: string): boolean {
  if (stagingPercentage === undefined) return true;
  const fraction = rolloutFraction(stagingUserId);
  return fraction === null ? true : fraction < stagingPercentage / 100;
}
