// The queue's dirty-tab hints on a real redis-server: while watched, an idle tab costs no XRANGE (counted by
// INFO commandstats), a tab named by a lead-change notice (what every enqueuing script PUBLISHes) is peeked,
// and a patch enqueued by ANOTHER instance without any notice reaching this one still lands within the
// full-sweep bound (the clock is injected: no timing).
import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type RedisServerHandle, startRedisServer } from '../../../test/support/redis-server.js';
import { DEFAULT_SWEEP_EVERY_MS, RedisPatchQueue } from '../../src/queue/redis-patch-queue.js';
import { keys, tabTag } from '../../src/redis/keys.js';
import { patchFor } from './fixtures.js';

const SWEEP_MS = 30_000;
const TABS = 40;

let server: RedisServerHandle;
let redis: Redis;
let other: Redis;
let clock = 1_000_000;
const now = () => clock;

async function calls(command: string): Promise<number> {
  const m = (await redis.info('commandstats')).match(new RegExp(`^cmdstat_${command}:calls=(\\d+)`, 'm'));
  return Number(m?.[1] ?? 0);
}

/** Resolves once `q` reports `ssid` (a notice travels asynchronously; no timeout of our own). */
async function untilPending(q: RedisPatchQueue, ssid: string): Promise<void> {
  while (!(await q.spreadsheetsWithPending()).includes(ssid)) await new Promise((r) => setImmediate(r));
}

beforeAll(async () => {
  server = await startRedisServer();
  redis = new Redis(server.url);
  other = new Redis(server.url);
});

afterAll(async () => {
  await redis.quit();
  await other.quit();
  await server.stop();
});

beforeEach(async () => {
  await redis.flushall();
  clock = 1_000_000;
});

describe('RedisPatchQueue dirty-tab hints', () => {
  async function watchedWithIdleTabs() {
    const q = new RedisPatchQueue(redis, { sweepEveryMs: SWEEP_MS, now });
    const unwatch = await q.watch();
    // Many registered tabs, all drained (as after a busy hour): the first call sweeps them all once.
    for (let s = 0; s < TABS; s++) await redis.sadd(keys.sheetQueueTabs(), tabTag('sheet-A', s));
    expect(await q.spreadsheetsWithPending()).toEqual(['sheet-A']);
    expect(await q.peek('sheet-A', 100)).toEqual([]);
    return { q, unwatch };
  }

  it('issues no XRANGE for idle tabs between sweeps, and reads only the tab a notice names', async () => {
    const { q, unwatch } = await watchedWithIdleTabs();
    try {
      await redis.config('RESETSTAT');
      for (let tick = 0; tick < 3; tick++) {
        clock += 500; // within one sweep step (SWEEP_MS / 15 = 2 s)
        expect(await q.spreadsheetsWithPending()).toEqual([]);
      }
      expect(await calls('xrange')).toBe(0);
      expect(await calls('smembers')).toBe(0);

      // Another instance's disposition: the script XADDs and PUBLISHes the tab's notice.
      const patch = patchFor('r7', 9, { 12: 'CORRECT' }, { sheetId: 7 });
      await other.xadd(keys.sheetQueue(tabTag('sheet-A', 7)), '*', 'patch', JSON.stringify(patch), 'at', '5');
      await other.publish(
        keys.leadChangesChannel(),
        JSON.stringify({ tag: tabTag('sheet-A', 7), rowId: 'r7' }),
      );
      await untilPending(q, 'sheet-A');
      expect((await q.peek('sheet-A', 100)).map((p) => p.patch)).toEqual([patch]);
      expect(await calls('xrange')).toBe(1);

      // Not acked (a failed write): the tab is read again. Once acked, it is not read any more.
      expect(await q.spreadsheetsWithPending()).toEqual(['sheet-A']);
      const [queued] = await q.peek('sheet-A', 100);
      await q.ack('sheet-A', [queued?.id ?? '']);
      expect(await q.spreadsheetsWithPending()).toEqual([]);
      expect(await calls('xrange')).toBe(2);

      // A backlog larger than one peek: the tab stays on until it is drained.
      const tag9 = tabTag('sheet-A', 9);
      for (let i = 0; i < 3; i++) await q.enqueue(patchFor(`b${i}`, 2 + i, { 12: 'X' }, { sheetId: 9 }), i);
      const first = await q.peek('sheet-A', 2);
      await q.ack(
        'sheet-A',
        first.map((p) => p.id),
      );
      expect(await q.spreadsheetsWithPending()).toEqual(['sheet-A']);
      expect((await q.peek('sheet-A', 2)).map((p) => p.patch.rowId)).toEqual(['b2']);
      expect(await redis.xlen(keys.sheetQueue(tag9))).toBe(1);
    } finally {
      await unwatch();
    }
  });

  it('counts the queue depth with one XLEN per tab that may have entries, not per registered tab', async () => {
    const { q, unwatch } = await watchedWithIdleTabs();
    try {
      await redis.config('RESETSTAT');
      expect(await q.depth()).toBe(0);
      expect(await calls('xlen')).toBe(0);
      for (let i = 0; i < 2; i++) await q.enqueue(patchFor(`d${i}`, 2 + i, { 12: 'X' }, { sheetId: 11 }), i);
      expect(await q.depth()).toBe(2);
      expect(await calls('xlen')).toBe(1);
      // A depth read while a peek reads the tab (out of the dirty set meanwhile) still counts it.
      const reading = q.peek('sheet-A', 100);
      expect(await q.depth()).toBe(2);
      const queued = await reading;
      expect(await q.depth()).toBe(2); // read, not yet written
      await q.ack(
        'sheet-A',
        queued.map((p) => p.id),
      );
      expect(await q.depth()).toBe(0);
    } finally {
      await unwatch();
    }
    // Without hints every registered tab is counted.
    await redis.config('RESETSTAT');
    expect(await new RedisPatchQueue(redis).depth()).toBe(0);
    expect(await calls('xlen')).toBe(TABS);
  });

  it('does not count the tabs a full sweep marked, before their peek, with an XLEN each', async () => {
    const { q, unwatch } = await watchedWithIdleTabs();
    try {
      clock += SWEEP_MS; // the next call sweeps: every registered tab is marked, to be peeked
      await q.enqueue(patchFor('s1', 2, { 12: 'X' }, { sheetId: 12 }), 1);
      expect(await q.spreadsheetsWithPending()).toEqual(['sheet-A']);
      await redis.config('RESETSTAT');
      expect(await q.depth()).toBe(1); // the flush is in its cooldown: nothing peeked yet
      expect(await calls('xlen')).toBe(1);
      const swept = await q.peek('sheet-A', 100);
      expect(swept.map((p) => p.patch.rowId)).toEqual(['s1']);
      expect(await calls('xrange')).toBe(TABS); // the sweep's safety net still reads every tab
    } finally {
      await unwatch();
    }
  });

  it('finds a patch whose notice never arrived within the sweep period, reading a slice of the tabs a step', async () => {
    const { q, unwatch } = await watchedWithIdleTabs();
    try {
      // Another instance enqueues through the queue's own script: no notice is published.
      const elsewhere = new RedisPatchQueue(other);
      const patch = patchFor('r3', 4, { 12: 'VOICEMAIL' }, { sheetId: 3 });
      await elsewhere.enqueue(patch, clock);
      // The flusher's ticks: every sweep step marks its slice of the tabs, each peek reads only those.
      const found: unknown[] = [];
      const readPerPeek: number[] = [];
      await redis.config('RESETSTAT');
      for (let waited = 0; waited < SWEEP_MS; waited += 500) {
        clock += 500;
        if (!(await q.spreadsheetsWithPending()).includes('sheet-A')) continue;
        const before = await calls('xrange');
        const queued = await q.peek('sheet-A', 100);
        readPerPeek.push((await calls('xrange')) - before);
        found.push(...queued.map((p) => p.patch));
        await q.ack(
          'sheet-A',
          queued.map((p) => p.id),
        ); // written
      }
      expect(found).toEqual([patch]);
      // Every tab read once in the sweep's period, a slice at a time (not all 40 in one peek).
      expect(readPerPeek.reduce((a, b) => a + b, 0)).toBe(TABS);
      expect(Math.max(...readPerPeek)).toBeLessThan(TABS / 3);
    } finally {
      await unwatch();
    }
  });

  it('by default, peeks each idle tab once per 5 min and still finds a patch whose notice never arrived', async () => {
    const q = new RedisPatchQueue(redis, { now });
    const unwatch = await q.watch();
    try {
      for (let s = 0; s < TABS; s++) await redis.sadd(keys.sheetQueueTabs(), tabTag('sheet-A', s));
      expect(await q.spreadsheetsWithPending()).toEqual(['sheet-A']);
      expect(await q.peek('sheet-A', 100)).toEqual([]);
      await new RedisPatchQueue(other).enqueue(patchFor('r8', 4, { 12: 'X' }, { sheetId: 8 }), clock);
      await redis.config('RESETSTAT');
      let foundAfterMs: number | null = null;
      for (let waited = 500; waited <= DEFAULT_SWEEP_EVERY_MS; waited += 500) {
        clock += 500; // the flusher's tick
        if (!(await q.spreadsheetsWithPending()).includes('sheet-A')) continue;
        const queued = await q.peek('sheet-A', 100);
        if (queued.length > 0) foundAfterMs ??= waited;
        await q.ack(
          'sheet-A',
          queued.map((p) => p.id),
        );
      }
      expect(DEFAULT_SWEEP_EVERY_MS).toBe(5 * 60_000);
      expect(foundAfterMs).not.toBeNull();
      expect(foundAfterMs).toBeLessThanOrEqual(DEFAULT_SWEEP_EVERY_MS);
      // 5 min of 600 idle ticks: every tab read once (not 10 times, as with a 30-s sweep).
      expect(await calls('xrange')).toBe(TABS);
    } finally {
      await unwatch();
    }
  });

  it('reconciles lost registrations with an XLEN only for the streams not registered', async () => {
    const q = new RedisPatchQueue(redis, { now });
    for (let s = 0; s < TABS; s++) await q.enqueue(patchFor(`g${s}`, 2, { 12: 'X' }, { sheetId: s }), s);
    await redis.srem(keys.sheetQueueTabs(), tabTag('sheet-A', 5)); // a registration lost to a race
    await redis.config('RESETSTAT');
    expect(await q.reconcile()).toBe(1);
    expect(await calls('xlen')).toBe(1);
    expect(await redis.sismember(keys.sheetQueueTabs(), tabTag('sheet-A', 5))).toBe(1);
  });

  it('sweeps after its subscriber reconnects (notices sent meanwhile are lost)', async () => {
    const { q, unwatch } = await watchedWithIdleTabs();
    try {
      const patch = patchFor('r5', 6, { 12: 'X' }, { sheetId: 5 });
      const elsewhere = new RedisPatchQueue(other);
      await elsewhere.enqueue(patch, clock);
      // Kill every pub/sub client connection (ours): ioredis reconnects and resubscribes.
      await redis.call('CLIENT', 'KILL', 'TYPE', 'pubsub');
      await untilPending(q, 'sheet-A');
      expect((await q.peek('sheet-A', 100)).map((p) => p.patch)).toEqual([patch]);
    } finally {
      await unwatch();
    }
  });

  it('takes hints on a subscriber connection it shares, and leaves it to the others when it stops', async () => {
    // compose.ts: one connection carries the agents' events and the lead changes (one read per notice).
    const sub = redis.duplicate();
    const events: string[] = [];
    sub.on('message', (channel: string, m: string) => {
      if (channel === keys.agentEventsChannel()) events.push(m);
    });
    await sub.subscribe(keys.agentEventsChannel());
    const q = new RedisPatchQueue(redis, { sweepEveryMs: SWEEP_MS, now, subscriber: sub });
    const unwatch = await q.watch();
    try {
      expect(await q.spreadsheetsWithPending()).toEqual([]);
      const pubsub = String(await redis.call('CLIENT', 'LIST', 'TYPE', 'pubsub'));
      expect(pubsub.trim().split('\n')).toHaveLength(1);
      // A message on the events channel naming a tab with entries is no hint; the lead change after it is.
      for (const ss of ['sheet-B', 'sheet-C']) {
        const patch = patchFor('r1', 2, { 12: 'CORRECT' }, { spreadsheetId: ss, sheetId: 3 });
        await other.xadd(keys.sheetQueue(tabTag(ss, 3)), '*', 'patch', JSON.stringify(patch), 'at', '5');
      }
      await other.publish(keys.agentEventsChannel(), JSON.stringify({ tag: tabTag('sheet-C', 3) }));
      await other.publish(
        keys.leadChangesChannel(),
        JSON.stringify({ tag: tabTag('sheet-B', 3), rowId: 'r1' }),
      );
      await untilPending(q, 'sheet-B');
      expect(await q.spreadsheetsWithPending()).not.toContain('sheet-C');
      expect(events).toHaveLength(1);
    } finally {
      await unwatch();
    }
    await other.publish(keys.agentEventsChannel(), 'after');
    while (events.length < 2) await new Promise((r) => setImmediate(r));
    expect(events[1]).toBe('after');
    expect(sub.status).toBe('ready');
    sub.disconnect();
  });
});
