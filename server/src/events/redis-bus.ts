// AgentEventBus on Redis: one Lua script assigns the next seq (INCR keys.agentSeq), appends the event to the
// agent's stream with that seq as its entry id (XADD keys.agentEvents, MAXLEN ~ retention) and PUBLISHes it
// on keys.agentEventsChannel(), so the hub of every coordinator instance delivers it live. Replays read the
// stream (XRANGE from lastSeq+1). Both keys carry the agent's hash tag: Cluster-safe.
import { z } from 'zod';
import { type AgentEvent, AgentEventSchema } from '../../../src-shared/contracts/ws.js';
import type { AgentEventBus } from '../ports.js';
import { duplicateClient } from '../redis/client.js';
import { keys } from '../redis/keys.js';
import { isTruncated } from './replay.js';
import { defineScript, type RedisClient, runScript } from './redis-script.js';

type Delivered = { seq: number; at: number; event: AgentEvent };
type Listener = (e: Delivered) => void;

/**
 * KEYS[1] agent event stream  KEYS[2] agent seq counter
 * ARGV[1] event JSON  ARGV[2] at (ms)  ARGV[3] MAXLEN  ARGV[4] notify channel  ARGV[5] agent email
 * Returns the new seq.
 */
const PUBLISH = defineScript(
  'events-publish-2',
  `
local seq = redis.call('INCR', KEYS[2])
redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[3], seq .. '-0', 'at', ARGV[2], 'e', ARGV[1])
redis.call('PUBLISH', ARGV[4], '{"email":' .. cjson.encode(ARGV[5]) .. ',"seq":' .. seq .. ',"at":' .. ARGV[2] .. ',"event":' .. ARGV[1] .. '}')
return seq
`,
);

const NotifySchema = z.object({
  email: z.string(),
  seq: z.number().int(),
  at: z.number(),
  event: AgentEventSchema,
});

export class RedisAgentEventBus implements AgentEventBus {
  readonly #listeners = new Map<string, Set<Listener>>();
  #sub: Promise<RedisClient> | null = null;

  constructor(
    private readonly redis: RedisClient,
    private readonly opts: { maxLen?: number; onError?: (e: unknown) => void } = {},
  ) {}

  async publish(agentEmail: string, event: AgentEvent, now: number): Promise<number> {
    const email = agentEmail.toLowerCase();
    const seq = await runScript(
      this.redis,
      PUBLISH,
      [keys.agentEvents(email), keys.agentSeq(email)],
      [JSON.stringify(event), Math.floor(now), this.opts.maxLen ?? 1000, keys.agentEventsChannel(), email],
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
    const events: Delivered[] = entries.map(([id, fields]) => {
      const f = new Map<string, string>();
      for (let i = 0; i + 1 < fields.length; i += 2) f.set(fields[i] as string, fields[i + 1] as string);
      return {
        seq: Number(id.split('-')[0]),
        at: Number(f.get('at')),
        event: AgentEventSchema.parse(JSON.parse(f.get('e') ?? 'null')),
      };
    });
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
    try {
      n = NotifySchema.parse(JSON.parse(message));
    } catch (e) {
      this.opts.onError?.(e);
      return;
    }
    for (const l of this.#listeners.get(n.email) ?? []) l({ seq: n.seq, at: n.at, event: n.event });
  }
}
