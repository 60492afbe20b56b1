// A tiny Lua runner for the HTTP/WS layer's own scripts (event bus, idempotency, refresh tokens, tickets):
// EVALSHA with a NOSCRIPT fallback to EVAL, so a Redis restart (script cache lost) is harmless. Works the
// same on a single Redis and on ioredis Cluster (every script's KEYS share one hash tag).
import { createHash } from 'node:crypto';
import type { RedisClient } from '../redis/client.js';

/** A single Redis or a Cluster: everything here uses commands both support. */
export type { RedisClient } from '../redis/client.js';

export interface LuaScript {
  readonly name: string;
  readonly lua: string;
  readonly sha: string;
}

export function defineScript(name: string, lua: string): LuaScript {
  return { name, lua, sha: createHash('sha1').update(lua).digest('hex') };
}

export async function runScript(
  redis: RedisClient,
  script: LuaScript,
  keys: readonly string[],
  args: readonly (string | number)[],
): Promise<unknown> {
  try {
    return await redis.evalsha(script.sha, keys.length, ...keys, ...args);
  } catch (e) {
    if (e instanceof Error && e.message.includes('NOSCRIPT')) {
      return redis.eval(script.lua, keys.length, ...keys, ...args);
    }
    throw e;
  }
}
