// Runs a state-changing request at most once per (agent, Idempotency-Key): the first request executes and
// its response is stored for 60 s; a repeat with the same body gets that stored response (same status and
// body); a repeat with another body is 422 IDEMPOTENCY_KEY_REUSED; a repeat that arrives while the first is
// still running waits for it (polling the shared record, so it works across instances) and shares its result.
import { createHash, randomUUID } from 'node:crypto';
import { ApiError, type ErrorCode } from '../../../src-shared/contracts/errors.js';
import type { IdempotencyStore, StoredResponse } from './store.js';

export interface IdempotencyOptions {
  /** How long a completed response is replayed. */
  ttlMs: number;
  /** Pending marker lifetime: a crashed instance's marker frees the key after this. */
  pendingTtlMs: number;
  /** How long a concurrent duplicate waits for the first before answering 409 IDEMPOTENCY_IN_PROGRESS. */
  waitMs: number;
  pollMs: number;
}

export const DEFAULT_IDEMPOTENCY: IdempotencyOptions = {
  ttlMs: 60_000,
  pendingTtlMs: 30_000,
  waitMs: 25_000,
  pollMs: 20,
};

/** Outcomes that must not be replayed: a retry with the same key should run again. */
export const TRANSIENT: ReadonlySet<ErrorCode> = new Set([
  'LOCKED',
  'RATE_LIMITED',
  'IDEMPOTENCY_IN_PROGRESS',
]);

const KEY_RE = /^[A-Za-z0-9._:-]{8,128}$/;

export function checkIdempotencyKey(key: string | undefined): string {
  if (!key) throw new ApiError('IDEMPOTENCY_KEY_REQUIRED', 'this request needs an Idempotency-Key header');
  if (!KEY_RE.test(key))
    throw new ApiError('BAD_REQUEST', 'Idempotency-Key must be 8-128 characters of A-Z a-z 0-9 . _ : -');
  return key;
}

/** Canonical JSON (sorted keys) so the same body always hashes the same. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>)
      .filter(([, x]) => x !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonical(x)}`).join(',')}}`;
  }
  return JSON.stringify(v ?? null);
}

export function requestHash(method: string, path: string, body: unknown): string {
  return createHash('sha256')
    .update(`${method} ${path}\n${canonical(body)}`)
    .digest('hex');
}

/** Hands over work the request may finish together with its key's completion, in the same round trip
 *  (e.g. a disposition's lock release and event append): runIdempotent awaits both before the answer is
 *  sent, so what the client sees is unchanged. The work must not throw (a rejection is ignored). */
export type Alongside = (work: Promise<unknown>) => void;

export interface IdempotentResult {
  response: StoredResponse;
  replayed: boolean;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * `execute` returns the response to send (status + JSON text); an ApiError it throws is turned into a
 * stored error response unless transient; anything else releases the key and is rethrown. Work it hands
 * to `alongside` is awaited with the completion (or the release), in parallel.
 */
export async function runIdempotent(
  store: IdempotencyStore,
  input: { email: string; key: string; hash: string },
  execute: (alongside: Alongside) => Promise<StoredResponse>,
  clock: () => number,
  opts: IdempotencyOptions = DEFAULT_IDEMPOTENCY,
): Promise<IdempotentResult> {
  const owner = randomUUID();
  const waitUntil = Date.now() + opts.waitMs;
  for (;;) {
    const b = await store.begin(input.email, input.key, input.hash, owner, clock(), opts.pendingTtlMs);
    if (b.kind === 'mismatch')
      throw new ApiError(
        'IDEMPOTENCY_KEY_REUSED',
        'this Idempotency-Key was used with a different request body',
      );
    if (b.kind === 'done') return { response: b.response, replayed: true };
    if (b.kind === 'started') break;
    if (Date.now() > waitUntil)
      throw new ApiError(
        'IDEMPOTENCY_IN_PROGRESS',
        'the first request with this Idempotency-Key is still running',
      );
    await sleep(opts.pollMs);
  }
  const tail: Promise<unknown>[] = [];
  const alongside: Alongside = (work) => {
    tail.push(work.catch(() => undefined));
  };
  let response: StoredResponse;
  try {
    response = await execute(alongside);
  } catch (e) {
    if (e instanceof ApiError && e.status < 500 && !TRANSIENT.has(e.code)) {
      response = { status: e.status, body: JSON.stringify(e.toBody()) };
    } else {
      await Promise.all([store.release(input.email, input.key, owner).catch(() => {}), ...tail]);
      throw e;
    }
  }
  await Promise.all([
    store.complete(input.email, input.key, input.hash, owner, response, clock(), opts.ttlMs),
    ...tail,
  ]);
  return { response, replayed: false };
}
