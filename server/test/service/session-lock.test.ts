// The per-session lock as the service uses it, on a real redis-server: concurrent holders run one at a
// time, the lock is renewed while its holder works past the TTL, and a holder whose lock was taken over
// cannot release the new owner's lock.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../../src-shared/contracts/errors.js';
import { startRedisServer, type RedisServerHandle } from '../../../test/support/redis-server.js';
import { withSessionLock } from '../../src/service/session-lock.js';
import { RedisStore } from '../../src/store/redis-store.js';
import { TAG } from '../store/store-fixtures.js';

let server: RedisServerHandle;
let redis: Redis;
let store: RedisStore;
beforeAll(async () => {
  server = await startRedisServer({ appendOnly: false });
  redis = new Redis(server.url);
  store = new RedisStore({ redis });
});
afterAll(async () => {
  await store?.close();
  redis?.disconnect();
  await server?.stop();
});

const until = async (check: () => Promise<boolean>) => {
  const deadline = Date.now() + 10_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe('withSessionLock', () => {
  it('runs concurrent holders one at a time', async () => {
    let inside = 0;
    let maxInside = 0;
    const work = (token: string) =>
      withSessionLock(store, TAG, 's1', token, async () => {
        inside++;
        maxInside = Math.max(maxInside, inside);
        await new Promise((r) => setTimeout(r, 20));
        inside--;
        return token;
      });
    const done = await Promise.all(['a', 'b', 'c', 'd'].map(work));
    expect(done.sort()).toEqual(['a', 'b', 'c', 'd']);
    expect(maxInside).toBe(1);
  });

  it('renews the lock while held, so a slow holder keeps it past the TTL', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const held = withSessionLock(store, TAG, 's2', 'slow', () => gate, { ttlMs: 600 });
    await until(async () => (await redis.get(`dialer:lock:${TAG}:session:s2`)) === 'slow');
    // Three TTLs later the slow holder still owns it: renewals (every TTL/3) kept it alive.
    const start = Date.now();
    await until(async () => Date.now() - start > 1_800);
    expect(await redis.get(`dialer:lock:${TAG}:session:s2`)).toBe('slow');
    const waiter = withSessionLock(store, TAG, 's2', 'other', async () => 'x', { waitMs: 100 });
    await expect(waiter).rejects.toBeInstanceOf(ApiError);
    release();
    await held;
    expect(await redis.get(`dialer:lock:${TAG}:session:s2`)).toBeNull();
  });

  it('an expired holder cannot release (or renew) the next owner’s lock', async () => {
    expect(await store.acquireLock(TAG, 's3', 'old', 80)).toBe(true);
    await until(() => store.acquireLock(TAG, 's3', 'new', 5_000));
    expect(await store.releaseLock(TAG, 's3', 'old')).toBe(false);
    expect(await store.renewLock(TAG, 's3', 'old', 5_000)).toBe(false);
    expect(await redis.get(`dialer:lock:${TAG}:session:s3`)).toBe('new');
  });
});
