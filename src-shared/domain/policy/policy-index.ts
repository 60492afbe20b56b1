// The policy index: the same rules and order as the scan (lead-rules.ts), answered in O(P · log n) per
// pick, where P is the number of places among the leads (distinct zone sets and regions, a few dozen at
// most, whatever n), by keeping the leads apart:
//  - leads that can never be dialed as they stand (CORRECT number, max attempts, no open number, a call
//    in progress) are only counted, per reason;
//  - claimed leads are only counted (setClaimed moves a lead out of / back into the heaps);
//  - every other lead sits in its place's `ready` heap (a retry-ready number exists at the last time we
//    looked), ordered by priority, or its place's `pending` heap, ordered by readyAt. A pick first moves
//    the pending leads whose delay has ended into `ready` (O(log n) each, once), then looks at the top of
//    `ready` of every place that is inside its calling window (one window check per place, not per lead).
// A lead's place (lead-rules.ts leadPlace) comes from its numbers through `placeOf` (phone data the caller
// resolved at the edge), so the index itself stays pure.
// Heap entries are invalidated lazily (each record has a version); stale entries are dropped when they
// reach the top and the heaps are compacted when more than half their entries are stale.
// `now` is expected to move forward; if it goes back, the heaps are rebuilt (correct, O(n log n)).
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
  comparePriority,
  type LeadPlace,
  leadPlace,
  leadReadyAt,
  type StaticBlock,
  staticBlock,
} from './lead-rules.js';
import type { PolicyExplain, PolicyPick, PolicySummary, ReasonCount } from './types.js';
import { placeInWindow, placeOpenFrom } from './window.js';

interface Rec {
  lead: Lead;
  readyAt: number;
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
  ready: BinaryHeap<Entry>;
  pending: BinaryHeap<Entry>;
  readyLive: number;
  pendingLive: number;
}

const live = (e: Entry) => e.ver === e.rec.ver;
const byPriority = (a: Entry, b: Entry) => comparePriority(a.rec, b.rec);
const byReadyAt = (a: Entry, b: Entry) =>
  a.rec.readyAt !== b.rec.readyAt ? (a.rec.readyAt < b.rec.readyAt ? -1 : 1) : comparePriority(a.rec, b.rec);

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
  #lastNow = Number.NEGATIVE_INFINITY;

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
    const place = leadPlace(lead, this.#rules, this.#placeOf);
    const cb = callbackPlan(lead, this.#rules, this.#placeOf);
    const old = this.#recs.get(lead.rowId);
    if (old) this.#detach(old);
    const rec: Rec = {
      lead,
      readyAt: leadReadyAt(lead, this.#rules, place.unknownSlots),
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
    this.#advance(now);
    // No callback on the tab (the usual case): nothing to look at, no allocation on the hot path.
    const due = this.#callbacks.size > 0 ? this.#dueCallback(input.agent, now) : null;
    if (due?.cb) return { kind: 'pick', lead: due.lead, numberIndex: due.cb.slot };
    let best: Entry | null = null;
    for (const zone of this.#zones.values()) {
      if (zone.readyLive === 0) continue;
      if (!this.#open(zone, now)) continue;
      const top = this.#peek(zone.ready);
      if (top && (best === null || byPriority(top, best) < 0)) best = top;
    }
    if (best) {
      const numberIndex = chooseNumber(best.rec.lead, this.#rules, now, best.rec.unknownSlots);
      if (numberIndex !== null) return { kind: 'pick', lead: best.rec.lead, numberIndex };
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
   *  for another agent count as claimed; one not yet due as RETRY_PENDING). O(Z + reasons + callbacks). */
  summary(now: number, agent?: string): PolicySummary {
    this.#advance(now);
    const counts = new Map<BlockReason, number>();
    const add = (r: BlockReason, n: number) => n > 0 && counts.set(r, (counts.get(r) ?? 0) + n);
    for (const [block, n] of this.#blocked) if (block !== 'IN_PROGRESS') add(block, n);
    let dialable = 0;
    let next: number | null = null;
    const consider = (at: number | null) => {
      if (at !== null && (next === null || at < next)) next = at;
    };
    const rules = this.#rules;
    for (const zone of this.#zones.values()) {
      if (zone.readyLive === 0 && zone.pendingLive === 0) continue;
      const open = this.#open(zone, now);
      if (open) {
        dialable += zone.readyLive;
        add('RETRY_PENDING', zone.pendingLive);
      } else add('OUTSIDE_WINDOW', zone.readyLive + zone.pendingLive);
      if (zone.readyLive > 0) consider(open ? now : placeOpenFrom(rules, zone.place, now));
      const firstPending = this.#peek(zone.pending);
      if (firstPending) consider(placeOpenFrom(rules, zone.place, Math.max(firstPending.rec.readyAt, now)));
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
        ready: new BinaryHeap<Entry>(byPriority),
        pending: new BinaryHeap<Entry>(byReadyAt),
        readyLive: 0,
        pendingLive: 0,
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
      rec.loc = 'ready';
      rec.zone.readyLive++;
      rec.zone.ready.push({ rec, ver: rec.ver });
    } else {
      rec.loc = 'pending';
      rec.zone.pendingLive++;
      rec.zone.pending.push({ rec, ver: rec.ver });
    }
  }

  #detach(rec: Rec): void {
    rec.ver++;
    const z = rec.zone;
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
      case 'ready':
        z.readyLive--;
        // The lead just picked is usually at the top: drop its entry now rather than on the next pick.
        if (z.ready.peek()?.rec === rec) z.ready.pop();
        if (z.ready.size > 2 * z.readyLive + 64) z.ready.filter(live);
        break;
      case 'pending':
        z.pendingLive--;
        if (z.pending.size > 2 * z.pendingLive + 64) z.pending.filter(live);
        break;
    }
  }

  #open(zone: Zone, now: number): boolean {
    const minute = Math.floor(now / 60_000);
    if (zone.openMinute !== minute) {
      zone.open = placeInWindow(this.#rules, zone.place, now);
      zone.openMinute = minute;
    }
    return zone.open;
  }

  #peek(heap: BinaryHeap<Entry>): Entry | undefined {
    for (;;) {
      const top = heap.peek();
      if (top === undefined || live(top)) return top;
      heap.pop();
    }
  }

  /** Moves leads whose retry delay ended by `now` from pending to ready (rebuilds if time went back). */
  #advance(now: number): void {
    if (now < this.#lastNow) {
      this.#lastNow = now;
      for (const z of this.#zones.values()) {
        const entries = [...z.ready.toArray(), ...z.pending.toArray()].filter(live);
        z.ready.clear();
        z.pending.clear();
        z.readyLive = 0;
        z.pendingLive = 0;
        for (const e of entries) {
          e.rec.ver++;
          this.#attach(e.rec);
        }
      }
      return;
    }
    this.#lastNow = now;
    for (const z of this.#zones.values()) {
      if (z.pendingLive === 0) continue;
      for (let top = this.#peek(z.pending); top && top.rec.readyAt <= now; top = this.#peek(z.pending)) {
        z.pending.pop();
        z.pendingLive--;
        z.readyLive++;
        top.rec.loc = 'ready';
        z.ready.push(top);
      }
    }
  }
}
