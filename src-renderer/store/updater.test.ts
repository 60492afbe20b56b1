// The updater slice: what the update indicator would show after each main-process push and install answer.
import { describe, expect, it } from 'vitest';
import type { UpdateState } from '../../src-shared/contracts/ipc';
import { initialState } from './reducers';
import * as U from './updater';

type Ready = Extract<UpdateState, { kind: 'ready' }>;
const ready = (version = '1.4.0'): Ready => ({ kind: 'ready', version, installWhen: 'consent' });

describe('updater slice', () => {
  it('starts with no state (the web bridge never reports one) and takes what the main process pushes', () => {
    const s0 = initialState();
    expect(s0.updater).toEqual({ state: null, install: 'none', refusal: null });
    const s1 = U.applyUpdateState(s0, { kind: 'downloading', version: '1.4.0', percent: 42 });
    expect(s1.updater.state).toEqual({ kind: 'downloading', version: '1.4.0', percent: 42 });
  });

  it('an accepted install marks the app as restarting', () => {
    const asking = U.installRequested(U.applyUpdateState(initialState(), ready()));
    expect(asking.updater.install).toBe('asking');
    const done = U.installAnswered(asking, { accepted: true, reason: null });
    expect(done.updater).toMatchObject({ install: 'accepted', refusal: null });
  });

  it('a refusal keeps its reason (or a plain default) and lets the agent try again', () => {
    const asking = U.installRequested(U.applyUpdateState(initialState(), ready()));
    const refused = U.installAnswered(asking, {
      accepted: false,
      reason: 'Not during a call: the update installs afterwards',
    });
    expect(refused.updater).toMatchObject({
      install: 'none',
      refusal: 'Not during a call: the update installs afterwards',
    });
    const silent = U.installAnswered(asking, { accepted: false, reason: null });
    expect(silent.updater.refusal).toBe(U.REFUSED_WITHOUT_REASON);
    // Asking again clears the old reason while the request is in flight.
    expect(U.installRequested(refused).updater).toMatchObject({ install: 'asking', refusal: null });
  });

  it('the refusal stays while the same version is ready, and is forgotten when the state moves on', () => {
    const refused = U.installAnswered(U.installRequested(U.applyUpdateState(initialState(), ready())), {
      accepted: false,
      reason: 'Finish the disposition first: the update installs afterwards',
    });
    const sameAgain = U.applyUpdateState(refused, { ...ready(), installWhen: 'idle' });
    expect(sameAgain.updater.refusal).toMatch(/Finish the disposition/);
    expect(U.applyUpdateState(refused, ready('1.5.0')).updater.refusal).toBeNull();
    expect(U.applyUpdateState(refused, { kind: 'error', message: 'x' }).updater.refusal).toBeNull();
  });

  it('an answer arriving after the state moved on changes nothing', () => {
    const asking = U.installRequested(U.applyUpdateState(initialState(), ready()));
    const moved = U.applyUpdateState(asking, { kind: 'error', message: 'Update check failed' });
    expect(moved.updater.install).toBe('none');
    expect(U.installAnswered(moved, { accepted: true, reason: null })).toBe(moved);
  });
});
