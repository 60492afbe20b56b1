// The periodic re-read of agent tabs (issue 3 "Re-sync"): a person may edit the sheet while a session sits
// in PAUSE or waits for a retry delay, and nothing else would read the tab until the next request. Every tick
// re-reads each tab that has an active session served by THIS instance, once per tab however many sessions
// or campaigns share it, all of a spreadsheet's tabs in one Sheets request, and rebuilds its caches with the same merge rule as POST /session/resync
// (service/merge.ts: the coordinator's unflushed writes keep their cells, everything else takes the sheet).
// A tab whose sheet values are identical to the read its index was built from is not rebuilt: its index is
// only reconciled with Redis (TabCache.refreshFrom says why that equals a rebuild) and no snapshot is saved.
// Rebuilds run one at a time, paced: at most one every PACE_MS (a turn of the event loop at least), and all
// of a tick's within a quarter of the refresh interval, so the minute's work on 500 tabs (their Redis reads,
// merges, index updates and the garbage they leave) is spread over ~10 s instead of crowding requests and
// the collector for 2-3 s (docs/performance.md "The tab refresh, paced"). A tab's decode into leads runs in
// its rebuild's slot (PacedSlots; the gateway's `decodeAfter`), not all 500 as the batched read arrives:
// decoded leads waiting up to 10 s for their rebuild were what the scavenges at the refresh copied and
// promoted (docs/performance.md "The refresh's decode in its rebuild's turn"). A tab waiting for its turn does
// not start a reload of its own (TabCache.refreshQueued), so pacing costs no Sheets read.
// Whether a served session is still active is asked of Redis (one HGETALL each) on every
// SESSION_CHECK_EVERY-th tick only: a session that STOPs through this instance is forgotten at once
// (ServiceContext.tabFor), so the check only finds those ended through another instance or vanished, whose
// tab is then read for at most that many more ticks (a share of one batched read, no harm). At 500
// sessions every tick's check was 500 sequential round trips at the refresh's start (8 commands a second).
// Reads go through the SheetsGateway, so the shared read quota and the Sheets breaker apply; a failed read
// keeps the cached tab, with one warning per spreadsheet and failure episode. Like resync, a refresh publishes no lead-change notice:
// those announce overlay writes, and every instance re-reads the tabs its own sessions use.
import type { ServiceContext } from './context.js';
import { PacedSlots } from './paced-slots.js';
import type { TabCache, TabRead, TabRefFull } from './tab-cache.js';

export interface TabRefreshReport {
  /** Tabs with at least one session served by this instance and not known to have ended. */
  tabs: number;
  /** Tabs re-read whose sheet changed since the read their index was built from. */
  refreshed: number;
  /** Of those, tabs whose rows were added, removed or moved: their index was built afresh (the others
   *  only merged their changed rows again). */
  rebuilt: number;
  /** Tabs re-read whose sheet was unchanged: the index was reconciled with Redis, not rebuilt, and no
   *  snapshot saved (TabCache.refreshFrom). */
  unchanged: number;
  /** Tabs left alone because a read of them was still running (never two at once). */
  busy: number;
  /** Tabs whose read failed (the cached tab is kept). */
  failed: number;
  /** Leads whose merged state changed, summed over the rebuilt caches. */
  changedLeads: number;
}

/** The refresh asks Redis whether its served sessions are still active on every this-many-th tick: every
 *  5 minutes at the default 60-s refresh. */
export const SESSION_CHECK_EVERY = 5;

/** The longest wait between two rebuilds of a tick (500 tabs: ~10 s), shortened so that a tick's rebuilds
 *  all start within a quarter of the refresh interval however many tabs there are. */
export const PACE_MS = 20;

/** The wait before each of a tick's `tabs` rebuilds (0: only a turn of the event loop). */
export function paceMs(tabs: number, refreshMs: number): number {
  return tabs > 0 ? Math.min(PACE_MS, refreshMs / 4 / tabs) : 0;
}

export class TabRefresher {
  readonly #ctx: ServiceContext;
  #ticks = 0;
  readonly #reading = new Set<string>();
  /** Spreadsheets whose last refresh failed: one warning per failure episode, not one per tick. */
  readonly #failing = new Set<string>();

  constructor(ctx: ServiceContext) {
    this.#ctx = ctx;
  }

  /**
   * One tick. Never throws: every failure is logged and counted in the report. The unflushed cells of
   * every tab are read first (Redis), then every tab's sheet read is asked for at once, so the gateway
   * serves a spreadsheet's tabs with one request (tab-reader.ts), not one per tab.
   */
  async refresh(now: number): Promise<TabRefreshReport> {
    const report: TabRefreshReport = {
      tabs: 0,
      refreshed: 0,
      rebuilt: 0,
      unchanged: 0,
      busy: 0,
      failed: 0,
      changedLeads: 0,
    };
    const due: { tag: string; caches: TabCache[]; ref: TabRefFull }[] = [];
    // Not on the first tick: every served session was noted active by a request since this instance began.
    const check = ++this.#ticks % SESSION_CHECK_EVERY === 0;
    for (const served of this.#ctx.servedTabs()) {
      const ref = served.caches[0]?.ref;
      if (!ref || (check && !(await this.#anyActive(served.tag, served.sessionIds)))) continue;
      report.tabs++;
      // A tick that finds the tab still being read (a slow read from the last tick, a resync, a lazy
      // reload) leaves it to that read: the newer one would race it for the index.
      if (this.#reading.has(served.tag) || served.caches.some((c) => c.loading)) {
        report.busy++;
        continue;
      }
      due.push({ tag: served.tag, caches: served.caches, ref });
    }
    for (const d of due) {
      this.#reading.add(d.tag);
      for (const c of d.caches) c.refreshQueued = true;
    }
    const gap = paceMs(due.length, this.#ctx.tabRefreshMs);
    try {
      const unflushed = await Promise.all(due.map((d) => this.#ctx.store.unflushedCells(d.tag)));
      const jobs = due.map((d, i) => ({
        ...d,
        unflushed: unflushed[i] ?? new Map<string, Set<number>>(),
      }));
      const failedSheets = new Map<string, string>();
      const okSheets = new Set<string>();
      // The reads run at once; the rebuilds run one at a time as their reads arrive, each after a turn of
      // the event loop and `gap` ms, so requests interleave with a long refresh instead of waiting for it.
      // A tab's first slot is taken before the gateway decodes it, so its decode runs in that slot too.
      const slots = new PacedSlots(gap);
      await Promise.all(
        jobs.map(async (d) => {
          // The slot the gateway's decode took, until the first cache's rebuild in it releases it.
          const slot: { release: (() => void) | null } = { release: null };
          try {
            const tab = await this.#ctx.sheets.readAgentTab(d.ref.spreadsheetId, d.ref.sheetId, {
              decodeAfter: async () => {
                slot.release = await slots.take();
              },
            });
            const read: TabRead = { readStartedAt: now, unflushed: d.unflushed, tab };
            let unchanged = true;
            let rebuilt = false;
            for (const cache of d.caches) {
              const mine = slot.release ?? (await slots.take());
              slot.release = null;
              try {
                const r = await cache.refreshFrom(read);
                report.changedLeads += r.changedLeads;
                if (!r.unchanged) unchanged = false;
                if (r.rebuilt) rebuilt = true;
              } finally {
                mine();
              }
            }
            if (unchanged) report.unchanged++;
            else report.refreshed++;
            if (rebuilt) report.rebuilt++;
            okSheets.add(d.ref.spreadsheetId);
          } catch (err) {
            slot.release?.();
            report.failed++;
            failedSheets.set(d.ref.spreadsheetId, err instanceof Error ? err.message : String(err));
          }
        }),
      );
      this.#logEpisodes(okSheets, failedSheets);
    } catch (err) {
      report.failed += due.length;
      this.#ctx.log.warn(
        { why: err instanceof Error ? err.message : String(err) },
        'periodic tab refresh failed',
      );
    } finally {
      for (const d of due) {
        this.#reading.delete(d.tag);
        for (const c of d.caches) c.refreshQueued = false;
      }
    }
    // One line a tick: what the refresh did and how long it took (its event-loop blocks are logged apart,
    // named "tab-refresh": metrics/loop-monitor.ts).
    if (report.tabs > 0) this.#ctx.log.info({ ...report, ms: this.#ctx.clock() - now }, 'tab refresh done');
    return report;
  }

  #logEpisodes(ok: Set<string>, failed: Map<string, string>): void {
    for (const [spreadsheetId, why] of failed) {
      if (this.#failing.has(spreadsheetId)) continue;
      this.#failing.add(spreadsheetId);
      this.#ctx.log.warn({ spreadsheetId, why }, 'periodic tab refresh failed: keeping the cached tabs');
    }
    for (const spreadsheetId of ok) {
      if (failed.has(spreadsheetId) || !this.#failing.delete(spreadsheetId)) continue;
      this.#ctx.log.info({ spreadsheetId }, 'periodic tab refresh recovered');
    }
  }
  /** Whether a served session of the tab is still active; ended or vanished ones are forgotten. */
  async #anyActive(tag: string, sessionIds: string[]): Promise<boolean> {
    let active = false;
    for (const id of sessionIds) {
      try {
        const s = await this.#ctx.store.getSession(tag, id);
        if (s && s.state !== 'STOP') active = true;
        else this.#ctx.forgetSession(tag, id);
      } catch (err) {
        // Redis unreachable: assume the session is still there (a refresh is harmless, forgetting is not).
        this.#ctx.log.warn({ err, tag }, 'could not check a session before the tab refresh');
        active = true;
      }
    }
    return active;
  }
}
