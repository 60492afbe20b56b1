// Rotating refresh tokens: opaque to the client, hashed at rest, one-time use. Every login starts a token
// family; each refresh spends the presented token and issues the next one of the same family, in one atomic
// step. Presenting a token that was already used (a stolen copy, or a replay after the thief refreshed) revokes
// the whole family, except within a short grace window right after its rotation while its successor is still
// unused: then the same successor pair is handed back (a client whose response was lost retries safely).
// The family a token belongs to is the one stored on its record, never the one the client wrote in the token
// text. Logout revokes the family; only a genuine token can revoke (a made-up one writes nothing). On Redis: one Lua
// script per check-and-set, keys under the agent's hash tag (server/test/api/refresh-tokens.test.ts).
import { createHash, randomBytes } from 'node:crypto';
import { keys } from '../redis/keys.js';
import { defineScript, type RedisClient, runScript } from '../events/redis-script.js';

export interface RefreshTokenParts {
  email: string;
  familyId: string;
  tokenId: string;
  secret: string;
}

/** The token as presented: its parts as parsed (family untrusted) and the hash of its secret. */
export interface PresentedToken {
  email: string;
  familyId: string;
  tokenId: string;
  hash: string;
}

/** The token to issue in place of the presented one (same family), and the whole new pair, sealed. */
export interface SuccessorToken {
  tokenId: string;
  hash: string;
  expiresAt: number;
  /** The new token pair encrypted for the presented token (successor-seal.ts); handed back on a replay. */
  sealed: string;
}

export type RotateResult =
  | { status: 'ok' }
  /** The presented token was rotated moments ago and its successor is unused: here is that successor. */
  | { status: 'replayed'; sealed: string }
  | { status: 'invalid' | 'expired' | 'reused' | 'revoked' };

export interface RefreshTokenStoreOptions {
  /** How long after a rotation the same token may be presented again to get the same successor (ms). */
  reuseGraceMs?: number;
}
export const DEFAULT_REUSE_GRACE_MS = 30_000;

export interface RefreshTokenStore {
  create(t: {
    email: string;
    familyId: string;
    tokenId: string;
    hash: string;
    expiresAt: number;
  }): Promise<void>;
  /**
   * Atomically: unknown token, wrong secret or a family that is not the record's → 'invalid'; family revoked →
   * 'revoked'; valid and unused → marked used and `next` created ('ok'); used, within the grace window and its
   * successor unused → 'replayed' with the successor's sealed pair (`next` is discarded); used otherwise →
   * family revoked ('reused').
   */
  rotate(t: PresentedToken, next: SuccessorToken, now: number, familyTtlMs: number): Promise<RotateResult>;
  /**
   * Revokes the presented token's family, only if the token is genuine (its record exists, unexpired, with
   * this hash and this family): a made-up token changes nothing and so cannot grow storage. Returns whether
   * the token was genuine.
   */
  revokeFamily(t: PresentedToken, now: number, ttlMs: number): Promise<boolean>;
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
/** The family's last rotation (which token, until when replayable, the sealed successor). Token ids have no ':'. */
const rotatedKey = (email: string, familyId: string) => keys.refreshToken(email, `rotated:${familyId}`);

// ---------------------------------------------------------------------------------------------- Redis

/**
 * KEYS[1] presented token record (HASH hash,state,exp,family)  KEYS[2] family revoked marker
 * KEYS[3] family's last rotation (HASH from,until,sealed)  KEYS[4] successor token record
 * ARGV[1] presented hash  ARGV[2] presented family  ARGV[3] now (ms)  ARGV[4] family marker TTL (ms)
 * ARGV[5] successor hash  ARGV[6] successor expiry (epoch ms)  ARGV[7] sealed pair  ARGV[8] grace (ms)
 * ARGV[9] presented token id
 * Returns {status} or {'replayed', sealed}. The last rotation is overwritten by the successor's own rotation,
 * so "it still names the presented token" means the successor was never used.
 */
const ROTATE = defineScript(
  'refresh-rotate-3',
  `
local rec = redis.call('HMGET', KEYS[1], 'hash', 'state', 'exp', 'family')
if not rec[1] or rec[1] ~= ARGV[1] or rec[4] ~= ARGV[2] then return {'invalid'} end
if redis.call('EXISTS', KEYS[2]) == 1 then return {'revoked'} end
local now = tonumber(ARGV[3])
if tonumber(rec[3]) <= now then return {'expired'} end
if rec[2] == 'used' then
  local last = redis.call('HMGET', KEYS[3], 'from', 'until', 'sealed')
  if last[1] == ARGV[9] and tonumber(last[2]) > now then return {'replayed', last[3]} end
  redis.call('SET', KEYS[2], 'revoked', 'PX', ARGV[4])
  redis.call('DEL', KEYS[3])
  return {'reused'}
end
redis.call('HSET', KEYS[1], 'state', 'used')
redis.call('HSET', KEYS[4], 'hash', ARGV[5], 'state', 'active', 'exp', ARGV[6], 'family', ARGV[2])
redis.call('PEXPIREAT', KEYS[4], ARGV[6])
local grace = tonumber(ARGV[8])
if grace > 0 then
  redis.call('DEL', KEYS[3])
  redis.call('HSET', KEYS[3], 'from', ARGV[9], 'until', tostring(now + grace), 'sealed', ARGV[7])
  redis.call('PEXPIRE', KEYS[3], grace)
else
  redis.call('DEL', KEYS[3])
end
return {'ok'}
`,
);

/**
 * KEYS[1] presented token record (HASH hash,state,exp,family)  KEYS[2] family revoked marker
 * ARGV[1] presented hash  ARGV[2] presented family  ARGV[3] now (ms)  ARGV[4] family marker TTL (ms)
 * Returns 1 (genuine: family revoked) or 0 (unknown, wrong secret or family, expired: nothing written).
 */
const REVOKE = defineScript(
  'refresh-revoke-1',
  `
local rec = redis.call('HMGET', KEYS[1], 'hash', 'exp', 'family')
if not rec[1] or rec[1] ~= ARGV[1] or rec[3] ~= ARGV[2] then return 0 end
if tonumber(rec[2]) <= tonumber(ARGV[3]) then return 0 end
redis.call('SET', KEYS[2], 'revoked', 'PX', ARGV[4])
return 1
`,
);

export class RedisRefreshTokenStore implements RefreshTokenStore {
  readonly #graceMs: number;
  constructor(
    private readonly redis: RedisClient,
    o: RefreshTokenStoreOptions = {},
  ) {
    this.#graceMs = o.reuseGraceMs ?? DEFAULT_REUSE_GRACE_MS;
  }

  async create(t: { email: string; familyId: string; tokenId: string; hash: string; expiresAt: number }) {
    const k = keys.refreshToken(t.email, t.tokenId);
    await this.redis
      .multi()
      .hset(k, { hash: t.hash, state: 'active', exp: String(t.expiresAt), family: t.familyId })
      .pexpireat(k, t.expiresAt)
      .exec();
  }

  async rotate(
    t: PresentedToken,
    next: SuccessorToken,
    now: number,
    familyTtlMs: number,
  ): Promise<RotateResult> {
    const r = (await runScript(
      this.redis,
      ROTATE,
      [
        keys.refreshToken(t.email, t.tokenId),
        familyKey(t.email, t.familyId),
        rotatedKey(t.email, t.familyId),
        keys.refreshToken(t.email, next.tokenId),
      ],
      [
        t.hash,
        t.familyId,
        now,
        familyTtlMs,
        next.hash,
        next.expiresAt,
        next.sealed,
        this.#graceMs,
        t.tokenId,
      ],
    )) as [string, string?];
    if (r[0] === 'replayed') return { status: 'replayed', sealed: r[1] ?? '' };
    return { status: r[0] as 'ok' | 'invalid' | 'expired' | 'reused' | 'revoked' };
  }

  async revokeFamily(t: PresentedToken, now: number, ttlMs: number): Promise<boolean> {
    const r = await runScript(
      this.redis,
      REVOKE,
      [keys.refreshToken(t.email, t.tokenId), familyKey(t.email, t.familyId)],
      [t.hash, t.familyId, now, ttlMs],
    );
    return r === 1;
  }
}
