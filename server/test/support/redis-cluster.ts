// A real, throw-away Redis Cluster for a test file: three redis-server masters (cluster-enabled, no
// persistence) on free ports, joined with `redis-cli --cluster create`, ready when every node reports
// cluster_state:ok. Used to prove the Redis twins work on ioredis Cluster exactly as on one Redis.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Cluster, Redis } from 'ioredis';
import { freePort } from '../../../test/support/redis-server.js';

const run = promisify(execFile);

export interface RedisClusterHandle {
  readonly nodes: { host: string; port: number }[];
  /** A new ioredis Cluster client (the caller disconnects it). */
  client(): Cluster;
  /** FLUSHALL on every master. */
  flushAll(): Promise<void>;
  stop(): Promise<void>;
}

async function until(check: () => Promise<boolean>, what: string, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`redis cluster: timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function startRedisCluster(size = 3): Promise<RedisClusterHandle> {
  const dir = mkdtempSync(join(tmpdir(), 'td-redis-cluster-'));
  const procs: ChildProcess[] = [];
  const nodes: { host: string; port: number }[] = [];
  const probes: Redis[] = [];
  try {
    for (let i = 0; i < size; i++) {
      const port = await freePort();
      const proc = spawn(
        process.env.REDIS_SERVER_BIN ?? 'redis-server',
        [
          '--port',
          String(port),
          '--bind',
          '127.0.0.1',
          '--cluster-enabled',
          'yes',
          '--cluster-config-file',
          join(dir, `nodes-${port}.conf`),
          '--cluster-node-timeout',
          '2000',
          '--dir',
          dir,
          '--save',
          '',
          '--appendonly',
          'no',
          '--protected-mode',
          'no',
        ],
        { stdio: 'ignore' },
      );
      procs.push(proc);
      nodes.push({ host: '127.0.0.1', port });
    }
    for (const n of nodes) {
      const probe = new Redis({
        ...n,
        lazyConnect: true,
        maxRetriesPerRequest: 0,
        retryStrategy: () => null,
      });
      probe.on('error', () => {});
      probes.push(probe);
      await until(async () => {
        if (probe.status !== 'ready') await probe.connect();
        return (await probe.ping()) === 'PONG';
      }, `node ${n.port}`);
    }
    await run('redis-cli', [
      '--cluster',
      'create',
      ...nodes.map((n) => `${n.host}:${n.port}`),
      '--cluster-replicas',
      '0',
      '--cluster-yes',
    ]);
    for (const p of probes)
      await until(async () => (await p.cluster('INFO')).includes('cluster_state:ok'), 'cluster_state:ok');
  } catch (err) {
    for (const p of probes) p.disconnect();
    for (const proc of procs) proc.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    nodes,
    client: () => new Cluster(nodes, { redisOptions: { maxRetriesPerRequest: 3 } }),
    async flushAll() {
      for (const p of probes) await p.flushall();
    },
    async stop() {
      for (const p of probes) p.disconnect();
      await Promise.all(
        procs.map(
          (proc) =>
            new Promise<void>((r) => {
              if (proc.exitCode !== null) return r();
              proc.once('exit', () => r());
              proc.kill('SIGTERM');
            }),
        ),
      );
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
