// Every agent's live row, on each coordinator instance, folded from the bus notices every instance receives
// (no per-agent Redis polling, nothing per viewer): the router's agents start NOT_STARTED, events move them,
// and a one-time seed from the store fills in sessions that began before this instance started. Also counts
// dispositions per campaign and UTC hour (the STATS deltas). Remembers which rows changed since the last
// take(), so the console sends diffs.
import type { DispositionCounts } from '../../../src-shared/contracts/supervisor.js';
import { emptyDispositionCounts } from '../../../src-shared/contracts/supervisor.js';
import {
  type AgentLive,
  applyLiveEvent,
  type LiveEvent,
  newAgentLive,
} from '../../../src-shared/domain/agent-live.js';
import type { DISPOSITION_CODES } from '../../../src-shared/domain/disposition.js';
import { addCounts, hourStart } from '../../../src-shared/domain/supervisor-totals.js';
import type { RouterEntry } from '../ports.js';
import type { LiveNotice } from './live-events.js';

/** campaign → UTC hour start → dispositions. */
export type HourCounts = Map<string, Map<number, DispositionCounts>>;

export class LiveBoard {
  readonly #agents = new Map<string, AgentLive>();
  readonly #hours: HourCounts = new Map();
  readonly #changed = new Set<string>();
  readonly #removed = new Set<string>();
  /** Agents an event reached since the seed began: the seed must not overwrite them. */
  readonly #evented = new Set<string>();
  #hoursChanged = false;

  /** Folds one notice; returns the events applied (the caller reacts to SUPERVISOR_ACTION). */
  apply(n: LiveNotice): LiveEvent[] {
    if (n.events.length === 0) return [];
    let a = this.#agents.get(n.email) ?? newAgentLive(n.email, '', n.at);
    for (const e of n.events) {
      const r = applyLiveEvent(a, e, n.at);
      a = r.live;
      if (r.added) this.#addHour(a.campaignName, n.at, r.added);
    }
    this.#agents.set(n.email, a);
    this.#evented.add(n.email);
    this.#changed.add(n.email);
    this.#removed.delete(n.email);
    return n.events;
  }

  /** The router's agents: new ones appear NOT_STARTED; one removed from the router leaves the board. */
  syncRouter(entries: readonly RouterEntry[], now: number): void {
    const listed = new Set<string>();
    for (const e of entries) {
      const email = e.agentEmail.toLowerCase();
      listed.add(email);
      const a = this.#agents.get(email);
      if (!a) {
        this.#agents.set(email, newAgentLive(email, e.campaignName, now));
        this.#changed.add(email);
      } else if (a.sessionId === null && a.campaignName !== e.campaignName) {
        this.#agents.set(email, { ...a, campaignName: e.campaignName });
        this.#changed.add(email);
      }
    }
    for (const email of [...this.#agents.keys()]) {
      if (listed.has(email)) continue;
      this.#agents.delete(email);
      this.#changed.delete(email);
      this.#removed.add(email);
    }
  }

  /** A row read from the store at boot; ignored when an event already told us more. */
  seed(live: AgentLive): void {
    if (this.#evented.has(live.email)) return;
    this.#agents.set(live.email, live);
    this.#changed.add(live.email);
  }

  get(email: string): AgentLive | null {
    return this.#agents.get(email) ?? null;
  }

  all(): AgentLive[] {
    return [...this.#agents.values()];
  }

  hours(): HourCounts {
    return this.#hours;
  }

  /** Max-merges counts another instance saw (svSync-1.lua's answer); marks the series changed if it grew. */
  mergeHours(campaign: string, start: number, code: (typeof DISPOSITION_CODES)[number], count: number): void {
    const byHour = this.#hoursOf(campaign);
    const cur = byHour.get(start) ?? emptyDispositionCounts();
    if (count > cur[code]) {
      byHour.set(start, { ...cur, [code]: count });
      this.#hoursChanged = true;
    }
  }

  /** Forgets hours before `keepFrom`. */
  pruneHours(keepFrom: number): void {
    for (const byHour of this.#hours.values())
      for (const h of [...byHour.keys()]) if (h < keepFrom) byHour.delete(h);
  }

  /** What changed since the last take. */
  take(): { changed: AgentLive[]; removed: string[]; hoursChanged: boolean } {
    const changed = [...this.#changed].flatMap((e) => {
      const a = this.#agents.get(e);
      return a ? [a] : [];
    });
    const removed = [...this.#removed];
    const hoursChanged = this.#hoursChanged;
    this.#changed.clear();
    this.#removed.clear();
    this.#hoursChanged = false;
    return { changed, removed, hoursChanged };
  }

  #hoursOf(campaign: string): Map<number, DispositionCounts> {
    let m = this.#hours.get(campaign);
    if (!m) {
      m = new Map();
      this.#hours.set(campaign, m);
    }
    return m;
  }

  #addHour(campaign: string, at: number, added: DispositionCounts): void {
    const byHour = this.#hoursOf(campaign);
    const h = hourStart(at);
    byHour.set(h, addCounts(byHour.get(h) ?? emptyDispositionCounts(), added));
    this.#hoursChanged = true;
  }
}
