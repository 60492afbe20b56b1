// The coordinator's Redis connection (corkEachTurn, autopipelining off) on a real redis-server: the
// commands of one turn leave together and are answered in call order, a MULTI and a script in the same turn
// keep their places, and after Redis is killed and comes back the next commands flow (a cork left on the dead
// socket does not hold the new one).
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RedisServerHandle, startRedisServer } from '../../../test/support/redis-server.js';
import { corkEachTurn } from './client.js';

let server: RedisServerHandle;
let redis: Redis;
beforeAll(async () => {
  server = await startRedisServer({ appendOnly: true });
  redis = new Redis(server.url, {
    enableAutoPipelining: false,
    maxRetriesPerRequest: 3,
    retryStrategy: () => 100,
  });
  redis.on('error', () => {});
  corkEachTurn(redis);
  await redis.ping();
});
afterAll(async () => {
  redis.disconnect();
  await server.stop();
});

const turn = (n: number) =>
  Promise.all(
    Array.from({ length: n }, (_, i) =>
      i % 3 === 0
        ? redis.incr('c:{t}')
        : i % 3 === 1
          ? redis.eval("return redis.call('INCR', KEYS[1])", 1, 'c:{t}')
          : redis
              .multi()
              .incr('c:{t}')
              .exec()
              .then((r) => r?.[0]?.[1]),
    ),
  );

describe('corkEachTurn', () => {
  it('answers every command of a turn, in call order', async () => {
    await redis.del('c:{t}');
    expect(await turn(30)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    // The next turns too: the cork is per turn, not held.
    expect(await turn(3)).toEqual([31, 32, 33]);
    expect(await redis.get('c:{t}')).toBe('33');
  });

  it('keeps working after Redis is killed and restarted', async () => {
    await redis.set('k:{t}', 'before');
    await server.kill();
    await expect(redis.get('k:{t}')).rejects.toThrow();
    await server.restart();
    for (let i = 0; ; i++) {
      const ok = await redis.ping().then(
        () => true,
        () => false,
      );
      if (ok) break;
      if (i > 100) throw new Error('no reconnection');
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(await redis.get('k:{t}')).toBe('before');
    await redis.del('c:{t}');
    expect(await turn(6)).toEqual([1, 2, 3, 4, 5, 6]);
  });
});
