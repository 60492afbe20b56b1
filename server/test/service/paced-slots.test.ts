// The tab refresh's pace (service/paced-slots.ts): a tab's decode and rebuild hold one slot, so two tabs'
// work never interleaves, the order is the order asked, and a holder that fails and releases does not stop
// the tabs after it.
import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { PacedSlots } from '../../src/service/paced-slots.js';

describe('PacedSlots', () => {
  it('gives one slot at a time, in the order asked, each after the previous one is released', async () => {
    const slots = new PacedSlots(0);
    const log: string[] = [];
    const run = async (name: string, turns: number) => {
      const release = await slots.take();
      log.push(`${name} start`);
      for (let i = 0; i < turns; i++) await nextTurn();
      log.push(`${name} end`);
      release();
    };
    await Promise.all([run('a', 3), run('b', 1), run('c', 0)]);
    expect(log).toEqual(['a start', 'a end', 'b start', 'b end', 'c start', 'c end']);
  });

  it('moves on after a holder that failed released its slot', async () => {
    const slots = new PacedSlots(1);
    const failing = (async () => {
      const release = await slots.take();
      try {
        throw new Error('header mismatch');
      } finally {
        release();
      }
    })();
    const next = slots.take().then((release) => {
      release();
      return 'next ran';
    });
    await expect(failing).rejects.toThrow('header mismatch');
    await expect(next).resolves.toBe('next ran');
  });

  it('does not start a slot while the one before it is held', async () => {
    const slots = new PacedSlots(0);
    const first = await slots.take();
    let second = false;
    const waiting = slots.take().then((release) => {
      second = true;
      release();
    });
    for (let i = 0; i < 5; i++) await nextTurn();
    expect(second).toBe(false);
    first();
    await waiting;
    expect(second).toBe(true);
  });
});
