// One agent tab as this coordinator instance sees it: the sheet rows last read, merged with the Redis
// overlay (service/merge.ts), in an in-memory PolicyIndex that answers "what next" without a scan.
// The index may lag behind Redis (another instance dialed or disposed a lead): every write is a Lua
// compare-and-set on the lead's version, so a stale pick is refused and the lead is refreshed here.
import type { CallbackColumns } from '../../../src-shared/domain/callback.js';
import type { CampaignRules } from '../../../src-shared/domain/campaign.js';
import { isDomainError } from '../../../src-shared/domain/errors.js';
import type { Lead } from '../../../src-shared/domain/lead.js';
import { PolicyIndex } from '../../../src-shared/domain/policy/index.js';
import { phonePlaces } from '../compliance/phone-places.js';
import type { Logger } from '../logger.js';
import type { AgentTab, SheetsGateway } from '../ports.js';
import type { TabSnapshotStore } from '../sheets/tab-snapshots.js';
import { leadFromHash } from '../store/codec.js';
import type { LeadOverlay, LeadOwnedState, Store } from '../store/types.js';
import { mergeLead } from './merge.js';

export interface TabRefFull {
  tag: string;
  spreadsheetId: string;
  sheetId: number;
  tabTitle: string;
}

/** One read of a tab for the merge: the unflushed cells (read FIRST) and then the sheet rows. One read can
 *  feed every cache of the tab (one per campaign), so a periodic refresh costs one Sheets read per tab. */
export interface TabRead {
  readStartedAt: number;
  unflushed: Map<string, Set<number>>;
  tab: AgentTab;
}

/** Reads a tab in the order the merge rule needs: unflushed cells before the sheet (service/merge.ts). */
export async function readTab(
  deps: { store: Store; sheets: SheetsGateway },
  ref: TabRefFull,
  now: number,
): Promise<TabRead> {
  const unflushed = await deps.store.unflushedCells(ref.tag);
  const tab = await deps.sheets.readAgentTab(ref.spreadsheetId, ref.sheetId);
  return { readStartedAt: now, unflushed, tab };
}

/**
 * Whether two JSON-like values (leads as decoded and merged) are equal as JSON.stringify would render them
 * (a key whose value is undefined counts as absent), without building the strings: comparing two strings
 * per lead on every rebuild was ~1 ms per 100-lead tab.
 */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameJson(a[i] ?? null, b[i] ?? null)) return false;
    return true;
  }
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  let na = 0;
  for (const k in ra) {
    if (!Object.hasOwn(ra, k) || ra[k] === undefined) continue;
    na++;
    if (!Object.hasOwn(rb, k) || !sameJson(ra[k], rb[k])) return false;
  }
  let nb = 0;
  for (const k in rb) if (Object.hasOwn(rb, k) && rb[k] !== undefined) nb++;
  return na === nb;
}

/** The leads finished for good (not workable any more), as the stats count them. */
const FINISHED_BLOCKS = ['SIBLING_CORRECT', 'DO_NOT_CALL', 'MAX_ATTEMPTS', 'NO_OPEN_NUMBERS'] as const;

/** A tab snapshot whose sheet is unchanged is rewritten at most this often (it expires after 7 days). */
const SNAPSHOT_RESAVE_MS = 24 * 3600_000;

/**
 * A tab whose sheet changed is re-saved at most this often. A snapshot only lets a cold instance start
 * without Sheets: merged with the overlay, every write of ours since it was read still wins (merge.ts), and
 * the instance re-reads the tab in the background as soon as the snapshot is older than the refresh
 * interval. Re-saving every changed tab on every tick (500 tabs: ~75 MB a minute of JSON through the
 * event loop, into Redis and its AOF) bought nothing a cold instance needs.
 */
export const SNAPSHOT_CHANGED_RESAVE_MS = 10 * 60_000;

/**
 * How far before its previous overlay read a refresh re-reads overlays (TabCache.refreshFrom). An overlay's
 * index score is the writing instance's `now`, taken when its request began: a write that commits after
 * our previous read began can carry a score earlier than that read by the writer's clock skew plus its
 * request's duration (a dial waits on Dialpad). Two minutes covers both with room; a write older than
 * that is in the previous read. The cost is re-reading the overlays of the last two minutes, not the day's.
 */
export const OVERLAY_READ_MARGIN_MS = 2 * 60_000;

export interface LoadResult {
  leadsTotal: number;
  changedLeads: number;
  /** refreshFrom only: the sheet was unchanged, so the index was reconciled rather than rebuilt. */
  unchanged?: boolean;
  /** refreshFrom only: rows were added, removed or moved, so the index was built afresh. */
  rebuilt?: boolean;
}

function sameCells(a: ReadonlySet<number> | undefined, b: ReadonlySet<number> | undefined): boolean {
  if (!a?.size || !b?.size) return !a?.size && !b?.size;
  if (a.size !== b.size) return false;
  for (const c of a) if (!b.has(c)) return false;
  return true;
}

/**
 * The leads of `next` that are not the very objects of `prev`, when both list the same RowIDs on the same
 * rows (a decode that reused its unchanged rows: google-sheets-gateway.ts); null when rows were added,
 * removed or moved (the index is then rebuilt).
 */
export function changedLeadsOf(prev: AgentTab, next: AgentTab): Map<string, Lead> | null {
  if (prev.leads.length !== next.leads.length) return null;
  const out = new Map<string, Lead>();
  for (let i = 0; i < next.leads.length; i++) {
    const a = prev.leads[i] as Lead;
    const b = next.leads[i] as Lead;
    if (a === b) continue;
    if (a.rowId !== b.rowId || a.rowNumber !== b.rowNumber) return null;
    out.set(b.rowId, b);
  }
  return out;
}

export interface IndexedLead {
  lead: Lead;
  /** Overlay version the lead was merged from (the compare-and-set token; 0 = no overlay). */
  version: number;
}

/** An overlay write of this instance (TabCache.noteOwnWrite). */
interface OwnWrite {
  version: number;
  writtenAt: number;
  /** The owned state written, by a write that left the lead unclaimed (a disposition); absent: unknown. */
  state?: LeadOwnedState | undefined;
}

export class TabCache {
  readonly ref: TabRefFull;
  readonly rules: CampaignRules;
  index: PolicyIndex;
  loadedAt = 0;
  #sheetLeads = new Map<string, Lead>();
  #versions = new Map<string, number>();
  #unflushed = new Map<string, Set<number>>();
  #readStartedAt = 0;
  /** readStartedAt of the last read of the tab's overlays that succeeded (0: none, the next read is full). */
  #overlaysReadAt = 0;
  /** This instance's committed overlay writes (noteOwnWrite) that a refresh may still list as written
   *  since its previous read: row -> the version written, its index score (the script's `now`) and, when
   *  the write released the claim, the owned state written. */
  #ownWrites = new Map<string, OwnWrite>();
  /** The decoded sheet the index was last built from (null before the first load). The gateway returns the
   *  same object for a tab whose title and cells are unchanged (google-sheets-gateway.ts). */
  #tab: AgentTab | null = null;
  /** Where the tab's CallbackAt / CallbackAgent columns were in the last read (null: no callbacks). */
  callbackColumns: CallbackColumns | null = null;
  /** When a snapshot of this tab was last saved by this cache (readStartedAt of that read). */
  #snapshotSavedAt = 0;
  #loading: Promise<LoadResult> | null = null;
  /** Set by the periodic refresh while this tab waits for its paced turn (tab-refresh.ts): its read is on
   *  the way, so a request finding the index older than the refresh interval starts no reload of its own. */
  refreshQueued = false;
  /** Background refreshes that failed in a row (the current failure episode) and when to try again. */
  #failures = 0;
  #retryAt = 0;

  constructor(
    private readonly deps: {
      store: Store;
      sheets: SheetsGateway;
      logger: Logger;
      /** The last read of the tab in Redis: a cold cache starts from it instead of waiting on Sheets. */
      snapshots?: TabSnapshotStore | undefined;
    },
    ref: TabRefFull,
    rules: CampaignRules,
  ) {
    this.ref = ref;
    this.rules = rules;
    this.index = new PolicyIndex(rules, phonePlaces);
  }

  /** True while a (re)load is running: a periodic refresh leaves the tab to it. */
  get loading(): boolean {
    return this.#loading !== null;
  }

  /** (Re)reads the tab and the overlay and rebuilds the index. Concurrent calls share one load. A cold
   *  cache with a snapshot in Redis starts from it (no Sheets read; an old one is re-read in the background
   *  by refreshIfStale). */
  load(now: number, alreadyRead?: AgentTab): Promise<LoadResult> {
    return this.#share(async () => {
      if (!alreadyRead && this.loadedAt === 0) {
        const snap = await this.#snapshot();
        if (snap) return this.#rebuild(snap, false);
      }
      // Unflushed cells are read BEFORE the sheet: a write flushed after this point is either in the read
      // or still counted as ours, never lost between the two.
      if (!alreadyRead) return this.#rebuild(await readTab(this.deps, this.ref, now), true);
      const unflushed = await this.deps.store.unflushedCells(this.ref.tag);
      return this.#rebuild({ readStartedAt: now, unflushed, tab: alreadyRead }, true);
    });
  }

  async #snapshot(): Promise<TabRead | null> {
    try {
      return (await this.deps.snapshots?.load(this.ref.tag)) ?? null;
    } catch (err) {
      this.deps.logger.warn(
        { tag: this.ref.tag, why: err instanceof Error ? err.message : String(err) },
        'tab snapshot unreadable: reading the sheet',
      );
      return null;
    }
  }

  /**
   * Starts a background reload when the index is older than `maxAgeMs`, unless one is running or the last
   * one failed less than a backoff ago (2 s doubling to 60 s): requests touching a stale tab while Sheets
   * is down or the read budget is spent never each start a reload. One warning, without a stack, opens a
   * failure episode; the recovery is logged once.
   */
  refreshIfStale(now: number, maxAgeMs: number): void {
    if (
      this.loadedAt === 0 ||
      now - this.loadedAt <= maxAgeMs ||
      this.#loading ||
      this.refreshQueued ||
      now < this.#retryAt
    )
      return;
    this.load(now).then(
      () => {
        if (this.#failures > 0) {
          this.deps.logger.info(
            { tag: this.ref.tag, failures: this.#failures },
            'background tab reload recovered',
          );
        }
        this.#failures = 0;
        this.#retryAt = 0;
      },
      (err: unknown) => {
        this.#failures += 1;
        this.#retryAt = now + Math.min(60_000, 2000 * 2 ** (this.#failures - 1));
        const why = err instanceof Error ? err.message : String(err);
        if (this.#failures === 1) {
          this.deps.logger.warn(
            { tag: this.ref.tag, why },
            'background tab reload failed: keeping the cached tab',
          );
        } else {
          this.deps.logger.debug(
            { tag: this.ref.tag, why, failures: this.#failures },
            'background tab reload failed again',
          );
        }
      },
    );
  }

  /** Rebuilds the index from a read made by readTab (shared by every cache of the tab). */
  loadFrom(read: TabRead): Promise<LoadResult> {
    return this.#share(() => this.#rebuild(read, true));
  }

  /**
   * The periodic refresh's entry: like loadFrom, except that a read whose sheet values are identical to the
   * read the index was built from (the gateway handed back the same decoded tab: its title and cells are
   * unchanged) does not rebuild the index. `unchanged` says so. (A cache started from a Redis snapshot
   * holds another object, so its first refresh rebuilds.)
   *
   * Why skipping is safe (docs/coordinator-state.md "Merge rule"): a lead's merged state is a function of
   * its sheet row, its overlay, the read's start time and the cells unflushed then. The sheet rows are the
   * same, so only leads whose other inputs changed can merge differently, and #reconcile
   * re-merges exactly those with the new read's context: an overlay written since the last read began (our
   * own writes, another instance's, a missed lead notice), a version the index does not hold, or a different
   * set of unflushed cells (a cell unflushed then and flushed now either changed the sheet's value, and the
   * tab is rebuilt, or wrote the value the sheet already had, which the re-merge takes from the sheet).
   * Claims are re-read for every lead as the rebuild does (an expired lease publishes no notice). Every other
   * lead would merge to what the index already holds, so the result equals a rebuild's.
   */
  refreshFrom(read: TabRead): Promise<LoadResult> {
    return this.#share(async () => {
      if (this.loadedAt > 0 && this.#tab === read.tab) {
        return { ...(await this.#reconcile(read, null)), unchanged: true };
      }
      // The same rows in the same places, some of them changed: the gateway decoded only those (their Lead
      // objects are new, the others are the very objects this index was built from), so only those are
      // merged again, and the rest is reconciled as for an unchanged sheet.
      const changedRows = this.#tab && this.loadedAt > 0 ? changedLeadsOf(this.#tab, read.tab) : null;
      if (changedRows) return { ...(await this.#reconcile(read, changedRows)), unchanged: false };
      return { ...(await this.#rebuild(read, true)), unchanged: false, rebuilt: true };
    });
  }

  /** Reconciles the index with Redis for a read whose sheet rows are those the index holds, except the
   *  leads in `changedRows` (merged again from the read's rows; null: no row changed). */
  async #reconcile(
    read: TabRead,
    changedRows: ReadonlyMap<string, Lead> | null,
  ): Promise<{ leadsTotal: number; changedLeads: number }> {
    const { store } = this.deps;
    const { readStartedAt, unflushed } = read;
    const since = this.#overlaysReadAt;
    let overlays: Map<string, LeadOverlay | null>;
    let claims: Map<string, string>;
    let claimRows: string[];
    try {
      overlays = await this.#overlaysFor(since, changedRows, unflushed);
      const toRead = this.#claimRowsToRead(since, overlays);
      claims = await store.claimsOf(this.ref.tag, toRead, readStartedAt);
      claimRows = [...toRead];
      for (const [rowId, o] of overlays) {
        if (!o) continue;
        claimRows.push(rowId); // its claim came with the overlay (the same hash)
        if (o.claim && o.claim.expiresAt > readStartedAt) claims.set(rowId, o.claim.owner);
      }
    } catch (err) {
      this.#overlaysReadAt = 0; // the next refresh reads every overlay again
      throw err;
    }
    this.#overlaysReadAt = readStartedAt;
    const oldReadStartedAt = this.#readStartedAt;
    const oldUnflushed = this.#unflushed;
    this.#readStartedAt = readStartedAt;
    this.#unflushed = unflushed;
    this.loadedAt = readStartedAt;
    if (changedRows) {
      for (const [rowId, lead] of changedRows) this.#sheetLeads.set(rowId, lead);
      this.#tab = read.tab;
      this.callbackColumns = read.tab.callbackColumns ?? null;
    }
    let changed = 0;
    const claimed = new Set(claimRows);
    for (const rowId of this.#sheetLeads.keys()) {
      const held = this.#versions.get(rowId);
      const read = overlays.get(rowId);
      // An incremental read lists only the overlays written lately: a lead with an overlay that is not
      // among them kept the version held (#overlaysFor read those that must be merged again).
      if (since > 0 && read === undefined && held !== undefined && held > 0) {
        if (claimed.has(rowId)) this.index.setClaimed(rowId, claims.has(rowId));
        continue;
      }
      const overlay = read ?? null;
      const version = overlay?.version ?? 0;
      // A write applied here while the overlays were being read is newer than what was read: keep it. (Its
      // overlay was written after this read began, so the next refresh merges it with the sheet row again.)
      if (held !== undefined && held > version) continue;
      const same =
        !changedRows?.has(rowId) &&
        held === version &&
        (overlay === null ||
          (overlay.updatedAt < oldReadStartedAt && sameCells(oldUnflushed.get(rowId), unflushed.get(rowId))));
      if (!same) {
        const before = this.index.get(rowId);
        const entry = this.#mergeOne(rowId, overlay);
        if (entry && (!before || !sameJson(before, entry.lead))) changed++;
      }
      if (claimed.has(rowId)) this.index.setClaimed(rowId, claims.has(rowId));
    }
    const resaveMs = changedRows ? SNAPSHOT_CHANGED_RESAVE_MS : SNAPSHOT_RESAVE_MS;
    if (readStartedAt - this.#snapshotSavedAt >= resaveMs) this.#saveSnapshot(read);
    return { leadsTotal: this.index.size(), changedLeads: changed };
  }

  /**
   * The overlays #reconcile needs (null: read, and there is none). Without a previous read (`since` 0): every overlay of the tab. Otherwise
   * only those written since OVERLAY_READ_MARGIN_MS before it (a day's old overlays are not read again
   * every minute), plus the current overlay of each lead not among them that is merged again anyway: its
   * sheet row changed, its unflushed cells differ, or the index holds no version of it.
   */
  async #overlaysFor(
    since: number,
    changedRows: ReadonlyMap<string, Lead> | null,
    unflushed: ReadonlyMap<string, Set<number>>,
  ): Promise<Map<string, LeadOverlay | null>> {
    const { store } = this.deps;
    const tag = this.ref.tag;
    if (since === 0) return new Map((await store.getLeads(tag)).map((o) => [o.rowId, o]));
    const from = since - OVERLAY_READ_MARGIN_MS;
    for (const [rowId, w] of this.#ownWrites) if (w.writtenAt <= from) this.#ownWrites.delete(rowId);
    // Not read again: an overlay this instance wrote whose index score and version are still exactly the
    // ones it wrote and holds (another instance's write moves the score: its own `now`). Written with a
    // known state (a disposition: claim released), it is the overlay the read would return, built by the
    // same codec. Otherwise only one written before the previous read began (the margin's re-reads):
    // #reconcile finds it `same` (held version, written before that read) unless its sheet row or unflushed
    // cells changed, and then the loop below reads it; its claim is read as any other lead's (claimsOf,
    // when the index holds it claimed). Either way it merges as if read.
    const known: LeadOverlay[] = [];
    const own = (rowId: string, writtenAt: number): boolean => {
      const w = this.#ownWrites.get(rowId);
      if (!w || w.writtenAt !== writtenAt || this.#versions.get(rowId) !== w.version) return false;
      if (w.state) {
        const o = leadFromHash(rowId, {
          v: String(w.version),
          s: JSON.stringify(w.state),
          u: String(writtenAt),
          c: '',
        });
        if (o) known.push(o);
        return o !== null;
      }
      return writtenAt < this.#readStartedAt;
    };
    const overlays = new Map<string, LeadOverlay | null>(
      (await store.getLeadsWrittenSince(tag, from, own)).map((o) => [o.rowId, o]),
    );
    for (const o of known) overlays.set(o.rowId, o);
    const more: string[] = [];
    for (const rowId of this.#sheetLeads.keys()) {
      if (overlays.has(rowId)) continue;
      const held = this.#versions.get(rowId);
      if (held === 0) continue; // no overlay then, none written since (it would be in the read)
      if (
        held === undefined ||
        changedRows?.has(rowId) ||
        !sameCells(this.#unflushed.get(rowId), unflushed.get(rowId))
      )
        more.push(rowId);
    }
    if (more.length === 0) return overlays;
    for (const rowId of more) overlays.set(rowId, null); // read: none (unless the read below finds one)
    for (const o of await store.getLeadsOf(tag, more)) overlays.set(o.rowId, o);
    return overlays;
  }

  /**
   * The leads whose claim #reconcile reads on its own (a claim is a field of the lead hash: one HGET each);
   * an overlay read now brought its lead's claim with it (the same hash). Without a previous read, every
   * other lead. Otherwise the leads the index holds as claimed (a lease may have ended or been released
   * without a notice reaching this instance) and those read without an overlay. A claim taken elsewhere
   * without an overlay write (a preview's) whose notice was lost is not seen until then; the scripts still
   * refuse to dial it (-5).
   */
  #claimRowsToRead(since: number, overlays: ReadonlyMap<string, LeadOverlay | null>): string[] {
    const rows = [...this.#sheetLeads.keys()].filter((rowId) => !overlays.get(rowId));
    if (since === 0) return rows;
    return rows.filter((rowId) => overlays.has(rowId) || this.index.isClaimed(rowId));
  }

  #share(run: () => Promise<LoadResult>): Promise<LoadResult> {
    if (!this.#loading) {
      this.#loading = run().finally(() => {
        this.#loading = null;
      });
    }
    return this.#loading;
  }

  async #rebuild(read: TabRead, fromSheet: boolean): Promise<{ leadsTotal: number; changedLeads: number }> {
    const { store } = this.deps;
    const { readStartedAt, unflushed, tab } = read;
    const overlays = new Map((await store.getLeads(this.ref.tag)).map((o) => [o.rowId, o]));
    const claims = await store.claimsOf(
      this.ref.tag,
      tab.leads.map((l) => l.rowId),
      readStartedAt,
    );

    const index = new PolicyIndex(this.rules, phonePlaces);
    const versions = new Map<string, number>();
    let changed = 0;
    for (const sheetLead of tab.leads) {
      const overlay = overlays.get(sheetLead.rowId) ?? null;
      const lead = mergeLead(sheetLead, overlay, {
        readStartedAt,
        unflushed: unflushed.get(sheetLead.rowId) ?? new Set(),
      });
      if (!this.#upsert(index, lead)) continue;
      versions.set(lead.rowId, overlay?.version ?? 0);
      if (claims.has(lead.rowId)) index.setClaimed(lead.rowId, true);
      const before = this.index.get(lead.rowId);
      if (this.loadedAt > 0 && (!before || !sameJson(before, lead))) changed++;
    }
    this.#sheetLeads = new Map(tab.leads.map((l) => [l.rowId, l]));
    this.#unflushed = unflushed;
    this.#readStartedAt = readStartedAt;
    this.#tab = tab;
    this.callbackColumns = tab.callbackColumns ?? null;
    this.#versions = versions;
    this.#overlaysReadAt = readStartedAt;
    this.index = index;
    this.loadedAt = readStartedAt;
    if (!fromSheet)
      this.#snapshotSavedAt = readStartedAt; // started from the saved snapshot itself
    else if (
      this.#snapshotSavedAt === 0 ||
      readStartedAt - this.#snapshotSavedAt >= SNAPSHOT_CHANGED_RESAVE_MS
    )
      this.#saveSnapshot(read);
    return { leadsTotal: index.size(), changedLeads: changed };
  }

  #saveSnapshot(read: TabRead): void {
    if (!this.deps.snapshots) return;
    this.#snapshotSavedAt = read.readStartedAt;
    this.deps.snapshots.save(this.ref.tag, read).catch((err: unknown) => {
      this.deps.logger.warn(
        { tag: this.ref.tag, why: err instanceof Error ? err.message : String(err) },
        'tab snapshot not saved',
      );
    });
  }

  #upsert(index: PolicyIndex, lead: Lead): boolean {
    try {
      index.upsert(lead);
      return true;
    } catch (err) {
      if (!isDomainError(err)) throw err;
      this.deps.logger.warn({ rowId: lead.rowId, code: err.code }, 'lead left out of the dialing index');
      return false;
    }
  }

  get(rowId: string): IndexedLead | null {
    const lead = this.index.get(rowId);
    return lead ? { lead, version: this.#versions.get(rowId) ?? 0 } : null;
  }

  /** Merges one lead's current overlay and claim (after a conflict or another instance's notice). */
  async refreshLead(rowId: string): Promise<IndexedLead | null> {
    const [overlay, claims] = await Promise.all([
      this.deps.store.getLead(this.ref.tag, rowId),
      this.deps.store.claimsOf(this.ref.tag, [rowId], Date.now()),
    ]);
    const entry = this.#mergeOne(rowId, overlay);
    this.index.setClaimed(rowId, claims.has(rowId));
    return entry;
  }

  #mergeOne(rowId: string, overlay: LeadOverlay | null): IndexedLead | null {
    const sheetLead = this.#sheetLeads.get(rowId);
    if (!sheetLead) return null; // not in our read of the sheet: the next resync brings it in
    const lead = mergeLead(sheetLead, overlay, {
      readStartedAt: this.#readStartedAt,
      unflushed: this.#unflushed.get(rowId) ?? new Set(),
    });
    if (!this.#upsert(this.index, lead)) return null;
    const version = overlay?.version ?? 0;
    this.#versions.set(rowId, version);
    return { lead, version };
  }

  /** Records our own successful write (the script returned the new version). */
  applyWrite(lead: Lead, version: number, claimed: boolean): void {
    if (!this.#upsert(this.index, lead)) return;
    this.#versions.set(lead.rowId, version);
    this.index.setClaimed(lead.rowId, claimed);
  }

  /** A committed write of this instance: the lead's overlay is at `version`, its index score `writtenAt`
   *  (the `now` the script was given), and `state` its owned state when the write left no claim (a
   *  disposition). A refresh need not read it again while both still hold (#overlaysFor). */
  noteOwnWrite(rowId: string, version: number, writtenAt: number, state?: LeadOwnedState): void {
    this.#ownWrites.set(rowId, { version, writtenAt, state });
  }

  /** Leads still workable (not finished for good) and the total, for stats. The finished reasons are
   *  static blocks the index counts as they change: no summary (a walk over every lead of the tab with
   *  window checks, on every STATS event: two or three per call). */
  counts(): { remaining: number; total: number } {
    let done = 0;
    for (const reason of FINISHED_BLOCKS) done += this.index.blockedLeads(reason);
    const total = this.index.size();
    return { remaining: Math.max(0, total - done), total };
  }
}
