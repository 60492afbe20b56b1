// The embedded AgentEventBus for the one-process demo: per-agent arrays with the same retention and
// ordering rules as the Redis bus (server/test/api/event-bus.test.ts runs one contract suite on both).
import type { AgentEvent } from '../../../src-shared/contracts/ws.js';
import type { AgentEventBus } from '../ports.js';

type Delivered = { seq: number; at: number; event: AgentEvent };
type Listener = (e: Delivered) => void;

export class MemoryAgentEventBus implements AgentEventBus {
  readonly #streams = new Map<string, { seq: number; events: Delivered[] }>();
  readonly #listeners = new Map<string, Set<Listener>>();

  constructor(private readonly maxLen = 1000) {}

  #stream(email: string) {
    const k = email.toLowerCase();
    let s = this.#streams.get(k);
    if (!s) {
      s = { seq: 0, events: [] };
      this.#streams.set(k, s);
    }
    return s;
  }

  async publish(agentEmail: string, event: AgentEvent, now: number): Promise<number> {
    const s = this.#stream(agentEmail);
    s.seq += 1;
    const d = { seq: s.seq, at: now, event };
    s.events.push(d);
    if (s.events.length > this.maxLen) s.events.splice(0, s.events.length - this.maxLen);
    for (const l of this.#listeners.get(agentEmail.toLowerCase()) ?? []) l(d);
    return s.seq;
  }

  async readSince(agentEmail: string, afterSeq: number) {
    const s = this.#stream(agentEmail);
    const events = s.events.filter((e) => e.seq > afterSeq);
    return { events, truncated: isTruncated(afterSeq, s.seq, events), lastSeq: s.seq };
  }

  async subscribe(agentEmail: string, onEvent: Listener): Promise<() => Promise<void>> {
    const k = agentEmail.toLowerCase();
    let set = this.#listeners.get(k);
    if (!set) {
      set = new Set();
      this.#listeners.set(k, set);
    }
    set.add(onEvent);
    return async () => {
      set.delete(onEvent);
    };
  }

  async lastSeq(agentEmail: string): Promise<number> {
    return this.#stream(agentEmail).seq;
  }
}

/** A replay has a hole when events after `afterSeq` exist but the first one kept is not afterSeq+1, or
 *  when the client claims a seq the server never issued (its stream was reset). */
export function isTruncated(afterSeq: number, lastSeq: number, events: readonly { seq: number }[]): boolean {
  if (afterSeq > lastSeq) return true;
  if (afterSeq === lastSeq) return false;
  const first = events[0];
  return !first || first.seq > afterSeq + 1;
}
