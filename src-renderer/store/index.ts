// The one renderer store (Zustand, vanilla so the controller and tests can drive it without React). State is
// split into slices per concern (types.ts); it only changes through the pure reducers in reducers.ts, applied
// with `update`.
import { createStore, type StoreApi } from 'zustand/vanilla';
import { initialState } from './reducers';
import type { StoreState } from './types';

export type AppStore = StoreApi<StoreState>;

export function createAppStore(init?: (s: StoreState) => StoreState): AppStore {
  const s0 = initialState();
  return createStore<StoreState>()(() => (init ? init(s0) : s0));
}

/** Applies a pure reducer to the store. */
export function update(store: AppStore, reducer: (s: StoreState) => StoreState): void {
  const prev = store.getState();
  const next = reducer(prev);
  if (next !== prev) store.setState(next, true);
}

export type { StoreState } from './types';
