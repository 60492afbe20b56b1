import { describe, expect, it } from 'vitest';
import { reserveOwed, waitForReserveMs, windowEndsInMs } from './quota-limits.js';

describe("a background caller's reserve for people", () => {
  it('is a rate: the rest of the minute is owed its share of it', () => {
    expect(reserveOwed(20, 60_000)).toBe(20);
    expect(reserveOwed(20, 30_000)).toBe(10);
    expect(reserveOwed(20, 4_000)).toBe(2);
    expect(reserveOwed(20, 0)).toBe(0);
  });

  it('lets the caller take one more at once, once the owed part shrank enough, or at the minute end', () => {
    // 40 of 60 taken with 30 s to go: 10 owed, 19 of room
    expect(waitForReserveMs(60, 20, 40, 30_000)).toBe(0);
    // 49 taken with 36 s to go: 12 owed but room for 10 only; 10 are owed 30 s before the end
    expect(waitForReserveMs(60, 20, 49, 36_000)).toBe(6_000);
    // all 60 taken: the next minute
    expect(waitForReserveMs(60, 20, 60, 12_345)).toBe(12_345);
    expect(waitForReserveMs(60, 0, 10, 12_345)).toBe(0);
  });

  it('counts per fixed clock minute', () => {
    expect(windowEndsInMs(1_700_000_040_000)).toBe(60_000);
    expect(windowEndsInMs(1_700_000_095_500)).toBe(4_500);
  });
});
