// The two Redis deployments every store contract runs on, for one test file: a throw-away redis-server (AOF
// off) and a throw-away 3-master Redis Cluster, started before the file and stopped after it, each target
// handing out a client on an empty database (the clients are closed after the file). Use it as
// `describe.each(redisTargetsForFile())('… (%s)', (_name, connect) => …)`.
import { type Cluster, Redis } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';
import { type RedisServerHandle, startRedisServer } from '../../../test/support/redis-server.js';
import { type RedisClusterHandle, startRedisCluster } from './redis-cluster.js';

export type ConnectRedis = () => Promise<Redis | Cluster>;

export function redisTargetsForFile(): (readonly [string, ConnectRedis])[] {
  let server: RedisServerHandle | undefined;
  let cluster: RedisClusterHandle | undefined;
  const clients: (Redis | Cluster)[] = [];
  beforeAll(async () => {
    [server, cluster] = await Promise.all([startRedisServer({ appendOnly: false }), startRedisCluster()]);
  });
  afterAll(async () => {
    for (const c of clients) c.disconnect();
    await server?.stop();
    await cluster?.stop();
  });
  const onRedis: ConnectRedis = async () => {
    if (!server) throw new Error('redisTargetsForFile: the servers start in beforeAll');
    const redis = new Redis(server.url);
    clients.push(redis);
    await redis.flushall();
    return redis;
  };
  const onCluster: ConnectRedis = async () => {
    if (!cluster) throw new Error('redisTargetsForFile: the servers start in beforeAll');
    await cluster.flushAll();
    const redis = cluster.client();
    clients.push(redis);
    return redis;
  };
  return [
    ['redis-server', onRedis],
    ['Redis Cluster', onCluster],
  ];
}
