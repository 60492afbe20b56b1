// Verifies a Dialpad webhook body. Dialpad, when the webhook has a secret, posts the event as a compact JWT
// signed HS256 with that secret (api-facts.md A, "Webhooks"); the event is the JWT payload.
//
// Accepted bodies (whatever the Content-Type says, the body decides; so both a direct Dialpad delivery and
// an n8n forward work):
//   1. the raw compact JWT (`application/jwt`, `text/plain`, `application/octet-stream` or none): Dialpad
//      itself, or n8n's HTTP Request node with a raw body;
//   2. a JSON string holding the JWT (`"eyJ…"`);
//   3. a JSON object `{"body": "<jwt>"}` or `{"jwt": "<jwt>"}`: n8n forwarding `$json.body` of a Webhook
//      node that received a text/plain JWT.
// Plain (unsigned) JSON events, as a bare object or `{"body": {…}}`, are accepted ONLY when the verifier is
// built with `allowUnsigned: true` (a dev-only setting; Dialpad sends them when its webhook has no secret).
// Everything else is ApiError BAD_SIGNATURE (401) and changes nothing.
//
// Checks on the JWT: algorithm HS256 only (an `alg: none` or RS256 token is refused before any key use),
// signature, and the time claims when present: `exp` and `nbf`, and an `iat` from the future; with a clock
// tolerance (default 30 s). A token that verifies but is not a call event is VALIDATION_FAILED (400). The JWT
// checks are auth/hs256.ts (node:crypto, synchronous: four webhooks per call made jose's WebCrypto path the
// largest single cost of the webhook route).
import { z } from 'zod';
import { type DialpadCallEvent, DialpadCallEventSchema } from '../../../src-shared/contracts/dialpad.js';
import { ApiError } from '../../../src-shared/contracts/errors.js';
import { Hs256, JwtVerifyError } from '../auth/hs256.js';
import type { DialpadWebhookVerifier } from '../ports.js';

export interface JwtWebhookVerifierOptions {
  /** The webhook secret given to Dialpad (POST /api/v2/webhooks `secret`). */
  secret: string;
  /** Accept unsigned JSON events. Dev only; default false. */
  allowUnsigned?: boolean;
  /** Leeway for exp/nbf/iat, in seconds. Default 30. */
  clockToleranceSec?: number;
}

const COMPACT_JWT_RE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;
const WrapperSchema = z.object({ jwt: z.string().optional(), body: z.unknown().optional() }).passthrough();

type Extracted = { kind: 'jwt'; token: string } | { kind: 'plain'; value: unknown } | { kind: 'none' };

function extract(rawBody: Buffer): Extracted {
  const text = rawBody.toString('utf8').trim();
  if (text === '') return { kind: 'none' };
  if (COMPACT_JWT_RE.test(text)) return { kind: 'jwt', token: text };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { kind: 'none' };
  }
  if (typeof json === 'string' && COMPACT_JWT_RE.test(json.trim()))
    return { kind: 'jwt', token: json.trim() };
  const wrapped = WrapperSchema.safeParse(json);
  if (!wrapped.success) return { kind: 'none' }; // not an object
  const { jwt, body } = wrapped.data;
  const token = (jwt ?? (typeof body === 'string' ? body : '')).trim();
  if (COMPACT_JWT_RE.test(token)) return { kind: 'jwt', token };
  return { kind: 'plain', value: body !== null && typeof body === 'object' ? body : json };
}

function signatureFailure(err: unknown): ApiError {
  const f = err instanceof JwtVerifyError ? err.failure : null;
  if (f?.kind === 'expired') return new ApiError('BAD_SIGNATURE', 'webhook token has expired');
  if (f?.kind === 'alg') {
    return new ApiError('BAD_SIGNATURE', 'webhook token algorithm is not allowed (HS256 only)');
  }
  if (f?.kind === 'signature') {
    return new ApiError('BAD_SIGNATURE', 'webhook signature does not match the shared secret');
  }
  if (f?.kind === 'claim') {
    return new ApiError('BAD_SIGNATURE', `webhook token rejected: ${f.claim} claim check failed`);
  }
  return new ApiError('BAD_SIGNATURE', 'webhook body is not a valid signed token');
}

/** The contract's schema without its passthrough: the coordinator reads only the declared fields, and
 *  copying every other field of Dialpad's event (it sends dozens) into the parsed object was most of the
 *  parse (~2.5 → ~0.6–1 µs per webhook in a warm micro-bench, 4 webhooks per call). */
const WebhookEventSchema = DialpadCallEventSchema.strip();

function toEvent(payload: unknown): DialpadCallEvent {
  const parsed = WebhookEventSchema.safeParse(payload);
  if (!parsed.success) {
    throw new ApiError('VALIDATION_FAILED', 'webhook payload is not a Dialpad call event', {
      issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    });
  }
  return parsed.data;
}

export class JwtWebhookVerifier implements DialpadWebhookVerifier {
  readonly #hs: Hs256;
  readonly #allowUnsigned: boolean;
  readonly #toleranceSec: number;

  constructor(opts: JwtWebhookVerifierOptions) {
    if (opts.secret.length === 0) throw new Error('JwtWebhookVerifier needs a non-empty webhook secret');
    this.#hs = new Hs256(opts.secret);
    this.#allowUnsigned = opts.allowUnsigned ?? false;
    this.#toleranceSec = opts.clockToleranceSec ?? 30;
  }

  async verify(rawBody: Buffer, _contentType: string | undefined, now: number): Promise<DialpadCallEvent> {
    const found = extract(rawBody);
    if (found.kind === 'none') {
      throw new ApiError('BAD_SIGNATURE', 'webhook body carries no signed token');
    }
    if (found.kind === 'plain') {
      if (!this.#allowUnsigned)
        throw new ApiError('BAD_SIGNATURE', 'unsigned webhook events are not accepted');
      return toEvent(found.value);
    }
    let payload: Record<string, unknown>;
    try {
      payload = this.#hs.verify(found.token, { now, toleranceSec: this.#toleranceSec });
    } catch (err) {
      throw signatureFailure(err);
    }
    const iat = payload.iat;
    if (typeof iat === 'number' && iat > now / 1000 + this.#toleranceSec) {
      throw new ApiError('BAD_SIGNATURE', 'webhook token rejected: issued in the future');
    }
    return toEvent(payload);
  }
}
