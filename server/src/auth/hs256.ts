// Synchronous verification of compact HS256 JWTs with node:crypto (HMAC-SHA256, constant-time compare), for
// the two kinds the hot path checks on every request: our access tokens and Dialpad's signed webhooks.
// jose's jwtVerify goes through WebCrypto's async HMAC (a thread-pool job and two promise hops per token):
// ~8 % of the coordinator's CPU at max pace. The checks are jose's, in jose's order, with the same outcomes:
//  - three base64url segments; the header a JSON object whose `alg` is exactly HS256 (`none`, RS256, HS512…
//    are refused before any key use) and with no `crit` (we implement no extension, so none is understood);
//  - the signature, compared in constant time with the one we compute (a non-canonical encoding fails);
//  - the payload a JSON object (strict UTF-8); required claims present; `iss`/`aud` when asked for;
//  - `iat`, `nbf`, `exp` numbers when present; `nbf` > now + tolerance refused, `exp` <= now − tolerance
//    expired (`now` in whole seconds, as jose).
import { isUtf8 } from 'node:buffer';
import { createHmac, createSecretKey, type KeyObject, timingSafeEqual } from 'node:crypto';

export type JwtFailure =
  | { kind: 'malformed' }
  | { kind: 'alg' }
  | { kind: 'signature' }
  | { kind: 'expired' }
  | { kind: 'claim'; claim: string };

/** A token that failed a check; `failure` says which (callers map it to their own errors). */
export class JwtVerifyError extends Error {
  constructor(readonly failure: JwtFailure) {
    super(failure.kind === 'claim' ? `JWT ${failure.claim} claim check failed` : `JWT ${failure.kind}`);
    this.name = 'JwtVerifyError';
  }
}

export interface Hs256Checks {
  /** Milliseconds since the epoch. */
  now: number;
  /** Seconds of leeway for `nbf` and `exp`. */
  toleranceSec: number;
  issuer?: string;
  audience?: string;
  requiredClaims?: readonly string[];
}

const SEGMENT_RE = /^[A-Za-z0-9_-]*$/;

const fail = (f: JwtFailure): never => {
  throw new JwtVerifyError(f);
};

function jsonObject(segment: string): Record<string, unknown> {
  let value: unknown;
  try {
    const bytes = Buffer.from(segment, 'base64url');
    if (!isUtf8(bytes)) return fail({ kind: 'malformed' });
    value = JSON.parse(bytes.toString('utf8'));
  } catch {
    return fail({ kind: 'malformed' });
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return fail({ kind: 'malformed' });
  return value as Record<string, unknown>;
}

function numericClaim(claims: Record<string, unknown>, name: string): number | undefined {
  const v = claims[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v)) return fail({ kind: 'claim', claim: name });
  return v;
}

/** An HS256 signer/verifier for one secret (the key is prepared once). */
export class Hs256 {
  /** The secret as a KeyObject, made once: an HMAC keyed with a Buffer imports the key on every token. */
  readonly #key: KeyObject;
  /** Header segments already found acceptable (alg HS256, no crit). */
  readonly #goodHeaders = new Set<string>();

  constructor(secret: string | Uint8Array) {
    this.#key = createSecretKey(
      typeof secret === 'string' ? Buffer.from(secret, 'utf8') : Buffer.from(secret),
    );
  }

  #mac(signingInput: string): string {
    return createHmac('sha256', this.#key).update(signingInput).digest('base64url');
  }

  /** The verified claims; throws JwtVerifyError. */
  verify(token: string, checks: Hs256Checks): Record<string, unknown> {
    // Three segments: two dots, no third. The signing input is the token up to the second dot as it stands.
    const d1 = token.indexOf('.');
    const d2 = d1 === -1 ? -1 : token.indexOf('.', d1 + 1);
    if (d2 === -1 || token.indexOf('.', d2 + 1) !== -1) return fail({ kind: 'malformed' });
    const h = token.slice(0, d1);
    const p = token.slice(d1 + 1, d2);
    const s = token.slice(d2 + 1);
    // A header already accepted is the same text, so it needs no character check either.
    const knownHeader = this.#goodHeaders.has(h);
    if ((!knownHeader && !SEGMENT_RE.test(h)) || !SEGMENT_RE.test(p) || !SEGMENT_RE.test(s))
      return fail({ kind: 'malformed' });
    if (!knownHeader) {
      const header = jsonObject(h);
      if (header.alg !== 'HS256') return fail({ kind: 'alg' });
      if (header.crit !== undefined) return fail({ kind: 'malformed' });
      // Every token of one signer carries the same header: checked once, remembered (bounded).
      if (this.#goodHeaders.size >= 64) this.#goodHeaders.clear();
      this.#goodHeaders.add(h);
    }
    const expected = Buffer.from(this.#mac(token.slice(0, d2)));
    const given = Buffer.from(s);
    if (given.length !== expected.length || !timingSafeEqual(given, expected))
      return fail({ kind: 'signature' });
    const claims = jsonObject(p);
    for (const c of checks.requiredClaims ?? [])
      if (!Object.hasOwn(claims, c)) fail({ kind: 'claim', claim: c });
    if (checks.issuer !== undefined && claims.iss !== checks.issuer) fail({ kind: 'claim', claim: 'iss' });
    if (checks.audience !== undefined) {
      const aud = claims.aud;
      const ok =
        typeof aud === 'string'
          ? aud === checks.audience
          : Array.isArray(aud) && aud.includes(checks.audience);
      if (!ok) fail({ kind: 'claim', claim: 'aud' });
    }
    const now = Math.floor(checks.now / 1000);
    numericClaim(claims, 'iat');
    const nbf = numericClaim(claims, 'nbf');
    if (nbf !== undefined && nbf > now + checks.toleranceSec) fail({ kind: 'claim', claim: 'nbf' });
    const exp = numericClaim(claims, 'exp');
    if (exp !== undefined && exp <= now - checks.toleranceSec) fail({ kind: 'expired' });
    return claims;
  }

  /** A compact JWS of `claims` with header `{alg: HS256, typ: JWT}` (tests and the bench's token minting). */
  sign(claims: Record<string, unknown>): string {
    const h = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');
    const p = Buffer.from(JSON.stringify(claims)).toString('base64url');
    return `${h}.${p}.${this.#mac(`${h}.${p}`)}`;
  }
}
