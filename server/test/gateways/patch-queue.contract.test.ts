// The PatchQueue (ports.ts) contract on the Redis streams queue, on one redis-server and on a Cluster:
// everything the flusher and the coordinator rely on, then durability across a redis-server crash and the
// enqueue include used from another script.
import { mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Cluster, Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startRedisServer, type RedisServerHandle } from '../../../test/support/redis-server.js';
import type { DurablePatchQueue } from '../../src/queue/durable-patch-queue.js';
import { RedisPatchQueue } from '../../src/queue/redis-patch-queue.js';
import { keys, tabTag } from '../../src/redis/keys.js';
import { loadScripts, SCRIPTS_DIR } from '../../src/redis/scripts.js';
import { type RedisClusterHandle, startRedisCluster } from '../support/redis-cluster.js';
import { patchFor } from './fixtures.js';

function patchQueueContract(name: string, make: () => Promise<DurablePatchQueue>) {
  describe(`PatchQueue contract: ${name}`, () => {
    let q: DurablePatchQueue;
    beforeEach(async () => {
      q = await make();
    });

    it('returns what was enqueued, oldest first, and counts it', async () => {
      const a = patchFor('r1', 2, { 12: 'CORRECT' }, { purple: [13] });
      const b = patchFor('r2', 3, { 22: 'note' });
      const idA = await q.enqueue(a, 1000);
      const idB = await q.enqueue(b, 1001);
      expect(idA).not.toBe(idB);
      expect(await q.spreadsheetsWithPending()).toEqual(['sheet-A']);
      const peeked = await q.peek('sheet-A', 10);
      expect(peeked.map((p) => p.patch)).toEqual([a, b]);
      expect(peeked.map((p) => p.id)).toEqual([idA, idB]);
      expect(peeked[0]).toMatchObject({ enqueuedAt: 1000, attempts: 0 });
      expect(await q.depth()).toBe(2);
    });

    it('peek respects max and does not remove anything', async () => {
      for (let i = 0; i < 5; i++) await q.enqueue(patchFor(`r${i}`, i + 2, { 12: 'X' }), 1000 + i);
      expect((await q.peek('sheet-A', 3)).map((p) => p.patch.rowId)).toEqual(['r0', 'r1', 'r2']);
      expect(await q.depth()).toBe(5);
    });

    it('merges the tabs of one spreadsheet in enqueue order and keeps spreadsheets apart', async () => {
      await q.enqueue(patchFor('r1', 2, { 12: 'a' }, { sheetId: 7, tabTitle: 'T7' }), 1);
      await q.enqueue(patchFor('r2', 2, { 12: 'b' }, { sheetId: 0 }), 2);
      await q.enqueue(patchFor('r3', 2, { 12: 'c' }, { spreadsheetId: 'sheet-B' }), 3);
      await q.enqueue(patchFor('r4', 3, { 12: 'd' }, { sheetId: 7, tabTitle: 'T7' }), 4);
      expect((await q.peek('sheet-A', 10)).map((p) => p.patch.rowId)).toEqual(['r1', 'r2', 'r4']);
      expect((await q.peek('sheet-B', 10)).map((p) => p.patch.rowId)).toEqual(['r3']);
      expect((await q.spreadsheetsWithPending()).sort()).toEqual(['sheet-A', 'sheet-B']);
    });

    it('picks the oldest `max` across many tabs, whatever tab holds them', async () => {
      // 3 tabs, 12 patches in an irregular order (tab 7 gets a run of four): peek must merge, not take
      // each tab's first ones. Across tabs the order is the stream ids' (then the enqueue time): 2 ms apart,
      // every id is above the one before, whatever node of a Cluster its tab is on.
      const tabsInOrder = [0, 7, 7, 7, 7, 9, 0, 9, 0, 7, 9, 0];
      const ids: string[] = [];
      for (const [n, sheetId] of tabsInOrder.entries()) {
        await new Promise((r) => setTimeout(r, 2));
        const patch = patchFor(`r${n}`, n + 2, { 12: 'x' }, { sheetId, tabTitle: `T${sheetId}` });
        ids.push(await q.enqueue(patch, 100 + n));
      }
      expect((await q.peek('sheet-A', 5)).map((p) => p.patch.rowId)).toEqual(['r0', 'r1', 'r2', 'r3', 'r4']);
      await q.ack('sheet-A', ids.slice(0, 3));
      expect((await q.peek('sheet-A', 4)).map((p) => p.patch.rowId)).toEqual(['r3', 'r4', 'r5', 'r6']);
      expect((await q.peek('sheet-A', 100)).map((p) => p.patch.rowId)).toEqual([
        'r3',
        'r4',
        'r5',
        'r6',
        'r7',
        'r8',
        'r9',
        'r10',
        'r11',
      ]);
    });

    it('ack removes exactly the acked entries; unknown ids are harmless', async () => {
      const id1 = await q.enqueue(patchFor('r1', 2, { 12: 'a' }), 1);
      const id2 = await q.enqueue(patchFor('r2', 3, { 12: 'b' }), 2);
      await q.ack('sheet-A', [id1, '0/999-0', 'garbage']);
      expect((await q.peek('sheet-A', 10)).map((p) => p.id)).toEqual([id2]);
      await q.ack('sheet-A', [id2]);
      expect(await q.peek('sheet-A', 10)).toEqual([]);
      expect(await q.depth()).toBe(0);
      expect(await q.spreadsheetsWithPending()).toEqual([]);
      // An empty queue is no longer reported once its tab is idle; a later enqueue brings it back.
      await q.enqueue(patchFor('r3', 4, { 12: 'c' }), 3);
      expect(await q.spreadsheetsWithPending()).toEqual(['sheet-A']);
    });

    it('markAttempt counts failed attempts per entry', async () => {
      const id1 = await q.enqueue(patchFor('r1', 2, { 12: 'a' }), 1);
      const id2 = await q.enqueue(patchFor('r2', 3, { 12: 'b' }), 2);
      await q.markAttempt('sheet-A', [id1], 10);
      await q.markAttempt('sheet-A', [id1, id2], 20);
      expect((await q.peek('sheet-A', 10)).map((p) => p.attempts)).toEqual([2, 1]);
      // An ack forgets the acked entry's count and keeps the others'.
      await q.ack('sheet-A', [id1]);
      expect((await q.peek('sheet-A', 10)).map((p) => [p.id, p.attempts])).toEqual([[id2, 1]]);
    });

    it('acks a batch larger than one script command takes (chunked), leaving the rest queued', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 2_100; i++) ids.push(await q.enqueue(patchFor(`r${i}`, 2 + i, { 12: 'x' }), i + 1));
      await q.markAttempt('sheet-A', [ids[2_099] as string], 5);
      await q.ack('sheet-A', ids.slice(0, 2_099));
      expect((await q.peek('sheet-A', 10)).map((p) => [p.id, p.attempts])).toEqual([[ids[2_099], 1]]);
      expect(await q.depth()).toBe(1);
    });

    it('dead-letters entries out of the queue, keeping the patch and the reason', async () => {
      const id1 = await q.enqueue(patchFor('r1', 2, { 12: 'a' }), 1);
      const id2 = await q.enqueue(patchFor('r2', 3, { 12: 'b' }), 2);
      await q.markAttempt('sheet-A', [id1], 5);
      expect(await q.deadLetter('sheet-A', [id1], 'row id r1 not found', 9)).toBe(1);
      expect((await q.peek('sheet-A', 10)).map((p) => p.id)).toEqual([id2]);
      const dead = await q.deadLetters('sheet-A', 10);
      expect(dead).toHaveLength(1);
      expect(dead[0]).toMatchObject({ queueId: id1, reason: 'row id r1 not found', deadAt: 9, attempts: 1 });
      expect(dead[0]?.patch.rowId).toBe('r1');
      expect(await q.deadLetter('sheet-A', [id1], 'again', 10)).toBe(0);
    });

    it("a step's patches are one entry: each patch is acked or dead-lettered alone, the entry leaves with its last", async () => {
      const a = patchFor('r1', 2, { 12: 'NO_ANSWER' });
      const b = patchFor('r2', 3, { 12: 'IN_PROGRESS' });
      const c = patchFor('r3', 4, { 12: 'WRONG' });
      const [idA, idB] = await q.enqueueStep([a, b], 7);
      const idC = await q.enqueue(c, 8);
      expect([idA, idB]).toEqual([expect.stringMatching(/^0\/\d+-\d+#0$/), expect.stringMatching(/#1$/)]);
      expect(await q.depth()).toBe(2); // entries
      const peeked = await q.peek('sheet-A', 10);
      expect(peeked.map((p) => [p.id, p.patch, p.enqueuedAt])).toEqual([
        [idA, a, 7],
        [idB, b, 7],
        [idC, c, 8],
      ]);
      // The first patch landed: the entry stays for the second, which alone is peeked again.
      await q.ack('sheet-A', [idA as string]);
      expect(await q.depth()).toBe(2);
      expect((await q.peek('sheet-A', 10)).map((p) => p.id)).toEqual([idB, idC]);
      // Acking it again changes nothing; the second is refused and dead-lettered alone.
      await q.ack('sheet-A', [idA as string]);
      expect((await q.peek('sheet-A', 10)).map((p) => p.id)).toEqual([idB, idC]);
      expect(await q.deadLetter('sheet-A', [idB as string], 'rejected by Google (400): too long', 9)).toBe(1);
      expect(await q.depth()).toBe(1);
      expect((await q.peek('sheet-A', 10)).map((p) => p.id)).toEqual([idC]);
      const dead = await q.deadLetters('sheet-A', 10);
      expect(dead.map((d) => [d.queueId, d.patch, d.enqueuedAt, d.reason])).toEqual([
        [idB, b, 7, 'rejected by Google (400): too long'],
      ]);
      expect(await q.deadLetter('sheet-A', [idB as string], 'again', 10)).toBe(0);
      // Both patches of a step acked together: the entry goes at once.
      const [idD, idE] = await q.enqueueStep([a, b], 11);
      await q.peek('sheet-A', 10);
      await q.ack('sheet-A', [idC, idD as string, idE as string]);
      expect(await q.depth()).toBe(0);
      expect(await q.peek('sheet-A', 10)).toEqual([]);
    });

    it('markAttempt counts a several-patch entry once, whichever of its patches are named', async () => {
      const [idA, idB] = await q.enqueueStep(
        [patchFor('r1', 2, { 12: 'a' }), patchFor('r2', 3, { 12: 'b' })],
        1,
      );
      await q.markAttempt('sheet-A', [idA as string, idB as string], 10);
      await q.markAttempt('sheet-A', [idB as string], 20);
      expect((await q.peek('sheet-A', 10)).map((p) => p.attempts)).toEqual([2, 2]);
    });

    it('the flush lock admits one owner at a time and only its owner releases it', async () => {
      expect(await q.tryLockFlush('sheet-A', 'flusher-1', 60_000)).toBe(true);
      expect(await q.tryLockFlush('sheet-A', 'flusher-2', 60_000)).toBe(false);
      expect(await q.tryLockFlush('sheet-B', 'flusher-2', 60_000)).toBe(true);
      await q.unlockFlush('sheet-A', 'flusher-2');
      expect(await q.tryLockFlush('sheet-A', 'flusher-2', 60_000)).toBe(false);
      await q.unlockFlush('sheet-A', 'flusher-1');
      expect(await q.tryLockFlush('sheet-A', 'flusher-2', 60_000)).toBe(true);
    });

    it('a flush lock whose owner died expires', async () => {
      expect(await q.tryLockFlush('sheet-A', 'dead-flusher', 30)).toBe(true);
      const deadline = Date.now() + 10_000;
      while (!(await q.tryLockFlush('sheet-A', 'flusher-2', 60_000))) {
        if (Date.now() > deadline) throw new Error('lock never expired');
        await new Promise((r) => setTimeout(r, 10));
      }
    });

    it('only the owner renews the flush lock, and a renewal keeps it past its first TTL', async () => {
      const startedAt = Date.now();
      expect(await q.tryLockFlush('sheet-A', 'flusher-1', 1_000)).toBe(true);
      expect(await q.renewFlushLock('sheet-A', 'flusher-2', 60_000)).toBe(false);
      expect(await q.renewFlushLock('sheet-B', 'flusher-1', 60_000)).toBe(false); // never locked
      expect(await q.renewFlushLock('sheet-A', 'flusher-1', 60_000)).toBe(true);
      // Past the first TTL: without the renewal the lock would have expired by now.
      while (Date.now() - startedAt < 1_500) await new Promise((r) => setTimeout(r, 50));
      expect(await q.tryLockFlush('sheet-A', 'flusher-2', 60_000)).toBe(false);
      expect(await q.renewFlushLock('sheet-A', 'flusher-1', 60_000)).toBe(true);
      await q.unlockFlush('sheet-A', 'flusher-1');
      expect(await q.renewFlushLock('sheet-A', 'flusher-1', 60_000)).toBe(false); // released: gone
    });

    it('a holder whose lock expired and was taken over cannot renew it back', async () => {
      expect(await q.tryLockFlush('sheet-A', 'stalled-flusher', 30)).toBe(true);
      const deadline = Date.now() + 10_000;
      while (!(await q.tryLockFlush('sheet-A', 'flusher-2', 60_000))) {
        if (Date.now() > deadline) throw new Error('lock never expired');
        await new Promise((r) => setTimeout(r, 10));
      }
      expect(await q.renewFlushLock('sheet-A', 'stalled-flusher', 60_000)).toBe(false);
      await q.unlockFlush('sheet-A', 'stalled-flusher'); // not its lock any more: no effect
      expect(await q.tryLockFlush('sheet-A', 'flusher-3', 60_000)).toBe(false);
      expect(await q.renewFlushLock('sheet-A', 'flusher-2', 60_000)).toBe(true);
    });

    it('an expired lock nobody took over cannot be renewed either', async () => {
      expect(await q.tryLockFlush('sheet-A', 'stalled-flusher', 30)).toBe(true);
      const deadline = Date.now() + 10_000;
      while (await q.renewFlushLock('sheet-A', 'stalled-flusher', 30)) {
        if (Date.now() > deadline) throw new Error('lock never expired');
        await new Promise((r) => setTimeout(r, 60)); // longer than the TTL: this renewal comes too late
      }
      expect(await q.tryLockFlush('sheet-A', 'flusher-2', 60_000)).toBe(true);
    });

    it('rejects a malformed patch at enqueue, so nothing unwritable ever sits in the queue', async () => {
      const bad = { ...patchFor('r1', 2, { 12: 'a' }), values: [{ row: 0, col: 40, value: 'x' }] };
      await expect(q.enqueue(bad, 1)).rejects.toThrow();
      expect(await q.depth()).toBe(0);
    });

    it('stores a copy: mutating the caller object later does not change the queued patch', async () => {
      const p = patchFor('r1', 2, { 12: 'a' });
      await q.enqueue(p, 1);
      (p.values[0] as { value: string }).value = 'changed';
      expect((await q.peek('sheet-A', 1))[0]?.patch.values[0]?.value).toBe('a');
    });
  });
}

let server: RedisServerHandle;
let cluster: RedisClusterHandle;
const clients: (Redis | Cluster)[] = [];
const connect = () => {
  const c = new Redis(server.url, { maxRetriesPerRequest: 3 });
  clients.push(c);
  return c;
};
beforeAll(async () => {
  [server, cluster] = await Promise.all([startRedisServer(), startRedisCluster()]);
});
afterAll(async () => {
  for (const c of clients) c.disconnect();
  await server.stop();
  await cluster?.stop();
});

patchQueueContract('redis', async () => {
  const redis = connect();
  await redis.flushall();
  return new RedisPatchQueue(redis, { gcIdleMs: 0 });
});

// REDIS_CLUSTER_NODES: the same queue on a three-master Cluster (each tab's stream lives in its tag's slot).
patchQueueContract('redis cluster', async () => {
  await cluster.flushAll();
  const redis = cluster.client();
  clients.push(redis);
  return new RedisPatchQueue(redis, { gcIdleMs: 0 });
});

describe('RedisPatchQueue specifics', () => {
  it('on a Cluster, the reconcile scan finds lost queue registrations on every master', async () => {
    await cluster.flushAll();
    const redis = cluster.client();
    clients.push(redis);
    const q = new RedisPatchQueue(redis, { reconcileEveryMs: 0 });
    const sheets = Array.from({ length: 12 }, (_, i) => `sheet-${i}`);
    for (const s of sheets) await q.enqueue(patchFor('r1', 2, { 12: 'a' }, { spreadsheetId: s }), 1);
    // the tags hash to different masters (else this test would prove nothing about SCAN on each node)
    const owners = new Set<string>();
    for (const s of sheets) {
      const slot = Number(await redis.cluster('KEYSLOT', keys.sheetQueue(tabTag(s, 0))));
      owners.add(String(slot < 5461 ? 0 : slot < 10923 ? 1 : 2));
    }
    expect(owners.size).toBeGreaterThan(1);
    await redis.del(keys.sheetQueueTabs());
    expect((await q.spreadsheetsWithPending()).sort()).toEqual([...sheets].sort());
  });

  it('failed-attempt counts: another instance reads and clears them; a tab without any costs no read and one XDEL', async () => {
    const redis = connect();
    await redis.flushall();
    const failed = new RedisPatchQueue(redis); // the flusher whose write Google refused
    const id1 = await failed.enqueue(patchFor('r1', 2, { 12: 'a' }), 1);
    const id2 = await failed.enqueue(patchFor('r2', 3, { 12: 'b' }), 2);
    await failed.markAttempt('sheet-A', [id1], 10);
    const attemptsKey = keys.sheetQueueAttempts(tabTag('sheet-A', 0));
    // The counts outlive no patch for ever: they expire a week after the last failure counted.
    expect(await redis.pttl(attemptsKey)).toBeGreaterThan(6 * 24 * 3600 * 1000);
    // Another instance takes the spreadsheet over: its peek reads the count, its ack clears it.
    const next = new RedisPatchQueue(connect());
    expect((await next.peek('sheet-A', 10)).map((p) => [p.id, p.attempts])).toEqual([
      [id1, 1],
      [id2, 0],
    ]);
    await next.ack('sheet-A', [id1, id2]);
    expect(await redis.exists(attemptsKey)).toBe(0);
    expect(await redis.smembers(keys.sheetQueueAttemptedTabs())).toEqual([]);
    expect(await next.depth()).toBe(0);
    // A batch with no failed attempt: no count is read, and the ack is the stream's XDEL alone.
    const id3 = await next.enqueue(patchFor('r3', 4, { 12: 'c' }), 3);
    await redis.config('RESETSTAT');
    expect((await next.peek('sheet-A', 10)).map((p) => p.attempts)).toEqual([0]);
    await next.ack('sheet-A', [id3]);
    const stats = await redis.info('commandstats');
    expect(stats).toMatch(/cmdstat_xdel:calls=1,/);
    expect(stats).not.toMatch(/cmdstat_evalsha|cmdstat_hmget/);
    expect(await next.depth()).toBe(0);
    // A count left behind by the tab's last failure (its entry acked while others waited) keeps the
    // tab listed until an ack empties its queue.
    const id4 = await next.enqueue(patchFor('r4', 5, { 12: 'd' }), 4);
    const id5 = await next.enqueue(patchFor('r5', 6, { 12: 'e' }), 5);
    await next.markAttempt('sheet-A', [id4], 20);
    await next.peek('sheet-A', 10);
    await next.ack('sheet-A', [id4]);
    expect(await redis.smembers(keys.sheetQueueAttemptedTabs())).toEqual([tabTag('sheet-A', 0)]);
    expect((await next.peek('sheet-A', 10)).map((p) => [p.id, p.attempts])).toEqual([[id5, 0]]);
    await next.ack('sheet-A', [id5]);
    expect(await redis.exists(attemptsKey)).toBe(0);
    expect(await redis.smembers(keys.sheetQueueAttemptedTabs())).toEqual([]);
  });

  it('loses nothing when redis-server crashes and restarts (AOF)', async () => {
    const redis = connect();
    await redis.flushall();
    const q = new RedisPatchQueue(redis);
    const id = await q.enqueue(patchFor('r1', 2, { 12: 'CORRECT' }), 1);
    await server.restart();
    const q2 = new RedisPatchQueue(connect());
    expect(await q2.spreadsheetsWithPending()).toEqual(['sheet-A']);
    expect((await q2.peek('sheet-A', 10)).map((p) => p.id)).toEqual([id]);
  });

  it('the enqueuePatch include queues atomically from another script (the coordinator disposition)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'td-lua-'));
    symlinkSync(join(SCRIPTS_DIR, 'includes'), join(dir, 'includes'));
    writeFileSync(
      join(dir, 'fakeDisposition-2.lua'),
      [
        '--- @include "enqueuePatch"',
        "redis.call('SET', KEYS[1], 'DISPOSED')",
        'enqueuePatch(KEYS[2], ARGV[1], ARGV[2])',
        // a step with two patches (a disposition and its chained dial): collected, appended as one entry
        'collectPatch(KEYS[2], ARGV[1])',
        'collectPatch(KEYS[2], ARGV[3])',
        'return appendCollectedPatches(ARGV[2])',
      ].join('\n'),
    );
    const redis = connect();
    await redis.flushall();
    const scripts = loadScripts(redis, dir);
    expect(scripts.commandName('fakeDisposition')).toMatch(/^fakeDisposition:[0-9a-f]{12}$/);
    const tag = tabTag('sheet-A', 0);
    const patch = patchFor('r9', 5, { 12: 'WRONG' });
    const next = patchFor('r10', 6, { 12: 'IN_PROGRESS' });
    await redis.sadd(keys.sheetQueueTabs(), tag);
    const stepId = await scripts.run(
      'fakeDisposition',
      [`dialer:call:${tag}:c1`, keys.sheetQueue(tag)],
      [JSON.stringify(patch), 42, JSON.stringify(next)],
    );
    expect(await redis.xlen(keys.sheetQueue(tag))).toBe(2);
    const q = new RedisPatchQueue(redis);
    const queued = await q.peek('sheet-A', 10);
    expect(queued.map((p) => [p.patch, p.enqueuedAt])).toEqual([
      [patch, 42],
      [patch, 42],
      [next, 42],
    ]);
    expect(queued[2]?.id).toBe(`0/${stepId}#1`);
  });

  it("reads entries written before a step's patches shared one entry (one `patch` field), alongside new ones", async () => {
    const redis = connect();
    await redis.flushall();
    const tag = tabTag('sheet-A', 0);
    const old = patchFor('r1', 2, { 12: 'VOICEMAIL' });
    // As the version before wrote every entry: XADD patch <json> at <now>.
    const oldId = await redis.xadd(keys.sheetQueue(tag), '*', 'patch', JSON.stringify(old), 'at', '5');
    await redis.sadd(keys.sheetQueueTabs(), tag);
    const q = new RedisPatchQueue(redis);
    const [idA, idB] = await q.enqueueStep(
      [patchFor('r2', 3, { 12: 'a' }), patchFor('r3', 4, { 12: 'b' })],
      6,
    );
    const peeked = await q.peek('sheet-A', 10);
    expect(peeked.map((p) => [p.id, p.patch.rowId, p.enqueuedAt])).toEqual([
      [`0/${oldId}`, 'r1', 5],
      [idA, 'r2', 6],
      [idB, 'r3', 6],
    ]);
    await q.ack('sheet-A', [`0/${oldId}`]);
    expect((await q.peek('sheet-A', 10)).map((p) => p.id)).toEqual([idA, idB]);
  });

  it("another instance reads which patches of an entry already landed, and a step's ack is one XDEL", async () => {
    const redis = connect();
    await redis.flushall();
    const first = new RedisPatchQueue(redis);
    const [idA, idB] = await first.enqueueStep(
      [patchFor('r1', 2, { 12: 'a' }), patchFor('r2', 3, { 12: 'b' })],
      1,
    );
    await first.peek('sheet-A', 10);
    await first.ack('sheet-A', [idA as string]); // then this instance crashed
    const next = new RedisPatchQueue(connect());
    expect((await next.peek('sheet-A', 10)).map((p) => p.id)).toEqual([idB]);
    await next.ack('sheet-A', [idB as string]);
    expect(await next.depth()).toBe(0);
    expect(await redis.exists(keys.sheetQueueAttempts(tabTag('sheet-A', 0)))).toBe(0);
    expect(await redis.smembers(keys.sheetQueueAttemptedTabs())).toEqual([]);
    // The hot path: a step's two patches written together are acked with the stream's XDEL alone.
    const step = await next.enqueueStep([patchFor('r3', 4, { 12: 'c' }), patchFor('r4', 5, { 12: 'd' })], 2);
    await redis.config('RESETSTAT');
    expect((await next.peek('sheet-A', 10)).map((p) => p.id)).toEqual(step);
    await next.ack('sheet-A', step);
    const stats = await redis.info('commandstats');
    expect(stats).toMatch(/cmdstat_xdel:calls=1,/);
    expect(stats).not.toMatch(/cmdstat_evalsha|cmdstat_hmget|cmdstat_xadd/);
    expect(await next.depth()).toBe(0);
    // The same when the peek leaves entries for the next one (a backlog: it stops at `max` patches).
    const steps = [];
    for (let i = 0; i < 3; i++)
      steps.push(
        await next.enqueueStep([patchFor(`s${i}`, 4, { 12: 'c' }), patchFor(`t${i}`, 5, { 12: 'd' })], 3 + i),
      );
    await redis.config('RESETSTAT');
    const head = await next.peek('sheet-A', 2);
    expect(head.map((p) => p.id)).toEqual(steps[0]);
    await next.ack('sheet-A', steps[0] ?? []);
    const stats2 = await redis.info('commandstats');
    expect(stats2).toMatch(/cmdstat_xdel:calls=1,/);
    expect(stats2).not.toMatch(/cmdstat_evalsha|cmdstat_hmget/);
    expect(await next.depth()).toBe(2);
  });

  it('finds a queue whose tab registration was lost (reconcile scan)', async () => {
    const redis = connect();
    await redis.flushall();
    const q = new RedisPatchQueue(redis, { reconcileEveryMs: 0 });
    await q.enqueue(patchFor('r1', 2, { 12: 'a' }), 1);
    await redis.del(keys.sheetQueueTabs());
    expect(await q.spreadsheetsWithPending()).toEqual(['sheet-A']);
  });
});
