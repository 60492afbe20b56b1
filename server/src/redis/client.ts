// The Redis connection every Redis adapter is written against: a single ioredis `Redis` or an ioredis
// `Cluster` (REDIS_CLUSTER_NODES). Both speak the same commands, defineCommand/EVALSHA and pub/sub; the few
// differences are handled here: duplicate() (a subscriber connection) has different overloads, and SCAN
// walks one node, so on a Cluster every master is scanned. Multi-key commands, MULTI/pipelines and Lua
// scripts stay within one hash tag (redis/keys.ts), so they run in one slot.
import type { Cluster, Redis } from 'ioredis';

export type RedisClient = Redis | Cluster;

export const isCluster = (redis: RedisClient): redis is Cluster => redis.isCluster;

/** A new connection of the same kind and options (e.g. for SUBSCRIBE, which blocks a connection). */
export function duplicateClient(redis: RedisClient): RedisClient {
  return isCluster(redis) ? redis.duplicate() : redis.duplicate();
}

/** Every key matching `pattern` (SCAN with MATCH, optionally TYPE), on every master of a Cluster.
 *  Yields batches as they come; a key may repeat (SCAN's own guarantee), callers must be idempotent. */
export async function* scanKeys(
  redis: RedisClient,
  pattern: string,
  opts: { type?: string; count?: number } = {},
): AsyncGenerator<string[]> {
  const nodes: Redis[] = isCluster(redis) ? redis.nodes('master') : [redis];
  const count = opts.count ?? 500;
  for (const node of nodes) {
    let cursor = '0';
    do {
      const [next, found] = opts.type
        ? await node.scan(cursor, 'MATCH', pattern, 'COUNT', count, 'TYPE', opts.type)
        : await node.scan(cursor, 'MATCH', pattern, 'COUNT', count);
      cursor = next;
      if (found.length) yield found;
    } while (cursor !== '0');
  }
}
