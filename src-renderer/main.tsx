// Entry point: builds the store, the bridge (Electron preload or web) and the controller, renders the app,
// and boots (snapshot → sign-in → GET /session/current → socket). The coordinator is this page's origin on
// the web; in Electron (file://) the preload's snapshot names it, else the build-time VITE_COORDINATOR_URL.
// `/supervisor` (or `#/supervisor` on the desktop) loads the supervisor console instead, as a lazy chunk
// with its own store and controller: the agent's controller is then never built.
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { ControllerProvider } from './app/context';
import { Controller } from './app/controller';
import { getBridge } from './bridge';
import { ErrorBoundary } from './components/ErrorBoundary';
import { isConsoleRoute } from './features/supervisor/route';
import { preloadPhoneFormatter } from './lib/phone';
import { createAppStore } from './store';
import './index.css';

function coordinatorOrigin(): string {
  const configured = import.meta.env.VITE_COORDINATOR_URL as string | undefined;
  if (location.protocol === 'http:' || location.protocol === 'https:') return configured ?? '';
  return configured ?? 'http://127.0.0.1:8080';
}

const baseUrl = coordinatorOrigin();
const httpOrigin = baseUrl || location.origin;
const wsUrl = `${httpOrigin.replace(/^http/, 'ws')}/ws`;
const rootEl = document.getElementById('root')!;
const onConsole = isConsoleRoute(location);
// The hash switches between the dialer and the console on the desktop: each has its own controller.
window.addEventListener('hashchange', () => {
  if (isConsoleRoute(location) !== onConsole) location.reload();
});

if (onConsole) {
  void import('./features/supervisor/start').then((m) => m.startConsole(rootEl, { baseUrl, wsUrl }));
} else startDialer();

function startDialer(): void {
  const controller = new Controller({ store: createAppStore(), bridge: getBridge(), baseUrl, wsUrl });
  // The browser suite's hook (read the store, drop the socket): only in its own build (VITE_TEST_HOOKS=1,
  // dist/renderer-e2e); Vite replaces the condition at build time, so production bundles do not contain it.
  if (import.meta.env.VITE_TEST_HOOKS === '1')
    (window as unknown as { __turbo?: Controller }).__turbo = controller;
  window.addEventListener('online', () => controller.connection.online());

  createRoot(rootEl).render(
    <ErrorBoundary>
      <ControllerProvider controller={controller}>
        <App />
      </ControllerProvider>
    </ErrorBoundary>,
  );
  void controller.auth.boot();
  // After the first paint: the full phone formatter is not needed to show the screen.
  setTimeout(() => void preloadPhoneFormatter(), 0);
}
