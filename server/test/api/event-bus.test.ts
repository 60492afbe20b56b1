// The AgentEventBus contract on a real redis-server: per-agent seq,
// ordered replay, truncation reported when retention trimmed the gap, live delivery, and for Redis, delivery
// to a subscriber on another connection (another coordinator instance).
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RedisServerHandle, startRedisServer } from '../../../test/support/redis-server.js';
import type { AgentEvent } from '../../../src-shared/contracts/ws.js';
import { RedisAgentEventBus } from '../../src/events/redis-bus.js';
import type { AgentEventBus } from '../../src/ports.js';

const ev = (n: number): AgentEvent => ({ type: 'ERROR', code: 'NOTHING_TO_DIAL', message: `event ${n}` });
const waitFor = async (cond: () => boolean, what: string) => {
  const deadline = Date.now() + 10_000;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
};

let redisServer: RedisServerHandle;
const clients: Redis[] = [];
const buses: RedisAgentEventBus[] = [];
beforeAll(async () => {
  redisServer = await startRedisServer({ appendOnly: false });
});
afterAll(async () => {
  for (const b of buses) await b.close();
  for (const c of clients) c.disconnect();
  await redisServer.stop();
});
let n = 0;
const redisBus = (maxLen = 1000) => {
  const c = new Redis(redisServer.url);
  clients.push(c);
  const b = new RedisAgentEventBus(c, { maxLen });
  buses.push(b);
  return b;
};

const twins: [string, (maxLen?: number) => AgentEventBus][] = [['redis', (maxLen) => redisBus(maxLen)]];

describe.each(twins)('AgentEventBus contract (%s)', (_name, make) => {
  const agent = () => `agent${++n}@example.com`;

  it('assigns increasing seqs per agent and replays in order after any seq', async () => {
    const bus = make();
    const a = agent();
    const b = agent();
    expect(await bus.lastSeq(a)).toBe(0);
    const seqs = [];
    for (let i = 1; i <= 5; i++) seqs.push(await bus.publish(a, ev(i), 1000 + i));
    expect(seqs).toEqual([1, 2, 3, 4, 5]);
    expect(await bus.publish(b, ev(1), 1)).toBe(1);
    const r = await bus.readSince(a, 2);
    expect(r.events.map((e) => e.seq)).toEqual([3, 4, 5]);
    expect(r.events[0]).toEqual({ seq: 3, at: 1003, event: ev(3) });
    expect(r).toMatchObject({ truncated: false, lastSeq: 5 });
    expect((await bus.readSince(a, 5)).events).toEqual([]);
    expect(await bus.lastSeq(a.toUpperCase())).toBe(5);
  });

  it('keeps a step of several events as one entry, replayed from any seq inside it', async () => {
    const bus = make();
    const a = agent();
    expect(await bus.publish(a, ev(1), 1)).toBe(1);
    expect(await bus.publishAll(a, [ev(2), ev(3), ev(4)], 2)).toBe(4);
    expect(await bus.publish(a, ev(5), 3)).toBe(5);
    expect((await bus.readSince(a, 0)).events.map((e) => [e.seq, e.at, e.event])).toEqual([
      [1, 1, ev(1)],
      [2, 2, ev(2)],
      [3, 2, ev(3)],
      [4, 2, ev(4)],
      [5, 3, ev(5)],
    ]);
    // A client that saw part of the step gets the rest of it, and nothing it has.
    const mid = await bus.readSince(a, 2);
    expect(mid.events.map((e) => e.seq)).toEqual([3, 4, 5]);
    expect(mid.truncated).toBe(false);
    expect((await bus.readSince(a, 4)).events.map((e) => e.seq)).toEqual([5]);
  });

  it('records a webhook event id with its announcement: once-only appends skip an id seen before', async () => {
    const bus = make();
    const a = agent();
    const claim = (onlyIfFirst: boolean) => ({ eventId: 'ev-1', ttlMs: 60_000, onlyIfFirst });
    expect(await bus.publishAll(a, [ev(1)], 1, claim(false))).toBe(1);
    // A redelivery that would announce again only if no delivery did: nothing appended.
    expect(await bus.publishAll(a, [ev(2)], 2, claim(true))).toBe(-1);
    // Another event id is new; a step that moved the call is announced whatever was recorded.
    expect(await bus.publishAll(a, [ev(3)], 3, { ...claim(true), eventId: 'ev-2' })).toBe(2);
    expect(await bus.publishAll(a, [ev(4)], 4, claim(false))).toBe(3);
    expect((await bus.readSince(a, 0)).events.map((e) => e.event)).toEqual([ev(1), ev(3), ev(4)]);
    // The record is the agent's: another agent's same event id is new.
    expect(await bus.publishAll(agent(), [ev(5)], 5, claim(true))).toBe(1);
  });

  it('reports truncation when retention dropped events the client has not seen', async () => {
    const bus = make(10);
    const a = agent();
    for (let i = 1; i <= 200; i++) await bus.publish(a, ev(i), i);
    const old = await bus.readSince(a, 3);
    expect(old.truncated).toBe(true);
    const recent = await bus.readSince(a, 195);
    expect(recent.truncated).toBe(false);
    expect(recent.events.map((e) => e.seq)).toEqual([196, 197, 198, 199, 200]);
    // a client claiming a seq the server never issued (its stream was reset) must resync too
    expect((await bus.readSince(a, 500)).truncated).toBe(true);
  });

  it('delivers live events to subscribers until they unsubscribe', async () => {
    const bus = make();
    const a = agent();
    const got: number[] = [];
    const unsubscribe = await bus.subscribe(a, (e) => got.push(e.seq));
    await bus.publish(a, ev(1), 1);
    await bus.publish(agent(), ev(1), 1); // someone else's event is not delivered
    await bus.publish(a, ev(2), 2);
    await waitFor(() => got.length === 2, 'two live events');
    expect(got).toEqual([1, 2]);
    await unsubscribe();
    await bus.publish(a, ev(3), 3);
    await bus.publish(a, ev(4), 4);
    const sub2: number[] = [];
    const un2 = await bus.subscribe(a, (e) => sub2.push(e.seq));
    await bus.publish(a, ev(5), 5);
    await waitFor(() => sub2.length === 1, 'a later subscriber');
    expect(got).toEqual([1, 2]);
    await un2();
  });
});

describe('RedisAgentEventBus across instances', () => {
  it('an event published through one instance reaches a subscriber of another, with one seq sequence', async () => {
    const a = redisBus();
    const b = redisBus();
    const email = `cross${++n}@example.com`;
    const got: number[] = [];
    const un = await b.subscribe(email, (e) => got.push(e.seq));
    await a.publish(email, ev(1), 1);
    await b.publish(email, ev(2), 2);
    await a.publish(email, ev(3), 3);
    await waitFor(() => got.length === 3, 'cross-instance events');
    expect(got).toEqual([1, 2, 3]);
    await un();
  });
});
