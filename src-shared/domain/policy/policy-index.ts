// The policy index: the same rules and order as the scan (lead-rules.ts), a pick in O(log n):
//  - leads that can never be dialed as they stand (CORRECT number, max attempts, no open number, a call
//    in progress) are only counted, per reason (blockedLeads: O(1));
//  - claimed leads are only counted (setClaimed moves a lead out of / back into the heaps);
//  - every other lead's entry sits in one of two heaps over the whole tab: `ready` (a retry-ready number
//    exists at the last time we looked), ordered by priority, or `pending`, ordered by readyAt. A pick first
//    moves the pending leads whose delay has ended into `ready` (O(log n) each, once), then takes the top of
//    `ready` whose place is inside its calling window this minute (windows are whole minutes: one window
//    check per place and minute). An entry of a closed place that surfaces is parked with its place until
//    the first pick of a later minute re-checks the place, so a closed place costs nothing per pick.
// Real tabs have about one place per lead (a place is the set of zones and regions a lead's numbers ring
// in: 110 places for 100 leads in the load benchmark's tabs), so places hold no heaps of their own: a
// rebuild (the tab refresh, a session start) makes one small record per place, and the heaps are filled
// by appending and heapified in O(n) at the first pick (heap.ts), cheaper than the per-place heaps the
// scan kept (bench/policy-rebuild.ts; docs/performance.md "The policy index's rebuild").
// A lead's place (lead-rules.ts leadPlace) comes from its numbers through `placeOf` (phone data the caller
// resolved at the edge), so the index itself stays pure; an upsert that leaves the lead's open numbers as
// they were keeps its place.
// Heap entries are invalidated lazily (each record has a version); stale entries are dropped when they
// reach the top and a heap is compacted when more than half its entries are stale.
// `now` is expected to move forward; a pick or summary for an earlier moment than the last pick is answered
// by a walk over the leads (O(n), correct, nothing moved).
// Leads with a callback (callback-rules.ts) sit outside the heaps, in one set per agent they are held for
// ('' = any agent): a pick for agent A first looks at A's and the shared set for a due callback inside its
// window (O(C_A), the callbacks held for A, a handful), then at the heaps.
import type { CampaignRules } from '../campaign.js';
import { isValidTimeZone } from '../calling-window.js';
import { DomainError } from '../errors.js';
import type { Lead } from '../lead.js';
import type { PlaceOf } from '../number-place.js';
import type { SessionState } from '../session.js';
import { type CallbackPlan, callbackPlan, compareCallbacks, planIsFor } from './callback-rules.js';
import { BinaryHeap } from './heap.js';
import {
  BLOCK_REASON_ORDER,
  type BlockReason,
  chooseNumber,
  type LeadPlace,
  leadPlace,
  leadReadyAt,
  type StaticBlock,
  samePlaceInputs,
  staticBlock,
} from './lead-rules.js';
import type { PolicyExplain, PolicyPick, PolicySummary, ReasonCount } from './types.js';
import { placeInWindow, placeOpenFrom } from './window.js';

interface Rec {
  lead: Lead;
  readyAt: number;
  /** The lead's sort keys (comparePriority's), copied at upsert: every Rec has one shape, while leads come
   *  in several (parsed from the sheet, spread by a disposition), so the heaps' comparisons read them
   *  here with monomorphic loads instead of megamorphic ones on the lead. */
  attemptCount: number;
  rowNumber: number;
  rowId: string;
  /** Where the normal rules judge the lead (leadPlace). */
  place: LeadPlace;
  /** The place its window is checked in: `place`, or a callback's number's place. */
  zone: Zone;
  unknownSlots: number;
  block: StaticBlock | null;
  /** A callback that holds the lead (null: the normal rules apply). */
  cb: CallbackPlan | null;
  /** Bumped whenever the record leaves a heap: entries carrying an older version are stale. */
  ver: number;
  loc: 'ready' | 'pending' | 'claimed' | 'blocked' | 'callback';
}

/** A callback held in the index, as the "Callbacks due" list shows it. */
export interface HeldCallback {
  lead: Lead;
  plan: CallbackPlan;
  /** Claimed by a session right now (being dialed or previewed). */
  claimed: boolean;
}

interface Entry {
  rec: Rec;
  ver: number;
}

/** One place: leads whose numbers ring in the same zones and regions share every window answer. */
interface Zone {
  place: LeadPlace;
  /** The window answer for the minute `openMinute` (windows are whole minutes: constant within one). */
  openMinute: number;
  open: boolean;
  /** Ready entries found while the place was closed (null: none), back into `ready` once it opens. */
  parked: Entry[] | null;
  /** Live ready entries of the place (in `ready` or parked), for compacting `parked`. */
  readyLive: number;
  /** summary's scratch: its pass `sumPass` counted `sumReady` ready and `sumPending` pending leads here,
   *  the earliest pending one ready at `sumFirst`. */
  sumPass: number;
  sumReady: number;
  sumPending: number;
  sumFirst: number;
}

const live = (e: Entry) => e.ver === e.rec.ver;
/** Still waiting in `pending` (a pending entry keeps its version when it moves to `ready`). */
const livePending = (e: Entry) => live(e) && e.rec.loc === 'pending';

/** comparePriority (lead-rules.ts) on the keys a Rec holds: the same order. */
function compareRecs(a: Rec, b: Rec): number {
  const ta = a.attemptCount === 0 ? 0 : 1;
  const tb = b.attemptCount === 0 ? 0 : 1;
  if (ta !== tb) return ta - tb;
  if (ta === 1) {
    if (a.readyAt !== b.readyAt) return a.readyAt < b.readyAt ? -1 : 1;
    if (a.attemptCount !== b.attemptCount) return a.attemptCount - b.attemptCount;
  }
  if (a.rowNumber !== b.rowNumber) return a.rowNumber - b.rowNumber;
  return a.rowId < b.rowId ? -1 : a.rowId > b.rowId ? 1 : 0;
}

const byPriority = (a: Entry, b: Entry) => compareRecs(a.rec, b.rec);
const byReadyAt = (a: Entry, b: Entry) =>
  a.rec.readyAt !== b.rec.readyAt ? (a.rec.readyAt < b.rec.readyAt ? -1 : 1) : compareRecs(a.rec, b.rec);

export class PolicyIndex {
  readonly #rules: CampaignRules;
  readonly #placeOf: PlaceOf;
  readonly #recs = new Map<string, Rec>();
  readonly #zones = new Map<string, Zone>();
  readonly #claimed = new Set<string>();
  readonly #blocked = new Map<StaticBlock, number>();
  /** Callback leads by the agent they are held for ('' = any agent). */
  readonly #callbacks = new Map<string, Set<Rec>>();
  #claimedOpen = 0;
  /** The latest `now` a pick or summary moved the pending leads for. */
  #lastNow = Number.NEGATIVE_INFINITY;
  /** The ready entries (of every place, except those parked), by priority; and the live ready count. */
  readonly #ready = new BinaryHeap<Entry>(byPriority);
  #readyLive = 0;
  /** The pending entries (of every place), by readyAt; and the live pending count. */
  readonly #pending = new BinaryHeap<Entry>(byReadyAt);
  #pendingLive = 0;
  /** Places with parked entries, and the minute of the last pick (places are re-checked when it changes). */
  readonly #parkedZones = new Set<Zone>();
  #pickMinute = Number.NaN;
  #sumPass = 0;

  /** `placeOf` tells each number's zones and region (NO_PLACES: only TimeZone cells place a lead). */
  constructor(rules: CampaignRules, placeOf: PlaceOf) {
    this.#rules = rules;
    this.#placeOf = placeOf;
  }

  get rules(): CampaignRules {
    return this.#rules;
  }

  /** The place a held lead is judged in (its zones and regions), for the agent's screen. */
  placeOf(rowId: string): LeadPlace | undefined {
    return this.#recs.get(rowId)?.zone.place;
  }

  /** Adds or replaces a lead (after a disposition, a resync, a dial). Throws on an unknown time zone. */
  upsert(lead: Lead): void {
    const zoneName = lead.timeZone ?? this.#rules.timeZone;
    if (!isValidTimeZone(zoneName)) {
      throw new DomainError(
        'INVALID_TIME_ZONE',
        `lead ${lead.rowId}: "${zoneName}" is not an IANA time zone`,
        {
          rowId: lead.rowId,
          timeZone: zoneName,
        },
      );
    }
    const old = this.#recs.get(lead.rowId);
    const place =
      old && samePlaceInputs(old.lead, lead) ? old.place : leadPlace(lead, this.#rules, this.#placeOf);
    const cb = callbackPlan(lead, this.#rules, this.#placeOf);
    if (old) this.#detach(old);
    const rec: Rec = {
      lead,
      readyAt: leadReadyAt(lead, this.#rules, place.unknownSlots),
      attemptCount: lead.attemptCount,
      rowNumber: lead.rowNumber,
      rowId: lead.rowId,
      place,
      zone: this.#zone(cb ? cb.place : place),
      unknownSlots: place.unknownSlots,
      block: cb ? null : staticBlock(lead, this.#rules, place.unknownSlots),
      cb,
      ver: 0,
      loc: 'blocked',
    };
    this.#recs.set(lead.rowId, rec);
    this.#attach(rec);
  }

  remove(rowId: string): void {
    const rec = this.#recs.get(rowId);
    if (!rec) return;
    this.#detach(rec);
    this.#recs.delete(rowId);
  }

  get(rowId: string): Lead | undefined {
    return this.#recs.get(rowId)?.lead;
  }

  size(): number {
    return this.#recs.size;
  }

  /** Every lead, in no particular order. */
  leads(): Lead[] {
    return [...this.#recs.values()].map((r) => r.lead);
  }

  /** How many leads are held back by `block` (a static block: no time or pick changes it), O(1). What
   *  `summary` reports under that reason, without its walk over the leads. */
  blockedLeads(block: StaticBlock): number {
    return this.#blocked.get(block) ?? 0;
  }

  /** Leads held by another session (lead claims) are skipped without a scan. A claim may precede the lead. */
  setClaimed(rowId: string, claimed: boolean): void {
    if (claimed === this.#claimed.has(rowId)) return;
    const rec = this.#recs.get(rowId);
    if (rec) this.#detach(rec);
    if (claimed) this.#claimed.add(rowId);
    else this.#claimed.delete(rowId);
    if (rec) this.#attach(rec);
  }

  isClaimed(rowId: string): boolean {
    return this.#claimed.has(rowId);
  }

  /** The next (lead, number) for `agent`'s session: a due callback of theirs first, then the order. */
  pick(input: { sessionState: SessionState; now: number; agent?: string | undefined }): PolicyPick {
    if (input.sessionState !== 'PLAY') return { kind: 'none', reason: 'NOT_PLAYING' };
    const { now } = input;
    const back = now < this.#lastNow;
    if (!back) this.#advance(now);
    // No callback on the tab (the usual case): nothing to look at, no allocation on the hot path.
    const due = this.#callbacks.size > 0 ? this.#dueCallback(input.agent, now) : null;
    if (due?.cb) return { kind: 'pick', lead: due.lead, numberIndex: due.cb.slot };
    const best = back ? this.#bestByWalk(now) : this.#bestReady(now);
    if (best) {
      const numberIndex = chooseNumber(best.lead, this.#rules, now, best.unknownSlots);
      if (numberIndex !== null) return { kind: 'pick', lead: best.lead, numberIndex };
    }
    const s = this.summary(now, input.agent);
    return { kind: 'none', reason: 'NOTHING_DIALABLE', reasons: s.reasons, nextDialableAt: s.nextDialableAt };
  }

  /** The callbacks `agent` may take (theirs and anyone's), due first (oldest first), then upcoming. */
  callbacksFor(agent: string | undefined): HeldCallback[] {
    const out: HeldCallback[] = [];
    for (const set of this.#holders(agent))
      for (const r of set)
        if (r.cb) out.push({ lead: r.lead, plan: r.cb, claimed: this.#claimed.has(r.lead.rowId) });
    return out.sort(compareCallbacks);
  }

  #holders(agent: string | undefined): Set<Rec>[] {
    const sets: Set<Rec>[] = [];
    const shared = this.#callbacks.get('');
    if (shared) sets.push(shared);
    const own = agent ? this.#callbacks.get(agent.toLowerCase()) : undefined;
    if (own) sets.push(own);
    return sets;
  }

  #dueCallback(agent: string | undefined, now: number): Rec | null {
    let best: Rec | null = null;
    for (const set of this.#holders(agent))
      for (const r of set) {
        const cb = r.cb;
        if (!cb || cb.at > now || this.#claimed.has(r.lead.rowId)) continue;
        if (best?.cb && compareCallbacks({ plan: cb, lead: r.lead }, { plan: best.cb, lead: best.lead }) >= 0)
          continue;
        if (this.#open(r.zone, now)) best = r;
      }
    return best;
  }

  /** Why a lead is / is not dialable now (O(1): reads the lead alone). Throws UNKNOWN_LEAD for a rowId not held. */
  explain(rowId: string, now: number, sessionState: SessionState = 'PLAY', agent?: string): PolicyExplain {
    const rec = this.#recs.get(rowId);
    if (!rec) throw new DomainError('UNKNOWN_LEAD', `lead ${rowId} is not in the policy index`, { rowId });
    if (sessionState !== 'PLAY') return { dialable: false, reason: 'NOT_PLAYING' };
    if (rec.cb) {
      if (this.#claimed.has(rowId) || !planIsFor(rec.cb, agent))
        return { dialable: false, reason: 'CLAIMED' };
      if (rec.cb.at > now) return { dialable: false, reason: 'RETRY_PENDING' };
      if (!placeInWindow(this.#rules, rec.cb.place, now))
        return { dialable: false, reason: 'OUTSIDE_WINDOW' };
      return { dialable: true, numberIndex: rec.cb.slot };
    }
    if (rec.block) return { dialable: false, reason: rec.block };
    if (this.#claimed.has(rowId)) return { dialable: false, reason: 'CLAIMED' };
    if (!placeInWindow(this.#rules, rec.zone.place, now))
      return { dialable: false, reason: 'OUTSIDE_WINDOW' };
    const numberIndex =
      rec.readyAt <= now ? chooseNumber(rec.lead, this.#rules, now, rec.unknownSlots) : null;
    if (numberIndex === null) return { dialable: false, reason: 'RETRY_PENDING' };
    return { dialable: true, numberIndex };
  }

  /** Counts by blocking reason plus the earliest time something becomes dialable, for `agent` (callbacks held
   *  for another agent count as claimed; one not yet due as RETRY_PENDING). O(n + places + callbacks): a
   *  walk over the leads, which moves nothing (any `now`). The STATS figure reads blockedLeads instead. */
  summary(now: number, agent?: string): PolicySummary {
    const counts = new Map<BlockReason, number>();
    const add = (r: BlockReason, n: number) => n > 0 && counts.set(r, (counts.get(r) ?? 0) + n);
    for (const [block, n] of this.#blocked) if (block !== 'IN_PROGRESS') add(block, n);
    let dialable = 0;
    let next: number | null = null;
    const consider = (at: number | null) => {
      if (at !== null && (next === null || at < next)) next = at;
    };
    const rules = this.#rules;
    // One pass over the leads the heaps hold, counted per place (scratch fields stamped with this pass).
    const pass = ++this.#sumPass;
    const touched: Zone[] = [];
    for (const rec of this.#recs.values()) {
      if (rec.loc !== 'ready' && rec.loc !== 'pending') continue;
      const z = rec.zone;
      if (z.sumPass !== pass) {
        z.sumPass = pass;
        z.sumReady = 0;
        z.sumPending = 0;
        z.sumFirst = Number.POSITIVE_INFINITY;
        touched.push(z);
      }
      if (rec.readyAt <= now) z.sumReady++;
      else {
        z.sumPending++;
        if (rec.readyAt < z.sumFirst) z.sumFirst = rec.readyAt;
      }
    }
    for (const zone of touched) {
      const open = this.#open(zone, now);
      if (open) {
        dialable += zone.sumReady;
        add('RETRY_PENDING', zone.sumPending);
      } else add('OUTSIDE_WINDOW', zone.sumReady + zone.sumPending);
      if (zone.sumReady > 0) consider(open ? now : placeOpenFrom(rules, zone.place, now));
      if (zone.sumPending > 0) consider(placeOpenFrom(rules, zone.place, Math.max(zone.sumFirst, now)));
    }
    let claimedCallbacks = 0;
    for (const set of this.#callbacks.values())
      for (const r of set) {
        const cb = r.cb;
        if (!cb) continue;
        if (this.#claimed.has(r.lead.rowId) || !planIsFor(cb, agent)) claimedCallbacks++;
        else if (cb.at > now) {
          add('RETRY_PENDING', 1);
          consider(placeOpenFrom(rules, cb.place, cb.at));
        } else if (!this.#open(r.zone, now)) {
          add('OUTSIDE_WINDOW', 1);
          consider(placeOpenFrom(rules, cb.place, now));
        } else {
          dialable++;
          consider(now);
        }
      }
    const reasons: ReasonCount[] = BLOCK_REASON_ORDER.filter((r) => (counts.get(r) ?? 0) > 0).map((r) => ({
      reason: r,
      leads: counts.get(r) ?? 0,
    }));
    return {
      dialable,
      reasons,
      nextDialableAt: next,
      claimed: this.#claimedOpen + claimedCallbacks,
      inProgress: this.#blocked.get('IN_PROGRESS') ?? 0,
    };
  }

  // ------------------------------------------------------------------------------------------- internals

  #zone(place: LeadPlace): Zone {
    let z = this.#zones.get(place.key);
    if (!z) {
      z = {
        place,
        openMinute: Number.NaN,
        open: false,
        parked: null,
        readyLive: 0,
        sumPass: 0,
        sumReady: 0,
        sumPending: 0,
        sumFirst: 0,
      };
      this.#zones.set(place.key, z);
    }
    return z;
  }

  #attach(rec: Rec): void {
    if (rec.cb) {
      rec.loc = 'callback';
      const holder = rec.cb.agent ?? '';
      let set = this.#callbacks.get(holder);
      if (!set) {
        set = new Set();
        this.#callbacks.set(holder, set);
      }
      set.add(rec);
    } else if (rec.block) {
      rec.loc = 'blocked';
      this.#blocked.set(rec.block, (this.#blocked.get(rec.block) ?? 0) + 1);
    } else if (this.#claimed.has(rec.lead.rowId)) {
      rec.loc = 'claimed';
      this.#claimedOpen++;
    } else if (rec.readyAt <= this.#lastNow) {
      this.#toReady({ rec, ver: rec.ver });
    } else {
      rec.loc = 'pending';
      this.#pendingLive++;
      this.#pending.push({ rec, ver: rec.ver });
    }
  }

  #detach(rec: Rec): void {
    rec.ver++;
    switch (rec.loc) {
      case 'callback': {
        const holder = rec.cb?.agent ?? '';
        const set = this.#callbacks.get(holder);
        set?.delete(rec);
        if (set?.size === 0) this.#callbacks.delete(holder);
        break;
      }
      case 'blocked':
        if (rec.block) this.#blocked.set(rec.block, (this.#blocked.get(rec.block) ?? 1) - 1);
        break;
      case 'claimed':
        this.#claimedOpen--;
        break;
      case 'ready': {
        this.#readyLive--;
        const z = rec.zone;
        z.readyLive--;
        // The lead just picked is usually at the top: drop its entry now rather than on the next pick.
        if (this.#ready.peek()?.rec === rec) this.#ready.pop();
        if (this.#ready.size > 2 * this.#readyLive + 64) this.#ready.filter(live);
        if (z.parked && z.parked.length > 2 * z.readyLive + 16) z.parked = z.parked.filter(live);
        break;
      }
      case 'pending':
        this.#pendingLive--;
        if (this.#pending.size > 2 * this.#pendingLive + 64) this.#pending.filter(livePending);
        break;
    }
  }

  /** A ready entry into `ready`, or parked with its place when the place is known closed this minute. */
  #toReady(e: Entry): void {
    const z = e.rec.zone;
    e.rec.loc = 'ready';
    this.#readyLive++;
    z.readyLive++;
    if (z.openMinute === this.#pickMinute && !z.open) this.#park(z, e);
    else this.#ready.push(e);
  }

  #park(z: Zone, e: Entry): void {
    if (z.parked) z.parked.push(e);
    else {
      z.parked = [e];
      this.#parkedZones.add(z);
    }
  }

  /** The best ready lead of an open place at `now` (now ≥ every earlier pick's): the top of `ready`, once the
   *  entries of closed places above it are parked. At the first pick of a minute, the parked places whose
   *  window opened put their entries back. */
  #bestReady(now: number): Rec | null {
    const minute = Math.floor(now / 60_000);
    if (minute !== this.#pickMinute) {
      this.#pickMinute = minute;
      for (const z of this.#parkedZones) {
        if (!this.#open(z, now)) continue;
        for (const e of z.parked ?? []) if (live(e)) this.#ready.push(e);
        z.parked = null;
        this.#parkedZones.delete(z);
      }
    }
    for (;;) {
      const top = this.#peekLive(this.#ready);
      if (!top) return null;
      if (this.#open(top.rec.zone, now)) return top.rec;
      this.#ready.pop();
      this.#park(top.rec.zone, top);
    }
  }

  /** The best lead at a `now` earlier than the last pick's: every held lead looked at, nothing moved. */
  #bestByWalk(now: number): Rec | null {
    let best: Rec | null = null;
    for (const rec of this.#recs.values()) {
      if ((rec.loc !== 'ready' && rec.loc !== 'pending') || rec.readyAt > now) continue;
      if (best !== null && compareRecs(rec, best) >= 0) continue;
      if (this.#open(rec.zone, now)) best = rec;
    }
    return best;
  }

  #open(zone: Zone, now: number): boolean {
    const minute = Math.floor(now / 60_000);
    if (zone.openMinute !== minute) {
      zone.open = placeInWindow(this.#rules, zone.place, now);
      zone.openMinute = minute;
    }
    return zone.open;
  }

  #peekLive(heap: BinaryHeap<Entry>): Entry | undefined {
    for (;;) {
      const top = heap.peek();
      if (top === undefined || live(top)) return top;
      heap.pop();
    }
  }

  /** Moves leads whose retry delay ended by `now` (≥ the last) from pending to ready. */
  #advance(now: number): void {
    this.#lastNow = now;
    for (let next = this.#pending.peek(); next; next = this.#pending.peek()) {
      if (livePending(next) && next.rec.readyAt > now) break;
      this.#pending.pop();
      if (!livePending(next)) continue;
      this.#pendingLive--;
      this.#toReady(next);
    }
  }
}
