// The WebSocket hub: ticket auth as the first message (one use, timeout), every client message validated,
// PING/PONG, resume after reconnect with nothing missed and nothing doubled, RESYNC_REQUIRED when the gap was
// trimmed or the agent's events moved to another tab, heartbeats dropping dead sockets, and (Redis) an event
// published on one instance reaching a socket on another.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RedisServerHandle, startRedisServer } from '../../../test/support/redis-server.js';
import { type AgentEvent, WS_CLOSE, WS_PROTOCOL_VERSION } from '../../../src-shared/contracts/ws.js';
import { stepEnd, stepOf } from '../../src/events/replay.js';
import { type Harness, startHarness } from './support/harness.js';
import { connectAgent, openSocket, ticketFor } from './support/ws-client.js';

const ev = (n: number): AgentEvent => ({ type: 'ERROR', code: 'NOTHING_TO_DIAL', message: `event ${n}` });
const ANN = 'ann@example.com';

let h: Harness;
let token: string;
beforeAll(async () => {
  h = await startHarness({ authTimeoutMs: 1000 });
  token = (await h.login(ANN)).accessToken;
});
afterAll(() => h.close());

describe('authentication', () => {
  it('HELLO after AUTH with a ticket; the ticket works only once', async () => {
    const ticket = await ticketFor(h.url, token);
    const a = await openSocket(h.wsUrl);
    a.ws.send(JSON.stringify({ v: 1, type: 'AUTH', ticket, lastSeq: null }));
    const hello = await a.waitFor((m) => m.type === 'HELLO', 'HELLO');
    expect(hello).toMatchObject({ agentEmail: ANN, instanceId: 'test' });
    await a.close();
    const b = await openSocket(h.wsUrl);
    b.ws.send(JSON.stringify({ v: 1, type: 'AUTH', ticket, lastSeq: null }));
    await b.waitFor((m) => m.type === 'AUTH_FAILED', 'AUTH_FAILED');
    expect((await b.closed).code).toBe(WS_CLOSE.AUTH_FAILED);
  });

  it('POST /ws/ticket needs the access token', async () => {
    await expect(ticketFor(h.url, 'not-a-token')).rejects.toThrow(/401/);
  });

  it('closes 4400 on a malformed message, 4401 on anything before AUTH, 4408 when AUTH never comes', async () => {
    const bad = await openSocket(h.wsUrl);
    bad.ws.send('{"v":1,"type":"AUTH","ticket":5}');
    expect((await bad.closed).code).toBe(WS_CLOSE.BAD_MESSAGE);
    const notJson = await openSocket(h.wsUrl);
    notJson.ws.send('hello');
    expect((await notJson.closed).code).toBe(WS_CLOSE.BAD_MESSAGE);
    const early = await openSocket(h.wsUrl);
    early.ws.send(JSON.stringify({ v: 1, type: 'PING', t: 1 }));
    expect((await early.closed).code).toBe(WS_CLOSE.AUTH_FAILED);
    const silent = await openSocket(h.wsUrl);
    expect((await silent.closed).code).toBe(WS_CLOSE.AUTH_TIMEOUT);
  });
});

describe('messages', () => {
  it('answers PING with PONG and delivers live events with increasing seqs', async () => {
    const s = await connectAgent(h.url, h.wsUrl, token, null);
    s.ws.send(JSON.stringify({ v: WS_PROTOCOL_VERSION, type: 'PING', t: 42 }));
    await s.waitFor((m) => m.type === 'PONG' && m.t === 42, 'PONG');
    const s1 = await h.bus.publish(ANN, ev(1), Date.now());
    const s2 = await h.bus.publish(ANN, ev(2), Date.now());
    await s.waitFor((m) => m.type === 'EVENT' && m.seq === s2, 'second event');
    expect(s.seqs()).toEqual([s1, s2]);
    expect(s2).toBe(s1 + 64); // one step each: the next step's first seq
    await s.close();
  });

  it('resumes after a reconnect: replays exactly what was missed, then continues live', async () => {
    const s1 = await connectAgent(h.url, h.wsUrl, token, null);
    const first = await h.bus.publish(ANN, ev(1), Date.now());
    await s1.waitFor((m) => m.type === 'EVENT' && m.seq === first, 'first event');
    const lastSeen = s1.seqs().at(-1) as number;
    await s1.close();
    const missed = [(await h.bus.publishAll(ANN, [ev(2), ev(3)], Date.now())) - 1];
    missed.push((missed[0] as number) + 1);
    for (let i = 4; i <= 6; i++) missed.push(await h.bus.publish(ANN, ev(i), Date.now()));
    const s2 = await connectAgent(h.url, h.wsUrl, token, lastSeen);
    expect(s2.messages[0]).toMatchObject({
      type: 'HELLO',
      replayed: 5,
      serverSeq: stepEnd(stepOf(missed[4] as number)),
    });
    const live = await h.bus.publish(ANN, ev(7), Date.now());
    await s2.waitFor((m) => m.type === 'EVENT' && m.seq === live, 'live event after replay');
    expect(s2.seqs()).toEqual([...missed, live]);
    await s2.close();
  });

  it('interleaved publishing during the replay neither loses nor doubles an event', async () => {
    const last = await h.bus.lastSeq(ANN);
    const published: number[] = [];
    const publishing = (async () => {
      for (let i = 0; i < 40; i++) published.push(await h.bus.publish(ANN, ev(i), Date.now()));
    })();
    const s = await connectAgent(h.url, h.wsUrl, token, last);
    await publishing;
    await s.waitFor((m) => m.type === 'EVENT' && m.seq === published.at(-1), 'all 40 events');
    expect(s.seqs()).toEqual(published);
    await s.close();
  });
});

describe('gaps and heartbeats', () => {
  it('says RESYNC_REQUIRED when retention trimmed the gap', async () => {
    // Redis trims a stream approximately (MAXLEN ~): 200 events with a retention of 3 drop the early ones.
    const small = await startHarness({ busMaxLen: 3 });
    try {
      const t = (await small.login(ANN)).accessToken;
      const first = await small.bus.publish(ANN, ev(1), Date.now());
      let last = first;
      for (let i = 2; i <= 200; i++) last = await small.bus.publish(ANN, ev(i), Date.now());
      const s = await connectAgent(small.url, small.wsUrl, t, first);
      await s.waitFor((m) => m.type === 'RESYNC_REQUIRED', 'RESYNC_REQUIRED');
      expect(s.messages.find((m) => m.type === 'RESYNC_REQUIRED')).toMatchObject({
        serverSeq: stepEnd(stepOf(last)),
      });
      const next = await small.bus.publish(ANN, ev(201), Date.now());
      await s.waitFor((m) => m.type === 'EVENT' && m.seq === next, 'live after resync');
      expect(s.seqs()).toEqual([next]);
      await s.close();
    } finally {
      await small.close();
    }
  });

  it("says RESYNC_REQUIRED on a live socket when the agent's events move to another tab, never drops one", async () => {
    const m = await startHarness();
    try {
      const t = (await m.login(ANN)).accessToken;
      await m.bus.rehome(ANN, '{t:move:1}', Date.now());
      const s = await connectAgent(m.url, m.wsUrl, t, await m.bus.lastSeq(ANN));
      const first = await m.bus.publish(ANN, ev(1), Date.now());
      await s.waitFor((x) => x.type === 'EVENT' && x.seq === first, 'an event from the first tab');
      // A session on another tab: its stream continues above the first one's seqs, so the socket sees a
      // hole and the client is told to resync (a snapshot), not handed seqs it would take as seen.
      await m.bus.rehome(ANN, '{t:move:2}', Date.now());
      const moved = await m.bus.publish({ agentEmail: ANN, tag: '{t:move:2}' }, ev(2), Date.now());
      expect(moved).toBeGreaterThan(first);
      await s.waitFor((x) => x.type === 'RESYNC_REQUIRED', 'RESYNC_REQUIRED after the move');
      expect(s.messages.find((x) => x.type === 'RESYNC_REQUIRED')).toMatchObject({
        serverSeq: stepEnd(stepOf(moved)),
      });
      const next = await m.bus.publish(ANN, ev(3), Date.now());
      await s.waitFor((x) => x.type === 'EVENT' && x.seq === next, 'live on the new tab');
      expect(s.seqs()).toEqual([first, next]);
      await s.close();
    } finally {
      await m.close();
    }
  });

  it('drops a socket that stops answering pings', async () => {
    const hb = await startHarness({ heartbeatMs: 100 });
    const ticket = await ticketFor(hb.url, (await hb.login(ANN)).accessToken);
    const s = await openSocket(hb.wsUrl, { autoPong: false });
    // Answer pings until the socket is in (a loaded machine may take more than a heartbeat to AUTH), then
    // fall silent: only the silence after HELLO is under test.
    const pong = () => s.ws.pong();
    s.ws.on('ping', pong);
    s.ws.send(JSON.stringify({ v: 1, type: 'AUTH', ticket, lastSeq: null }));
    await s.waitFor((m) => m.type === 'HELLO', 'HELLO');
    s.ws.off('ping', pong);
    const closed = await s.closed;
    expect(closed.code).toBe(1006); // terminated by the server, no close frame
    const deadline = Date.now() + 10_000;
    while (hb.hub.connectionCount() > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(hb.hub.connectionCount()).toBe(0);
    await hb.close();
  });
});

describe('across instances (Redis)', () => {
  let redis: RedisServerHandle;
  let a: Harness;
  let b: Harness;
  beforeAll(async () => {
    redis = await startRedisServer({ appendOnly: false });
    a = await startHarness({ redisUrl: redis.url, instanceId: 'A' });
    b = await startHarness({ redisUrl: redis.url, instanceId: 'B' });
  });
  afterAll(async () => {
    await a.close();
    await b.close();
    await redis.stop();
  });

  it('a ticket from B opens a socket on A, and events published on B reach it', async () => {
    const t = (await b.login(ANN)).accessToken;
    const ticket = await ticketFor(b.url, t);
    const s = await openSocket(a.wsUrl);
    s.ws.send(JSON.stringify({ v: 1, type: 'AUTH', ticket, lastSeq: 0 }));
    await s.waitFor((m) => m.type === 'HELLO' && m.instanceId === 'A', 'HELLO from A');
    // Last seq 0 (nothing yet): the stream created by the first event is all it missed.
    const s1 = await b.bus.publish(ANN, ev(1), Date.now());
    const s2 = await b.bus.publish(ANN, ev(2), Date.now());
    await s.waitFor((m) => m.type === 'EVENT' && m.seq === s2, 'events from B');
    expect(s.seqs()).toEqual([s1, s2]);
    expect(s.messages.some((m) => m.type === 'RESYNC_REQUIRED')).toBe(false);
    await s.close();
  });
});
