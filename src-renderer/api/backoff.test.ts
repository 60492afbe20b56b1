import { describe, expect, it } from 'vitest';
import { backoffDelay, SOCKET_BACKOFF } from './backoff';

describe('backoffDelay', () => {
  it('grows exponentially up to the cap, with jitter between the floor and the cap', () => {
    expect(backoffDelay(0, 0)).toBe(SOCKET_BACKOFF.floorMs);
    expect(backoffDelay(0, 0.999)).toBeLessThanOrEqual(SOCKET_BACKOFF.baseMs);
    expect(backoffDelay(3, 0.999)).toBeGreaterThan(backoffDelay(1, 0.999));
    expect(backoffDelay(50, 0.999)).toBeLessThanOrEqual(SOCKET_BACKOFF.maxMs);
    expect(backoffDelay(50, 0.5)).toBeLessThan(backoffDelay(50, 0.9));
  });
});
