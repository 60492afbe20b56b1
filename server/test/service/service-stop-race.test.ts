// STOP pressed while a disposition's chained dial is in flight: the session leaves PLAY between the chain's
// pick (made before the disposition's script, which dials it in the same step) and that script. That is what
// the agent asked for, not an error: the disposition is saved, the answer's next step is idle in STOP, no
// call is placed and no ERROR event reaches the agent.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SESSION_TRANSITIONS, type SessionState } from '../../../src-shared/domain/session.js';
import { RedisStore } from '../../src/store/redis-store.js';
import type { DisposeInput } from '../../src/store/types.js';
import { ANN, startWorld, type World } from './world.js';

let world: World;
beforeAll(async () => {
  world = await startWorld();
});
afterAll(async () => {
  await world?.close();
});

const allowedTo = (to: SessionState): SessionState[] =>
  (Object.keys(SESSION_TRANSITIONS) as SessionState[]).filter((from) =>
    SESSION_TRANSITIONS[from].includes(to),
  );

/** Presses STOP (through the real script) right before the disposition's script (with the picked next
 *  dial) runs, once armed. */
class StopBeforeNextDial extends RedisStore {
  armed = false;
  override async dispose(i: DisposeInput) {
    if (this.armed) {
      this.armed = false;
      expect(i.next).toBeTruthy(); // the next lead was picked for the same step
      const stopped = await this.endSession(i.tag, i.sessionId, allowedTo('STOP'), i.now);
      expect(stopped.ok).toBe(true);
    }
    return super.dispose(i);
  }
}

describe('STOP during the chained dial of a disposition', () => {
  it('answers idle in STOP, saves the disposition, places no call and sends no ERROR', async () => {
    const made: { store?: StopBeforeNextDial } = {};
    const { service } = world.makeService({
      store: (o) => {
        made.store = new StopBeforeNextDial(o);
        return made.store;
      },
    });
    const t = Date.now();
    await service.startSession(ANN, t);
    const play = await service.setSessionState(ANN, 'PLAY', t);
    if (play.next.kind !== 'call') throw new Error('expected a call');
    const { callId } = play.next.call;
    await service.settled(); // Dialpad's answer to that first dial (it comes after the answer above)
    const calls = world.dialpadEm.state.listCalls().length;

    if (!made.store) throw new Error('the store was not built');
    made.store.armed = true;
    const r = await service.dispose(ANN, { callId, code: 'WRONG' }, t + 1_000);
    expect(r).toMatchObject({ callId, code: 'WRONG', next: { kind: 'idle', sessionState: 'STOP' } });
    await service.settled();
    expect(world.dialpadEm.state.listCalls().length).toBe(calls); // no second call placed
    const events = await world.eventsOf(ANN.email);
    expect(events.filter((e) => e.type === 'ERROR')).toEqual([]);
    expect(
      events.some((e) => e.type === 'CALL_STATE' && e.call.callId === callId && e.call.state === 'DISPOSED'),
    ).toBe(true);
  });
});
