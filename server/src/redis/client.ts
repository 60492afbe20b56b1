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

/** A flat [k, v, k, v] reply as an object: an HGETALL a Lua script returns, a stream entry's fields. */
export function pairsToHash(arr: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!Array.isArray(arr)) return out;
  for (let i = 0; i + 1 < arr.length; i += 2) out[String(arr[i])] = String(arr[i + 1]);
  return out;
}

/** What a channel listener of listenToChannel is told: each message of its channel, the connection's
 *  (re)connects (a reconnect may have lost messages) and its errors (ioredis reconnects by itself). */
export interface ChannelHandlers {
  message: (message: string) => void;
  ready?: () => void;
  error?: (e: unknown) => void;
}

/**
 * Listens to one pub/sub channel on `shared`, the process's subscriber connection (compose.ts: one for every
 * channel, which its owner closes), or on a connection of its own when none is given. Resolves once
 * subscribed, to the function that stops listening: it removes this listener's handlers (the shared
 * connection stays subscribed for the others) or closes its own connection. A failed SUBSCRIBE leaves no
 * handler behind.
 */
export async function listenToChannel(
  redis: RedisClient,
  shared: RedisClient | null | undefined,
  channel: string,
  on: ChannelHandlers,
): Promise<() => void> {
  const sub = shared ?? duplicateClient(redis);
  const onMessage = (ch: string, message: string) => {
    if (ch === channel) on.message(message);
  };
  const onError = on.error ?? (() => {});
  sub.on('message', onMessage);
  sub.on('error', onError);
  if (on.ready) sub.on('ready', on.ready);
  const stop = () => {
    sub.off('message', onMessage);
    sub.off('error', onError);
    if (on.ready) sub.off('ready', on.ready);
    if (!shared) sub.disconnect();
  };
  try {
    await sub.subscribe(channel);
  } catch (err) {
    stop();
    throw err;
  }
  return stop;
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

/**
 * Commands sent in one event-loop turn leave in one socket write, without ioredis's autopipelining: the
 * connection's socket is corked at the turn's first command and uncorked at `setImmediate`, the moment
 * autopipelining would have written its batch. Autopipelining builds a Pipeline per batch (a
 * dictionary-mode object with its own promise, ~1.4 KB) plus a promise and closures per command, and at
 * the hot path's rate most batches hold one command: ~20 KB of the ~470 KB a dispatch cycle allocated.
 * For a client made with `enableAutoPipelining: false`; commands are written in call order, as before.
 */
export function corkEachTurn(redis: Redis): void {
  const send = redis.sendCommand.bind(redis);
  let corked = false;
  redis.sendCommand = (command, stream) => {
    const socket = redis.stream;
    if (!corked && socket && redis.status === 'ready') {
      corked = true;
      socket.cork();
      setImmediate(() => {
        corked = false;
        socket.uncork();
      });
    }
    return send(command, stream);
  };
}
