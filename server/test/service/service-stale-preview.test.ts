// A preview whose claim lapsed (lease ended, e.g. while the session sat in PAUSE) no longer owns its lead:
// another agent may be calling it or may have just finished it. The agent's Skip or Dial on that stale
// preview must not touch the lead: the preview is dropped and the next step comes back instead.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keys } from '../../src/redis/keys.js';
import { ANN, BOB, startWorld, testRules, type World } from './world.js';

let world: World;
beforeAll(async () => {
  world = await startWorld();
});
afterAll(async () => {
  await world?.close();
});

describe('a stale preview', () => {
  it('cannot skip over another agent’s live call nor dial a lead another agent just finished', async () => {
    const redis = world.connect();
    const ann = world.makeService({ rules: testRules({ previewCountdownSeconds: 30 }) });
    const t = Date.now();
    await ann.service.startSession(ANN, t);
    const play = await ann.service.setSessionState(ANN, 'PLAY', t);
    if (play.next.kind !== 'preview') throw new Error(`expected a preview, got ${play.next.kind}`);
    const p1 = play.next.preview;
    const row1 = p1.preview.lead.rowId;
    const tag = (await ann.store.activeSessionOf(ANN.email))?.tag ?? '';
    // Ann's claim lapses (as when its lease runs out); Bob's fresh instance then dials that very lead.
    await redis.hdel(keys.lead(tag, row1), 'c');
    const bob1 = world.makeService();
    await bob1.service.startSession(BOB, t + 1);
    const bobPlay = await bob1.service.setSessionState(BOB, 'PLAY', t + 1);
    if (bobPlay.next.kind !== 'call') throw new Error(`expected a call, got ${bobPlay.next.kind}`);
    expect(bobPlay.next.call.leadRowId).toBe(row1);

    // Ann skips her stale preview: refused (Bob's live call is untouched), she gets a fresh preview.
    const skipped = await ann.service.skip(ANN, p1.previewId, t + 2);
    if (skipped.kind !== 'preview') throw new Error(`expected a preview, got ${skipped.kind}`);
    expect(skipped.preview.preview.lead.rowId).not.toBe(row1);
    expect((await ann.store.getLead(tag, row1))?.state.slots[p1.preview.numberIndex]?.status).toBe(
      'IN_PROGRESS',
    );
    const done = await bob1.service.dispose(
      BOB,
      { callId: bobPlay.next.call.callId, code: 'NO_ANSWER' },
      t + 3,
    );
    expect(done.code).toBe('NO_ANSWER');
    await bob1.service.setSessionState(BOB, 'STOP', t + 4);

    // Again with Ann's new preview: Bob calls and finishes that lead (NO_ANSWER: it waits for its retry
    // delay now); Ann's Dial on the stale preview must not ring it again.
    const p2 = skipped.preview;
    const row2 = p2.preview.lead.rowId;
    await redis.hdel(keys.lead(tag, row2), 'c');
    const bob2 = world.makeService();
    await bob2.service.startSession(BOB, t + 5);
    const bobPlay2 = await bob2.service.setSessionState(BOB, 'PLAY', t + 5);
    if (bobPlay2.next.kind !== 'call') throw new Error(`expected a call, got ${bobPlay2.next.kind}`);
    expect(bobPlay2.next.call.leadRowId).toBe(row2);
    await bob2.service.dispose(BOB, { callId: bobPlay2.next.call.callId, code: 'NO_ANSWER' }, t + 6);
    await bob2.service.setSessionState(BOB, 'STOP', t + 7);
    const phone2 = bobPlay2.next.call.phoneE164;

    const dialed = await ann.service.dial(ANN, p2.previewId, t + 8);
    const nextRow =
      dialed.kind === 'call'
        ? dialed.call.leadRowId
        : dialed.kind === 'preview'
          ? dialed.preview.preview.lead.rowId
          : null;
    expect(nextRow).not.toBe(row2);
    // Dialpad rang that number once: Bob's call, not a second one from Ann.
    expect(world.dialpadEm.state.listCalls().filter((c) => c.external_number === phone2)).toHaveLength(1);
    await ann.service.setSessionState(ANN, 'STOP', t + 9);
  });
});
