// listenToChannel (redis/client.ts) on a real redis-server: the one way the event bus, the store's lead-change
// listeners and the patch queue's hints listen to a pub/sub channel, on the process's shared subscriber
// connection or on one of their own. A listener hears only its channel; stopping one leaves the others on the
// shared connection hearing theirs; a listener's own connection is closed when it stops.
import { describe, expect, it } from 'vitest';
import { redisForFile } from '../../../test/support/redis-for-file.js';
import { listenToChannel } from '../../src/redis/client.js';

const waitFor = async (cond: () => boolean, what: string) => {
  const deadline = Date.now() + 10_000;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
};

const { connect } = redisForFile();

describe('listenToChannel', () => {
  it('on a shared connection: each listener hears its own channel, and stopping one leaves the others', async () => {
    const redis = connect();
    const shared = connect();
    const a: string[] = [];
    const b: string[] = [];
    const stopA = await listenToChannel(redis, shared, 'ch:a', { message: (m) => a.push(m) });
    const stopB = await listenToChannel(redis, shared, 'ch:b', { message: (m) => b.push(m) });
    await redis.publish('ch:a', 'one');
    await redis.publish('ch:b', 'two');
    await waitFor(() => a.length === 1 && b.length === 1, 'both messages');
    expect(a).toEqual(['one']);
    expect(b).toEqual(['two']);

    stopA();
    await redis.publish('ch:a', 'three');
    await redis.publish('ch:b', 'four');
    await waitFor(() => b.length === 2, 'the second message of b');
    expect(a).toEqual(['one']); // stopped: hears nothing more
    expect(shared.status).toBe('ready'); // the owner's connection stays open for the others
    stopB();
    expect(shared.listenerCount('message')).toBe(0);
  });

  it('without a shared connection: opens its own and closes it when stopped', async () => {
    const redis = connect();
    const got: string[] = [];
    const before = Number((await redis.info('clients')).match(/connected_clients:(\d+)/)?.[1]);
    const stop = await listenToChannel(redis, null, 'ch:own', { message: (m) => got.push(m) });
    expect(Number((await redis.info('clients')).match(/connected_clients:(\d+)/)?.[1])).toBe(before + 1);
    await redis.publish('ch:own', 'hello');
    await waitFor(() => got.length === 1, 'the message');
    stop();
    const deadline = Date.now() + 5_000;
    let now = before + 1;
    while (now !== before && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
      now = Number((await redis.info('clients')).match(/connected_clients:(\d+)/)?.[1]);
    }
    expect(now).toBe(before); // its own connection is gone
    expect(await redis.publish('ch:own', 'again')).toBe(0); // and nobody listens on the channel any more
  });

  it('a SUBSCRIBE that fails leaves no handler on the shared connection', async () => {
    const redis = connect();
    const shared = connect();
    await shared.subscribe('ch:x'); // subscriber mode: fine for SUBSCRIBE, but disconnect it to fail the next
    shared.disconnect();
    await expect(
      listenToChannel(redis, shared, 'ch:y', { message: () => {}, ready: () => {}, error: () => {} }),
    ).rejects.toThrow();
    expect(shared.listenerCount('message')).toBe(0);
    expect(shared.listenerCount('ready')).toBe(0);
  });
});
