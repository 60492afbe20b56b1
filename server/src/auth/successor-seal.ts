// Seals the token pair a refresh issued so that, for a short grace window, a client whose response was lost can
// present the same (now used) refresh token again and get that very pair back. The pair holds live secrets, so
// it is stored encrypted (AES-256-GCM) under a key derived from the presented token's secret: Redis keeps only
// the secret's SHA-256 hash, so what is at rest cannot be opened without the token the client already holds.
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { type TokenPair, TokenPairSchema } from '../../../src-shared/contracts/http.js';
import type { RefreshTokenParts } from './refresh-tokens.js';

type Presented = Pick<RefreshTokenParts, 'tokenId' | 'secret'>;

// HKDF with the token id as salt: a distinct key per token, and never the stored hash (which is plain SHA-256).
const keyOf = (t: Presented) =>
  Buffer.from(hkdfSync('sha256', t.secret, t.tokenId, 'td-refresh-successor-v1', 32));

export function sealSuccessor(pair: TokenPair, presented: Presented): string {
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', keyOf(presented), iv);
  const body = Buffer.concat([c.update(JSON.stringify(pair), 'utf8'), c.final()]);
  return Buffer.concat([iv, c.getAuthTag(), body]).toString('base64url');
}

/** The sealed pair, or null when it was not sealed for this token (or is corrupt). */
export function openSuccessor(sealed: string, presented: Presented): TokenPair | null {
  try {
    const raw = Buffer.from(sealed, 'base64url');
    const d = createDecipheriv('aes-256-gcm', keyOf(presented), raw.subarray(0, 12));
    d.setAuthTag(raw.subarray(12, 28));
    const text = Buffer.concat([d.update(raw.subarray(28)), d.final()]).toString('utf8');
    const parsed = TokenPairSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
