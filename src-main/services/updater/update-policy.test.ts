// Update policy: never during a call or a pending disposition, IT's channel beats the agent's, an MSI
// install defers to IT, and the staged-rollout bucket matches electron-updater's own computation.
import { describe, expect, it } from 'vitest';
import type { AppStatus, UpdateState } from '../../../src-shared/contracts/ipc.js';
import { parseItPolicy } from './it-policy.js';
import {
  chooseChannel,
  detectInstallType,
  installDecision,
  rolloutFraction,
  updateMode,
  updaterSettings,
  withinRollout,
} from './update-policy.js';
import { type AutoUpdaterLike, UpdaterService } from './updater-service.js';

const status = (over: Partial<AppStatus> = {}): AppStatus => ({
  tray: 'idle',
  callActive: false,
  dispositionPending: false,
  sessionState: 'STOP',
  ...over,
});
const READY: UpdateState = { kind: 'ready', version: '1.3.0', installWhen: 'idle' };
const decide = (s: AppStatus | null, trigger: 'consent' | 'idle-check', idleSeconds = 3600) =>
  installDecision({
    updateState: READY,
    status: s,
    trigger,
    systemIdleSeconds: idleSeconds,
    idleInstallMinutes: 10,
  });

describe('installDecision', () => {
  it('never installs during a call or with a disposition pending, even with consent', () => {
    expect(decide(status({ callActive: true, tray: 'on-call' }), 'consent')).toMatchObject({
      install: false,
    });
    expect(decide(status({ dispositionPending: true }), 'consent').reason).toMatch(/disposition/);
    expect(decide(status({ callActive: true }), 'idle-check').install).toBe(false);
  });

  it('installs on consent when free, and on idle only when the session is not running and input stopped', () => {
    expect(decide(status(), 'consent').install).toBe(true);
    expect(decide(status({ sessionState: 'PLAY' }), 'idle-check').install).toBe(false);
    expect(decide(status({ sessionState: 'PAUSE' }), 'idle-check', 120).install).toBe(false);
    expect(decide(status({ sessionState: 'PAUSE' }), 'idle-check', 601).install).toBe(true);
  });

  it('has nothing to install before a download finished', () => {
    const d = installDecision({
      updateState: { kind: 'downloading', version: '1.3.0', percent: 40 },
      status: status(),
      trigger: 'consent',
      systemIdleSeconds: 9999,
      idleInstallMinutes: 10,
    });
    expect(d.install).toBe(false);
  });
});

describe('channel choice', () => {
  it('IT policy beats the user setting, which beats the version suffix', () => {
    expect(chooseChannel({ channel: 'stable' }, 'beta', '1.0.0')).toEqual({
      channel: 'stable',
      source: 'it-policy',
    });
    expect(chooseChannel(null, 'beta', '1.0.0')).toEqual({ channel: 'beta', source: 'user' });
    expect(chooseChannel({}, null, '1.1.0-beta.2')).toEqual({ channel: 'beta', source: 'app-version' });
    expect(chooseChannel(null, null, '1.1.0')).toEqual({ channel: 'stable', source: 'app-version' });
    expect(chooseChannel(null, null, '1.1.0-rc.1')).toEqual({ channel: 'stable', source: 'app-version' });
  });

  it('allows prereleases on beta only, and turns install-on-quit off while busy', () => {
    expect(updaterSettings('beta', null)).toMatchObject({
      allowPrerelease: true,
      autoInstallOnAppQuit: true,
    });
    expect(updaterSettings('stable', status({ callActive: true }))).toMatchObject({
      allowPrerelease: false,
      autoInstallOnAppQuit: false,
    });
  });
});

describe('install type and MSI deferral', () => {
  const facts = { platform: 'win32' as const, isPackaged: true, appImage: false, policy: null };
  it('detects MSI (no NSIS uninstaller) vs NSIS on Windows, and honours IT declaring it', () => {
    expect(detectInstallType({ ...facts, nsisUninstallerPresent: false })).toBe('msi');
    expect(detectInstallType({ ...facts, nsisUninstallerPresent: true })).toBe('nsis');
    expect(
      detectInstallType({ ...facts, nsisUninstallerPresent: true, policy: { installType: 'msi' } }),
    ).toBe('msi');
    expect(detectInstallType({ ...facts, isPackaged: false, nsisUninstallerPresent: false })).toBe('dev');
    expect(
      detectInstallType({ ...facts, platform: 'linux', appImage: true, nsisUninstallerPresent: false }),
    ).toBe('appimage');
  });

  it('an MSI install never self-updates; a newer MSI due is shown only when it is newer', () => {
    expect(updateMode('msi', { msiVersionDue: '1.4.0' }, '1.3.2')).toEqual({
      mode: 'managed-by-it',
      newerMsiDue: '1.4.0',
    });
    expect(updateMode('msi', { msiVersionDue: '1.3.2' }, '1.3.2')).toEqual({
      mode: 'managed-by-it',
      newerMsiDue: null,
    });
    expect(updateMode('nsis', null, '1.3.2')).toEqual({ mode: 'self-update' });
    expect(updateMode('dmg', { autoUpdate: false }, '1.3.2').mode).toBe('disabled');
    expect(updateMode('deb', null, '1.3.2').mode).toBe('disabled');
  });

  it('says a newer MSI is due by semver order, prereleases included', () => {
    const due = (installed: string, policyVersion: string) =>
      updateMode('msi', { msiVersionDue: policyVersion }, installed);
    expect(due('1.4.0-beta.9', '1.4.0-beta.10')).toEqual({
      mode: 'managed-by-it',
      newerMsiDue: '1.4.0-beta.10',
    });
    expect(due('1.4.0-beta.10', '1.4.0-beta.9')).toEqual({ mode: 'managed-by-it', newerMsiDue: null });
    expect(due('1.0.0-rc-1', '1.0.0-rc-2')).toEqual({ mode: 'managed-by-it', newerMsiDue: '1.0.0-rc-2' });
    expect(due('1.0.0-rc-2', '1.0.0-rc-1')).toEqual({ mode: 'managed-by-it', newerMsiDue: null });
  });

  it('parses a policy document, rejecting unknown keys and plain-http coordinators', () => {
    expect(parseItPolicy('\uFEFF{"channel":"beta","installType":"msi","msiVersionDue":"2.0.0"}')).toEqual({
      ok: true,
      policy: { channel: 'beta', installType: 'msi', msiVersionDue: '2.0.0' },
    });
    expect(parseItPolicy('{"chanel":"beta"}').ok).toBe(false);
    expect(parseItPolicy('{"coordinatorUrl":"http://dialer.corp"}').ok).toBe(false);
    expect(parseItPolicy('{"coordinatorUrl":"http://localhost:8080"}').ok).toBe(true);
    expect(parseItPolicy('not json').ok).toBe(false);
  });
});

describe('staged rollout', () => {
  it('matches electron-updater: the last 4 bytes of the staging UUID as a fraction of 0xffffffff', () => {
    expect(rolloutFraction('00000000-0000-4000-8000-000000000000')).toBe(0);
    expect(rolloutFraction('00000000-0000-4000-8000-0000ffffffff')).toBe(1);
    expect(withinRollout(10, '00000000-0000-4000-8000-000010000000')).toBe(true); // 0.0625 < 0.10
    expect(withinRollout(5, '00000000-0000-4000-8000-000010000000')).toBe(false);
    expect(withinRollout(undefined, '00000000-0000-4000-8000-0000ffffffff')).toBe(true);
  });
});

class FakeAutoUpdater implements AutoUpdaterLike {
  channel: string | null = null;
  allowPrerelease = false;
  autoDownload = false;
  autoInstallOnAppQuit = true;
  installs = 0;
  checks = 0;
  listeners = new Map<string, (arg?: unknown) => void>();
  on(event: string, listener: (arg: never) => void) {
    this.listeners.set(event, listener as (arg?: unknown) => void);
    return this;
  }
  emit(event: string, arg?: unknown) {
    this.listeners.get(event)?.(arg);
  }
  async checkForUpdates() {
    this.checks++;
    return null;
  }
  quitAndInstall() {
    this.installs++;
  }
}

describe('UpdaterService', () => {
  const make = (mode: Parameters<typeof updateMode>[0] = 'nsis', idleSeconds = 0) => {
    const u = new FakeAutoUpdater();
    const states: UpdateState[] = [];
    const warnings: string[] = [];
    const service = new UpdaterService({
      autoUpdater: u,
      mode: updateMode(mode, null, '1.3.0'),
      channel: 'beta',
      appVersion: '1.3.0',
      idleInstallMinutes: 10,
      systemIdleSeconds: () => idleSeconds,
      onState: (s) => states.push(s),
      log: { info: () => {}, warn: (_o, m) => warnings.push(m) },
    });
    service.start();
    return { u, service, states, warnings };
  };

  it('configures the beta channel and waits for the call to end before installing', () => {
    const { u, service, states } = make();
    expect(u).toMatchObject({ channel: 'beta', allowPrerelease: true, autoDownload: true });
    service.setStatus(status({ callActive: true, tray: 'on-call', sessionState: 'PLAY' }));
    expect(u.autoInstallOnAppQuit).toBe(false);
    u.emit('update-available', { version: '1.4.0-beta.1' });
    u.emit('download-progress', { percent: 51.4 });
    u.emit('update-downloaded', { version: '1.4.0-beta.1' });
    expect(states.at(-2)).toEqual({ kind: 'downloading', version: '1.4.0-beta.1', percent: 51 });
    expect(states.at(-1)).toMatchObject({ kind: 'ready', installWhen: 'consent' });
    expect(service.requestInstall()).toMatchObject({ accepted: false });
    expect(u.installs).toBe(0);
    service.setStatus(status({ sessionState: 'PAUSE', tray: 'paused' }));
    expect(service.requestInstall()).toEqual({ accepted: true, reason: null });
    expect(u.installs).toBe(1);
  });

  it('turns updater errors into an error state and a log line, not a throw', async () => {
    const { u, service, states, warnings } = make();
    u.emit('error', new Error('ENOTFOUND updates.example'));
    u.checkForUpdates = async () => Promise.reject(new Error('offline'));
    await expect(service.check()).resolves.toBeUndefined();
    expect(states.at(-1)?.kind).toBe('error');
    expect(warnings).toEqual(['update error', 'update check failed']);
  });

  it('an MSI install shows managed-by-it and never checks', async () => {
    const { u, service, states } = make('msi');
    await service.check();
    expect(u.checks).toBe(0);
    expect(states).toEqual([{ kind: 'managed-by-it', version: '1.3.0', channel: 'beta', newerMsiDue: null }]);
    expect(service.requestInstall().accepted).toBe(false);
  });

  it('the coordinator’s MSI hint shows on an MSI install only, and only when newer than this copy', () => {
    const msi = make('msi');
    expect(msi.service.applyItPolicy({ newerMsiDue: '1.4.0' })).toBe(true);
    expect(msi.states.at(-1)).toEqual({
      kind: 'managed-by-it',
      version: '1.3.0',
      channel: 'beta',
      newerMsiDue: '1.4.0',
    });
    msi.service.applyItPolicy({ newerMsiDue: '1.2.0' });
    expect(msi.states.at(-1)).toMatchObject({ kind: 'managed-by-it', newerMsiDue: null });
    const nsis = make('nsis');
    expect(nsis.service.applyItPolicy({ newerMsiDue: '1.4.0' })).toBe(false);
    expect(nsis.states.some((s) => s.kind === 'managed-by-it')).toBe(false);
  });
});
