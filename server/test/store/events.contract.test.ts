// The AgentEventBus contract on a real redis-server and on a real three-master Redis Cluster: the stream is
// its own counter (one entry per step, id `0-<step>`, seqs step * 64 + i), so seqs increase per agent and
// are contiguous step after step; a stream starts above every seq of the layout before; a new home starts
// above the previous one's last step (an older seq resyncs); replay is ordered from inside a step or a
// step's end; a trimmed or lifted gap is truncation; a hole in live delivery is filled from the stream;
// live delivery reaches a subscriber on another connection (another coordinator instance).
import { type Cluster, Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RedisServerHandle, startRedisServer } from '../../../test/support/redis-server.js';
import { type AgentEvent, ServerMessageSchema } from '../../../src-shared/contracts/ws.js';
import { RedisAgentEventBus } from '../../src/events/redis-bus.js';
import { stepEnd, stepOf } from '../../src/events/replay.js';
import { keys } from '../../src/redis/keys.js';
import { AgentDelivery } from '../../src/ws/delivery.js';
import { type RedisClusterHandle, startRedisCluster } from '../support/redis-cluster.js';

const ev = (n: number): AgentEvent => ({ type: 'ERROR', code: 'NOTHING_TO_DIAL', message: `event ${n}` });
const waitFor = async (cond: () => boolean, what: string) => {
  const deadline = Date.now() + 10_000;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
};
/** The seq of event i of step k. */
const sq = (k: number, i = 0) => k * 64 + i;

let redisServer: RedisServerHandle;
let cluster: RedisClusterHandle;
const clients: (Redis | Cluster)[] = [];
const buses: RedisAgentEventBus[] = [];
beforeAll(async () => {
  [redisServer, cluster] = await Promise.all([startRedisServer({ appendOnly: false }), startRedisCluster()]);
});
afterAll(async () => {
  for (const b of buses) await b.close();
  for (const c of clients) c.disconnect();
  await redisServer?.stop();
  await cluster?.stop();
});

type Make = (maxLen?: number) => { bus: RedisAgentEventBus; redis: Redis | Cluster };
const onRedis: Make = (maxLen = 1000) => {
  const redis = new Redis(redisServer.url);
  clients.push(redis);
  const bus = new RedisAgentEventBus(redis, { maxLen });
  buses.push(bus);
  return { bus, redis };
};
const onCluster: Make = (maxLen = 1000) => {
  const redis = cluster.client();
  clients.push(redis);
  const bus = new RedisAgentEventBus(redis, { maxLen });
  buses.push(bus);
  return { bus, redis };
};

let n = 0;
const agent = () => `agent${++n}@example.com`;

describe.each([
  ['redis-server', onRedis],
  ['Redis Cluster', onCluster],
] as const)('AgentEventBus contract (%s)', (_name, make) => {
  it('gives each step the next step id, its events consecutive seqs, and replays after any seq', async () => {
    const { bus, redis } = make();
    const a = agent();
    const b = agent();
    expect(await bus.lastSeq(a)).toBe(0);
    const seqs = [];
    for (let i = 1; i <= 5; i++) seqs.push(await bus.publish(a, ev(i), 1000 + i));
    // Created by its first step at that step's time (ms): above every seq of the layout before (~1.7e12).
    const k = stepOf(seqs[0] as number);
    expect(k).toBe(1001);
    expect(seqs).toEqual([sq(k), sq(k + 1), sq(k + 2), sq(k + 3), sq(k + 4)]);
    expect(await bus.publish(b, ev(1), 7)).toBe(sq(7));
    const r = await bus.readSince(a, sq(k + 1));
    expect(r.events.map((e) => e.seq)).toEqual([sq(k + 2), sq(k + 3), sq(k + 4)]);
    expect(r.events[0]).toEqual({ seq: sq(k + 2), at: 1003, event: ev(3) });
    expect(r).toMatchObject({ truncated: false, lastSeq: stepEnd(k + 4) });
    expect(await bus.readSince(a, sq(k + 4))).toEqual({
      events: [],
      truncated: false,
      lastSeq: stepEnd(k + 4),
    });
    expect(await bus.lastSeq(a.toUpperCase())).toBe(stepEnd(k + 4));
    // The stream is the counter: no other key of the agent's.
    expect(await redis.xlen(keys.agentLobbyEvents(a))).toBe(5);
    // A stream created now starts near now * 64: safe integers for ~4,000 centuries.
    const now = Date.now();
    expect(Number.isSafeInteger(stepEnd(now))).toBe(true);
    expect(await bus.publish(agent(), ev(1), now)).toBe(sq(now));
  });

  it('keeps a step of several events as one entry, replayed from inside it or from its end', async () => {
    const { bus } = make();
    const a = agent();
    const s1 = await bus.publish(a, ev(1), 1);
    const k = stepOf(s1);
    expect(await bus.publishAll(a, [ev(2), ev(3), ev(4)], 2)).toBe(sq(k + 1, 2));
    expect(await bus.publish(a, ev(5), 3)).toBe(sq(k + 2));
    // The end of the step before the first: the whole stream follows.
    expect((await bus.readSince(a, stepEnd(k - 1))).events).toHaveLength(5);
    const all = await bus.readSince(a, sq(k));
    expect(all.events.map((e) => [e.seq, e.at, e.event])).toEqual([
      [sq(k + 1, 0), 2, ev(2)],
      [sq(k + 1, 1), 2, ev(3)],
      [sq(k + 1, 2), 2, ev(4)],
      [sq(k + 2), 3, ev(5)],
    ]);
    // A client that saw part of the step gets the rest of it, and nothing it has.
    const mid = await bus.readSince(a, sq(k + 1, 0));
    expect(mid.events.map((e) => e.seq)).toEqual([sq(k + 1, 1), sq(k + 1, 2), sq(k + 2)]);
    expect(mid.truncated).toBe(false);
    expect((await bus.readSince(a, sq(k + 1, 2))).events.map((e) => e.seq)).toEqual([sq(k + 2)]);
    expect((await bus.readSince(a, stepEnd(k + 1))).events.map((e) => e.seq)).toEqual([sq(k + 2)]);
    // A seq inside a step the step never issued: resync.
    expect((await bus.readSince(a, sq(k + 1, 3))).truncated).toBe(true);
  });

  it('refuses a step of more than 63 events, writing nothing', async () => {
    const { bus } = make();
    const a = agent();
    await bus.publish(a, ev(0), 1);
    const before = await bus.lastSeq(a);
    await expect(
      bus.publishAll(
        a,
        Array.from({ length: 64 }, (_, i) => ev(i)),
        2,
      ),
    ).rejects.toThrow(/63/);
    expect(
      await bus.publishAll(
        a,
        Array.from({ length: 63 }, (_, i) => ev(i)),
        3,
      ),
    ).toBe(sq(2, 62));
    expect(before).toBe(stepEnd(1));
  });

  it("appends a step's events and releases its session's lock in one step, for the lock's owner only", async () => {
    const { bus, redis: c } = make();
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
    // A client that has nothing (0) gets the whole stream: created by its first step, never trimmed.
    expect((await bus.readSince(a, 0)).events.map((e) => [e.seq, e.event])).toEqual([
      [sq(1, 0), ev(1)],
      [sq(1, 1), ev(2)],
      [sq(2), ev(3)],
    ]);
  });

  it('keeps counting after the stream is trimmed, and reports what retention dropped', async () => {
    const { bus, redis } = make(10);
    const a = agent();
    const s1 = await bus.publish(a, ev(1), 1);
    const k = stepOf(s1);
    for (let i = 2; i <= 200; i++) await bus.publish(a, ev(i), i);
    expect(await redis.xlen(keys.agentLobbyEvents(a))).toBeLessThan(200);
    expect(await bus.lastSeq(a)).toBe(stepEnd(k + 199));
    expect((await bus.readSince(a, sq(k + 2))).truncated).toBe(true);
    expect((await bus.readSince(a, 0)).truncated).toBe(true); // nothing, and the start is gone
    const recent = await bus.readSince(a, sq(k + 194));
    expect(recent.truncated).toBe(false);
    expect(recent.events.map((e) => stepOf(e.seq) - k)).toEqual([195, 196, 197, 198, 199]);
    // A client claiming a seq the server never issued (its stream was reset) must resync too.
    expect((await bus.readSince(a, sq(k + 500))).truncated).toBe(true);
    // Trimmed down to its last entries, the stream still continues from its last step.
    expect(await bus.publish(a, ev(201), 201)).toBe(sq(k + 200));
  });

  it('delivers live events to subscribers until they unsubscribe, marking the end of each step', async () => {
    const { bus } = make();
    const a = agent();
    const got: [number, boolean][] = [];
    const unsubscribe = await bus.subscribe(a, (e) => got.push([e.seq, e.stepEnd]));
    const s1 = await bus.publish(a, ev(1), 1);
    await bus.publish(agent(), ev(1), 1); // someone else's event is not delivered
    await bus.publishAll(a, [ev(2), ev(3)], 2);
    await waitFor(() => got.length === 3, 'three live events');
    const k = stepOf(s1);
    expect(got).toEqual([
      [sq(k), true],
      [sq(k + 1, 0), false],
      [sq(k + 1, 1), true],
    ]);
    await unsubscribe();
    await bus.publish(a, ev(3), 3);
    const sub2: number[] = [];
    const un2 = await bus.subscribe(a, (e) => sub2.push(e.seq));
    await bus.publish(a, ev(5), 5);
    await waitFor(() => sub2.length === 1, 'a later subscriber');
    expect(got).toHaveLength(3);
    await un2();
  });

  it('fills a hole in live delivery from the stream, across steps, in order', async () => {
    const { bus } = make();
    const email = agent();
    await bus.publish(email, ev(0), 1);
    const frames: number[] = [];
    const errors: unknown[] = [];
    const delivery = new AgentDelivery(
      email,
      bus,
      (f) => {
        const m = ServerMessageSchema.parse(JSON.parse(f));
        if (m.type === 'EVENT') frames.push(m.seq);
      },
      (e) => errors.push(e),
      0,
    );
    // A notice lost on its way (a pub/sub reconnect): the step of ev(2), ev(3) never reaches the socket.
    const lost = new Set([2, 3]);
    const un = await bus.subscribe(email, (e) => {
      const event = JSON.parse(e.json) as AgentEvent;
      if (!(event.type === 'ERROR' && lost.has(Number(event.message.split(' ')[1])))) delivery.live(e);
    });
    const r = await bus.readSince(email, await bus.lastSeq(email));
    delivery.start(r.lastSeq);
    const s1 = await bus.publishAll(email, [ev(1)], 2);
    await bus.publishAll(email, [ev(2), ev(3)], 3);
    await bus.publishAll(email, [ev(4), ev(5)], 4);
    await bus.publishAll(email, [ev(6)], 5);
    const k = stepOf(s1);
    await waitFor(() => frames.length === 6, 'every event, the lost step read from the stream');
    expect(frames).toEqual([sq(k), sq(k + 1, 0), sq(k + 1, 1), sq(k + 2, 0), sq(k + 2, 1), sq(k + 3)]);
    expect(delivery.delivered).toBe(stepEnd(k + 3));
    expect(errors).toEqual([]);
    await un();
  });

  it("moves the agent's stream with its session's tab: seqs never go back, an older seq resyncs", async () => {
    const { bus, redis } = make();
    const email = agent();
    const t1 = { agentEmail: email, tag: '{t:home:1}' };
    const t2 = { agentEmail: email, tag: '{t:home:2}' };
    // Before any session: the lobby.
    const lobby = await bus.publish(email, ev(1), 5_000);
    await bus.rehome(email, t1.tag, 6_000);
    // The new home exists before its first step, at the start's time: the session's snapshot says where.
    const base1 = await bus.lastSeq(email);
    expect(base1).toBe(stepEnd(5_999));
    expect(await redis.exists(keys.agentLobbyEvents(email))).toBe(0);
    // The session's publishers name the tab; the rest find it through the home.
    const a1 = await bus.publish(t1, ev(2), 6_001);
    expect(a1).toBe(sq(6_000));
    expect(await bus.publish(email, ev(3), 6_002)).toBe(sq(6_001));
    expect((await bus.readSince(email, base1)).events.map((e) => e.event)).toEqual([ev(2), ev(3)]);
    // A client holding a lobby seq finds a hole: resync.
    expect((await bus.readSince(email, lobby)).truncated).toBe(true);
    // Another tab, then back: each home starts above everything before it.
    for (let i = 0; i < 50; i++) await bus.publish(t1, ev(i), 6_003);
    const last1 = await bus.lastSeq(t1);
    // The second tab's stream exists already (a call of a session there, before the agent moved).
    await bus.publish(t2, ev(99), 1);
    await bus.rehome(email, t2.tag, 6_004);
    const b2 = await bus.publish(email, ev(4), 6_005);
    expect(b2).toBe(last1 + 1); // lifted: the first step after t1's last
    expect((await bus.readSince(email, last1)).events.map((e) => e.event)).toEqual([ev(4)]);
    // The tab it left expires like a finished session, unless the agent comes back to it.
    expect(await redis.pttl(keys.agentEvents(t1.tag, email))).toBeGreaterThan(0);
    for (let i = 0; i < 300; i++) await bus.publish(t2, ev(i), 6_006);
    const last2 = await bus.lastSeq(email);
    // A client of t1's last events does not get t2's as if they followed: resync.
    expect((await bus.readSince(email, a1)).truncated).toBe(true);
    await bus.rehome(email, t1.tag, 6_007); // t1's last step is far behind t2's: lifted above it
    expect(await bus.lastSeq(email)).toBe(last2);
    const c1 = await bus.publish(email, ev(5), 6_008);
    expect(c1).toBe(last2 + 1);
    // t1 holds its old steps, then (lifted) this one: a client of the old steps missed t2's: resync.
    expect((await bus.readSince(email, last1)).truncated).toBe(true);
    expect((await bus.readSince(email, sq(stepOf(last2), 0))).truncated).toBe(true);
    expect((await bus.readSince(email, last2)).events.map((e) => e.event)).toEqual([ev(5)]);
    expect(await redis.pttl(keys.agentEvents(t1.tag, email))).toBe(-1);
    expect(await redis.pttl(keys.agentEvents(t2.tag, email))).toBeGreaterThan(0);
  }, 60_000);

  it('starts over above the layout before step ids, and deletes its keys when a session starts', async () => {
    const { bus, redis } = make();
    const email = agent();
    const tag = '{t:legacy:1}';
    const [oldStream, oldSeq] = keys.legacyAgentEvents(tag, email) as [string, string];
    const legacySeq = 1_764_547_200_123;
    await redis.set(oldSeq, String(legacySeq));
    await redis.xadd(oldStream, `${legacySeq}-0`, 'at', '1', 'es', JSON.stringify([ev(1)]));
    await redis.set(keys.agentEventHome(email), tag); // a home from before
    const now = Date.now();
    await bus.rehome(email, tag, now); // the agent's next session starts on the same tab
    expect(await redis.exists(oldStream, oldSeq)).toBe(0);
    const base = await bus.lastSeq(email);
    expect(base).toBeGreaterThan(legacySeq);
    expect((await bus.readSince(email, legacySeq)).truncated).toBe(true); // the client's old seq: a resync
    const s = await bus.publish({ agentEmail: email, tag }, ev(2), now + 1);
    expect(s).toBe(base + 1);
    expect((await bus.readSince(email, base)).events.map((e) => e.event)).toEqual([ev(2)]);
  });
});

describe('RedisAgentEventBus homes', () => {
  it('adopts the tab of a session started before homes existed, and drops the lobby (both layouts)', async () => {
    const { bus, redis } = onRedis();
    const email = `legacy${++n}@example.com`;
    const [oldLobby, oldLobbySeq] = keys.legacyLobbyEvents(email) as [string, string];
    await redis.set(oldLobbySeq, '42');
    await redis.xadd(oldLobby, '42-0', 'at', '1', 'e', JSON.stringify(ev(42)));
    await redis.set(keys.agent(email), '{t:old:1}|session-1');
    // The hot path appends to the session's tab; the email's readers find the same stream.
    const s = await bus.publish({ agentEmail: email, tag: '{t:old:1}' }, ev(1), Date.now());
    expect(s).toBeGreaterThan(42);
    const r = await bus.readSince(email, 42);
    expect(r.truncated).toBe(true); // the client's legacy seq: a clean resync
    expect(r.lastSeq).toBe(stepEnd(stepOf(s)));
    // s - 1 is the end of the step before s's: s follows it.
    expect((await bus.readSince(email, s - 1)).events.map((e) => e.event)).toEqual([ev(1)]);
    expect((await bus.readSince(email, s)).events).toEqual([]);
    expect(await redis.get(keys.agentEventHome(email))).toBe('{t:old:1}');
    expect(await redis.exists(oldLobby, oldLobbySeq, keys.agentLobbyEvents(email))).toBe(0);
  });
});

describe('RedisAgentEventBus across instances', () => {
  it('an event published through one instance reaches a subscriber of another, with one seq sequence', async () => {
    const { bus: a } = onCluster();
    const { bus: b } = onCluster();
    const email = `cross${++n}@example.com`;
    const got: number[] = [];
    const un = await b.subscribe(email, (e) => got.push(e.seq));
    const s1 = await a.publish(email, ev(1), 1);
    await b.publish(email, ev(2), 2);
    await a.publish(email, ev(3), 3);
    await waitFor(() => got.length === 3, 'cross-instance events');
    expect(got).toEqual([s1, s1 + 64, s1 + 128]);
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
    expect(got.map((e) => e.seq)).toEqual([s1 - 1, s1, sq(stepOf(s1) + 1)]);
    await un();
  });
});
