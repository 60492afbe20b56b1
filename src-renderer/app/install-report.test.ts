// The desktop install report through the real controller and ApiClient against the scripted coordinator:
// on the desktop (a fake electron bridge standing in for the preload) the report the main process hands out
// is POSTed once after sign-in with the agent's access token and IT's answer is relayed back to the main
// process; a failing coordinator costs the agent nothing (no banner); a browser tab sends nothing.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { DesktopInstallReport } from '../../src-shared/contracts/http';
import { createAppStore } from '../store';
import { type FakeCoordinator, fakeCoordinator, SilentWebSocket } from '../test/fake-coordinator';
import { fakeElectronBridge } from '../test/fake-electron-bridge';
import { makeController, until } from '../test/harness';
import { Controller } from './controller';

const INFO: DesktopInstallReport = {
  appVersion: '1.3.0',
  channel: 'stable',
  installType: 'msi',
  platform: 'win32',
  arch: 'x64',
};

const disposers: (() => void)[] = [];
afterEach(() => {
  for (const d of disposers.splice(0)) d();
  vi.restoreAllMocks();
  localStorage.clear();
  sessionStorage.clear();
});

/** The preload's bridge as the renderer sees it, answering like the main process (held to the IPC contract). */
const electronBridge = () =>
  fakeElectronBridge({
    'desktop:install-info': () => INFO,
    'desktop:it-policy': () => ({ applied: true }),
  });

function desktopController(server: FakeCoordinator) {
  const fb = electronBridge();
  const controller = new Controller({
    store: createAppStore(),
    bridge: fb.bridge,
    baseUrl: 'http://coordinator.test',
    wsUrl: 'ws://coordinator.test/ws',
    fetch: server.fetch,
    WebSocketImpl: SilentWebSocket as unknown as typeof WebSocket,
    random: () => 0,
  });
  disposers.push(() => controller.dispose());
  return { controller, bridge: fb.bridge, of: fb.of };
}

const reports = (server: FakeCoordinator) =>
  server.requests.filter((r) => r.path === '/desktop/install-report');

describe('install report (desktop)', () => {
  it('after sign-in POSTs the main process’s report once, with the access token, and relays IT’s answer', async () => {
    const server = fakeCoordinator();
    server.newerMsiDue = '1.4.0';
    const { controller, of } = desktopController(server);
    expect(reports(server)).toHaveLength(0); // nothing before sign-in

    await controller.auth.login({ demoEmail: 'ana@example.com' });
    await until(() => of('desktop:it-policy').length === 1);
    expect(reports(server)).toHaveLength(1);
    expect(reports(server)[0]).toMatchObject({
      method: 'POST',
      body: INFO,
      authorization: 'Bearer access-token-1',
    });
    expect(of('desktop:it-policy')[0]).toEqual({ newerMsiDue: '1.4.0' });

    // A token refresh and a second sign-in in the same window do not send it again.
    await controller.auth.refreshTokens();
    await controller.auth.login({ demoEmail: 'ana@example.com' });
    expect(of('desktop:install-info')).toHaveLength(1);
    expect(reports(server)).toHaveLength(1);
    expect(controller.store.getState().ui.error).toBeNull();
  });

  it('a coordinator that refuses the report costs the agent nothing; the next sign-in tries again', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const server = fakeCoordinator();
    server.installReportStatus = 500;
    const { controller, of } = desktopController(server);

    await controller.auth.login({ demoEmail: 'ana@example.com' });
    await until(() => warn.mock.calls.length === 1);
    expect(String(warn.mock.calls[0]?.[0])).toMatch(/install report not sent.*INTERNAL/);
    expect(of('desktop:it-policy')).toHaveLength(0);
    expect(controller.store.getState().ui.error).toBeNull();
    expect(controller.store.getState().auth.phase).toBe('signed-in');

    server.installReportStatus = 200;
    await controller.auth.login({ demoEmail: 'ana@example.com' });
    await until(() => of('desktop:it-policy').length === 1);
    expect(reports(server)).toHaveLength(2);
    expect(of('desktop:it-policy')[0]).toEqual({ newerMsiDue: null });
  });
});

describe('install report (web)', () => {
  it('a browser tab has no install to report: nothing is posted after sign-in', async () => {
    const { controller, server } = makeController();
    disposers.push(() => controller.dispose());
    expect(await controller.bridge.invoke('desktop:install-info', null)).toEqual({ ok: true, value: null });
    await controller.auth.login({ demoEmail: 'ana@example.com' });
    expect(controller.store.getState().auth.phase).toBe('signed-in');
    await controller.outbox.flush();
    expect(reports(server)).toHaveLength(0);
  });
});
