// One throw-away redis-server for a test file (AOF off) and ioredis clients on it, every one closed after the
// file: the set-up the Redis-backed test files share.
import { Redis } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';
import { type RedisServerHandle, startRedisServer } from './redis-server.js';

export function redisForFile(): { server: () => RedisServerHandle; connect: () => Redis } {
  let handle: RedisServerHandle | undefined;
  const clients: Redis[] = [];
  beforeAll(async () => {
    handle = await startRedisServer({ appendOnly: false });
  });
  afterAll(async () => {
    for (const c of clients) c.disconnect();
    await handle?.stop();
  });
  const server = () => {
    if (!handle) throw new Error('redisForFile: the server starts in beforeAll');
    return handle;
  };
  return {
    server,
    connect: () => {
      const c = new Redis(server().url);
      clients.push(c);
      return c;
    },
  };
}
