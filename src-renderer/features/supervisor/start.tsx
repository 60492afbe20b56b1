// The console's entry (a lazy chunk, loaded by main.tsx for /supervisor or #/supervisor): builds its
// controller, renders, boots the sign-in. The browser suite's build exposes the controller as
// window.__console (VITE_TEST_HOOKS=1 only; production bundles do not contain it).
import { createRoot } from 'react-dom/client';
import { ErrorBoundary } from '../../components/ErrorBoundary';
import { ConsoleApp } from './ConsoleApp';
import { ConsoleProvider } from './context';
import { ConsoleController } from './controller';

export function startConsole(root: HTMLElement, o: { baseUrl: string; wsUrl: string }): ConsoleController {
  const controller = new ConsoleController({ baseUrl: o.baseUrl, wsOrigin: o.wsUrl.replace(/\/ws$/, '') });
  if (import.meta.env.VITE_TEST_HOOKS === '1')
    (window as unknown as { __console?: ConsoleController }).__console = controller;
  document.title = 'Supervisor console · Turbo Dialer';
  createRoot(root).render(
    <ErrorBoundary>
      <ConsoleProvider controller={controller}>
        <ConsoleApp />
      </ConsoleProvider>
    </ErrorBoundary>,
  );
  void controller.boot();
  return controller;
}
