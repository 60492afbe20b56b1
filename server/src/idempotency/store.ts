// Idempotency records: one per (agent, Idempotency-Key). A request first `begin`s (taking a pending marker
// with its body hash), then `complete`s with the response to replay for 60 s, or `release`s when its
// outcome must not be replayed (5xx, a transient conflict). On Redis (Lua, keys.idem under the agent's hash
// tag, shared by every instance); server/test/api/idempotency-store.test.ts.
import { keys } from '../redis/keys.js';
import { defineScript, type RedisClient, runScript } from '../events/redis-script.js';

export interface StoredResponse {
  status: number;
  /** JSON text of the response body. */
  body: string;
}

export type IdemBegin =
  | { kind: 'started' }
  | { kind: 'done'; response: StoredResponse }
  | { kind: 'pending' }
  | { kind: 'mismatch' };

export interface IdempotencyStore {
  /** Takes the key for `owner` when free; else reports what holds it. */
  begin(
    email: string,
    key: string,
    bodyHash: string,
    owner: string,
    now: number,
    pendingTtlMs: number,
  ): Promise<IdemBegin>;
  /** Stores the response to replay (only the owner of the pending marker may). */
  complete(
    email: string,
    key: string,
    owner: string,
    response: StoredResponse,
    now: number,
    ttlMs: number,
  ): Promise<void>;
  /** Drops the owner's pending marker so a retry runs again. */
  release(email: string, key: string, owner: string): Promise<void>;
}

// ---------------------------------------------------------------------------------------------- Redis

/** KEYS[1] record  ARGV[1] body hash  ARGV[2] owner  ARGV[3] pending TTL ms → {started}|{mismatch}|{done,status,body}|{pending} */
const BEGIN = defineScript(
  'idem-begin-1',
  `
local rec = redis.call('HMGET', KEYS[1], 'hash', 'state', 'status', 'body')
if not rec[1] then
  redis.call('HSET', KEYS[1], 'hash', ARGV[1], 'state', 'pending', 'owner', ARGV[2])
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
  return {'started'}
end
if rec[1] ~= ARGV[1] then return {'mismatch'} end
if rec[2] == 'done' then return {'done', rec[3], rec[4]} end
return {'pending'}
`,
);

/** KEYS[1] record  ARGV[1] owner  ARGV[2] status  ARGV[3] body  ARGV[4] TTL ms → 1 stored | 0 not the owner */
const COMPLETE = defineScript(
  'idem-complete-1',
  `
if redis.call('HGET', KEYS[1], 'owner') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'state', 'done', 'status', ARGV[2], 'body', ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return 1
`,
);

/** KEYS[1] record  ARGV[1] owner → 1 released | 0 */
const RELEASE = defineScript(
  'idem-release-1',
  `
if redis.call('HGET', KEYS[1], 'owner') == ARGV[1] and redis.call('HGET', KEYS[1], 'state') == 'pending' then
  return redis.call('DEL', KEYS[1])
end
return 0
`,
);

export class RedisIdempotencyStore implements IdempotencyStore {
  constructor(private readonly redis: RedisClient) {}

  async begin(
    email: string,
    key: string,
    bodyHash: string,
    owner: string,
    _now: number,
    pendingTtlMs: number,
  ) {
    const r = (await runScript(
      this.redis,
      BEGIN,
      [keys.idem(email, key)],
      [bodyHash, owner, pendingTtlMs],
    )) as string[];
    switch (r[0]) {
      case 'started':
        return { kind: 'started' } as const;
      case 'mismatch':
        return { kind: 'mismatch' } as const;
      case 'done':
        return { kind: 'done', response: { status: Number(r[1]), body: String(r[2]) } } as const;
      default:
        return { kind: 'pending' } as const;
    }
  }

  async complete(
    email: string,
    key: string,
    owner: string,
    response: StoredResponse,
    _now: number,
    ttlMs: number,
  ) {
    await runScript(
      this.redis,
      COMPLETE,
      [keys.idem(email, key)],
      [owner, response.status, response.body, ttlMs],
    );
  }

  async release(email: string, key: string, owner: string) {
    await runScript(this.redis, RELEASE, [keys.idem(email, key)], [owner]);
  }
}
