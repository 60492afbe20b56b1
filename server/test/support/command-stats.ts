// Redis's own count of the commands it ran (INFO commandstats, a script's inner calls included), on a
// redis-server or summed over a Cluster's masters: what a contract test asserts a step costs.
import { Cluster, type Redis } from 'ioredis';

const nodesOf = (redis: Redis | Cluster): Redis[] =>
  redis instanceof Cluster ? redis.nodes('master') : [redis];

/** Zeroes the counts (CONFIG RESETSTAT on every master). */
export async function resetCommandStats(redis: Redis | Cluster): Promise<void> {
  await Promise.all(nodesOf(redis).map((n) => n.config('RESETSTAT')));
}

/** Calls per command name (lower case) since the last reset, summed over the masters. */
export async function commandCalls(redis: Redis | Cluster): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const info of await Promise.all(nodesOf(redis).map((n) => n.info('commandstats')))) {
    for (const m of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) {
      const name = m[1] as string;
      out[name] = (out[name] ?? 0) + Number(m[2]);
    }
  }
  return out;
}
