// React access to the controller and the store: one provider at the root, hooks for components.
import { createContext, type ReactNode, useContext } from 'react';
import { useStore } from 'zustand';
import type { StoreState } from '../store/types';
import type { Controller } from './controller';

const Ctx = createContext<Controller | null>(null);

export function ControllerProvider({
  controller,
  children,
}: {
  controller: Controller;
  children: ReactNode;
}) {
  return <Ctx.Provider value={controller}>{children}</Ctx.Provider>;
}

export function useController(): Controller {
  const c = useContext(Ctx);
  if (!c) throw new Error('useController outside ControllerProvider');
  return c;
}

/** Selects from the store; the selector must return a stable value (a slice field, not a new object). */
export function useApp<T>(selector: (s: StoreState) => T): T {
  return useStore(useController().store, selector);
}
