// Rotating refresh tokens: opaque to the client, hashed at rest, one-time use. Every login starts a token
// family; each refresh consumes the presented token and issues the next one of the same family. Presenting a
// token that was already used (a stolen copy, or a replay after the thief refreshed) revokes the whole family.
// Logout revokes the family. Two twins: Redis (one Lua script per check-and-set, keys under the agent's hash
// tag) and memory (the one-process demo); both pass server/test/api/refresh-tokens.test.ts.
import { createHash, randomBytes } from 'node:crypto';
import { keys } from '../redis/keys.js';
import { defineScript, type RedisClient, runScript } from '../events/redis-script.js';

export interface RefreshTokenParts {
  email: string;
  familyId: string;
  tokenId: string;
  secret: string;
}

export type ConsumeResult = 'ok' | 'invalid' | 'expired' | 'reused' | 'revoked';

export interface RefreshTokenStore {
  create(t: {
    email: string;
    familyId: string;
    tokenId: string;
    hash: string;
    expiresAt: number;
  }): Promise<void>;
  /** Atomically: valid+unused → marked used ('ok'); already used → family revoked ('reused'). */
  consume(
    t: { email: string; familyId: string; tokenId: string; hash: string },
    now: number,
    familyTtlMs: number,
  ): Promise<ConsumeResult>;
  revokeFamily(email: string, familyId: string, now: number, ttlMs: number): Promise<void>;
}

const id = (bytes: number) => randomBytes(bytes).toString('base64url');
export const hashSecret = (secret: string): string => createHash('sha256').update(secret).digest('hex');

/** `rt1.<email b64url>.<family>.<token id>.<secret>`: the parts let the server find the record without a scan. */
export function newRefreshToken(
  email: string,
  familyId = id(12),
): { token: string; parts: RefreshTokenParts } {
  const parts = { email: email.toLowerCase(), familyId, tokenId: id(12), secret: id(32) };
  const token = [
    'rt1',
    Buffer.from(parts.email).toString('base64url'),
    parts.familyId,
    parts.tokenId,
    parts.secret,
  ].join('.');
  return { token, parts };
}

export function parseRefreshToken(token: string): RefreshTokenParts | null {
  const p = token.split('.');
  if (p.length !== 5 || p[0] !== 'rt1') return null;
  const [, emailB64, familyId, tokenId, secret] = p as [string, string, string, string, string];
  const email = Buffer.from(emailB64, 'base64url').toString('utf8');
  if (!/^[^\s@]+@[^\s@]+$/.test(email) || !familyId || !tokenId || !secret) return null;
  return { email, familyId, tokenId, secret };
}

const familyKey = (email: string, familyId: string) => keys.refreshToken(email, `family:${familyId}`);

// ---------------------------------------------------------------------------------------------- Redis

/**
 * KEYS[1] token record (HASH hash,state,exp)  KEYS[2] family revoked marker
 * ARGV[1] secret hash  ARGV[2] now (ms)  ARGV[3] family marker TTL (ms)
 * Returns ok | invalid | expired | reused | revoked.
 */
const CONSUME = defineScript(
  'refresh-consume-2',
  `
if redis.call('EXISTS', KEYS[2]) == 1 then return 'revoked' end
local rec = redis.call('HMGET', KEYS[1], 'hash', 'state', 'exp')
if not rec[1] or rec[1] ~= ARGV[1] then return 'invalid' end
if tonumber(rec[3]) <= tonumber(ARGV[2]) then return 'expired' end
if rec[2] == 'used' then
  redis.call('SET', KEYS[2], 'revoked', 'PX', ARGV[3])
  return 'reused'
end
redis.call('HSET', KEYS[1], 'state', 'used')
return 'ok'
`,
);

export class RedisRefreshTokenStore implements RefreshTokenStore {
  constructor(private readonly redis: RedisClient) {}

  async create(t: { email: string; familyId: string; tokenId: string; hash: string; expiresAt: number }) {
    const k = keys.refreshToken(t.email, t.tokenId);
    await this.redis
      .multi()
      .hset(k, { hash: t.hash, state: 'active', exp: String(t.expiresAt), family: t.familyId })
      .pexpireat(k, t.expiresAt)
      .exec();
  }

  async consume(
    t: { email: string; familyId: string; tokenId: string; hash: string },
    now: number,
    familyTtlMs: number,
  ): Promise<ConsumeResult> {
    const r = await runScript(
      this.redis,
      CONSUME,
      [keys.refreshToken(t.email, t.tokenId), familyKey(t.email, t.familyId)],
      [t.hash, now, familyTtlMs],
    );
    return r as ConsumeResult;
  }

  async revokeFamily(email: string, familyId: string, _now: number, ttlMs: number) {
    await this.redis.set(familyKey(email, familyId), 'revoked', 'PX', ttlMs);
  }
}

// ---------------------------------------------------------------------------------------------- memory

export class MemoryRefreshTokenStore implements RefreshTokenStore {
  readonly #tokens = new Map<string, { hash: string; used: boolean; exp: number }>();
  readonly #revoked = new Map<string, number>();

  async create(t: { email: string; familyId: string; tokenId: string; hash: string; expiresAt: number }) {
    this.#tokens.set(keys.refreshToken(t.email, t.tokenId), { hash: t.hash, used: false, exp: t.expiresAt });
  }

  async consume(
    t: { email: string; familyId: string; tokenId: string; hash: string },
    now: number,
    familyTtlMs: number,
  ): Promise<ConsumeResult> {
    const fk = familyKey(t.email, t.familyId);
    const revokedUntil = this.#revoked.get(fk);
    if (revokedUntil !== undefined && revokedUntil > now) return 'revoked';
    const k = keys.refreshToken(t.email, t.tokenId);
    const rec = this.#tokens.get(k);
    if (!rec || rec.hash !== t.hash) return 'invalid';
    if (rec.exp <= now) {
      this.#tokens.delete(k);
      return 'expired';
    }
    if (rec.used) {
      this.#revoked.set(fk, now + familyTtlMs);
      return 'reused';
    }
    rec.used = true;
    return 'ok';
  }

  async revokeFamily(email: string, familyId: string, now: number, ttlMs: number) {
    this.#revoked.set(familyKey(email, familyId), now + ttlMs);
  }
}
