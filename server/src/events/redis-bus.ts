// AgentEventBus on Redis: one Lua script assigns the next seqs (INCRBY keys.agentSeq), appends the events of
// one step to the agent's stream as ONE entry whose id is the step's last seq (XADD keys.agentEvents,
// MAXLEN ~ retention; field `es` = the JSON array, seqs last-n+1..last; an older entry holds one event in
// `e`) and PUBLISHes them in ONE notice on keys.agentEventsChannel(), so the hub of every coordinator
// instance delivers them live. A step that tells the agent several things (CALL_STATE, SHOW_DISPO, STATS)
// costs three commands, not one XADD per event. Replays read the stream (XRANGE from lastSeq+1: every
// entry ending after it) and drop the events the client has. Both keys carry the agent's hash tag:
// Cluster-safe.
import { z } from 'zod';
import { type AgentEvent, AgentEventSchema } from '../../../src-shared/contracts/ws.js';
import type { AgentEventBus, EventClaim } from '../ports.js';
import { duplicateClient } from '../redis/client.js';
import { keys } from '../redis/keys.js';
import { isTruncated } from './replay.js';
import { defineScript, type RedisClient, runScript } from './redis-script.js';

type Delivered = { seq: number; at: number; event: AgentEvent };
type Listener = (e: Delivered) => void;
/** Every notice of every agent, unvalidated (the supervisor console parses the few fields it needs). */
export type RawNoticeListener = (notice: unknown) => void;

/**
 * KEYS[1] agent event stream  KEYS[2] agent seq counter
 * ARGV[1] at (ms)  ARGV[2] MAXLEN  ARGV[3] notify channel  ARGV[4] agent email  ARGV[5..] event JSONs
 * Returns the last seq.
 */
const PUBLISH = defineScript(
  'events-publish-entry-2',
  `
local n = #ARGV - 4
local last = redis.call('INCRBY', KEYS[2], n)
local events, parts = {}, {}
for i = 1, n do
  events[i] = ARGV[4 + i]
  parts[i] = '{"seq":' .. (last - n + i) .. ',"event":' .. ARGV[4 + i] .. '}'
end
redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[2], last .. '-0', 'at', ARGV[1], 'es', '[' .. table.concat(events, ',') .. ']')
redis.call('PUBLISH', ARGV[3], '{"email":' .. cjson.encode(ARGV[4]) .. ',"at":' .. ARGV[1] .. ',"events":[' .. table.concat(parts, ',') .. ']}')
return last
`,
);

/**
 * The same append, after recording a webhook's event id: KEYS[3] its record (keys.agentCallEvent)
 * ARGV[1..4] as above  ARGV[5] TTL ms of the record  ARGV[6] "1": append only if the id is new
 * ARGV[7..] event JSONs.  Returns the last seq, or -1 (the id was recorded before and ARGV[6] = "1").
 */
const PUBLISH_CLAIMED = defineScript(
  'events-publish-claimed-3',
  `
local first = redis.call('SET', KEYS[3], ARGV[1], 'NX', 'PX', ARGV[5])
if not first and ARGV[6] == '1' then return -1 end
local n = #ARGV - 6
local last = redis.call('INCRBY', KEYS[2], n)
local events, parts = {}, {}
for i = 1, n do
  events[i] = ARGV[6 + i]
  parts[i] = '{"seq":' .. (last - n + i) .. ',"event":' .. ARGV[6 + i] .. '}'
end
redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[2], last .. '-0', 'at', ARGV[1], 'es', '[' .. table.concat(events, ',') .. ']')
redis.call('PUBLISH', ARGV[3], '{"email":' .. cjson.encode(ARGV[4]) .. ',"at":' .. ARGV[1] .. ',"events":[' .. table.concat(parts, ',') .. ']}')
return last
`,
);

const EntryEventsSchema = z.array(AgentEventSchema).min(1);

/** One stream entry's events with their seqs: `es` (a step's events, the id being the last seq) or, in an
 *  entry written before steps were batched, one event in `e`. */
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

const NotifySchema = z.object({
  email: z.string(),
  at: z.number(),
  events: z.array(z.object({ seq: z.number().int(), event: AgentEventSchema })).min(1),
});

export class RedisAgentEventBus implements AgentEventBus {
  readonly #listeners = new Map<string, Set<Listener>>();
  readonly #allListeners = new Set<RawNoticeListener>();
  #sub: Promise<RedisClient> | null = null;

  constructor(
    private readonly redis: RedisClient,
    private readonly opts: { maxLen?: number; onError?: (e: unknown) => void } = {},
  ) {}

  publish(agentEmail: string, event: AgentEvent, now: number): Promise<number> {
    return this.publishAll(agentEmail, [event], now);
  }

  async publishAll(
    agentEmail: string,
    events: readonly AgentEvent[],
    now: number,
    claim?: EventClaim,
  ): Promise<number> {
    const email = agentEmail.toLowerCase();
    if (events.length === 0) return this.lastSeq(email);
    if (claim) {
      const seq = await runScript(
        this.redis,
        PUBLISH_CLAIMED,
        [keys.agentEvents(email), keys.agentSeq(email), keys.agentCallEvent(email, claim.eventId)],
        [
          Math.floor(now),
          this.opts.maxLen ?? 1000,
          keys.agentEventsChannel(),
          email,
          claim.ttlMs,
          claim.onlyIfFirst ? '1' : '',
          ...events.map((e) => JSON.stringify(e)),
        ],
      );
      return Number(seq);
    }
    const seq = await runScript(
      this.redis,
      PUBLISH,
      [keys.agentEvents(email), keys.agentSeq(email)],
      [
        Math.floor(now),
        this.opts.maxLen ?? 1000,
        keys.agentEventsChannel(),
        email,
        ...events.map((e) => JSON.stringify(e)),
      ],
    );
    return Number(seq);
  }

  async readSince(agentEmail: string, afterSeq: number) {
    const email = agentEmail.toLowerCase();
    const res = await this.redis
      .multi()
      .get(keys.agentSeq(email))
      .xrange(keys.agentEvents(email), `${Math.max(0, afterSeq) + 1}-0`, '+')
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

  async lastSeq(agentEmail: string): Promise<number> {
    return Number((await this.redis.get(keys.agentSeq(agentEmail.toLowerCase()))) ?? 0);
  }

  /** Closes the subscriber connection (the command connection belongs to the caller). */
  async close(): Promise<void> {
    const sub = this.#sub;
    this.#sub = null;
    if (sub) (await sub).disconnect();
  }

  /** One subscriber connection per bus, shared by every agent: the channel is global, dispatch is local. */
  #subscriber(): Promise<RedisClient> {
    if (!this.#sub) {
      this.#sub = (async () => {
        const sub = duplicateClient(this.redis);
        sub.on('error', (e: unknown) => this.opts.onError?.(e));
        sub.on('message', (_channel: string, message: string) => this.#dispatch(message));
        await sub.subscribe(keys.agentEventsChannel());
        return sub;
      })();
      this.#sub.catch(() => {
        this.#sub = null;
      });
    }
    return this.#sub;
  }

  #dispatch(message: string): void {
    let n: z.infer<typeof NotifySchema>;
    let raw: unknown;
    try {
      raw = JSON.parse(message);
      // Most notices are for agents whose sockets are on another instance: skip them before validating.
      const email = raw && typeof raw === 'object' && 'email' in raw ? raw.email : null;
      if (typeof email === 'string' && !this.#listeners.has(email)) {
        this.#toAll(raw);
        return;
      }
      n = NotifySchema.parse(raw);
    } catch (e) {
      this.opts.onError?.(e);
      return;
    }
    const listeners = this.#listeners.get(n.email);
    if (listeners)
      for (const e of n.events) for (const l of listeners) l({ seq: e.seq, at: n.at, event: e.event });
    this.#toAll(raw);
  }

  #toAll(raw: unknown): void {
    for (const l of this.#allListeners) {
      try {
        l(raw);
      } catch (e) {
        this.opts.onError?.(e);
      }
    }
  }
}
