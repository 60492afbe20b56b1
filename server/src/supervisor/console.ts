// The supervisor console on one coordinator instance: the live board (board.ts) fed by every agent's bus
// notices, the figures shared between instances (svSync-3.lua: lead progress of each loaded tab, hourly
// disposition counts, last webhook; each sync sends and receives only what changed, in chunks that yield,
// and runs once a minute while no instance has a viewer), system health, and the stream of diffs the sockets send. Every
// SUPERVISOR_DIFF_INTERVAL_MS the rows that changed become one global diff (seq + 1), kept in a ring so a
// socket that reconnects to this instance resumes from its last seq; each viewer receives it filtered to
// their campaigns. Nothing here reads Redis per event or per viewer.
import { randomBytes } from 'node:crypto';
import { setImmediate as nextTurn } from 'node:timers/promises';
import {
  type CampaignTotals,
  type DispositionCounts,
  type LeadProgress,
  NotDialableReasonSchema,
  SUPERVISOR_DIFF_INTERVAL_MS,
  SUPERVISOR_WS_VERSION,
  type SupervisorAgentRow,
  type SupervisorDiff,
  type SupervisorServerMessage,
  type SupervisorSnapshot,
  type SystemHealth,
} from '../../../src-shared/contracts/supervisor.js';
import {
  type AgentLive,
  agentRow,
  applyLiveEvent,
  newAgentLive,
} from '../../../src-shared/domain/agent-live.js';
import type { PolicySummary } from '../../../src-shared/domain/policy/types.js';
import { DISPOSITION_CODES, DispositionCodeSchema } from '../../../src-shared/domain/disposition.js';
import {
  DAY_MS,
  dayStart,
  emptyLeadProgress,
  hourSeries,
  sumLeadProgress,
  sumTotals,
  totalsOf,
} from '../../../src-shared/domain/supervisor-totals.js';
import { campaignsOf, type SupervisorEntry } from '../../../src-shared/domain/supervisors.js';
import { z } from 'zod';
import type { Logger } from '../logger.js';
import type { RouterEntry } from '../ports.js';
import type { RedisClient } from '../redis/client.js';
import { loadScripts } from '../redis/scripts.js';
import { statsView } from '../service/views.js';
import type { Store } from '../store/types.js';
import { LiveBoard } from './board.js';
import { svKeys } from './keys.js';
import { parseLiveNotice } from './live-events.js';
import { during } from '../metrics/loop-monitor.js';

export interface HealthProbe {
  sheetsBreaker: SystemHealth['sheets']['breaker'];
  dialpadBreaker: SystemHealth['dialpad']['breaker'];
  queueDepth: number;
  oldestQueuedAt: number | null;
}

/** What a sync reads of a loaded tab (TabCache has it). */
export interface SyncTab {
  readonly ref: { readonly tag: string };
  readonly rules: { readonly name: string };
  readonly index: { summary(now: number): PolicySummary; size(): number };
}

export interface SupervisorConsoleDeps {
  redis: RedisClient;
  subscribeAllRaw: (l: (raw: unknown) => void) => Promise<() => void>;
  store: Pick<Store, 'activeSessionOf' | 'getCall' | 'sessionStats'>;
  routerEntries: () => Promise<RouterEntry[]>;
  loadedTabs: () => readonly SyncTab[];
  /** Breakers, queue depth and oldest queued patch, as this instance last knew them. */
  health: () => Promise<HealthProbe>;
  /** A supervisor signed this agent out (any instance): record it and close their sockets here. */
  onSignedOut: (email: string, at: number) => void;
  logger: Logger;
  clock: () => number;
  /** How often this instance merges shared figures while a viewer on any instance watches (ms). Default 5 s. */
  syncMs?: number;
  /** How often it merges while nobody watches anywhere (ms; a 1-command probe runs every syncMs). Default 60 s. */
  idleSyncMs?: number;
  /** How often health is probed while someone watches (ms). Default 2 s. */
  healthMs?: number;
  /** Diffs kept for resuming. Default 2400 (10 min at 4 per second). */
  ringSize?: number;
}

/** A viewer of the stream: their campaigns and where their messages go. `text` is the DIFF message as JSON,
 *  serialized once per tick for every viewer of the same campaigns. */
export interface Viewer {
  campaigns: ReadonlySet<string>;
  send: (seq: number, diff: SupervisorDiff, text: string) => void;
}

interface GlobalDiff {
  seq: number;
  at: number;
  agents: SupervisorAgentRow[];
  removed: string[];
  campaigns: CampaignTotals[] | null;
  health: SystemHealth | null;
  dayStartAt: number | null;
}

const TabDocSchema = z.object({
  at: z.number(),
  campaign: z.string(),
  leadsTotal: z.number(),
  leadsLeft: z.number(),
  dialableNow: z.number(),
  inProgress: z.number(),
  notDialable: z.array(z.object({ reason: NotDialableReasonSchema, leads: z.number() })),
  nextDialableAt: z.number().nullable(),
});
type TabDoc = z.infer<typeof TabDocSchema>;

/** The DIFF message as the socket sends it. */
export function diffMessage(stream: string, seq: number, diff: SupervisorDiff): SupervisorServerMessage {
  return { v: SUPERVISOR_WS_VERSION, type: 'DIFF', stream, seq, diff };
}

/** With no viewer for this long, ticks build no diffs. */
const IDLE_AFTER_MS = 60_000;

/** Campaign and team totals are recomputed for the diffs at most this often. */
const TOTALS_EVERY_MS = 1_000;

/** Tabs summarized (or shared entries absorbed) between two yields to the event loop. */
const SYNC_CHUNK = 50;

/** Aged shared entries are dropped (by the script) at most this often per instance. */
const PRUNE_EVERY_MS = 60_000;

/** A shared tab summary whose "at" is older than this is dropped (its instance no longer has the tab). */
const TAB_KEEP_MS = 10 * 60_000;

/** An unchanged tab's summary is rewritten this often, so it never ages out while loaded (half the keep
 *  window leaves the other half for late syncs). A keep-alive changes no version: other instances read it
 *  only in a whole-hash answer (a start, after a prune), the prune reads its "at". It was once a minute:
 *  an HSET + ZSCORE per idle tab a minute, ~17 Redis commands a second at 500 idle sessions. */
const TAB_KEEP_ALIVE_MS = TAB_KEEP_MS / 2;

const DONE_REASONS = new Set(['SIBLING_CORRECT', 'DO_NOT_CALL', 'MAX_ATTEMPTS', 'NO_OPEN_NUMBERS']);

export class SupervisorConsole {
  /** This instance's stream id: a resume names it, and only this instance's ring can serve it. */
  readonly stream = `sv-${randomBytes(6).toString('hex')}`;
  readonly #d: SupervisorConsoleDeps;
  readonly #board = new LiveBoard();
  readonly #viewers = new Set<Viewer>();
  readonly #ring: GlobalDiff[] = [];
  #seq = 0;
  #tabs = new Map<string, TabDoc>();
  #webhookAt: number | null = null;
  #sharedWebhookAt: number | null = null;
  #health: SystemHealth = {
    sheets: { breaker: 'closed', queueDepth: 0, oldestQueuedAt: null, lastFlushLagMs: null },
    dialpad: { breaker: 'closed' },
    webhooks: { lastEventAt: null },
  };
  #healthChanged = false;
  #sectionsChanged = true;
  #totalsStale = true;
  #totalsAt = 0;
  /** When the last viewer left (a resume within IDLE_AFTER_MS still finds its diffs). */
  #lastViewerAt = Number.NEGATIVE_INFINITY;
  #campaigns: CampaignTotals[] = [];
  #dayStartAt: number;
  #timers: NodeJS.Timeout[] = [];
  #tickTimer: NodeJS.Timeout | null = null;
  #lastTickAt = 0;
  /** Timers running (start() done, stop() not called). */
  #live = false;
  #unsubscribe: (() => void) | null = null;
  #started: Promise<void> | null = null;
  #lastHealthAt = 0;
  /** The tab summaries this instance last wrote (content without its time, and when). */
  readonly #written = new Map<string, { key: string; at: number }>();
  /** Hour fields as the shared hash holds them (what we wrote or read back). */
  readonly #hoursWritten = new Map<string, number>();
  /** The shared hash's epoch and the version this instance holds every change up to (svSync-3.lua). */
  #sharedEpoch = '';
  #sharedVersion = 0;
  /** Until when a viewer on some instance wants figures (max-merged through the script). */
  #watchedUntil = 0;
  #lastSyncAt = Number.NEGATIVE_INFINITY;
  #lastPruneAt = Number.NEGATIVE_INFINITY;
  /** Syncs run one after another (the timer, a first viewer and a test may ask at once). */
  #syncChain: Promise<void> = Promise.resolve();

  constructor(d: SupervisorConsoleDeps) {
    this.#d = d;
    this.#dayStartAt = dayStart(d.clock());
  }

  /** Subscribes to the bus, seeds the board from the router and the store (once), starts the timers. */
  start(): Promise<void> {
    this.#started ??= this.#start().catch((err: unknown) => {
      this.#started = null; // the next use retries
      throw err;
    });
    return this.#started;
  }

  async #start(): Promise<void> {
    this.#unsubscribe ??= await this.#d.subscribeAllRaw((raw) => this.#onNotice(raw));
    for (const t of this.#timers) clearInterval(t);
    this.#timers = [];
    // A change is sent at once when the last diff is SUPERVISOR_DIFF_INTERVAL_MS old (else when it is): see
    // #schedule. This slower beat carries what changes without a notice (totals held back, health, the day).
    const beat = setInterval(() => this.tick(), 1_000);
    const sync = setInterval(
      () => void during('supervisor-sync', this.#timedSync()),
      this.#d.syncMs ?? 5_000,
    );
    beat.unref();
    sync.unref();
    this.#timers.push(beat, sync);
    this.#live = true;
    await this.refreshRouter();
    await this.#seed();
    await this.sync();
  }

  stop(): void {
    this.#live = false;
    if (this.#tickTimer) clearTimeout(this.#tickTimer);
    this.#tickTimer = null;
    for (const t of this.#timers) clearInterval(t);
    this.#timers = [];
    this.#unsubscribe?.();
    this.#unsubscribe = null;
    this.#viewers.clear();
  }

  /** A Dialpad webhook was accepted by this instance. */
  noteWebhook(at: number): void {
    if (this.#webhookAt === null || at > this.#webhookAt) this.#webhookAt = at;
  }

  /** Re-reads the router's agents (new ones appear, removed ones leave). Never throws. */
  async refreshRouter(): Promise<void> {
    try {
      this.#board.syncRouter(await this.#d.routerEntries(), this.#d.clock());
    } catch (err) {
      this.#d.logger.warn({ err }, 'supervisor console: router read failed; keeping the agents known');
    }
  }

  agent(email: string): AgentLive | null {
    return this.#board.get(email.toLowerCase());
  }

  /** The campaigns a supervisor sees (their list against the campaigns the agents have). */
  campaignsFor(sup: SupervisorEntry): string[] {
    return campaignsOf(
      sup.campaigns,
      this.#board.all().map((a) => a.campaignName),
    );
  }

  /** The whole view for one supervisor, current at `seq()`. */
  snapshotFor(sup: SupervisorEntry): SupervisorSnapshot {
    const now = this.#d.clock();
    const campaigns = new Set(this.campaignsFor(sup));
    const agents = this.#board
      .all()
      .filter((a) => campaigns.has(a.campaignName))
      .map((a) => agentRow(a, now))
      .sort((a, b) => (a.email < b.email ? -1 : a.email > b.email ? 1 : 0));
    const totals = this.#campaignTotals(now).filter((c) => campaigns.has(c.campaignName));
    return {
      serverNow: now,
      dayStartAt: this.#dayStartAt,
      supervisor: { email: sup.email, campaigns: [...campaigns] },
      agents,
      campaigns: totals,
      team: sumTotals(totals),
      health: this.#health,
    };
  }

  seq(): number {
    return this.#seq;
  }

  /** Adds a viewer (diffs after `seq()` reach it); returns the remover. */
  watch(v: Viewer): () => void {
    this.#viewers.add(v);
    if (this.#d.clock() - this.#lastHealthAt > 1_000) void this.#probeHealth();
    // A first viewer after a quiet spell: tell the other instances (they sync every syncMs again) now.
    if (this.#live && this.#watchedUntil < this.#d.clock()) void this.sync();
    return () => {
      this.#viewers.delete(v);
      this.#lastViewerAt = this.#d.clock();
    };
  }

  /** The diffs after `lastSeq` filtered for `campaigns`, or null when the ring no longer holds them all. */
  replay(lastSeq: number, campaigns: ReadonlySet<string>): { seq: number; diff: SupervisorDiff }[] | null {
    if (lastSeq > this.#seq) return null;
    if (lastSeq === this.#seq) return [];
    const first = this.#ring[0];
    if (!first || first.seq > lastSeq + 1) return null;
    return this.#ring
      .filter((g) => g.seq > lastSeq)
      .flatMap((g) => {
        const diff = this.#filter(g, campaigns);
        return diff ? [{ seq: g.seq, diff }] : [];
      });
  }

  viewerCount(): number {
    return this.#viewers.size;
  }

  // ------------------------------------------------------------------------------------------- internals

  #onNotice(raw: unknown): void {
    const n = parseLiveNotice(raw);
    if (!n) return;
    for (const e of this.#board.apply(n))
      if (e.type === 'SUPERVISOR_ACTION' && e.notice.action === 'SIGNED_OUT')
        this.#d.onSignedOut(n.email, e.notice.at);
    this.#schedule();
  }

  /** The next diff: now when the last one is at least SUPERVISOR_DIFF_INTERVAL_MS old, else when it will be
   *  (changes in between join it). Nothing while nobody watches. */
  #schedule(): void {
    if (!this.#live || this.#tickTimer || this.#viewers.size === 0) return;
    const wait = Math.max(0, this.#lastTickAt + SUPERVISOR_DIFF_INTERVAL_MS - this.#d.clock());
    this.#tickTimer = setTimeout(() => {
      this.#tickTimer = null;
      this.tick();
    }, wait);
    this.#tickTimer.unref();
  }

  /** One global diff from what changed, sent to every viewer filtered to their campaigns (the timer's
   *  job; public for the benchmark). */
  tick(): void {
    const now = this.#d.clock();
    const day = dayStart(now);
    let dayStartAt: number | null = null;
    if (day !== this.#dayStartAt) {
      this.#dayStartAt = day;
      dayStartAt = day;
      this.#board.pruneHours(day - DAY_MS);
      this.#sectionsChanged = true;
    }
    if (this.#viewers.size > 0 && now - this.#lastHealthAt >= (this.#d.healthMs ?? 2_000))
      void this.#probeHealth();
    // Webhook arrivals show at once, at most once a second (the panel shows their age in seconds).
    const hook = this.#lastWebhook();
    const shown = this.#health.webhooks.lastEventAt;
    if (hook !== null && (shown === null || hook - shown >= 1_000)) {
      this.#health = { ...this.#health, webhooks: { lastEventAt: hook } };
      this.#healthChanged = true;
    }
    const { changed, removed, hoursChanged } = this.#board.take();
    if (this.#viewers.size === 0 && now - this.#lastViewerAt > IDLE_AFTER_MS) {
      // Nobody watched for a while: no diffs to build. The seq moves on and the ring empties, so a late
      // resume gets a fresh SNAPSHOT instead of a replay with holes.
      if (changed.length > 0 || removed.length > 0 || hoursChanged) {
        this.#seq += 1;
        this.#ring.length = 0;
        this.#totalsStale = true;
      }
      return;
    }
    if (this.#sectionsChanged || hoursChanged || changed.length > 0 || removed.length > 0)
      this.#totalsStale = true;
    // Rows go out every tick; campaign and team totals (a pass over every agent) at most once a second.
    const sections = this.#totalsStale && now - this.#totalsAt >= TOTALS_EVERY_MS;
    if (!sections && changed.length === 0 && removed.length === 0 && !this.#healthChanged) return;
    if (sections) {
      this.#sectionsChanged = false;
      this.#totalsStale = false;
      this.#totalsAt = now;
    }
    const g: GlobalDiff = {
      seq: this.#seq + 1,
      at: now,
      agents: changed.map((a) => agentRow(a, now)),
      removed,
      campaigns: sections ? this.#campaignTotals(now) : null,
      health: this.#healthChanged ? this.#health : null,
      dayStartAt,
    };
    this.#healthChanged = false;
    this.#seq = g.seq;
    this.#lastTickAt = now;
    this.#ring.push(g);
    if (this.#ring.length > (this.#d.ringSize ?? 2400)) this.#ring.shift();
    const made = new Map<string, { diff: SupervisorDiff; text: string } | null>();
    for (const v of this.#viewers) {
      const key = [...v.campaigns].sort().join('\n');
      let m = made.get(key);
      if (m === undefined) {
        const diff = this.#filter(g, v.campaigns);
        m = diff ? { diff, text: JSON.stringify(diffMessage(this.stream, g.seq, diff)) } : null;
        made.set(key, m);
      }
      if (m) v.send(g.seq, m.diff, m.text);
    }
  }

  #filter(g: GlobalDiff, campaigns: ReadonlySet<string>): SupervisorDiff | null {
    const agents = g.agents.filter((a) => campaigns.has(a.campaignName));
    const totals = g.campaigns?.filter((c) => campaigns.has(c.campaignName)) ?? null;
    // A removed agent's campaign is no longer known: every viewer is told (removing an absent row is a no-op).
    if (agents.length === 0 && g.removed.length === 0 && !g.health && !totals && g.dayStartAt === null)
      return null;
    return {
      serverNow: g.at,
      agents,
      removedAgents: g.removed,
      ...(totals ? { campaigns: totals, team: sumTotals(totals) } : {}),
      ...(g.health ? { health: g.health } : {}),
      ...(g.dayStartAt !== null ? { dayStartAt: g.dayStartAt } : {}),
    };
  }

  #campaignTotals(now: number): CampaignTotals[] {
    const rowsBy = new Map<string, AgentLive[]>();
    for (const a of this.#board.all()) {
      if (a.campaignName === '') continue;
      let list = rowsBy.get(a.campaignName);
      if (!list) {
        list = [];
        rowsBy.set(a.campaignName, list);
      }
      list.push(a);
    }
    const leadsBy = new Map<string, LeadProgress[]>();
    for (const t of this.#tabs.values()) {
      const { at, campaign, ...p } = t;
      leadsBy.set(campaign, [...(leadsBy.get(campaign) ?? []), { ...p, asOf: at }]);
    }
    const hours = this.#board.hours();
    this.#campaigns = [...rowsBy.keys()].sort().map((name) => ({
      campaignName: name,
      ...totalsOf(
        rowsBy.get(name) ?? [],
        leadsBy.has(name) ? sumLeadProgress(leadsBy.get(name) ?? []) : emptyLeadProgress(),
        hourSeries(hours.get(name) ?? new Map<number, DispositionCounts>(), now),
      ),
    }));
    return this.#campaigns;
  }

  async #probeHealth(): Promise<void> {
    this.#lastHealthAt = this.#d.clock();
    try {
      const h = await this.#d.health();
      const prev = this.#health;
      const prevOldest = prev.sheets.oldestQueuedAt;
      // The oldest patch left the queue: it was written about now, after waiting this long.
      const lastFlushLagMs =
        prevOldest !== null && h.oldestQueuedAt !== prevOldest
          ? Math.max(0, this.#d.clock() - prevOldest)
          : prev.sheets.lastFlushLagMs;
      const next: SystemHealth = {
        sheets: {
          breaker: h.sheetsBreaker,
          queueDepth: h.queueDepth,
          oldestQueuedAt: h.oldestQueuedAt,
          lastFlushLagMs,
        },
        dialpad: { breaker: h.dialpadBreaker },
        webhooks: { lastEventAt: this.#lastWebhook() },
      };
      if (JSON.stringify(next) !== JSON.stringify(prev)) {
        this.#health = next;
        this.#healthChanged = true;
      }
    } catch (err) {
      this.#d.logger.warn({ err }, 'supervisor console: health probe failed');
    }
  }

  #lastWebhook(): number | null {
    const a = this.#webhookAt;
    const b = this.#sharedWebhookAt;
    return a === null ? b : b === null ? a : Math.max(a, b);
  }

  /** The sync timer: a full-rate sync while a viewer on any instance watches, else one a minute and a
   *  one-command probe of the shared "watched" mark in between. Never throws. */
  async #timedSync(): Promise<void> {
    const now = this.#d.clock();
    const syncMs = this.#d.syncMs ?? 5_000;
    if (this.#viewers.size > 0 || this.#watchedUntil >= now) return this.sync();
    if (now - this.#lastSyncAt >= (this.#d.idleSyncMs ?? 60_000) - syncMs / 2) return this.sync();
    try {
      const mark = Number((await this.#d.redis.hget(svKeys.meta(), 'watchedUntil')) ?? 0);
      if (mark >= now) {
        this.#watchedUntil = mark;
        return this.sync();
      }
    } catch (err) {
      this.#d.logger.warn({ err }, 'supervisor console: shared watch mark read failed');
    }
  }

  /** Merges what changed here into the shared hash and takes back what changed elsewhere (one sync at a
   *  time). Never throws. */
  sync(): Promise<void> {
    this.#syncChain = this.#syncChain.then(() => this.#syncOnce());
    return this.#syncChain;
  }

  async #syncOnce(): Promise<void> {
    const now = this.#d.clock();
    this.#lastSyncAt = now;
    try {
      const tabArgs: string[] = [];
      const sent = new Map<string, { text: string; doc: TabDoc }>();
      /** The tab summaries whose content changed: the answer leaves them out (svSync-3.lua). */
      const changedHere = new Set<string>();
      const tabs = this.#d.loadedTabs();
      for (let i = 0; i < tabs.length; i++) {
        if (i > 0 && i % SYNC_CHUNK === 0) await nextTurn();
        const tab = tabs[i] as SyncTab;
        const s = tab.index.summary(now);
        const total = tab.index.size();
        const done = s.reasons.filter((r) => DONE_REASONS.has(r.reason)).reduce((n, r) => n + r.leads, 0);
        const doc: TabDoc = {
          at: now,
          campaign: tab.rules.name,
          leadsTotal: total,
          leadsLeft: Math.max(0, total - done),
          dialableNow: s.dialable,
          inProgress: s.inProgress,
          notDialable: s.reasons,
          nextDialableAt: s.nextDialableAt,
        };
        // Only what changed (and each tab every TAB_KEEP_ALIVE_MS as a keep-alive that changes no version, so
        // its entry never ages out): at 500 agents most tabs are unchanged between two syncs.
        const field = `tab:${tab.ref.tag}|${tab.rules.name}`;
        // A tab with a lead dialable now reports "now" as its next dialable time: that is no change.
        const { at: _at, nextDialableAt: next, ...content } = doc;
        const key = JSON.stringify([content, next !== null && next <= now ? 'now' : next]);
        const last = this.#written.get(field);
        const changed = !last || last.key !== key;
        if (!changed && now - last.at < TAB_KEEP_ALIVE_MS) continue;
        this.#written.set(field, { key, at: now });
        const text = JSON.stringify(doc);
        sent.set(field, { text, doc });
        tabArgs.push(field, text, changed ? '1' : '0');
        if (changed) changedHere.add(field);
      }
      const hourArgs: string[] = [];
      for (const [campaign, byHour] of this.#board.hours())
        for (const [start, counts] of byHour)
          for (const code of DISPOSITION_CODES) {
            const field = `hour:${start}:${code}:${campaign}`;
            // Counts only grow: one already written (or read back) at this value needs no write.
            if (counts[code] > (this.#hoursWritten.get(field) ?? 0)) {
              hourArgs.push(field, String(counts[code]));
              this.#hoursWritten.set(field, counts[code]);
            }
          }
      const prune = now - this.#lastPruneAt >= PRUNE_EVERY_MS;
      const watching = this.#viewers.size > 0 ? now + 3 * (this.#d.syncMs ?? 5_000) : 0;
      const out = (await loadScripts(this.#d.redis).run(
        'svSync',
        [svKeys.shared(), svKeys.changes(), svKeys.meta()],
        [
          now,
          TAB_KEEP_MS,
          2 * DAY_MS,
          this.#webhookAt ?? 0,
          this.#sharedEpoch,
          this.#sharedVersion,
          prune ? '1' : '0',
          watching,
          tabArgs.length / 3,
          ...tabArgs,
          ...hourArgs,
        ],
      )) as string[];
      if (prune) this.#lastPruneAt = now;
      await this.#absorb(out, sent, changedHere);
    } catch (err) {
      this.#d.logger.warn({ err }, 'supervisor console: shared figures sync failed');
    }
  }

  /** Takes in the script's answer: only the fields changed since our version by others (our own changes
   *  of this sync, `changedHere`, are taken from what we sent), or (first sync, after a prune, after Redis
   *  lost the hash) the whole hash, which replaces what this instance held. */
  async #absorb(
    out: readonly string[],
    sent: ReadonlyMap<string, { text: string; doc: TabDoc }>,
    changedHere: ReadonlySet<string>,
  ): Promise<void> {
    const [epoch = '', version = '0', full = '1', watchedUntil = '0'] = out;
    this.#watchedUntil = Number(watchedUntil);
    const isFull = full === '1';
    const tabs = isFull ? new Map<string, TabDoc>() : this.#tabs;
    let tabsChanged = isFull;
    if (!isFull)
      for (const f of changedHere) {
        const mine = sent.get(f);
        if (mine) tabs.set(f, mine.doc);
        tabsChanged = true;
      }
    for (let i = 4; i + 1 < out.length; i += 2) {
      if (i > 4 && ((i - 4) / 2) % (4 * SYNC_CHUNK) === 0) await nextTurn();
      const f = out[i] as string;
      const v = out[i + 1] as string;
      if (f === 'webhookAt') this.#sharedWebhookAt = Math.max(this.#sharedWebhookAt ?? 0, Number(v));
      else if (f.startsWith('tab:')) {
        const mine = sent.get(f);
        if (mine && mine.text === v) {
          tabs.set(f, mine.doc);
          tabsChanged = true;
          continue;
        }
        try {
          const doc = TabDocSchema.safeParse(JSON.parse(v));
          if (doc.success) {
            tabs.set(f, doc.data);
            tabsChanged = true;
          }
        } catch {
          // a corrupt entry is skipped; its tab writes a fresh one within a sync
        }
      } else if (f.startsWith('hour:')) {
        const m = /^hour:(\d+):([A-Z_]+):(.*)$/.exec(f);
        const code = DispositionCodeSchema.safeParse(m?.[2]);
        if (m && code.success) {
          this.#board.mergeHours(m[3] ?? '', Number(m[1]), code.data, Number(v));
          this.#hoursWritten.set(f, Math.max(this.#hoursWritten.get(f) ?? 0, Number(v)));
        }
      }
    }
    if (isFull) {
      // What the hash no longer holds (Redis lost it, or it aged out) is written again at the next sync.
      const present = new Set<string>();
      for (let i = 4; i < out.length; i += 2) present.add(out[i] as string);
      for (const f of [...this.#hoursWritten.keys()]) if (!present.has(f)) this.#hoursWritten.delete(f);
      for (const f of [...this.#written.keys()]) if (!present.has(f)) this.#written.delete(f);
      this.#tabs = tabs;
    }
    this.#sharedEpoch = epoch;
    this.#sharedVersion = Number(version);
    if (tabsChanged) this.#sectionsChanged = true;
  }

  /** Rows for sessions that began before this instance subscribed (one read per agent, once). */
  async #seed(): Promise<void> {
    const now = this.#d.clock();
    const agents = this.#board.all();
    const one = async (a: AgentLive) => {
      const s = await this.#d.store.activeSessionOf(a.email);
      if (!s) return;
      const [call, counters] = await Promise.all([
        s.callId ? this.#d.store.getCall(s.tag, s.callId) : null,
        this.#d.store.sessionStats(s.tag, s.id),
      ]);
      if (counters.since === null) counters.since = s.startedAt;
      let live = newAgentLive(a.email, s.campaignName, now);
      const fold = (e: Parameters<typeof applyLiveEvent>[1], at: number) => {
        live = applyLiveEvent(live, e, at).live;
      };
      fold(
        {
          type: 'SESSION_STATE',
          session: {
            id: s.id,
            campaignName: s.campaignName,
            tabTitle: s.tabTitle,
            state: s.state,
            startedAt: s.startedAt,
          },
        },
        now,
      );
      const st = statsView(counters, { remaining: 0, total: 0 }, now);
      fold({ type: 'STATS', stats: st }, now);
      if (call && call.state !== 'DISPOSED') {
        const since = Math.max(call.startedAt, call.ringingAt ?? 0, call.connectedAt ?? 0, call.endedAt ?? 0);
        fold(
          {
            type: 'CALL_STATE',
            call: { callId: call.callId, sessionId: s.id, state: call.state, endedAt: call.endedAt },
          },
          since,
        );
      }
      this.#board.seed({ ...live, lastActivityAt: null });
    };
    for (let i = 0; i < agents.length; i += 20) {
      await Promise.all(
        agents
          .slice(i, i + 20)
          .map((a) =>
            one(a).catch((err: unknown) =>
              this.#d.logger.warn({ err, agent: a.email }, 'supervisor console: could not seed an agent'),
            ),
          ),
      );
    }
  }
}
