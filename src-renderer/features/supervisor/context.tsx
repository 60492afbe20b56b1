// React access to the console's controller and store: one provider at the root, hooks for components, and
// the server clock that ticks once a second (times in state and ages are computed on the coordinator's
// clock: the browser's may be off).
import { createContext, type ReactNode, useContext, useEffect, useState } from 'react';
import { useStore } from 'zustand';
import type { ConsoleController } from './controller';
import type { ConsoleState } from './state';

const Ctx = createContext<ConsoleController | null>(null);

export function ConsoleProvider({
  controller,
  children,
}: {
  controller: ConsoleController;
  children: ReactNode;
}) {
  return <Ctx.Provider value={controller}>{children}</Ctx.Provider>;
}

export function useConsoleController(): ConsoleController {
  const c = useContext(Ctx);
  if (!c) throw new Error('useConsoleController outside ConsoleProvider');
  return c;
}

/** Selects from the console store; the selector must return a stable value. */
export function useConsole<T>(selector: (s: ConsoleState) => T): T {
  return useStore(useConsoleController().store, selector);
}

/** The coordinator's clock (epoch ms), re-rendering the caller once a second. */
export function useServerNow(): number {
  const offset = useConsole((s) => s.live.clockOffsetMs);
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, []);
  return now + offset;
}
