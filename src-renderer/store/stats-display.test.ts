// Time-based figures only once they mean something: talk time runs with the connected call, dials per hour
// waits for ten minutes of session.
import { describe, expect, it } from 'vitest';
import { callView, statsView, T0 } from '../test/fixtures';
import { RATE_AFTER_MS, shownStats } from './stats-display';

describe('shown stats', () => {
  it('talk time includes the live connected call', () => {
    const call = callView({ state: 'CONNECTED', connectedAt: T0 });
    const s = shownStats(statsView({ talkTimeSeconds: 0 }), call, T0 - 1000, T0 + 42_000);
    expect(s.talkSeconds).toBe(42);
  });

  it('a ringing call adds no talk time', () => {
    const s = shownStats(statsView({ talkTimeSeconds: 10 }), callView({ state: 'RINGING' }), T0, T0 + 5000);
    expect(s.talkSeconds).toBe(10);
  });

  it('dials per hour is hidden for the first ten minutes, then the server figure', () => {
    const st = statsView({ dialsPerHour: 538 });
    expect(shownStats(st, null, T0, T0 + 120_000).dialsPerHour).toBeNull();
    expect(shownStats(st, null, T0, T0 + RATE_AFTER_MS).dialsPerHour).toBe(538);
  });
});
