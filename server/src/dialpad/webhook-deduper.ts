// Webhook dedupe by event id (call-state.ts eventIdOf): the first delivery wins, repeats within the TTL are
// dropped. Redis: `SET dialer:event:{id} 1 NX PX ttl` is one atomic step, so two coordinator instances
// receiving the same retried webhook cannot both process it. If processing fails after the claim, the caller
// calls `release` so Dialpad's (or n8n's) retry is processed instead of being dropped as a duplicate.
import type { RedisClient } from '../redis/client.js';
import { keys } from '../redis/keys.js';

export interface WebhookDeduper {
  /** true the first time `eventId` is seen within the TTL (and claims it); false for a duplicate. */
  firstSeen(eventId: string, now: number): Promise<boolean>;
  /** Forgets a claim (processing failed: let a redelivery through). */
  release(eventId: string): Promise<void>;
}

export const DEFAULT_EVENT_TTL_MS = 24 * 60 * 60_000;

export class RedisWebhookDeduper implements WebhookDeduper {
  constructor(
    private readonly redis: RedisClient,
    private readonly ttlMs: number = DEFAULT_EVENT_TTL_MS,
  ) {}

  async firstSeen(eventId: string, now: number): Promise<boolean> {
    return (await this.redis.set(keys.event(eventId), String(now), 'PX', this.ttlMs, 'NX')) === 'OK';
  }

  async release(eventId: string): Promise<void> {
    await this.redis.del(keys.event(eventId));
  }
}
