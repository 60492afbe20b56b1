// The periodic re-read of agent tabs (issue 3 "Re-sync"): a person may edit the sheet while a session sits
// in PAUSE or waits for a retry delay, and nothing else would read the tab until the next request. Every tick
// re-reads each tab that has an active session served by THIS instance, once per tab however many sessions
// or campaigns share it, and rebuilds its caches with the same merge rule as POST /session/resync
// (service/merge.ts: the coordinator's unflushed writes keep their cells, everything else takes the sheet).
// Reads go through the SheetsGateway, so the shared read quota and the Sheets breaker apply; a failed read
// logs a warning and the cached tab stays as it was. Like resync, a refresh publishes no lead-change notice:
// those announce overlay writes, and every instance re-reads the tabs its own sessions use.
import type { ServiceContext } from './context.js';
import { readTab, type TabCache } from './tab-cache.js';

export interface TabRefreshReport {
  /** Tabs with at least one active session served by this instance. */
  tabs: number;
  /** Tabs re-read and rebuilt this tick. */
  refreshed: number;
  /** Tabs left alone because a read of them was still running (never two at once). */
  busy: number;
  /** Tabs whose read failed (the cached tab is kept). */
  failed: number;
  /** Leads whose merged state changed, summed over the rebuilt caches. */
  changedLeads: number;
}

/** How many tabs are read at once: a burst of reads would only queue on the shared read quota. */
const PARALLEL_READS = 4;

export class TabRefresher {
  readonly #ctx: ServiceContext;
  readonly #reading = new Set<string>();

  constructor(ctx: ServiceContext) {
    this.#ctx = ctx;
  }

  /** One tick. Never throws: every failure is per tab, logged, and counted in the report. */
  async refresh(now: number): Promise<TabRefreshReport> {
    const report: TabRefreshReport = { tabs: 0, refreshed: 0, busy: 0, failed: 0, changedLeads: 0 };
    const queue = this.#ctx.servedTabs();
    const worker = async () => {
      for (let next = queue.shift(); next; next = queue.shift()) await this.#refreshTab(next, now, report);
    };
    await Promise.all(Array.from({ length: PARALLEL_READS }, worker));
    return report;
  }

  async #refreshTab(
    served: { tag: string; sessionIds: string[]; caches: TabCache[] },
    now: number,
    report: TabRefreshReport,
  ): Promise<void> {
    const { tag, caches } = served;
    const ref = caches[0]?.ref;
    if (!ref || !(await this.#anyActive(tag, served.sessionIds))) return;
    report.tabs++;
    // A tick that finds the tab still being read (a slow read from the last tick, a resync, a lazy reload)
    // leaves it to that read: the newer one would cost quota and race it for the index.
    if (this.#reading.has(tag) || caches.some((c) => c.loading)) {
      report.busy++;
      return;
    }
    this.#reading.add(tag);
    try {
      const read = await readTab(this.#ctx, ref, now);
      for (const cache of caches) report.changedLeads += (await cache.loadFrom(read)).changedLeads;
      report.refreshed++;
    } catch (err) {
      report.failed++;
      this.#ctx.log.warn({ err, tag }, 'periodic tab refresh failed: keeping the cached tab');
    } finally {
      this.#reading.delete(tag);
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
