// Builds a real controller + store + web bridge for a jsdom test, wired to a fake coordinator, and renders
// the app around it; mountApp also takes it down after the test (controller, DOM, storage).
import { cleanup, render, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { onTestFinished } from 'vitest';
import { App } from '../App';
import { ControllerProvider } from '../app/context';
import { Controller } from '../app/controller';
import { createWebBridge } from '../bridge/web';
import { createAppStore } from '../store';
import * as R from '../store/reducers';
import type { DesktopBridge } from '../../src-shared/contracts/ipc';
import type { StoreState } from '../store/types';
import { type FakeCoordinator, fakeCoordinator, SilentWebSocket, tokenPair } from './fake-coordinator';

export function signedIn(s: StoreState): StoreState {
  const t = tokenPair();
  return {
    ...s,
    auth: {
      ...s.auth,
      phase: 'signed-in',
      agent: t.agent,
      accessToken: t.accessToken,
      accessExpiresAt: t.accessExpiresAt,
    },
  };
}

export function makeController(
  init?: (s: StoreState) => StoreState,
  server: FakeCoordinator = fakeCoordinator(),
  WebSocketImpl: unknown = SilentWebSocket,
  bridge: DesktopBridge = createWebBridge(window),
) {
  const store = createAppStore(init);
  const controller = new Controller({
    store,
    bridge,
    baseUrl: 'http://coordinator.test',
    wsUrl: 'ws://coordinator.test/ws',
    fetch: server.fetch,
    WebSocketImpl: WebSocketImpl as typeof WebSocket,
    random: () => 0,
  });
  return { controller, store, server };
}

export function renderApp(
  init?: (s: StoreState) => StoreState,
  server?: FakeCoordinator,
  bridge?: DesktopBridge,
) {
  const h = makeController(init, server, SilentWebSocket, bridge);
  const view = render(
    <ControllerProvider controller={h.controller}>
      <App />
    </ControllerProvider>,
  );
  return { ...h, view };
}

/** renderApp for one test, with a user-event session. `unmount()` takes the app down mid-test (to mount
 *  another); whatever is still up when the test ends is taken down then, and the storage is cleared. */
export function mountApp(
  init?: (s: StoreState) => StoreState,
  server?: FakeCoordinator,
  bridge?: DesktopBridge,
) {
  const h = renderApp(init, server, bridge);
  let mounted = true;
  const unmount = () => {
    if (!mounted) return;
    mounted = false;
    h.controller.dispose();
    cleanup();
  };
  onTestFinished(() => {
    unmount();
    localStorage.clear();
    sessionStorage.clear();
  });
  return { ...h, user: userEvent.setup(), unmount };
}

/** Waits (polling every 10 ms, RTL's waitFor) until `cond` holds; fails after `ms`. */
export function until(cond: () => boolean, ms = 5000): Promise<void> {
  return waitFor(
    () => {
      if (!cond()) throw new Error('condition not met in time');
    },
    { timeout: ms, interval: 10 },
  );
}

export { R };
