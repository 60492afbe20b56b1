// AgentEventBus on Redis. Each agent's events live in ONE stream at a time, its home: the tab of its latest
// session (keys.agentEvents(tag, email), the tab's slot, so the transition that makes a step can append its
// events in the same script), or, for an agent with no session since this layout, its lobby in its own slot.
// keys.agentEventHome(email) names the home; a session's or call's publishers pass it (AgentRef with a tag)
// and read nothing. One append (includes/eventsAppend.lua) assigns the next seqs, writes the step's events
// as ONE stream entry whose id is the step's last seq, and PUBLISHes them in ONE notice on
// keys.agentEventsChannel(), so the hub of every coordinator instance delivers them live. Replays read the
// home's stream (XRANGE from lastSeq+1: every entry ending after it) and drop the events the client has.
// A new home continues above the previous one's last seq (rehome), so a client holding an older seq sees
// a hole and resyncs; seqs never go backwards for an agent.
import { z } from 'zod';
import { type AgentEvent, AgentEventSchema } from '../../../src-shared/contracts/ws.js';
import type { AgentEventBus, AgentRef, LiveAgentEvent } from '../ports.js';
import { listenToChannel } from '../redis/client.js';
import { AGENT_EVENTS_MAXLEN, keys, parseAgentPointer } from '../redis/keys.js';
import { loadScripts, type ScriptSet } from '../redis/scripts.js';
import { RETAIN_FINISHED_MS } from '../store/types.js';
import type { RedisClient } from './redis-script.js';
import { readNotice } from './notice-text.js';
import { isTruncated } from './replay.js';

type Delivered = { seq: number; at: number; event: AgentEvent };
type Listener = (e: LiveAgentEvent) => void;
/** Every notice of every agent as its JSON text, unvalidated (the supervisor console parses the few fields
 *  it needs, when it needs them). */
export type RawNoticeListener = (notice: string) => void;
/** The stream and counter of an agent's home. */
type Home = { email: string; stream: string; seq: string; lobby: boolean };

const homeAt = (tag: string, email: string): Home => ({
  email,
  stream: keys.agentEvents(tag, email),
  seq: keys.agentSeq(tag, email),
  lobby: false,
});

const lobbyOf = (email: string): Home => ({
  email,
  stream: keys.agentLobbyEvents(email),
  seq: keys.agentLobbySeq(email),
  lobby: true,
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

/** One stream entry's events with their seqs: `es` (a step's events, the id being the last seq) or, in a
 *  lobby entry written before steps were batched, one event in `e`. */
function entryEvents(id: string, fields: string[]): Delivered[] {
  const f = new Map<string, string>();
  for (let i = 0; i + 1 < fields.length; i += 2) f.set(fields[i] as string, fields[i + 1] as string);
  const last = Number(id.split('-')[0]);
  const at = Number(f.get('at'));
  const batch = f.get('es');
  const events = batch
    ? EntryEventsSchema.parse(JSON.parse(batch))
    : [AgentEventSchema.parse(JSON.parse(f.get('e') ?? 'null'))];
  return events.map((event, i) => ({ seq: last - events.length + 1 + i, at, event }));
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
    const at = Math.floor(now);
    const seq = await this.#scripts.run(
      'eventsAppend',
      [home.stream, home.seq],
      [
        at,
        this.opts.maxLen ?? AGENT_EVENTS_MAXLEN,
        keys.agentEventsChannel(),
        home.email,
        home.lobby ? 0 : at,
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
    const at = Math.floor(now);
    const r = await this.#scripts.run(
      'eventsAppendUnlock',
      [home.stream, home.seq, keys.sessionLock(to.tag, lock.sessionId)],
      [
        at,
        this.opts.maxLen ?? AGENT_EVENTS_MAXLEN,
        keys.agentEventsChannel(),
        home.email,
        home.lobby ? 0 : at,
        lock.token,
        lock.ttlMs,
        ...events.map((e) => JSON.stringify(e)),
      ],
    );
    return Array.isArray(r) && Number(r[1]) === 1;
  }

  async readSince(to: AgentRef, afterSeq: number) {
    const home = await this.#home(to, Date.now());
    const res = await this.redis
      .multi()
      .get(home.seq)
      .xrange(home.stream, `${Math.max(0, afterSeq) + 1}-0`, '+')
      .exec();
    if (!res) throw new Error('event replay transaction aborted');
    const [seqRes, rangeRes] = res;
    if (seqRes?.[0]) throw seqRes[0];
    if (rangeRes?.[0]) throw rangeRes[0];
    const lastSeq = Number(seqRes?.[1] ?? 0);
    const entries = (rangeRes?.[1] ?? []) as [string, string[]][];
    // The first entry may end a step that began at or before afterSeq: keep only what comes after it.
    const events = entries.flatMap(([id, fields]) => entryEvents(id, fields)).filter((e) => e.seq > afterSeq);
    return { events, truncated: isTruncated(afterSeq, lastSeq, events), lastSeq };
  }

  async lastSeq(to: AgentRef): Promise<number> {
    return this.#lastSeqAt(await this.#home(to, Date.now()));
  }

  async rehome(agentEmail: string, tag: string, now: number): Promise<void> {
    const email = agentEmail.toLowerCase();
    const pointer = keys.agentEventHome(email);
    const prev = await this.redis.get(pointer);
    if (prev === tag) return;
    // Above the previous home's last seq (and at least now, above any stream created before it): a client
    // holding a seq of the old home finds a hole here and resyncs.
    const old = prev ? homeAt(prev, email) : lobbyOf(email);
    const prevLast = await this.#lastSeqAt(old);
    const next = homeAt(tag, email);
    await this.#scripts.run(
      'eventsRebase',
      [next.seq, next.stream],
      [Math.max(Math.floor(now), prevLast + 1)],
    );
    await this.redis.set(pointer, tag);
    // The lobby (the agent's own slot) is never read again; a tab it left expires like a finished session
    // (its late appends, from a call of a session there, have no reader), unless the agent comes back.
    if (!prev) await this.redis.del(old.stream, old.seq);
    else
      await Promise.all([
        this.redis.pexpire(old.stream, RETAIN_FINISHED_MS),
        this.redis.pexpire(old.seq, RETAIN_FINISHED_MS),
      ]);
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

  async #lastSeqAt(home: Home): Promise<number> {
    return Number((await this.redis.get(home.seq)) ?? 0);
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
      for (const e of n.events) {
        const live: LiveAgentEvent = { seq: e.seq, at: n.at, json: e.json };
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
