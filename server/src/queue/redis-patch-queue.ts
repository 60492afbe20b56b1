// The durable Sheets write-behind queue in Redis. One STREAM per agent tab (keys.sheetQueue(tabTag), in the
// tab's Cluster slot so the coordinator's disposition script can XADD to it atomically with its own state
// change, through scripts/includes/enqueuePatch.lua), plus the global SET keys.sheetQueueTabs() of tabs that
// may have pending entries. An entry holds the patches of one step (one, or a disposition's and its chained
// dial's: queue-entry.ts); it leaves the stream only once each of its patches was acked (Google answered
// 2xx) or dead-lettered, the ones done meanwhile recorded in the tab's side hash (`done:<streamId>`).
//
// Queue ids name patches: `<sheetId>/<streamId>` (a single-patch entry), `<sheetId>/<streamId>#<i>` (patch
// i of a several-patch entry): the port is per spreadsheet, the streams are per tab.
//
// The tabs SET is maintained loosely: enqueuers SADD before they XADD (a crash in between leaves a harmless
// stale member; they SADD a tab at most once per 5 min, trusting that a member stays 10 min after its last
// enqueue); peek drops a tab it has found empty for `gcIdleMs` whose stream has been idle as long,
// re-checking after the SREM; a periodic SCAN of the queue streams (`reconcile`) re-registers any tab whose
// registration was lost to the remaining race, so nothing is stranded.
//
// Dirty-tab hints (while `watch()`ed, i.e. while the flusher loop runs): peeking every registered tab every
// tick made the flusher's Redis cost grow with time x tabs. Every script that enqueues a patch also
// PUBLISHes a lead-change notice naming its tab (includes/dialerLead.lua leadChanged, on every instance's
// keys.leadChangesChannel(), or carried by the agent event notice of a disposition's step on
// keys.agentEventsChannel(): events/notice-text.ts noticeLeads), and enqueue() here marks its tab locally: those tabs are "dirty", and only
// dirty tabs (plus tabs whose last peek returned entries not yet acked) are peeked. A sweep marks every
// registered tab dirty once per `sweepEveryMs`, one slice of the tabs per step of 1/15 of it (all at once after
// the subscriber (re)connects, and on `sweep()`): the safety net for a hint lost (another instance's enqueue
// without a notice, a reconnect, a crash).
// A hint is a single-key PUBLISH inside the enqueuing script: nothing cross-slot.
import { noticeLeads } from '../events/notice-text.js';
import { listenToChannel, pairsToHash, type RedisClient, scanKeys } from '../redis/client.js';
import { z } from 'zod';
import { callDurationS } from '../../../src-shared/domain/call-log.js';
import { BinaryHeap } from '../../../src-shared/domain/policy/heap.js';
import { type SheetPatch, SheetPatchSchema } from '../../../src-shared/domain/sheet-patch.js';
import type { QueuedPatch } from '../ports.js';
import { keys, tabTag } from '../redis/keys.js';
import { loadScripts, type ScriptSet } from '../redis/scripts.js';
import type { DeadLetter, DurablePatchQueue } from './durable-patch-queue.js';
import {
  doneField,
  entryPatchValues,
  parseDone,
  parseQueueId,
  type QueueIdParts,
  queueIdOf,
  streamRef,
} from './queue-entry.js';
import { parseTabTag } from './tab-tag.js';
import { readCallTimes } from '../store/call-record.js';

export interface RedisPatchQueueOptions {
  /** Empty streams idle longer than this are dropped from the tabs set. Default 10 min. Enqueuers rely on
   *  it: they SADD a tab at most once per 5 min (store/redis-transitions.ts). */
  gcIdleMs?: number;
  /** How often `spreadsheetsWithPending` also SCANs for streams missing from the tabs set. Default 60 s. */
  reconcileEveryMs?: number;
  /** Dead-letter stream length per tab (approximate). Default 10,000. */
  deadLetterMaxLen?: number;
  /** While watching hints, how often every registered tab is peeked anyway (the bound on a patch whose
   *  hint was lost). Default 5 min: every production enqueue PUBLISHes its notice in its own script and a
   *  reconnect sweeps at once, so this net only catches what nothing else would (a bug, a notice dropped
   *  by a live connection), and at 30 s it cost 500 XRANGE every 30 s at 500 idle tabs. */
  sweepEveryMs?: number;
  now?: () => number;
  /** A subscriber connection shared with the other listeners of this process (compose.ts), which its owner
   *  closes: one socket read per notice however many listen. Default: watch() opens and closes its own. */
  subscriber?: RedisClient;
}

/** The part of a lead-change notice (store/types.ts LeadChange) a hint needs: which tab changed. */
const TabHintSchema = z.object({ tag: z.string() });

/** `dialer:sheetq:` and `:dead`, derived from keys.ts so a key rename cannot desynchronise them. */
const QUEUE_PREFIX = keys.sheetQueue('');
const DEAD_SUFFIX = keys.sheetDeadLetters('').slice(QUEUE_PREFIX.length);

type StreamEntry = [id: string, fields: string[]];

const streamIdMs = (id: string): number => Number(id.split('-')[0]);

/** Orders stream ids `<ms>-<seq>` numerically. */
export function compareStreamIds(a: string, b: string): number {
  const [am = '0', as = '0'] = a.split('-');
  const [bm = '0', bs = '0'] = b.split('-');
  return Number(am) - Number(bm) || Number(as) - Number(bs);
}

/** A tab's oldest entry not yet taken by peek's merge: entry j of the k-th tab read with entries. */
interface Head {
  k: number;
  j: number;
  streamId: string;
  /** The entry's fields (patch or patches, at: queue-entry.ts). */
  rec: Record<string, string>;
  enqueuedAt: number;
}

/** Groups queue ids by tab; ids that are not ours are ignored (nothing to remove). */
function groupByTab(spreadsheetId: string, ids: readonly string[]): Map<string, QueueIdParts[]> {
  const byTag = new Map<string, QueueIdParts[]>();
  for (const id of ids) {
    const parts = parseQueueId(id);
    if (!parts) continue;
    const tag = tabTag(spreadsheetId, parts.sheetId);
    const list = byTag.get(tag) ?? [];
    list.push(parts);
    byTag.set(tag, list);
  }
  return byTag;
}

/** An entry's patches not yet landed or dead-lettered, as its last peek returned them: their part indexes,
 *  or null for a single-patch entry (its only patch). */
type PendingParts = Set<number> | null;

/** Drops patches that left their stream from a tab's returned entries (an entry with none left goes). */
function forgetPatches(entries: Map<string, PendingParts>, refs: readonly QueueIdParts[]): void {
  for (const { streamId, part } of refs) {
    const pending = entries.get(streamId);
    if (part !== null && pending) pending.delete(part);
    if (part === null || !pending || pending.size === 0) entries.delete(streamId);
  }
}

/** Registers a tab as having pending writes. Call it BEFORE a script that includes enqueuePatch.lua. */
export async function registerPendingTab(redis: RedisClient, tag: string): Promise<void> {
  await redis.sadd(keys.sheetQueueTabs(), tag);
}

/** The safety-net sweep's default period (see RedisPatchQueueOptions.sweepEveryMs). */
export const DEFAULT_SWEEP_EVERY_MS = 5 * 60_000;

/** The full sweep is spread over this many steps of its period, each marking the registered tabs of one
 *  slice: every tab is still marked once per `sweepEveryMs`, but a peek reads ~1/15 of 500 idle tabs a
 *  step instead of all 500 at once (500 XRANGE and their replies in one go: a 10-18 ms event-loop block,
 *  measured at 500 tabs). */
const SWEEP_SLICES = 15;

/** A tab's sweep slice: a stable hash of its tag. */
function sliceOf(tag: string): number {
  let h = 0;
  for (let i = 0; i < tag.length; i++) h = (h * 31 + tag.charCodeAt(i)) | 0;
  return Math.abs(h) % SWEEP_SLICES;
}

export class RedisPatchQueue implements DurablePatchQueue {
  readonly #redis: RedisClient;
  readonly #scripts: ScriptSet;
  readonly #reconcileEveryMs: number;
  readonly #deadLetterMaxLen: number;
  #lastReconcileAt = Number.NEGATIVE_INFINITY;
  readonly #gcIdleMs: number;
  /** Since when this instance has found each registered tab empty (peek): idle ones are dropped. */
  readonly #emptySince = new Map<string, number>();
  readonly #sweepEveryMs: number;
  readonly #now: () => number;
  /** Tabs that may have entries: hinted since their last peek, or found non-empty by it, or marked by a
   *  full sweep. */
  readonly #dirty = new Set<string>();
  /** Dirty tabs marked by a full sweep alone: their last peek found them empty and no hint named them
   *  since, so they are peeked (the safety net) but not counted by depth(), which would otherwise send an
   *  XLEN per registered tab whenever it runs between a sweep and the next peek. */
  readonly #swept = new Set<string>();
  /** Tabs whose last peek returned all their entries: the entries not yet acked or dead-lettered (stream
   *  id -> the patches of it still pending). The tab is peeked again until they are all gone (then it is
   *  empty unless a hint says otherwise). An ack that takes an entry's last pending patches is a plain XDEL
   *  of the entry; one that leaves some is recorded part by part (ackPatches). */
  readonly #carry = new Map<string, Map<string, PendingParts>>();
  /** The same for tabs whose last peek left entries for the next one (they stay dirty): what the ack of the
   *  entries it did return needs to know, so theirs is a plain XDEL too (a backlog at max pace). */
  readonly #partial = new Map<string, Map<string, PendingParts>>();
  /** The tabs listed in keys.sheetQueueAttemptedTabs() (as their last peek read it, plus this instance's
   *  markAttempt and part-by-part acks and dead letters since). An ack of a tab not here is one XDEL: it
   *  has no side hash (attempt counts, done parts) to clean or read. */
  readonly #attempted = new Set<string>();
  /** Tabs a peek took out of the dirty set and is reading now: still counted by depth() (a depth read
   *  meanwhile saw none of a backlog's tabs and answered 0). */
  readonly #peeking = new Set<string>();
  /** True while a subscriber delivers hints; without it every call reads every registered tab. */
  #hinting = false;
  readonly #subscriber: RedisClient | null;
  #lastSweepAt = Number.NEGATIVE_INFINITY;
  /** The last sweep step whose slice was marked (steps of sweepEveryMs / SWEEP_SLICES, from epoch 0). */
  #sweptStep = Number.NEGATIVE_INFINITY;

  constructor(redis: RedisClient, opts: RedisPatchQueueOptions = {}) {
    this.#redis = redis;
    this.#scripts = loadScripts(redis);
    this.#gcIdleMs = opts.gcIdleMs ?? 10 * 60_000;
    this.#reconcileEveryMs = opts.reconcileEveryMs ?? 60_000;
    this.#deadLetterMaxLen = opts.deadLetterMaxLen ?? 10_000;
    this.#sweepEveryMs = opts.sweepEveryMs ?? DEFAULT_SWEEP_EVERY_MS;
    this.#now = opts.now ?? Date.now;
    this.#subscriber = opts.subscriber ?? null;
  }

  /** Starts taking dirty-tab hints from the lead-change notices; returns the function that stops it. Until
   *  the subscription is up (and after each reconnect) the next call sweeps every registered tab. */
  async watch(): Promise<() => Promise<void>> {
    const hint = (message: string) => {
      let tag: string;
      try {
        tag = TabHintSchema.parse(JSON.parse(message)).tag;
      } catch {
        return; // not a notice: ignore
      }
      if (parseTabTag(tag)) this.#markDirty(tag);
    };
    const stop = await listenToChannel(this.#redis, this.#subscriber, keys.leadChangesChannel(), {
      message: hint,
      // A reconnect may have lost notices: sweep. (The first 'ready' is before the subscription: harmless.)
      ready: () => this.sweep(),
      // ioredis reconnects by itself; the sweep covers the gap.
    });
    // A disposition's lead-change notice rides in the agent's event notice of its step (callDispose.lua).
    const stopEvents = await listenToChannel(this.#redis, this.#subscriber, keys.agentEventsChannel(), {
      message: (message) => {
        const leads = noticeLeads(message);
        if (leads !== null) hint(leads);
      },
    }).catch((err: unknown) => {
      stop();
      throw err;
    });
    this.sweep();
    this.#hinting = true;
    return async () => {
      this.#hinting = false;
      stop();
      stopEvents();
    };
  }

  /** A tab hinted or enqueued to: peeked next, and counted by depth(). */
  #markDirty(tag: string): void {
    this.#dirty.add(tag);
    this.#swept.delete(tag);
  }

  /** The next spreadsheetsWithPending() reads the tabs set and every registered tab is peeked once. */
  sweep(): void {
    this.#lastSweepAt = Number.NEGATIVE_INFINITY;
  }

  async enqueue(patch: SheetPatch, now: number): Promise<string> {
    const [id] = await this.enqueueStep([patch], now);
    if (id === undefined) throw new Error('enqueueStep returned no id');
    return id;
  }

  /** Queues the patches of one step (all of one tab) as ONE entry, as the coordinator's disposition and
   *  its chained dial do in their script (includes/enqueuePatch.lua); returns each patch's queue id. */
  async enqueueStep(patches: readonly SheetPatch[], now: number): Promise<string[]> {
    const valid = patches.map((p) => SheetPatchSchema.parse(p));
    const first = valid[0];
    if (!first) return [];
    const tag = tabTag(first.spreadsheetId, first.sheetId);
    if (valid.some((p) => tabTag(p.spreadsheetId, p.sheetId) !== tag))
      throw new Error("a step's patches must all be of one tab (one queue stream)");
    await registerPendingTab(this.#redis, tag);
    const streamId = String(
      await this.#scripts.run(
        'enqueuePatches',
        [keys.sheetQueue(tag)],
        [now, ...valid.map((p) => JSON.stringify(p))],
      ),
    );
    this.#markDirty(tag);
    return valid.map((_, i) => queueIdOf(first.sheetId, streamId, valid.length === 1 ? null : i));
  }

  /** Re-registers every non-empty queue stream (SCAN): repairs a registration lost to a race. Streams of
   *  tabs registered when the scan starts are skipped (no XLEN each: 500 a minute at 500 agents); one
   *  unregistered later is found by the next scan. */
  async reconcile(): Promise<number> {
    const pattern = keys.sheetQueue('{t:*}');
    const registered = new Set(await this.#tabs());
    let added = 0;
    for await (const found of scanKeys(this.#redis, pattern, { type: 'stream' })) {
      for (const key of found) {
        const tag = key.slice(QUEUE_PREFIX.length);
        if (!parseTabTag(tag) || registered.has(tag)) continue;
        if ((await this.#redis.xlen(key)) > 0) added += await this.#redis.sadd(keys.sheetQueueTabs(), tag);
      }
    }
    return added;
  }

  async #tabs(): Promise<string[]> {
    return this.#redis.smembers(keys.sheetQueueTabs());
  }

  /** Spreadsheets that may have pending patches (no per-tab command). Without hints: those of every
   *  registered tab. With hints: those of the dirty tabs, no Redis command at all, except at each sweep step
   *  (every sweepEveryMs / 15) that marks that step's slice of the registered tabs dirty (one SMEMBERS). */
  async spreadsheetsWithPending(): Promise<string[]> {
    const now = this.#now();
    if (now - this.#lastReconcileAt >= this.#reconcileEveryMs) {
      this.#lastReconcileAt = now;
      await this.reconcile();
    }
    const stepMs = Math.max(1, Math.floor(this.#sweepEveryMs / SWEEP_SLICES));
    const step = Math.floor(now / stepMs);
    if (!this.#hinting || this.#lastSweepAt === Number.NEGATIVE_INFINITY) {
      this.#lastSweepAt = now;
      this.#sweptStep = step;
      await this.#markSwept(() => true);
    } else if (step > this.#sweptStep) {
      // The steps since the last one, each its slice of the tabs (all of them after a long gap).
      const slices = new Set<number>();
      for (let k = Math.max(this.#sweptStep + 1, step - SWEEP_SLICES + 1); k <= step; k++)
        slices.add(k % SWEEP_SLICES);
      this.#lastSweepAt = now;
      this.#sweptStep = step;
      await this.#markSwept((tag) => slices.has(sliceOf(tag)));
    }
    const out = new Set<string>();
    for (const tag of [...this.#dirty, ...this.#carry.keys()]) {
      const ref = parseTabTag(tag);
      if (ref) out.add(ref.spreadsheetId);
    }
    return [...out];
  }

  /** Marks the registered tabs `pick` chooses dirty (to be peeked), as the sweep's (see #swept). */
  async #markSwept(pick: (tag: string) => boolean): Promise<void> {
    for (const tag of await this.#tabs()) {
      if (!pick(tag)) continue;
      if (!parseTabTag(tag)) await this.#redis.srem(keys.sheetQueueTabs(), tag);
      else if (!this.#dirty.has(tag) && !this.#carry.has(tag)) {
        this.#dirty.add(tag);
        this.#swept.add(tag);
      }
    }
  }

  /** Notes which tabs peek found empty; one empty for gcIdleMs is dropped if its stream is idle as long. */
  async #noteEmpty(tags: readonly string[], nonEmpty: readonly string[], now: number): Promise<void> {
    for (const t of nonEmpty) this.#emptySince.delete(t);
    for (const tag of tags) {
      const since = this.#emptySince.get(tag) ?? now;
      this.#emptySince.set(tag, since);
      if (now - since < this.#gcIdleMs) continue;
      this.#emptySince.delete(tag);
      await this.#maybeForgetTab(tag, now);
    }
  }

  /** Drops an empty, idle tab from the set; puts it back if an enqueue slipped in meanwhile. */
  async #maybeForgetTab(tag: string, now: number): Promise<void> {
    const key = keys.sheetQueue(tag);
    let lastId = '0-0';
    try {
      const info = (await this.#redis.xinfo('STREAM', key)) as unknown[];
      const at = info.indexOf('last-generated-id');
      if (at >= 0) lastId = String(info[at + 1]);
    } catch {
      // no such stream: nothing was ever enqueued there (or it was deleted); treat as idle
    }
    if (now - streamIdMs(lastId) < this.#gcIdleMs) return;
    await this.#redis.srem(keys.sheetQueueTabs(), tag);
    if ((await this.#redis.xlen(key)) > 0) await this.#redis.sadd(keys.sheetQueueTabs(), tag);
  }

  /** The tabs peek reads: every registered one without hints; with hints the dirty ones, taken out of the
   *  dirty set BEFORE their XRANGE is sent (a hint arriving meanwhile marks the tab again: never lost). */
  async #tabsOf(spreadsheetId: string): Promise<{ tag: string; sheetId: number }[]> {
    const out: { tag: string; sheetId: number }[] = [];
    const tags = this.#hinting ? [...new Set([...this.#dirty, ...this.#carry.keys()])] : await this.#tabs();
    for (const tag of tags) {
      const ref = parseTabTag(tag);
      if (ref && ref.spreadsheetId === spreadsheetId) {
        out.push({ tag, sheetId: ref.sheetId });
        // Counted by depth() while read, unless only a sweep marked it (see #swept).
        if (!this.#swept.has(tag)) this.#peeking.add(tag);
        this.#dirty.delete(tag);
        this.#swept.delete(tag);
      }
    }
    return out;
  }

  /**
   * The oldest pending patches of a spreadsheet: ONE pipelined round trip reads every registered tab's
   * stream (with hints: every dirty one; XRANGE COUNT max each, sent together), a second one the side
   * hashes (attempt counts, the done patches of several-patch entries) of the tabs that had entries and
   * are listed with one. Each entry gives one QueuedPatch per patch not yet done (queue-entry.ts); whole
   * entries are taken, so a peek may return a patch or so beyond `max`. Tabs with entries stay dirty until
   * a peek finds them empty; tabs long found empty are dropped from the registry.
   */
  async peek(spreadsheetId: string, max: number): Promise<QueuedPatch[]> {
    if (max <= 0) return [];
    const tabs = await this.#tabsOf(spreadsheetId);
    try {
      return await this.#peekTabs(spreadsheetId, tabs, max);
    } finally {
      for (const t of tabs) this.#peeking.delete(t.tag);
    }
  }

  async #peekTabs(
    spreadsheetId: string,
    tabs: readonly { tag: string; sheetId: number }[],
    max: number,
  ): Promise<QueuedPatch[]> {
    let streams: StreamEntry[][];
    let attemptedTabs: Set<string>;
    try {
      // The tabs with counts, read in the same round trip: the others' counts are not read (one HMGET per
      // tab with entries was a command per disposition at 500 agents, for a hash that almost never exists).
      const [read, attempted] = await Promise.all([
        Promise.all(tabs.map(({ tag }) => this.#redis.xrange(keys.sheetQueue(tag), '-', '+', 'COUNT', max))),
        tabs.length > 0 ? this.#redis.smembers(keys.sheetQueueAttemptedTabs()) : Promise.resolve([]),
      ]);
      streams = read as StreamEntry[][];
      attemptedTabs = new Set(attempted);
    } catch (err) {
      for (const t of tabs) this.#dirty.add(t.tag); // not read: still dirty
      throw err;
    }
    const withEntries = tabs.flatMap((t, i) => ((streams[i]?.length ?? 0) > 0 ? [{ ...t, i }] : []));
    for (const t of tabs) {
      this.#carry.delete(t.tag);
      this.#partial.delete(t.tag);
    }
    await this.#noteEmpty(
      tabs.filter((_, i) => (streams[i]?.length ?? 0) === 0).map((t) => t.tag),
      withEntries.map((t) => t.tag),
      this.#now(),
    );
    // Per entry two fields: its attempt count and its done patches.
    const side = await Promise.all(
      withEntries.map(({ tag, i }) =>
        attemptedTabs.has(tag)
          ? this.#redis.hmget(
              keys.sheetQueueAttempts(tag),
              ...(streams[i] ?? []).flatMap(([id]) => [id, doneField(id)]),
            )
          : Promise.resolve([]),
      ),
    );
    for (const { tag } of withEntries) {
      if (attemptedTabs.has(tag)) this.#attempted.add(tag);
      else this.#attempted.delete(tag);
    }
    // The oldest `max` entries across the tabs, oldest first, and only those decoded. Each tab's XRANGE is
    // in stream order (exact within a tab: the same cell is always the same tab's stream), so a merge of the
    // tabs' heads picks them in max·log(tabs). Across tabs, ids of different streams can tie (same
    // millisecond; on a Cluster, different nodes): the enqueue time breaks the tie, which only orders writes
    // to different cells. (Sorting everything read, up to `max` per tab, was ~8 % of the coordinator at
    // max pace with a backlog: 50 tabs x 500 entries decoded and sorted per flush to keep 500.)
    const heads = new BinaryHeap<Head>(
      (a, b) => compareStreamIds(a.streamId, b.streamId) || a.enqueuedAt - b.enqueuedAt,
    );
    const headOf = (k: number, j: number): Head | null => {
      const entry = streams[withEntries[k]?.i ?? -1]?.[j];
      if (!entry) return null;
      const [streamId, fields] = entry;
      const rec = pairsToHash(fields);
      return { k, j, streamId, rec, enqueuedAt: Number(rec.at ?? streamIdMs(streamId)) };
    };
    for (let k = 0; k < withEntries.length; k++) {
      const h = headOf(k, 0);
      if (h) heads.push(h);
    }
    const returned: QueuedPatch[] = [];
    const unparseable: string[] = [];
    const finished: string[] = [];
    /** Per tab read (index k): the entries taken, with their pending patches. */
    const taken = withEntries.map(() => new Map<string, PendingParts>());
    for (let h = heads.pop(); h && returned.length + unparseable.length < max; h = heads.pop()) {
      const next = headOf(h.k, h.j + 1);
      if (next) heads.push(next);
      const sheetId = withEntries[h.k]?.sheetId ?? 0;
      const counts = side[h.k] ?? [];
      const attempts = Number(counts[2 * h.j] ?? 0);
      const values = entryPatchValues(h.rec);
      const single = h.rec.patch !== undefined || values === null;
      const pending: PendingParts = single ? null : new Set<number>();
      taken[h.k]?.set(h.streamId, pending);
      if (values === null) {
        // Never written by us: park it rather than block the spreadsheet's queue forever.
        unparseable.push(queueIdOf(sheetId, h.streamId, null));
        continue;
      }
      const done = single ? new Set<number>() : parseDone(counts[2 * h.j + 1]);
      values.forEach((value, part) => {
        if (done.has(part)) return;
        pending?.add(part);
        const id = queueIdOf(sheetId, h.streamId, single ? null : part);
        const patch = SheetPatchSchema.safeParse(value);
        if (patch.success) returned.push({ id, patch: patch.data, enqueuedAt: h.enqueuedAt, attempts });
        else unparseable.push(id);
      });
      // An entry with no patch left to write (an empty list): it leaves the stream.
      if (pending?.size === 0) finished.push(queueIdOf(sheetId, h.streamId, null));
    }
    this.#noteReturned(withEntries, streams, max, taken);
    if (unparseable.length > 0)
      await this.deadLetter(spreadsheetId, unparseable, 'unparseable queue entry', this.#now());
    if (finished.length > 0) await this.ack(spreadsheetId, finished);
    return returned;
  }

  /** A tab whose entries were all taken is carried (by entry, with their pending patches) until they are
   *  gone; one that may hold more (its read hit `max`, or entries were left for the next peek) stays
   *  dirty. */
  #noteReturned(
    withEntries: readonly { tag: string; i: number }[],
    streams: readonly StreamEntry[][],
    max: number,
    taken: readonly Map<string, PendingParts>[],
  ): void {
    withEntries.forEach(({ tag, i }, k) => {
      const read = streams[i] ?? [];
      const entries = taken[k] ?? new Map<string, PendingParts>();
      if (read.length >= max || entries.size < read.length) {
        this.#dirty.add(tag);
        this.#partial.set(tag, entries);
      } else this.#carry.set(tag, entries);
    });
  }

  /** Forgets carried patches that left their stream (acked or dead-lettered), and entries left with none. */
  #gone(tag: string, refs: readonly QueueIdParts[]): void {
    const partial = this.#partial.get(tag);
    if (partial) forgetPatches(partial, refs);
    const carried = this.#carry.get(tag);
    if (!carried) return;
    forgetPatches(carried, refs);
    if (carried.size === 0) this.#carry.delete(tag);
  }

  /** The ack of one tab's patches as stream refs: an entry whose every pending patch (as peeked) is among
   *  them is whole (`<streamId>`); the others' patches go part by part (`<streamId>#<i>`). */
  #ackRefs(tag: string, refs: readonly QueueIdParts[]): { whole: string[]; parts: string[] } {
    const byEntry = new Map<string, QueueIdParts[]>();
    for (const r of refs) {
      const list = byEntry.get(r.streamId);
      if (list) list.push(r);
      else byEntry.set(r.streamId, [r]);
    }
    const carried = this.#carry.get(tag) ?? this.#partial.get(tag);
    const whole: string[] = [];
    const parts: string[] = [];
    for (const [streamId, mine] of byEntry) {
      const pending = carried?.get(streamId);
      let all = mine.some((r) => r.part === null);
      if (!all && pending) {
        const acked = new Set(mine.map((r) => r.part));
        all = [...pending].every((p) => acked.has(p));
      }
      if (all) whole.push(streamId);
      else for (const r of mine) parts.push(streamRef(r));
    }
    return { whole, parts };
  }

  /** Acks per tab, all tabs' commands sent together (one round trip). An entry whose last pending patches
   *  this acks, in a tab with no side hash (not listed in keys.sheetQueueAttemptedTabs() when peeked), is
   *  one XDEL: 1 command, where the ackPatches script is 4; a listed tab, or a patch whose entry keeps
   *  others pending, goes through the script, which also clears the counts and records done patches. */
  async ack(spreadsheetId: string, ids: string[]): Promise<void> {
    const byTab = groupByTab(spreadsheetId, ids);
    await Promise.all(
      [...byTab].map(([tag, refs]) => {
        const { whole, parts } = this.#ackRefs(tag, refs);
        if (parts.length === 0 && !this.#attempted.has(tag))
          return this.#redis.xdel(keys.sheetQueue(tag), ...whole);
        return this.#ackCounted(tag, [...whole, ...parts], parts.length > 0);
      }),
    );
    for (const [tag, refs] of byTab) this.#gone(tag, refs);
  }

  /** Lists a tab among those with a side hash, BEFORE writing to it: a peek may read the side hash of a
   *  tab listed with none, never miss a listed one's. */
  async #listAttempted(tag: string): Promise<void> {
    if (this.#attempted.has(tag)) return;
    await this.#redis.sadd(keys.sheetQueueAttemptedTabs(), tag);
    this.#attempted.add(tag);
  }

  /** The ack through the script: it clears the acked entries' side fields, records the done patches of
   *  entries that keep others pending, and deletes the whole hash once the queue is empty; then the tab
   *  leaves the list whose side hashes peek reads. (A count another flusher added in between, only possible
   *  once this one lost the spreadsheet's lock, would go unread by peeks until its next failure re-adds the
   *  tab: a diagnostic figure, never a write or a decision.) */
  async #ackCounted(tag: string, refs: string[], recordsParts: boolean): Promise<void> {
    if (recordsParts) await this.#listAttempted(tag);
    const [, remaining] = z
      .tuple([z.number(), z.number()])
      .parse(
        await this.#scripts.run('ackPatches', [keys.sheetQueue(tag), keys.sheetQueueAttempts(tag)], refs),
      );
    if (remaining > 0) return;
    await this.#redis.srem(keys.sheetQueueAttemptedTabs(), tag);
    this.#attempted.delete(tag);
  }

  /** Counted per entry (a several-patch entry once, whichever of its patches are named). */
  async markAttempt(spreadsheetId: string, ids: string[], now: number): Promise<void> {
    for (const [tag, refs] of groupByTab(spreadsheetId, ids)) {
      await this.#listAttempted(tag);
      await this.#scripts.run(
        'markPatchAttempts',
        [keys.sheetQueue(tag), keys.sheetQueueAttempts(tag)],
        [now, ...new Set(refs.map((r) => r.streamId))],
      );
    }
  }

  /** A patch of a several-patch entry goes alone (its entry stays for the others: its done patches are
   *  recorded in the side hash, so the tab is listed first). */
  async deadLetter(spreadsheetId: string, ids: string[], reason: string, now: number): Promise<number> {
    let moved = 0;
    for (const [tag, refs] of groupByTab(spreadsheetId, ids)) {
      if (refs.some((r) => r.part !== null)) await this.#listAttempted(tag);
      moved += Number(
        await this.#scripts.run(
          'deadLetterPatches',
          [keys.sheetQueue(tag), keys.sheetQueueAttempts(tag), keys.sheetDeadLetters(tag)],
          [now, reason, this.#deadLetterMaxLen, ...refs.map(streamRef)],
        ),
      );
      this.#gone(tag, refs);
    }
    return moved;
  }

  async deadLetters(spreadsheetId: string, max: number): Promise<DeadLetter[]> {
    // Dead-letter streams outlive the tabs set membership: look at every tab of the spreadsheet ever seen.
    const pattern = keys.sheetDeadLetters(`{t:${spreadsheetId}:*}`);
    const out: { streamId: string; dl: DeadLetter }[] = [];
    const seen = new Set<string>(); // SCAN may return a key twice
    for await (const found of scanKeys(this.#redis, pattern)) {
      for (const key of found) {
        if (seen.has(key)) continue;
        seen.add(key);
        const tag = key.slice(QUEUE_PREFIX.length, key.length - DEAD_SUFFIX.length);
        const ref = parseTabTag(tag);
        if (!ref || ref.spreadsheetId !== spreadsheetId) continue;
        const entries = (await this.#redis.xrange(key, '-', '+', 'COUNT', max)) as StreamEntry[];
        for (const [streamId, fields] of entries) {
          const rec = pairsToHash(fields);
          // A patch of a several-patch entry is dead-lettered alone: the letter names its part.
          const values = entryPatchValues(rec) ?? [];
          const part = rec.part === undefined ? null : Number(rec.part);
          for (const value of part === null ? values : [values[part]]) {
            const patch = SheetPatchSchema.safeParse(value);
            if (!patch.success) continue;
            out.push({
              streamId,
              dl: {
                queueId: `${ref.sheetId}/${rec.queueId ?? ''}`,
                patch: patch.data,
                enqueuedAt: Number(rec.at ?? 0),
                attempts: Number(rec.attempts ?? 0),
                reason: rec.reason ?? '',
                deadAt: Number(rec.deadAt ?? 0),
              },
            });
          }
        }
      }
    }
    out.sort((a, b) => compareStreamIds(a.streamId, b.streamId));
    return out.slice(0, max).map((o) => o.dl);
  }

  async tryLockFlush(spreadsheetId: string, owner: string, ttlMs: number): Promise<boolean> {
    return (await this.#redis.set(keys.sheetFlushLock(spreadsheetId), owner, 'PX', ttlMs, 'NX')) === 'OK';
  }

  // Renew and release are the session lock's owner-checked scripts (lockRenew-1 / lockRelease-1: compare
  // the owner, then PEXPIRE / DEL), reused on the flush lock's key rather than a second copy of each.
  async renewFlushLock(spreadsheetId: string, owner: string, ttlMs: number): Promise<boolean> {
    return (
      Number(await this.#scripts.run('lockRenew', [keys.sheetFlushLock(spreadsheetId)], [owner, ttlMs])) === 1
    );
  }

  async unlockFlush(spreadsheetId: string, owner: string): Promise<void> {
    await this.#scripts.run('lockRelease', [keys.sheetFlushLock(spreadsheetId)], [owner]);
  }

  /** One read per call, sent together (store/call-record.ts: an archived call's GET, or a hash's HMGET). */
  async callDurations(
    calls: { spreadsheetId: string; sheetId: number; callId: string }[],
    now: number,
  ): Promise<Map<string, number>> {
    const times = await Promise.all(
      calls.map((c) => readCallTimes(this.#redis, tabTag(c.spreadsheetId, c.sheetId), c.callId)),
    );
    const out = new Map<string, number>();
    calls.forEach((c, i) => {
      const t = times[i];
      if (!t) return; // the call is no longer stored
      const { connectedAt: connected, endedAt: ended } = t;
      const at = (v: string | null | undefined) =>
        v === '' || v === null || v === undefined ? null : Number(v);
      out.set(c.callId, callDurationS(at(connected), at(ended), now));
    });
    return out;
  }

  /** Entries pending in every tab. Without hints: an XLEN per registered tab. With hints, only the tabs
   *  that may have entries (hinted, enqueued to or carried: every other one, a full sweep's marks included,
   *  was found empty by its last peek and no notice named it since), so the metric, /readyz and the
   *  console's health cost a command per busy tab, not one per registered tab (500 every 15 s at 500
   *  agents); a notice lost meanwhile is found by the next sweep's peek. */
  async depth(): Promise<number> {
    const sweepPending = this.#lastSweepAt === Number.NEGATIVE_INFINITY;
    const tags =
      this.#hinting && !sweepPending
        ? [...new Set([...this.#dirty, ...this.#carry.keys(), ...this.#peeking])].filter(
            (t) => !this.#swept.has(t),
          )
        : await this.#tabs();
    const lens = await Promise.all(tags.map((t) => this.#redis.xlen(keys.sheetQueue(t))));
    return lens.reduce((a, b) => a + b, 0);
  }
}
