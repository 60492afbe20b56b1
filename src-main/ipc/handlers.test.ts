// The install-report channels as the renderer reaches them (validating dispatcher → handlers → the real
// UpdaterService): `desktop:install-info` answers the report body the coordinator accepts, and the
// coordinator's answer relayed on `desktop:it-policy` turns an MSI install's updater state into
// "managed by IT, newer MSI due"; a malformed relay is refused before it reaches the updater.
import { describe, expect, it } from 'vitest';
import { HTTP_API } from '../../src-shared/contracts/http.js';
import { IPC_INVOKE, type UpdateState } from '../../src-shared/contracts/ipc.js';
import { MemoryCredentialStore } from '../services/credentials/credential-store.js';
import { installReportBody } from '../services/updater/install-report.js';
import { type InstallType, updateMode } from '../services/updater/update-policy.js';
import { UpdaterService } from '../services/updater/updater-service.js';
import { createHandlers } from './handlers.js';
import { createDispatcher } from '../../src-shared/contracts/ipc-dispatch.js';

const sender = { frameUrl: 'file:///app/dist/renderer/index.html' };
const NO_SHORTCUTS = { supported: false, unsupportedReason: 'test', registered: [], conflicts: [] };

/** The main process as initialize.ts wires it, for one install type and app version. */
function mainProcess(installType: InstallType, appVersion = '1.3.0') {
  const pushed: UpdateState[] = []; // what `updater:state` sends to the renderer
  const updater = new UpdaterService({
    autoUpdater: null,
    mode: updateMode(installType, null, appVersion),
    channel: 'stable',
    appVersion,
    idleInstallMinutes: 10,
    systemIdleSeconds: () => 0,
    onState: (s) => pushed.push(s),
    log: { info: () => {}, warn: () => {} },
  });
  updater.start();
  const info = installReportBody({
    appVersion,
    channel: 'stable',
    installType,
    platform: 'win32',
    arch: 'x64',
  });
  const dispatch = createDispatcher(
    IPC_INVOKE,
    createHandlers({
      snapshot: { read: () => null, update: async () => {} },
      credentials: new MemoryCredentialStore(),
      onStatus: () => {},
      shortcuts: { report: () => NO_SHORTCUTS, configure: () => NO_SHORTCUTS },
      persistBindings: async () => {},
      requestInstall: () => updater.requestInstall(),
      copyDiagnostics: () => false,
      installInfo: () => info,
      applyItPolicy: (policy) => updater.applyItPolicy(policy),
    }),
  );
  return { dispatch, updater, pushed };
}

describe('desktop:install-info', () => {
  it('answers the report body the coordinator accepts', async () => {
    const { dispatch } = mainProcess('msi');
    const r = await dispatch('desktop:install-info', null, sender);
    expect(r).toEqual({
      ok: true,
      value: { appVersion: '1.3.0', channel: 'stable', installType: 'msi', platform: 'win32', arch: 'x64' },
    });
    expect(r.ok && HTTP_API.desktopInstallReport.body.safeParse(r.value).success).toBe(true);
  });

  it('answers null for a copy that does not report (a version the contract refuses)', async () => {
    const { dispatch } = mainProcess('dev', 'local-build');
    expect(await dispatch('desktop:install-info', null, sender)).toEqual({ ok: true, value: null });
  });
});

describe('desktop:it-policy', () => {
  it('turns an MSI install’s updater state into managed-by-it with the newer MSI due, pushed to the renderer', async () => {
    const { dispatch, updater, pushed } = mainProcess('msi');
    expect(updater.state).toMatchObject({ kind: 'managed-by-it', newerMsiDue: null });
    const r = await dispatch('desktop:it-policy', { newerMsiDue: '1.4.0' }, sender);
    expect(r).toEqual({ ok: true, value: { applied: true } });
    const shown = { kind: 'managed-by-it', version: '1.3.0', channel: 'stable', newerMsiDue: '1.4.0' };
    expect(updater.state).toEqual(shown);
    expect(pushed.at(-1)).toEqual(shown);
  });

  it('leaves a self-updating install alone', async () => {
    const { dispatch, updater } = mainProcess('nsis');
    const before = updater.state;
    expect(await dispatch('desktop:it-policy', { newerMsiDue: '1.4.0' }, sender)).toEqual({
      ok: true,
      value: { applied: false },
    });
    expect(updater.state).toEqual(before);
  });

  it('refuses a malformed relay before it reaches the updater', async () => {
    const { dispatch, updater, pushed } = mainProcess('msi');
    const count = pushed.length;
    for (const bad of [
      { newerMsiDue: 5 },
      { newerMsiDue: '1.4.0', extra: true },
      null,
      { newerMsiDue: '' },
    ]) {
      expect(await dispatch('desktop:it-policy', bad, sender)).toMatchObject({
        ok: false,
        error: { code: 'VALIDATION_FAILED' },
      });
    }
    expect(pushed).toHaveLength(count);
    expect(updater.state).toMatchObject({ newerMsiDue: null });
  });
});
