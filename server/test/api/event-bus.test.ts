// The AgentEventBus contract on a real redis-server: per-agent seq (contiguous within a home, above the
// previous home's when a session starts on another tab), ordered replay, truncation reported when retention trimmed the gap, live delivery, and for Redis, delivery
// to a subscriber on another connection (another coordinator instance).
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RedisServerHandle, startRedisServer } from '../../../test/support/redis-server.js';
import type { AgentEvent } from '../../../src-shared/contracts/ws.js';
import { RedisAgentEventBus } from '../../src/events/redis-bus.js';
import { keys } from '../../src/redis/keys.js';
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
  const range = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i);

  it('assigns increasing seqs per agent and replays in order after any seq', async () => {
    const bus = make();
    const a = agent();
    const b = agent();
    expect(await bus.lastSeq(a)).toBe(0);
    const seqs = [];
    for (let i = 1; i <= 5; i++) seqs.push(await bus.publish(a, ev(i), 1000 + i));
    const s1 = seqs[0] as number;
    expect(seqs).toEqual(range(s1, 5));
    expect(await bus.publish(b, ev(1), 1)).toBe(1);
    const r = await bus.readSince(a, s1 + 1);
    expect(r.events.map((e) => e.seq)).toEqual(range(s1 + 2, 3));
    expect(r.events[0]).toEqual({ seq: s1 + 2, at: 1003, event: ev(3) });
    expect(r).toMatchObject({ truncated: false, lastSeq: s1 + 4 });
    expect((await bus.readSince(a, s1 + 4)).events).toEqual([]);
    expect(await bus.lastSeq(a.toUpperCase())).toBe(s1 + 4);
  });

  it('keeps a step of several events as one entry, replayed from any seq inside it', async () => {
    const bus = make();
    const a = agent();
    const s1 = await bus.publish(a, ev(1), 1);
    expect(await bus.publishAll(a, [ev(2), ev(3), ev(4)], 2)).toBe(s1 + 3);
    expect(await bus.publish(a, ev(5), 3)).toBe(s1 + 4);
    expect((await bus.readSince(a, s1 - 1)).events.map((e) => [e.seq - s1, e.at, e.event])).toEqual([
      [0, 1, ev(1)],
      [1, 2, ev(2)],
      [2, 2, ev(3)],
      [3, 2, ev(4)],
      [4, 3, ev(5)],
    ]);
    // A client that saw part of the step gets the rest of it, and nothing it has.
    const mid = await bus.readSince(a, s1 + 1);
    expect(mid.events.map((e) => e.seq - s1)).toEqual([2, 3, 4]);
    expect(mid.truncated).toBe(false);
    expect((await bus.readSince(a, s1 + 3)).events.map((e) => e.seq - s1)).toEqual([4]);
  });

  it("appends a step's events and releases its session's lock in one step, for the lock's owner only", async () => {
    const bus = make();
    const c = new Redis(redisServer.url);
    clients.push(c);
    const a = { agentEmail: agent(), tag: '{t:sheet:3}' };
    const lockKey = keys.sessionLock(a.tag, 's1');
    await c.set(lockKey, 'mine', 'PX', 60_000);
    expect(
      await bus.publishAllUnlocking(a, [ev(1), ev(2)], 1, { sessionId: 's1', token: 'theirs', ttlMs: 5_000 }),
    ).toBe(false);
    expect(await c.get(lockKey)).toBe('mine'); // the holder's token, back with a live TTL
    expect(await c.pttl(lockKey)).toBeGreaterThan(0);
    expect(
      await bus.publishAllUnlocking(a, [ev(3)], 2, { sessionId: 's1', token: 'mine', ttlMs: 5_000 }),
    ).toBe(true);
    expect(await c.get(lockKey)).toBeNull();
    // Only the release: nothing appended.
    await c.set(lockKey, 'mine', 'PX', 60_000);
    expect(await bus.publishAllUnlocking(a, [], 3, { sessionId: 's1', token: 'mine', ttlMs: 5_000 })).toBe(
      true,
    );
    expect((await bus.readSince(a, 0)).events.map((e) => e.event)).toEqual([ev(1), ev(2), ev(3)]);
  });

  it('reports truncation when retention dropped events the client has not seen', async () => {
    const bus = make(10);
    const a = agent();
    const s1 = await bus.publish(a, ev(1), 1);
    for (let i = 2; i <= 200; i++) await bus.publish(a, ev(i), i);
    const old = await bus.readSince(a, s1 + 2);
    expect(old.truncated).toBe(true);
    const recent = await bus.readSince(a, s1 + 194);
    expect(recent.truncated).toBe(false);
    expect(recent.events.map((e) => e.seq - s1)).toEqual([195, 196, 197, 198, 199]);
    // a client claiming a seq the server never issued (its stream was reset) must resync too
    expect((await bus.readSince(a, s1 + 500)).truncated).toBe(true);
  });

  it('delivers live events to subscribers until they unsubscribe', async () => {
    const bus = make();
    const a = agent();
    const got: number[] = [];
    const unsubscribe = await bus.subscribe(a, (e) => got.push(e.seq));
    const s1 = await bus.publish(a, ev(1), 1);
    await bus.publish(agent(), ev(1), 1); // someone else's event is not delivered
    await bus.publish(a, ev(2), 2);
    await waitFor(() => got.length === 2, 'two live events');
    expect(got).toEqual([s1, s1 + 1]);
    await unsubscribe();
    await bus.publish(a, ev(3), 3);
    await bus.publish(a, ev(4), 4);
    const sub2: number[] = [];
    const un2 = await bus.subscribe(a, (e) => sub2.push(e.seq));
    await bus.publish(a, ev(5), 5);
    await waitFor(() => sub2.length === 1, 'a later subscriber');
    expect(got).toEqual([s1, s1 + 1]);
    await un2();
  });

  it("moves the agent's stream with its session's tab: seqs never go back, an older seq resyncs", async () => {
    const bus = make();
    const email = agent();
    const t1 = { agentEmail: email, tag: '{t:home:1}' };
    const t2 = { agentEmail: email, tag: '{t:home:2}' };
    // Before any session: the lobby.
    const lobby = await bus.publish(email, ev(1), 5_000);
    await bus.rehome(email, t1.tag, 6_000);
    const base1 = await bus.lastSeq(email);
    expect(base1).toBeGreaterThan(lobby);
    // The session's publishers name the tab; the rest find it through the home.
    const a1 = await bus.publish(t1, ev(2), 6_001);
    expect(await bus.publish(email, ev(3), 6_002)).toBe(a1 + 1);
    expect((await bus.readSince(email, a1 - 1)).events.map((e) => e.event)).toEqual([ev(2), ev(3)]);
    // A client holding a lobby seq finds a hole: resync.
    expect((await bus.readSince(email, lobby)).truncated).toBe(true);
    // Another tab, then back: each home starts above everything before it.
    for (let i = 0; i < 50; i++) await bus.publish(t1, ev(i), 6_003);
    const last1 = await bus.lastSeq(t1);
    await bus.rehome(email, t2.tag, 6_004);
    const b2 = await bus.publish(email, ev(4), 6_005);
    expect(b2).toBeGreaterThan(last1);
    // The tab it left expires like a finished session, unless the agent comes back to it.
    const redis = clients.at(-1) as Redis;
    expect(await redis.pttl(keys.agentEvents(t1.tag, email))).toBeGreaterThan(0);
    for (let i = 0; i < 5_000; i++) await bus.publish(t2, ev(i), 6_006);
    const last2 = await bus.lastSeq(email);
    await bus.rehome(email, t1.tag, 6_007); // t1's counter is far behind t2's: lifted above it
    const c1 = await bus.publish(email, ev(5), 6_008);
    expect(c1).toBe(last2 + 2);
    expect((await bus.readSince(email, last2 - 3)).truncated).toBe(true);
    expect((await bus.readSince(email, c1 - 1)).events.map((e) => e.event)).toEqual([ev(5)]);
    expect(await redis.pttl(keys.agentEvents(t1.tag, email))).toBe(-1);
    expect(await redis.pttl(keys.agentSeq(t1.tag, email))).toBe(-1);
    expect(await redis.pttl(keys.agentEvents(t2.tag, email))).toBeGreaterThan(0);
  }, 60_000);
});

describe('RedisAgentEventBus homes', () => {
  it('adopts the tab of a session started before homes existed, and drops the lobby (former stream)', async () => {
    const bus = redisBus();
    const redis = clients.at(-1) as Redis;
    const email = `legacy${++n}@example.com`;
    await redis.set(keys.agentLobbySeq(email), '42');
    await redis.xadd(keys.agentLobbyEvents(email), '42-0', 'at', '1', 'e', JSON.stringify(ev(42)));
    expect((await bus.readSince(email, 41)).events.map((e) => [e.seq, e.event])).toEqual([[42, ev(42)]]);
    await redis.set(keys.agent(email), '{t:old:1}|session-1');
    // The hot path appends to the session's tab; the email's readers find the same stream.
    const s = await bus.publish({ agentEmail: email, tag: '{t:old:1}' }, ev(1), Date.now());
    expect(s).toBeGreaterThan(42);
    const r = await bus.readSince(email, 42);
    expect(r.truncated).toBe(true); // the client's legacy seq: a clean resync
    expect((await bus.readSince(email, s - 1)).events.map((e) => e.event)).toEqual([ev(1)]);
    expect(await redis.get(keys.agentEventHome(email))).toBe('{t:old:1}');
    expect(await redis.exists(keys.agentLobbyEvents(email), keys.agentLobbySeq(email))).toBe(0);
  });
});

describe('RedisAgentEventBus across instances', () => {
  it('an event published through one instance reaches a subscriber of another, with one seq sequence', async () => {
    const a = redisBus();
    const b = redisBus();
    const email = `cross${++n}@example.com`;
    const got: number[] = [];
    const un = await b.subscribe(email, (e) => got.push(e.seq));
    const s1 = await a.publish(email, ev(1), 1);
    await b.publish(email, ev(2), 2);
    await a.publish(email, ev(3), 3);
    await waitFor(() => got.length === 3, 'cross-instance events');
    expect(got).toEqual([s1, s1 + 1, s1 + 2]);
    await un();
  });
});

describe('RedisAgentEventBus live notices', () => {
  it('forwards each event as it was encoded, and refuses a notice whose envelope is wrong', async () => {
    const c = new Redis(redisServer.url);
    clients.push(c);
    const errors: unknown[] = [];
    const bus = new RedisAgentEventBus(c, { onError: (e) => errors.push(e) });
    buses.push(bus);
    const email = `live${++n}@example.com`;
    const got: { seq: number; at: number; json: string }[] = [];
    const un = await bus.subscribe(email, (e) => got.push(e));
    const s1 = await bus.publishAll(email, [ev(1), ev(2)], 1_000);
    await waitFor(() => got.length === 2, 'two live events');
    expect(got.map((e) => [e.seq, e.at, JSON.parse(e.json)])).toEqual([
      [s1 - 1, 1_000, ev(1)],
      [s1, 1_000, ev(2)],
    ]);
    // Forged or garbled notices for the same agent: an unknown event type, a seq that is not an integer,
    // no events, not JSON. None is delivered; each is reported.
    const channel = keys.agentEventsChannel();
    const bad = [
      { email, at: 1, events: [{ seq: s1 + 1, event: { type: 'DROP_TABLES' } }] },
      { email, at: 1, events: [{ seq: 'x', event: ev(3) }] },
      { email, at: 1, events: [] },
    ];
    for (const b of bad) await c.publish(channel, JSON.stringify(b));
    await c.publish(channel, '{not json');
    await waitFor(() => errors.length === 4, 'four refused notices');
    await bus.publish(email, ev(4), 2_000);
    await waitFor(() => got.length === 3, 'the next real event');
    expect(got.map((e) => e.seq)).toEqual([s1 - 1, s1, s1 + 1]);
    await un();
  });
});
