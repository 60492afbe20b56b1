// A comparable picture of everything in a Redis database (every key, its type and value; TTLs left out as
// they tick), so a test can prove a refused request changed nothing: snapshot, send, snapshot, compare.
import type { Redis } from 'ioredis';

export type RedisSnapshot = Record<string, string>;

export async function snapshotRedis(redis: Redis): Promise<RedisSnapshot> {
  const out: RedisSnapshot = {};
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'COUNT', 500);
    cursor = next;
    for (const key of batch) out[key] = await readKey(redis, key);
  } while (cursor !== '0');
  return out;
}

async function readKey(redis: Redis, key: string): Promise<string> {
  const type = await redis.type(key);
  switch (type) {
    case 'string':
      return `string:${await redis.get(key)}`;
    case 'hash':
      return `hash:${JSON.stringify(sorted(await redis.hgetall(key)))}`;
    case 'set':
      return `set:${JSON.stringify((await redis.smembers(key)).sort())}`;
    case 'zset':
      return `zset:${JSON.stringify(await redis.zrange(key, '0', '-1', 'WITHSCORES'))}`;
    case 'list':
      return `list:${JSON.stringify(await redis.lrange(key, 0, -1))}`;
    case 'stream':
      return `stream:${JSON.stringify(await redis.xrange(key, '-', '+'))}`;
    default:
      return type;
  }
}

function sorted(o: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));
}

/** Keys added, removed or changed between two snapshots (empty = nothing changed). */
export function diffSnapshots(before: RedisSnapshot, after: RedisSnapshot): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys].filter((k) => before[k] !== after[k]).sort();
}
