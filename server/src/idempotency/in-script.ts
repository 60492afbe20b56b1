// Idempotency for a route whose transition script checks and reserves the Idempotency-Key's record in its
// own step (POST /disposition: callDispose.lua, keys.idemIn in the tab's slot), so the request spends no
// round trip of its own on the key before the answer: the script returns the record when another request
// holds it (replay, 422, or wait for it), reserves it when free, and stores the final answer itself when it
// is known in the script (the chained dial's); otherwise this guard completes it after the handler, as
// runIdempotent does. Same rules as guard.ts: 4xx answers are replayed, transient ones and 5xx release.
import { randomUUID } from 'node:crypto';
import { ApiError } from '../../../src-shared/contracts/errors.js';
import { keys } from '../redis/keys.js';
import { DEFAULT_IDEMPOTENCY, type IdempotencyOptions, type IdempotentResult, TRANSIENT } from './guard.js';
import { type IdemBegin, type IdempotencyStore, readIdemRecord, type StoredResponse } from './store.js';

/** What a transition script needs to check, reserve and (maybe) complete the record. */
export interface ScriptIdemArgs {
  recordKey: string;
  bodyHash: string;
  owner: string;
  pendingTtlMs: number;
  ttlMs: number;
}

/** The record is held by another request (or done): thrown to the guard, which answers. */
export class IdemHeld extends Error {
  constructor(
    readonly recordKey: string,
    readonly found: Exclude<IdemBegin, { kind: 'started' }>,
  ) {
    super(`idempotency record ${found.kind}`);
  }
}

/** Given to the handler of such a route (one per attempt). */
export class InScriptIdempotency {
  readonly owner = randomUUID();
  #recordKey: string | null = null;
  #stored = false;
  constructor(
    private readonly store: IdempotencyStore,
    private readonly input: { email: string; key: string; hash: string },
    private readonly opts: IdempotencyOptions,
  ) {}

  /** The record's arguments for a script of tab `tag` (the record lives in that slot from now on). */
  forScript(tag: string): ScriptIdemArgs {
    this.#recordKey = keys.idemIn(tag, this.input.email, this.input.key);
    return {
      recordKey: this.#recordKey,
      bodyHash: this.input.hash,
      owner: this.owner,
      pendingTtlMs: this.opts.pendingTtlMs,
      ttlMs: this.opts.ttlMs,
    };
  }

  /** The script found the record (its JSON) held by another request: the guard answers. */
  held(record: string): never {
    const found = readIdemRecord(record, this.input.hash);
    throw new IdemHeld(this.#recordKey ?? '', found.kind === 'started' ? { kind: 'pending' } : found);
  }

  /** The script stored the final answer with its own step: nothing is left to complete. */
  markStored(): void {
    this.#stored = true;
  }

  /** A handler without such a script (a test double): one SET NX in the tab's slot, as guard.ts does. */
  async begin(tag: string): Promise<void> {
    const a = this.forScript(tag);
    const b = await this.store.beginAt(a.recordKey, a.bodyHash, a.owner, a.pendingTtlMs);
    if (b.kind !== 'started') throw new IdemHeld(a.recordKey, b);
  }

  get recordKey(): string | null {
    return this.#recordKey;
  }
  get stored(): boolean {
    return this.#stored;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const reused = () =>
  new ApiError('IDEMPOTENCY_KEY_REUSED', 'this Idempotency-Key was used with a different request body');

/** Waits for the request holding the record: its stored answer, or null when the record went away (it
 *  crashed or released it: run again). 409 IDEMPOTENCY_IN_PROGRESS after `waitUntil`. */
async function waitForHolder(
  store: IdempotencyStore,
  recordKey: string,
  hash: string,
  waitUntil: number,
  pollMs: number,
): Promise<StoredResponse | null> {
  for (;;) {
    if (Date.now() > waitUntil)
      throw new ApiError(
        'IDEMPOTENCY_IN_PROGRESS',
        'the first request with this Idempotency-Key is still running',
      );
    await sleep(pollMs);
    const r = await store.peekAt(recordKey, hash);
    if (r.kind === 'free') return null;
    if (r.kind === 'mismatch') throw reused();
    if (r.kind === 'done') return r.response;
  }
}

/** Requests running per (agent, key) in this process: a duplicate waits for the first before its handler
 *  runs, as guard.ts's SET NX makes it, because a handler works on this instance's shared memory (the tab
 *  index: the disposition applies its lead there before its script) and two runs of one request must not
 *  interleave there. Duplicates on two instances meet in the script (each has its own memory). */
const running = new Map<string, Promise<unknown>>();

export async function runIdempotentInScript(
  store: IdempotencyStore,
  input: { email: string; key: string; hash: string },
  execute: (idem: InScriptIdempotency) => Promise<StoredResponse>,
  opts: IdempotencyOptions = DEFAULT_IDEMPOTENCY,
): Promise<IdempotentResult> {
  const flight = `${input.email}\n${input.key}`;
  for (let prior = running.get(flight); prior; prior = running.get(flight)) await prior.catch(() => {});
  const run = runInScript(store, input, execute, opts);
  running.set(flight, run);
  try {
    return await run;
  } finally {
    if (running.get(flight) === run) running.delete(flight);
  }
}

async function runInScript(
  store: IdempotencyStore,
  input: { email: string; key: string; hash: string },
  execute: (idem: InScriptIdempotency) => Promise<StoredResponse>,
  opts: IdempotencyOptions,
): Promise<IdempotentResult> {
  const waitUntil = Date.now() + opts.waitMs;
  for (;;) {
    const idem = new InScriptIdempotency(store, input, opts);
    let response: StoredResponse;
    try {
      response = await execute(idem);
    } catch (e) {
      if (e instanceof IdemHeld) {
        if (e.found.kind === 'mismatch') throw reused();
        if (e.found.kind === 'done') return { response: e.found.response, replayed: true };
        const theirs = await waitForHolder(store, e.recordKey, input.hash, waitUntil, opts.pollMs);
        if (theirs) return { response: theirs, replayed: true };
        continue;
      }
      if (e instanceof ApiError && e.status < 500 && !TRANSIENT.has(e.code)) {
        response = { status: e.status, body: JSON.stringify(e.toBody()) };
      } else {
        if (idem.recordKey) await store.releaseAt(idem.recordKey, idem.owner).catch(() => {});
        throw e;
      }
    }
    if (idem.recordKey && !idem.stored)
      await store.completeAt(idem.recordKey, input.hash, idem.owner, response, opts.ttlMs);
    return { response, replayed: false };
  }
}
