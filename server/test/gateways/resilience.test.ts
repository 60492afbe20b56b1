// Backoff with full jitter (Google's formula, capped, Retry-After as a floor), the retry loop, and the
// cockatiel circuit breaker as the gateways configure it.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { backoffDelayMs, parseRetryAfterMs } from '../../src/resilience/backoff.js';
import { createBreaker, isBreakerOpenError } from '../../src/resilience/breakers.js';
import { withRetry } from '../../src/resilience/retry.js';

describe('backoffDelayMs', () => {
  it('draws uniformly below min(cap, base·2^n): full jitter', () => {
    const top = { random: () => 0.999999 };
    expect(backoffDelayMs(0, top)).toBe(999);
    expect(backoffDelayMs(3, top)).toBe(7999);
    expect(backoffDelayMs(10, top)).toBe(31_999); // capped at 32 s
    expect(backoffDelayMs(4, { random: () => 0 })).toBe(0);
    expect(backoffDelayMs(2, { random: () => 0.5, baseMs: 100 })).toBe(200);
  });

  it('never retries before the server said so, even beyond the cap', () => {
    expect(backoffDelayMs(0, { random: () => 0.5 }, 5000)).toBe(5000);
    expect(backoffDelayMs(10, { random: () => 0.5 }, 60_000)).toBe(60_000);
    expect(backoffDelayMs(5, { random: () => 0.9 }, 10)).toBe(28_800);
  });

  it('parses Retry-After as seconds or an HTTP date', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfterMs('7', now)).toBe(7000);
    expect(parseRetryAfterMs('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfterMs('soon', now)).toBeNull();
    expect(parseRetryAfterMs(undefined, now)).toBeNull();
  });
});

describe('withRetry', () => {
  const transient = Object.assign(new Error('503'), { retryAfter: 2000 });
  const fatal = new Error('400');

  it('retries transient errors with backoff (Retry-After honoured) until success', async () => {
    const waits: number[] = [];
    let calls = 0;
    const out = await withRetry(
      async () => {
        calls++;
        if (calls < 3) throw transient;
        return 'ok';
      },
      {
        maxAttempts: 5,
        random: () => 0,
        isRetryable: (e) => e === transient,
        retryAfterMsOf: (e) => (e === transient ? 2000 : null),
        sleep: async (ms) => {
          waits.push(ms);
        },
      },
    );
    expect(out).toBe('ok');
    expect(waits).toEqual([2000, 2000]);
  });

  it('gives up on a non-retryable error at once and after maxAttempts otherwise', async () => {
    let calls = 0;
    const opts = { maxAttempts: 3, isRetryable: (e: unknown) => e === transient, sleep: async () => {} };
    await expect(
      withRetry(async () => {
        calls++;
        throw fatal;
      }, opts),
    ).rejects.toBe(fatal);
    expect(calls).toBe(1);
    calls = 0;
    await expect(
      withRetry(async () => {
        calls++;
        throw transient;
      }, opts),
    ).rejects.toBe(transient);
    expect(calls).toBe(3);
  });
});

describe('createBreaker (cockatiel)', () => {
  afterEach(() => {
    vi.useRealTimers();
  });
  const upstreamDown = new Error('503');
  const badRequest = new Error('400');
  const isFailure = (e: Error) => e === upstreamDown;

  it('opens after consecutive upstream failures, fails fast, then half-opens and closes on success', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const b = createBreaker('sheets', isFailure, { threshold: 3, halfOpenAfterMs: 5000 });
    const states: string[] = [];
    b.onStateChange((s) => states.push(s));
    let upstreamCalls = 0;
    const failing = async () => {
      upstreamCalls++;
      throw upstreamDown;
    };
    for (let i = 0; i < 3; i++) await expect(b.execute(failing)).rejects.toBe(upstreamDown);
    expect(b.state()).toBe('open');
    const err = await b.execute(failing).catch((e: unknown) => e);
    expect(isBreakerOpenError(err)).toBe(true);
    expect(upstreamCalls).toBe(3); // the open breaker did not hammer the upstream
    vi.setSystemTime(Date.now() + 5001);
    expect(await b.execute(async () => 'back')).toBe('back');
    expect(b.state()).toBe('closed');
    expect(states).toEqual(['open', 'half-open', 'closed']);
  });

  it('does not count 4xx answers (the upstream is up)', async () => {
    const b = createBreaker('dialpad', isFailure, { threshold: 2 });
    for (let i = 0; i < 5; i++) {
      await expect(
        b.execute(async () => {
          throw badRequest;
        }),
      ).rejects.toBe(badRequest);
    }
    expect(b.state()).toBe('closed');
  });
});
