// Pure transitions of the updater slice: the state the main process pushes (`updater:state`) and the
// agent's "Restart to update" request with its answer. A refusal belongs to one downloaded version: it is
// kept while the same version stays ready and forgotten when anything else arrives.
import type { UpdateState } from '../../src-shared/contracts/ipc';
import type { StoreState } from './types';

export type InstallAnswer = { accepted: boolean; reason: string | null };

/** Said when the main process refuses without giving a reason. */
export const REFUSED_WITHOUT_REASON = 'The update cannot be installed right now.';

export function applyUpdateState(s: StoreState, state: UpdateState): StoreState {
  const prev = s.updater.state;
  const sameReady = prev?.kind === 'ready' && state.kind === 'ready' && prev.version === state.version;
  const updater = sameReady ? { ...s.updater, state } : { state, install: 'none' as const, refusal: null };
  return { ...s, updater };
}

export function installRequested(s: StoreState): StoreState {
  return { ...s, updater: { ...s.updater, install: 'asking', refusal: null } };
}

export function installAnswered(s: StoreState, answer: InstallAnswer): StoreState {
  // The state moved on while we asked (a newer download, an error): that state is what the screen shows.
  if (s.updater.install !== 'asking') return s;
  return {
    ...s,
    updater: answer.accepted
      ? { ...s.updater, install: 'accepted', refusal: null }
      : { ...s.updater, install: 'none', refusal: answer.reason ?? REFUSED_WITHOUT_REASON },
  };
}
