// Idempotency records: one per (agent, Idempotency-Key). A request first `begin`s (taking a pending marker
// with its body hash), then `complete`s with the response to replay for 60 s, or `release`s when its
// outcome must not be replayed (5xx, a transient conflict). On Redis (keys.idem under the agent's hash tag,
// shared by every instance); server/test/api/idempotency-store.test.ts.
import { z } from 'zod';
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
  /** Stores the response to replay while the key's record exists (a completion after the pending marker
   *  expired stores nothing: a retry runs again). */
  complete(
    email: string,
    key: string,
    bodyHash: string,
    owner: string,
    response: StoredResponse,
    now: number,
    ttlMs: number,
  ): Promise<void>;
  /** Drops the owner's pending marker so a retry runs again. */
  release(email: string, key: string, owner: string): Promise<void>;
  /** The same three on a record key the caller chose (keys.idemIn: the slot of the transition script that
   *  checks and reserves the record in its own step, callDispose.lua); `begin` stays the fallback of a
   *  handler without such a script. */
  beginAt(recordKey: string, bodyHash: string, owner: string, pendingTtlMs: number): Promise<IdemBegin>;
  completeAt(
    recordKey: string,
    bodyHash: string,
    owner: string,
    response: StoredResponse,
    ttlMs: number,
  ): Promise<void>;
  releaseAt(recordKey: string, owner: string): Promise<void>;
  /** What holds a record now (a waiting duplicate polls it): `pending` also when it is gone. */
  peekAt(recordKey: string, bodyHash: string): Promise<IdemBegin | { kind: 'free' }>;
}

// ---------------------------------------------------------------------------------------------- Redis
// One STRING per key holding JSON {h: body hash, o: owner, d?: 1 when done, s?: status, b?: body}: taking a
// free key is one `SET NX PX`, completing it one `SET XX PX` (no script: the request path's common case
// costs two commands). Completing does not check the owner: a record that is still there has this key and
// this body (else the request was refused as a mismatch), so any of its runs' responses is the one to
// replay; a record that expired is not re-created. Only release (rare) checks the owner, in a script.
// callDispose.lua reads and writes the same JSON (its header).

const RecordSchema = z.object({
  h: z.string(),
  o: z.string(),
  d: z.literal(1).optional(),
  s: z.number().int().optional(),
  b: z.string().optional(),
});

/** What a record's JSON says to a request with `bodyHash` (not its owner): replay, mismatch or wait. */
export function readIdemRecord(raw: string, bodyHash: string): IdemBegin {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return { kind: 'pending' };
  }
  const rec = RecordSchema.safeParse(parsed);
  if (!rec.success) return { kind: 'pending' };
  if (rec.data.h !== bodyHash) return { kind: 'mismatch' };
  if (rec.data.d === 1)
    return { kind: 'done', response: { status: rec.data.s ?? 200, body: rec.data.b ?? '' } };
  return { kind: 'pending' };
}

/** KEYS[1] record  ARGV[1] owner → 1 released | 0 */
const RELEASE = defineScript(
  'idem-release-json-1',
  `
local cur = redis.call('GET', KEYS[1])
if not cur then return 0 end
local r = cjson.decode(cur)
if r.o == ARGV[1] and r.d == nil then return redis.call('DEL', KEYS[1]) end
return 0
`,
);

export class RedisIdempotencyStore implements IdempotencyStore {
  constructor(private readonly redis: RedisClient) {}

  begin(email: string, key: string, bodyHash: string, owner: string, _now: number, pendingTtlMs: number) {
    return this.beginAt(keys.idem(email, key), bodyHash, owner, pendingTtlMs);
  }

  complete(
    email: string,
    key: string,
    bodyHash: string,
    owner: string,
    response: StoredResponse,
    _now: number,
    ttlMs: number,
  ) {
    return this.completeAt(keys.idem(email, key), bodyHash, owner, response, ttlMs);
  }

  release(email: string, key: string, owner: string) {
    return this.releaseAt(keys.idem(email, key), owner);
  }

  async beginAt(k: string, bodyHash: string, owner: string, pendingTtlMs: number): Promise<IdemBegin> {
    const taken = await this.redis.set(
      k,
      JSON.stringify({ h: bodyHash, o: owner }),
      'PX',
      pendingTtlMs,
      'NX',
    );
    if (taken === 'OK') return { kind: 'started' };
    const raw = await this.redis.get(k);
    if (raw === null) return { kind: 'pending' }; // expired in between: the caller asks again
    return readIdemRecord(raw, bodyHash);
  }

  async completeAt(k: string, bodyHash: string, owner: string, response: StoredResponse, ttlMs: number) {
    const done = { h: bodyHash, o: owner, d: 1, s: response.status, b: response.body };
    await this.redis.set(k, JSON.stringify(done), 'PX', ttlMs, 'XX');
  }

  async releaseAt(k: string, owner: string) {
    await runScript(this.redis, RELEASE, [k], [owner]);
  }

  async peekAt(k: string, bodyHash: string): Promise<IdemBegin | { kind: 'free' }> {
    const raw = await this.redis.get(k);
    return raw === null ? { kind: 'free' } : readIdemRecord(raw, bodyHash);
  }
}
