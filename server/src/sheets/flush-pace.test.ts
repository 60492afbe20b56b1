import { describe, expect, it } from 'vitest';
import { pacedIntervalMs } from './flush-pace.js';

describe('the flusher pace', () => {
  it('keeps its interval while the budget lasts the minute at that pace', () => {
    expect(pacedIntervalMs(2_000, 38, 60_000)).toBe(2_000);
    expect(pacedIntervalMs(2_000, 5, 3_000)).toBe(2_000);
  });

  it("spreads what is left over the rest of the minute, the next minute's first flush on its edge", () => {
    // 10 requests and 36 s left: 11 gaps of 3.3 s, the 11th flush on the fresh minute
    expect(pacedIntervalMs(2_000, 10, 36_000)).toBe(3_273);
    expect(pacedIntervalMs(2_000, 1, 30_000)).toBe(15_000);
  });

  it('waits for the next minute when nothing is left', () => {
    expect(pacedIntervalMs(2_000, 0, 12_345)).toBe(12_345);
    expect(pacedIntervalMs(2_000, -3, 0)).toBe(1);
  });
});
