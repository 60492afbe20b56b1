// The lead and call transitions of the Store (RedisStore extends this class): argument marshalling for the
// Lua scripts that claim, dial, revert, advance, dispose and skip (server/src/redis/scripts/*.lua, whose
// headers list KEYS and ARGV).
import { pairsToHash, type RedisClient } from '../redis/client.js';
import { SessionStateSchema } from '../../../src-shared/domain/session.js';
import { AGENT_EVENTS_MAXLEN, keys } from '../redis/keys.js';
import { failureOf } from '../redis/script-errors.js';
import type { ScriptSet } from '../redis/scripts.js';
import { readAmendBase, runAmend } from './amend-transition.js';
import { callInSession, callKeyOf, readCall } from './call-record.js';
import { expectedOf, runCallStep } from './call-step-transition.js';
import { callFromHash, callToHash, sessionFromHash, statsFromHash, statsToHash } from './codec.js';
import type {
  AmendBase,
  AmendInput,
  AdvanceCallInput,
  CallRecord,
  ClaimAndDialInput,
  DisposeResult,
  ClaimPreviewInput,
  DisposeInput,
  DropPreviewInput,
  IdemHeldOutcome,
  ManualSkipInput,
  Outcome,
  RevertDialInput,
  StatsCounters,
} from './types.js';
import { RETAIN_FINISHED_MS } from './types.js';

export const claimPrefix = (sessionId: string) => `${sessionId}|`;

/** A script's integer result: >= 0 is success, < 0 a named failure. */
export function intOutcome(r: unknown): Outcome<{ version: number }> {
  const n = Number(r);
  return n < 0 ? { ok: false, failure: failureOf(n) } : { ok: true, version: n };
}

/** PEXPIRE RETAIN_FINISHED_MS on keys of something finished (a call, a stopped session
 *  and its stats). After the transition committed and best-effort: a lost TTL only leaks one key, never
 *  fails the transition. Keys may sit in different cluster slots, hence one command each. */
export async function expireFinished(redis: RedisClient, keyList: readonly string[]): Promise<void> {
  await Promise.all(keyList.map((k) => redis.pexpire(k, RETAIN_FINISHED_MS).catch(() => 0)));
}

/** How long a tab's registration in keys.sheetQueueTabs() is trusted without a new SADD. */
const QUEUE_TAB_REFRESH_MS = 5 * 60_000;

/** callDispose.lua's ARGV[32..]: the agent's events and what they were built on (none: ARGV[32] ""). */
function tellArgs(i: DisposeInput): (string | number)[] {
  const t = i.tell;
  if (!t) return [''];
  return [
    JSON.stringify(expectedOf(t.call)),
    JSON.stringify(statsToHash(t.counters)),
    Math.floor(i.now),
    AGENT_EVENTS_MAXLEN,
    keys.agentEventsChannel(),
    i.agentEmail.toLowerCase(),
    t.ifDialed.length,
    ...t.ifDialed.map((e) => JSON.stringify(e)),
    ...t.otherwise.map((e) => JSON.stringify(e)),
  ];
}

export class RedisTransitions {
  readonly #redis: RedisClient;
  readonly #scripts: ScriptSet;
  readonly #queued = new Map<string, number>();
  /** Lead-change notices this instance's own transitions are about to publish, per `tag|rowId`: its own
   *  listeners skip them (the service applied the write to its index already: re-reading it was 2 reads
   *  per transition); other instances still refresh. A failed transition publishes nothing. */
  readonly #ownNotices = new Map<string, number>();

  constructor(redis: RedisClient, scripts: ScriptSet) {
    this.#redis = redis;
    this.#scripts = scripts;
  }

  /** enqueuePatch.lua: the global tabs SET lives in another slot, so it is SADDed before the script; at
   *  most once per QUEUE_TAB_REFRESH_MS per tab and instance. Safe because the queue keeps a member until it
   *  has found its stream empty for 10 min AND the stream's last entry is as old (redis-patch-queue.ts,
   *  gcIdleMs), and a tab SADDed here less than 5 min ago was written to since; its periodic SCAN
   *  re-registers anything missed. */
  async queueTab(tag: string, hasPatch: boolean): Promise<void> {
    if (!hasPatch) return;
    const now = Date.now();
    if (now - (this.#queued.get(tag) ?? Number.NEGATIVE_INFINITY) < QUEUE_TAB_REFRESH_MS) return;
    await this.#redis.sadd(keys.sheetQueueTabs(), tag);
    this.#queued.set(tag, now);
  }

  /** Runs a lead transition whose success publishes exactly one lead-change notice for (tag, rowId). */
  async #announcing<T>(tag: string, rowId: string, run: () => Promise<T>, ok: (r: T) => boolean): Promise<T> {
    const k = `${tag}|${rowId}`;
    this.#ownNotices.set(k, (this.#ownNotices.get(k) ?? 0) + 1);
    let sent = false;
    try {
      const r = await run();
      sent = ok(r);
      return r;
    } finally {
      if (!sent) this.#consume(k);
    }
  }

  /** #announcing for a step whose notice names several leads: `sent(r)` says how many of `rowIds` (the
   *  first n) its notice named. */
  async #announcingAll<T>(
    tag: string,
    rowIds: readonly string[],
    run: () => Promise<T>,
    sent: (r: T) => number,
  ): Promise<T> {
    const ks = [...new Set(rowIds.map((rowId) => `${tag}|${rowId}`))];
    for (const k of ks) this.#ownNotices.set(k, (this.#ownNotices.get(k) ?? 0) + 1);
    let named = 0;
    try {
      const r = await run();
      named = sent(r);
      return r;
    } finally {
      const namedKeys = new Set(rowIds.slice(0, named).map((rowId) => `${tag}|${rowId}`));
      for (const k of ks) if (!namedKeys.has(k)) this.#consume(k);
    }
  }

  #consume(k: string): boolean {
    const n = this.#ownNotices.get(k) ?? 0;
    if (n <= 0) return false;
    if (n === 1) this.#ownNotices.delete(k);
    else this.#ownNotices.set(k, n - 1);
    return true;
  }

  /** True (once) for a notice this instance's own transition published. */
  protected isOwnNotice(change: { tag: string; rowId: string }): boolean {
    return this.#consume(`${change.tag}|${change.rowId}`);
  }

  async getCall(tag: string, callId: string): Promise<CallRecord | null> {
    return readCall(this.#redis, tag, callId);
  }

  async claimPreview(i: ClaimPreviewInput): Promise<Outcome<{ version: number }>> {
    const r = await this.#announcing(
      i.tag,
      i.rowId,
      () =>
        this.#scripts.run(
          'leadClaimPreview',
          [
            keys.sessionLock(i.tag, i.sessionId),
            keys.session(i.tag, i.sessionId),
            keys.lead(i.tag, i.rowId),
            keys.doNotCall(i.tag),
          ],
          [
            i.lockToken,
            i.expectedVersion,
            claimPrefix(i.sessionId),
            i.phoneE164,
            `${i.sessionId}|p:${i.preview.previewId}`,
            i.leaseMs,
            JSON.stringify(i.preview),
            i.now,
            keys.leadChangesChannel(),
            i.tag,
            i.rowId,
          ],
        ),
      (x) => Number(x) >= 0,
    );
    const o = intOutcome(r);
    // The locator (own slot) after the claim: lost in a crash in between, a foreign request gets 404
    // instead of 403, nothing worse.
    if (o.ok)
      await this.#redis.set(
        keys.previewLocator(i.preview.previewId),
        `${i.tag}|${i.sessionId}`,
        'PX',
        i.leaseMs,
      );
    return o;
  }

  async claimAndDial(i: ClaimAndDialInput): Promise<Outcome<{ version: number; stats: StatsCounters }>> {
    const { tag, call, lead } = i;
    // The call id names its tab and session (keys.callIdIn): no locator to write, no key of its own.
    await this.queueTab(tag, lead.patch !== null);
    const r = await this.#announcing(
      i.tag,
      i.lead.rowId,
      () =>
        this.#scripts.run(
          'leadClaimAndDial',
          [
            keys.sessionLock(tag, i.sessionId),
            keys.session(tag, i.sessionId),
            keys.lead(tag, lead.rowId),
            keys.doNotCall(tag),
            callKeyOf(tag, call.callId),
            keys.callTimeoutIndex(tag),
            keys.leadIndex(tag),
            keys.sheetQueue(tag),
          ],
          [
            i.lockToken,
            claimPrefix(i.sessionId),
            i.previewId ?? '',
            lead.expectedVersion,
            call.phoneE164,
            `${i.sessionId}|${call.callId}`,
            i.leaseMs,
            JSON.stringify(lead.state),
            lead.patch ? JSON.stringify(lead.patch) : '',
            JSON.stringify(callToHash(call)),
            call.callId,
            call.timeoutAt,
            i.now,
            keys.leadChangesChannel(),
            tag,
            lead.rowId,
          ],
        ),
      (x) => Array.isArray(x),
    );
    if (Array.isArray(r)) return { ok: true, version: Number(r[0]), stats: statsFromHash(pairsToHash(r[1])) };
    return { ok: false, failure: failureOf(Number(r)) };
  }

  async revertDial(i: RevertDialInput): Promise<Outcome<{ version: number }>> {
    const { tag, lead } = i;
    await this.queueTab(tag, lead.patch !== null);
    const r = await this.#announcing(
      i.tag,
      i.lead.rowId,
      () =>
        this.#scripts.run(
          'callRevertDial',
          [
            keys.session(tag, i.sessionId),
            keys.lead(tag, lead.rowId),
            callKeyOf(tag, i.callId),
            keys.callTimeoutIndex(tag),
            keys.leadIndex(tag),
            keys.sheetQueue(tag),
            keys.agentTabStats(tag, i.agentEmail),
          ],
          [
            i.callId,
            lead.expectedVersion,
            JSON.stringify(lead.state),
            lead.patch ? JSON.stringify(lead.patch) : '',
            i.now,
            `${i.sessionId}|${i.callId}`,
            keys.leadChangesChannel(),
            tag,
            lead.rowId,
            i.sessionId,
            RETAIN_FINISHED_MS,
          ],
        ),
      (x) => Number(x) >= 0,
    );
    const o = intOutcome(r);
    // An archived call has its expiry already (callRevertDial); a call of before is its own hash.
    if (o.ok && !callInSession(i.callId)) await expireFinished(this.#redis, [keys.call(tag, i.callId)]);
    return o;
  }

  async advanceCall(i: AdvanceCallInput): Promise<Outcome<{ advanced: boolean; call: CallRecord }>> {
    return runCallStep(this.#redis, this.#scripts, i);
  }

  async dispose(i: DisposeInput): Promise<Outcome<DisposeResult> | IdemHeldOutcome> {
    const { tag, lead } = i;
    const next = i.chainLock ? (i.next ?? null) : null;
    const idem = i.idem ?? null;
    await this.queueTab(tag, lead.patch !== null || next?.lead.patch != null);
    const rows = next ? [lead.rowId, next.lead.rowId] : [lead.rowId];
    const run = () =>
      this.#scripts.run(
        'callDispose',
        [
          callKeyOf(tag, i.callId),
          keys.session(tag, i.sessionId),
          keys.lead(tag, lead.rowId),
          keys.callTimeoutIndex(tag),
          keys.leadIndex(tag),
          keys.doNotCall(tag),
          keys.sheetQueue(tag),
          keys.sessionLock(tag, i.sessionId),
          keys.agentTabStats(tag, i.agentEmail),
          keys.lead(tag, next?.lead.rowId ?? ''),
          callKeyOf(tag, next?.call.callId ?? ''),
          idem?.recordKey ?? keys.idemIn(tag, '', ''),
          keys.agentEvents(tag, i.agentEmail),
        ],
        [
          i.callId,
          claimPrefix(i.sessionId),
          lead.expectedVersion,
          JSON.stringify(lead.state),
          lead.patch ? JSON.stringify(lead.patch) : '',
          i.code,
          i.success ? 1 : 0,
          RETAIN_FINISHED_MS,
          i.doNotCall ?? '',
          i.now,
          keys.leadChangesChannel(),
          tag,
          lead.rowId,
          i.preDisposition ?? '',
          i.chainLock?.token ?? '',
          i.chainLock?.ttlMs ?? 0,
          ...(next
            ? [
                next.lead.rowId,
                next.lead.expectedVersion,
                next.call.phoneE164,
                `${i.sessionId}|${next.call.callId}`,
                next.leaseMs,
                JSON.stringify(next.lead.state),
                next.lead.patch ? JSON.stringify(next.lead.patch) : '',
                JSON.stringify(callToHash(next.call)),
                next.call.callId,
                next.call.timeoutAt,
              ]
            : ['', '', '', '', '', '', '', '', '', '']),
          idem?.bodyHash ?? '',
          idem?.owner ?? '',
          idem?.pendingTtlMs ?? 0,
          idem?.answer ?? '',
          idem?.ttlMs ?? 0,
          ...tellArgs(i),
        ],
      );
    // One notice names every lead the step changed: each is this instance's own (see #announcing). A
    // refusal publishes none: an integer, or { 'idem', record } when the key is held (a duplicate request).
    // Counted as sent, that would make this instance drop the next notice of the lead from another one.
    const r = await this.#announcingAll(tag, rows, run, (x) =>
      Array.isArray(x) && x[0] !== 'idem' ? (Number(x[6]) > 0 ? rows.length : 1) : 0,
    );
    if (!Array.isArray(r)) return { ok: false, failure: failureOf(Number(r)) };
    if (r[0] === 'idem') return { ok: false, failure: 'IDEM_HELD', record: String(r[1]) };
    const call = callFromHash(pairsToHash(r[1]));
    if (!call) return { ok: false, failure: 'CALL_NOT_FOUND' };
    const state = SessionStateSchema.safeParse(r[2]);
    const dialed = Number(r[6]);
    return {
      ok: true,
      version: Number(r[0]),
      call,
      sessionState: state.success ? state.data : null,
      stats: statsFromHash(pairsToHash(r[3])),
      session: sessionFromHash(pairsToHash(r[4])),
      chainLocked: Number(r[5]) === 1,
      chained:
        dialed > 0
          ? { ok: true, version: dialed }
          : dialed < 0
            ? { ok: false, failure: failureOf(dialed) }
            : null,
      idemStored: Number(r[7]) === 1,
      told: Number(r[8]) === 1,
    };
  }

  // Changing the last disposition: store/amend-transition.ts.
  amendBase(tag: string, sessionId: string, callId: string): Promise<AmendBase | null> {
    return readAmendBase(this.#redis, tag, sessionId, callId);
  }

  async amendDisposition(i: AmendInput): Promise<Outcome<{ version: number; amends: number }>> {
    await this.queueTab(i.tag, i.patch !== null);
    return runAmend(this.#scripts, i);
  }

  async dropPreview(i: DropPreviewInput): Promise<Outcome<{ dropped: boolean }>> {
    const r = await this.#scripts.run(
      'previewDrop',
      [keys.sessionLock(i.tag, i.sessionId), keys.session(i.tag, i.sessionId), keys.lead(i.tag, i.rowId)],
      [
        i.lockToken,
        i.previewId,
        `${i.sessionId}|p:${i.previewId}`,
        i.now,
        keys.leadChangesChannel(),
        i.tag,
        i.rowId,
      ],
    );
    const n = Number(r);
    return n < 0 ? { ok: false, failure: failureOf(n) } : { ok: true, dropped: n === 1 };
  }

  async manualSkip(i: ManualSkipInput): Promise<Outcome<{ version: number }>> {
    const { tag, lead } = i;
    await this.queueTab(tag, lead.patch !== null);
    const r = await this.#announcing(
      i.tag,
      i.lead.rowId,
      () =>
        this.#scripts.run(
          'leadManualSkip',
          [
            keys.sessionLock(tag, i.sessionId),
            keys.session(tag, i.sessionId),
            keys.lead(tag, lead.rowId),
            keys.leadIndex(tag),
            keys.sheetQueue(tag),
          ],
          [
            i.lockToken,
            claimPrefix(i.sessionId),
            i.previewId,
            lead.expectedVersion,
            JSON.stringify(lead.state),
            lead.patch ? JSON.stringify(lead.patch) : '',
            i.now,
            keys.leadChangesChannel(),
            tag,
            lead.rowId,
          ],
        ),
      (x) => Number(x) >= 0,
    );
    return intOutcome(r);
  }
}
