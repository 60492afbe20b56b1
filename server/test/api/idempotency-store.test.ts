// The idempotency store's contract on a real redis-server, through runIdempotent (what the routes use): stored
// replay, 422 on another body, one execution for concurrent duplicates, no replay of transient failures,
// expiry after the TTL; and for Redis, the same guarantees across two instances (two connections).
import { describe, expect, it } from 'vitest';
import { redisForFile } from '../../../test/support/redis-for-file.js';
import { ApiError } from '../../../src-shared/contracts/errors.js';
import { DEFAULT_IDEMPOTENCY, runIdempotent } from '../../src/idempotency/guard.js';
import { type IdempotencyStore, RedisIdempotencyStore } from '../../src/idempotency/store.js';

const redisServer = redisForFile();
const redisStore = () => new RedisIdempotencyStore(redisServer.connect());

let n = 0;
const input = (hash = 'h1') => ({ email: 'ann@example.com', key: `key-${++n}`, hash });
const ok = (body: unknown) => async () => ({ status: 200, body: JSON.stringify(body) });
const clock = () => Date.now();

describe.each([['redis', () => [redisStore(), redisStore()] as const]] as [
  string,
  () => readonly [IdempotencyStore, IdempotencyStore],
][])('idempotency contract (%s)', (_n, make) => {
  it('replays the first response for the same key and body', async () => {
    const [a, b] = make();
    const i = input();
    let runs = 0;
    const exec = async () => ({ status: 201, body: JSON.stringify({ run: ++runs }) });
    const first = await runIdempotent(a, i, exec, clock);
    const second = await runIdempotent(b, i, exec, clock);
    expect(first).toEqual({ response: { status: 201, body: '{"run":1}' }, replayed: false });
    expect(second).toEqual({ response: { status: 201, body: '{"run":1}' }, replayed: true });
    expect(runs).toBe(1);
  });

  it('finishes work handed alongside before it answers, in parallel with the completion', async () => {
    const [a, b] = make();
    const i = input();
    let finishWork: () => void = () => {};
    let workDone = false;
    let stored: unknown = 'not yet';
    // The duplicates below start only once the first request holds the key: otherwise one of them could
    // take it first (two connections, no order between them) and store its own answer.
    let reserved: () => void = () => {};
    const running = new Promise<void>((resolve) => {
      reserved = resolve;
    });
    const answered = runIdempotent(
      a,
      i,
      async (alongside) => {
        reserved();
        alongside(
          new Promise<void>((resolve) => {
            finishWork = resolve;
          }).then(() => {
            workDone = true;
          }),
        );
        return { status: 200, body: '{"done":true}' };
      },
      clock,
    );
    await running;
    // The completion does not wait for the work: a duplicate sees the stored answer while it is running.
    for (let k = 0; k < 2000 && stored === 'not yet'; k++) {
      const r = await runIdempotent(b, i, ok({ other: true }), clock, {
        ...DEFAULT_IDEMPOTENCY,
        waitMs: 0,
      }).catch(() => 'not yet');
      stored = typeof r === 'string' ? r : r.response.body;
    }
    expect(stored).toBe('{"done":true}');
    expect(workDone).toBe(false);
    finishWork();
    // ...and the first request answers only once the work is done.
    expect(await answered).toEqual({ response: { status: 200, body: '{"done":true}' }, replayed: false });
    expect(workDone).toBe(true);
  });

  it('rejects the same key with another body (422) without running it', async () => {
    const [a, b] = make();
    const i = input('body-1');
    await runIdempotent(a, i, ok({ x: 1 }), clock);
    let ran = false;
    const err = await runIdempotent(
      b,
      { ...i, hash: 'body-2' },
      async () => {
        ran = true;
        return { status: 200, body: '{}' };
      },
      clock,
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect((err as ApiError).status).toBe(422);
    expect(ran).toBe(false);
  });

  it('runs concurrent duplicates once and gives every caller the same result', async () => {
    const [a, b] = make();
    const i = input();
    let runs = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const exec = async () => {
      runs += 1;
      await gate;
      return { status: 200, body: JSON.stringify({ run: runs }) };
    };
    const calls = [
      runIdempotent(a, i, exec, clock),
      runIdempotent(b, i, exec, clock),
      runIdempotent(a, i, exec, clock),
    ];
    const deadline = Date.now() + 10_000;
    while (runs === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    release();
    const results = await Promise.all(calls);
    expect(runs).toBe(1);
    expect(new Set(results.map((r) => r.response.body))).toEqual(new Set(['{"run":1}']));
    expect(results.filter((r) => !r.replayed)).toHaveLength(1);
  });

  it('stores a 4xx outcome but lets a transient or 5xx failure run again', async () => {
    const [a, b] = make();
    const i = input();
    const bad = async () => {
      throw new ApiError('NOTHING_TO_DIAL', 'empty');
    };
    await expect(runIdempotent(a, i, bad, clock)).resolves.toMatchObject({ response: { status: 409 } });
    await expect(runIdempotent(b, i, ok({}), clock)).resolves.toMatchObject({
      replayed: true,
      response: { status: 409 },
    });

    const j = input();
    await expect(
      runIdempotent(
        a,
        j,
        async () => {
          throw new ApiError('LOCKED', 'busy');
        },
        clock,
      ),
    ).rejects.toThrow('busy');
    await expect(runIdempotent(b, j, ok({ second: true }), clock)).resolves.toMatchObject({
      replayed: false,
    });

    const k = input();
    await expect(
      runIdempotent(
        a,
        k,
        async () => {
          throw new Error('crash');
        },
        clock,
      ),
    ).rejects.toThrow('crash');
    await expect(runIdempotent(b, k, ok({ again: true }), clock)).resolves.toMatchObject({
      replayed: false,
    });
  });

  it('stores no response once the pending marker expired: a retry runs again', async () => {
    const [a, b] = make();
    const i = input();
    const opts = { ...DEFAULT_IDEMPOTENCY, pendingTtlMs: 50 };
    let runs = 0;
    const slow = async () => {
      runs += 1;
      await new Promise((r) => setTimeout(r, 150)); // outlives its pending marker
      return { status: 200, body: JSON.stringify({ run: runs }) };
    };
    expect(await runIdempotent(a, i, slow, clock, opts)).toMatchObject({ replayed: false });
    const again = await runIdempotent(b, i, ok({ run: 'again' }), clock, opts);
    expect(again).toEqual({ response: { status: 200, body: '{"run":"again"}' }, replayed: false });
    expect(await runIdempotent(a, i, ok({ run: 'third' }), clock, opts)).toMatchObject({ replayed: true });
  });

  it('forgets a key after its TTL', async () => {
    const [a, b] = make();
    const i = input();
    const opts = { ...DEFAULT_IDEMPOTENCY, ttlMs: 50 };
    let now = Date.now();
    const t = () => now;
    await runIdempotent(a, i, ok({ n: 1 }), t, opts);
    now += 60_000; // Redis expires the key in real time; the clock moves too
    await new Promise((r) => setTimeout(r, 120));
    const again = await runIdempotent(b, { ...i, hash: 'other-body' }, ok({ n: 2 }), t, opts);
    expect(again).toMatchObject({ replayed: false, response: { body: '{"n":2}' } });
  });
});
