// AgentEventBus on Redis. Each agent's events live in ONE stream at a time, its home: the tab of its latest
// session (keys.agentEvents(tag, email), the tab's slot, so the transition that makes a step can append its
// events in the same script), or, for an agent with no session since this layout, its lobby in its own slot.
// keys.agentEventHome(email) names the home; a session's or call's publishers pass it (AgentRef with a tag)
// and read nothing. One append (includes/eventsAppend.lua) writes the step's events as ONE stream entry
// whose id `0-<step>` the stream assigns itself (XADD `0-*`: no counter), the events' seqs being
// step * EVENTS_PER_STEP + i, and PUBLISHes them in ONE notice on keys.agentEventsChannel(), so the hub of
// every coordinator instance delivers them live. Replays read the home's last step and its entries from
// the client's step in one transaction (replay.ts decides what the client gets, or that it resyncs).
// A new home continues above the previous one's last step (rehome), so a client holding an older seq sees
// a hole and resyncs; seqs never go backwards for an agent.
import { z } from 'zod';
import { type AgentEvent, AgentEventSchema } from '../../../src-shared/contracts/ws.js';
import type { AgentEventBus, AgentRef, LiveAgentEvent } from '../ports.js';
import { listenToChannel, pairsToHash } from '../redis/client.js';
import { AGENT_EVENTS_MAXLEN, EVENTS_PER_STEP, keys, parseAgentPointer } from '../redis/keys.js';
import { loadScripts, type ScriptSet } from '../redis/scripts.js';
import { RETAIN_FINISHED_MS } from '../store/types.js';
import type { RedisClient } from './redis-script.js';
import { readNotice } from './notice-text.js';
import { replayAfter, replayFromStep, type StepEntry, type StreamInfo, stepEnd } from './replay.js';

type Listener = (e: LiveAgentEvent) => void;
/** Every notice of every agent as its JSON text, unvalidated (the supervisor console parses the few fields
 *  it needs, when it needs them). */
export type RawNoticeListener = (notice: string) => void;
/** The stream of an agent's home, and its keys of the layout before step ids (deleted by rehome). */
type Home = { email: string; stream: string; legacy: string[] };

const homeAt = (tag: string, email: string): Home => ({
  email,
  stream: keys.agentEvents(tag, email),
  legacy: keys.legacyAgentEvents(tag, email),
});

const lobbyOf = (email: string): Home => ({
  email,
  stream: keys.agentLobbyEvents(email),
  legacy: keys.legacyLobbyEvents(email),
});

const EntryEventsSchema = z.array(AgentEventSchema).min(1);
const EVENT_TYPES: ReadonlySet<string> = new Set(AgentEventSchema.options.map((o) => o.shape.type.value));

/** The agent a notice is for, read from its head alone (most notices are for agents whose sockets are on
 *  another instance: nothing more of them is read here), or null. */
function noticeEmail(text: string): string | null {
  if (!text.startsWith('{"email":"')) return null;
  const end = text.indexOf('","at":', 10);
  if (end < 0) return null;
  const raw = text.slice(10, end);
  // Escapes (cjson writes `/` as `\/`) go through the JSON parser; a plain address is the slice itself.
  if (!raw.includes('\\')) return raw;
  try {
    const email: unknown = JSON.parse(`"${raw}"`);
    return typeof email === 'string' ? email : null;
  } catch {
    return null;
  }
}

/** The step of an entry id `0-<step>`. */
const stepOfId = (id: string): number => Number(id.slice(id.indexOf('-') + 1));

/** One stream entry: its step and events (`es`, the step's events in order). */
function stepEntry(id: string, fields: string[]): StepEntry<AgentEvent> {
  const f = pairsToHash(fields);
  return {
    step: stepOfId(id),
    at: Number(f.at),
    events: EntryEventsSchema.parse(JSON.parse(f.es ?? 'null')),
  };
}

/** A stream's last step and counts from its XINFO STREAM answer (a flat field/value list). */
function streamInfo(info: unknown): StreamInfo {
  const f = pairsToHash(info);
  const last = f['last-generated-id'];
  if (last === undefined) throw new Error('XINFO STREAM answered no last-generated-id');
  return { lastStep: stepOfId(last), length: Number(f.length), entriesAdded: Number(f['entries-added']) };
}

/** XINFO STREAM's error for a stream that does not exist. */
const isNoSuchKey = (e: unknown): boolean => e instanceof Error && /no such key/i.test(e.message);

/** A step holds at most EVENTS_PER_STEP - 1 events (its seqs k * EVENTS_PER_STEP + i); the scripts refuse
 *  more before writing anything, this says so first. */
function assertStepSize(n: number): void {
  if (n > EVENTS_PER_STEP - 1)
    throw new Error(`a step holds at most ${EVENTS_PER_STEP - 1} events, not ${n}`);
}

export class RedisAgentEventBus implements AgentEventBus {
  readonly #listeners = new Map<string, Set<Listener>>();
  readonly #allListeners = new Set<RawNoticeListener>();
  readonly #scripts: ScriptSet;
  /** The subscription (its stop function) once asked for: one per bus, on the process's shared connection. */
  #sub: Promise<() => void> | null = null;

  constructor(
    private readonly redis: RedisClient,
    private readonly opts: {
      maxLen?: number;
      onError?: (e: unknown) => void;
      /** A subscriber connection shared with the other listeners of this process (compose.ts), which its
       *  owner closes; without it the bus opens and closes its own. */
      subscriber?: RedisClient;
    } = {},
  ) {
    this.#scripts = loadScripts(redis);
  }

  publish(to: AgentRef, event: AgentEvent, now: number): Promise<number> {
    return this.publishAll(to, [event], now);
  }

  async publishAll(to: AgentRef, events: readonly AgentEvent[], now: number): Promise<number> {
    const home = await this.#home(to, now);
    if (events.length === 0) return this.#lastSeqAt(home);
    assertStepSize(events.length);
    const at = Math.floor(now);
    const seq = await this.#scripts.run(
      'eventsAppend',
      [home.stream],
      [
        at,
        this.opts.maxLen ?? AGENT_EVENTS_MAXLEN,
        keys.agentEventsChannel(),
        home.email,
        ...events.map((e) => JSON.stringify(e)),
      ],
    );
    return Number(seq);
  }

  async publishAllUnlocking(
    to: { readonly agentEmail: string; readonly tag: string },
    events: readonly AgentEvent[],
    now: number,
    lock: { sessionId: string; token: string; ttlMs: number },
  ): Promise<boolean> {
    const home = await this.#home(to, now);
    assertStepSize(events.length);
    const at = Math.floor(now);
    const r = await this.#scripts.run(
      'eventsAppendUnlock',
      [home.stream, keys.sessionLock(to.tag, lock.sessionId)],
      [
        at,
        this.opts.maxLen ?? AGENT_EVENTS_MAXLEN,
        keys.agentEventsChannel(),
        home.email,
        lock.token,
        lock.ttlMs,
        ...events.map((e) => JSON.stringify(e)),
      ],
    );
    return Array.isArray(r) && Number(r[1]) === 1;
  }

  async readSince(to: AgentRef, afterSeq: number) {
    const home = await this.#home(to, Date.now());
    const from = replayFromStep(Math.max(0, afterSeq));
    const res = await this.redis
      .multi()
      .xinfo('STREAM', home.stream)
      .xrange(home.stream, `0-${from}`, '+')
      .exec();
    if (!res) throw new Error('event replay transaction aborted');
    const [infoRes, rangeRes] = res;
    if (infoRes?.[0] && !isNoSuchKey(infoRes[0])) throw infoRes[0];
    if (rangeRes?.[0]) throw rangeRes[0];
    const info = infoRes?.[0] ? null : streamInfo(infoRes?.[1]);
    const entries = ((rangeRes?.[1] ?? []) as [string, string[]][]).map(([id, f]) => stepEntry(id, f));
    return replayAfter(afterSeq, info, entries);
  }

  async lastSeq(to: AgentRef): Promise<number> {
    return this.#lastSeqAt(await this.#home(to, Date.now()));
  }

  async rehome(agentEmail: string, tag: string, now: number): Promise<void> {
    const email = agentEmail.toLowerCase();
    const pointer = keys.agentEventHome(email);
    const next = homeAt(tag, email);
    const [prev, exists] = await Promise.all([this.redis.get(pointer), this.redis.exists(next.stream)]);
    if (prev === tag && exists === 1) return;
    // Above the previous home's last step (a missing stream also at least now, above every seq of the
    // layout before): a client holding a seq of the old home finds a hole here and resyncs. A home whose
    // stream is missing (the layout before step ids) is created the same way.
    const old = prev === tag ? null : prev ? homeAt(prev, email) : lobbyOf(email);
    const prevLast = old ? await this.#lastStepAt(old) : null;
    await this.#scripts.run('eventsRebase', [next.stream, ...next.legacy], [prevLast ?? 0, Math.floor(now)]);
    if (!old) return;
    await this.redis.set(pointer, tag);
    // The lobby (the agent's own slot) is never read again; a tab it left expires like a finished session
    // (its late appends, from a call of a session there, have no reader), unless the agent comes back.
    if (!prev) await this.redis.del(old.stream, ...old.legacy);
    else await this.redis.pexpire(old.stream, RETAIN_FINISHED_MS);
  }

  async subscribe(agentEmail: string, onEvent: Listener): Promise<() => Promise<void>> {
    await this.#subscriber();
    const k = agentEmail.toLowerCase();
    let set = this.#listeners.get(k);
    if (!set) {
      set = new Set();
      this.#listeners.set(k, set);
    }
    set.add(onEvent);
    return async () => {
      set.delete(onEvent);
      if (set.size === 0) this.#listeners.delete(k);
    };
  }

  /** Every agent's notices (after the per-agent listeners ran); returns an unsubscribe function. */
  async subscribeAllRaw(onNotice: RawNoticeListener): Promise<() => void> {
    await this.#subscriber();
    this.#allListeners.add(onNotice);
    return () => {
      this.#allListeners.delete(onNotice);
    };
  }

  /** Stops listening: closes the bus's own subscriber connection, or leaves the shared one (its owner's). */
  async close(): Promise<void> {
    const sub = this.#sub;
    this.#sub = null;
    (await sub?.catch(() => null))?.();
  }

  readonly #onSubError = (e: unknown): void => this.opts.onError?.(e);

  /** The last step of a home's stream (null: no stream). */
  async #lastStepAt(home: Home): Promise<number | null> {
    try {
      return streamInfo(await this.redis.xinfo('STREAM', home.stream)).lastStep;
    } catch (e) {
      if (isNoSuchKey(e)) return null;
      throw e;
    }
  }

  /** Where a client that has every event of the home is: its last step's end (0: no stream). */
  async #lastSeqAt(home: Home): Promise<number> {
    const step = await this.#lastStepAt(home);
    return step === null ? 0 : stepEnd(step);
  }

  /** The agent's home: the tab the caller names, else the one keys.agentEventHome records. An agent with
   *  none (no session since this layout) whose session from before it is still active adopts that
   *  session's tab (the hot path appends there); otherwise its lobby. */
  async #home(to: AgentRef, now: number): Promise<Home> {
    if (typeof to !== 'string') return homeAt(to.tag, to.agentEmail.toLowerCase());
    const email = to.toLowerCase();
    const tag = await this.redis.get(keys.agentEventHome(email));
    if (tag) return homeAt(tag, email);
    const pointer = await this.redis.get(keys.agent(email));
    const session = pointer ? parseAgentPointer(pointer) : null;
    if (!session) return lobbyOf(email);
    await this.rehome(email, session.tag, now);
    return homeAt(session.tag, email);
  }

  /** One subscription per bus (on the process's shared connection, or its own), for every agent: the
   *  channel is global, dispatch is local. */
  #subscriber(): Promise<() => void> {
    if (!this.#sub) {
      this.#sub = listenToChannel(this.redis, this.opts.subscriber, keys.agentEventsChannel(), {
        message: (m) => this.#dispatch(m),
        error: this.#onSubError,
      });
      this.#sub.catch(() => {
        this.#sub = null;
      });
    }
    return this.#sub;
  }

  /** A live notice: the local sockets of its agent get each event's text as the notice carries it
   *  (notice-text.ts: nothing decoded or re-encoded), then every raw listener gets the notice's text. */
  #dispatch(message: string): void {
    const email = noticeEmail(message);
    if (email === null) {
      this.opts.onError?.(new Error('malformed agent event notice'));
      return;
    }
    const listeners = this.#listeners.get(email);
    if (listeners) {
      const n = readNotice(message);
      if (!n?.events.every((e) => EVENT_TYPES.has(e.type))) {
        this.opts.onError?.(new Error('malformed agent event notice'));
        return;
      }
      const last = n.events.length - 1;
      for (let i = 0; i <= last; i++) {
        const e = n.events[i] as (typeof n.events)[number];
        const live: LiveAgentEvent = { seq: e.seq, at: n.at, json: e.json, stepEnd: i === last };
        for (const l of listeners) l(live);
      }
    }
    this.#toAll(message);
  }

  #toAll(raw: string): void {
    for (const l of this.#allListeners) {
      try {
        l(raw);
      } catch (e) {
        this.opts.onError?.(e);
      }
    }
  }
}
