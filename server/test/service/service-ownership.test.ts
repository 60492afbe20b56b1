// "An agent can never read or change another agent's session": a call or preview of another agent's
// session is refused with 403 FORBIDDEN (whether or not the caller has a session of its own), and nothing
// changes for its owner; an id that names nothing is the caller's own 404.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../../src-shared/contracts/errors.js';
import { ANN, BOB, startWorld, testRules, type World } from './world.js';

let world: World;
beforeAll(async () => {
  world = await startWorld();
});
afterAll(async () => {
  await world?.close();
});

async function codeOf(p: Promise<unknown>): Promise<string> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ApiError);
  return (e as ApiError).code;
}

describe('DialerService: another agent’s session', () => {
  it('refuses another agent’s preview (skip, dial) and call (disposition) with FORBIDDEN', async () => {
    const { service, store } = world.makeService({ rules: testRules({ previewCountdownSeconds: 5 }) });
    const t = Date.now();
    await service.startSession(BOB, t);
    const play = await service.setSessionState(BOB, 'PLAY', t);
    if (play.next.kind !== 'preview') throw new Error('expected a preview');
    const bobPreview = play.next.preview.previewId;

    // ANN has no session yet: still 403, not "start a session first"
    expect(await codeOf(service.skip(ANN, bobPreview, t))).toBe('FORBIDDEN');
    expect(await codeOf(service.dial(ANN, bobPreview, t))).toBe('FORBIDDEN');
    // with a session of her own (paused, nothing pending): still 403
    await service.startSession(ANN, t);
    expect(await codeOf(service.skip(ANN, bobPreview, t))).toBe('FORBIDDEN');
    expect(await codeOf(service.dial(ANN, bobPreview, t))).toBe('FORBIDDEN');
    // an id that names nothing is her own 404
    expect(await codeOf(service.skip(ANN, 'no-such-preview', t))).toBe('NOT_FOUND');
    expect(await codeOf(service.dispose(ANN, { callId: 'no-such-call', code: 'WRONG' }, t))).toBe(
      'CALL_NOT_FOUND',
    );

    // BOB's preview is untouched and he dials it; ANN cannot dispose his call
    const bob = await store.activeSessionOf(BOB.email);
    expect(bob?.preview?.previewId).toBe(bobPreview);
    const dialed = await service.dial(BOB, bobPreview, t);
    if (dialed.kind !== 'call') throw new Error('expected a call');
    expect(await codeOf(service.dispose(ANN, { callId: dialed.call.callId, code: 'CORRECT' }, t))).toBe(
      'FORBIDDEN',
    );
    expect((await store.getCall(bob?.tag ?? '', dialed.call.callId))?.disposition).toBeNull();

    // and his own stale preview id (already dialed) is his 409/404, never a 403
    expect(await codeOf(service.dial(BOB, bobPreview, t))).toBe('CALL_IN_PROGRESS');
    await service.setSessionState(BOB, 'PAUSE', t);
    await service.dispose(BOB, { callId: dialed.call.callId, code: 'WRONG' }, t);
    expect(await codeOf(service.skip(BOB, bobPreview, t))).toBe('NOT_FOUND');
    await service.setSessionState(BOB, 'STOP', t);
    await service.setSessionState(ANN, 'STOP', t);
  });
});
