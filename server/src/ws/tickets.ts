// One-use WebSocket tickets: POST /ws/ticket (authenticated with the access JWT) returns a short-lived random
// ticket; the socket's first message (AUTH) presents it. The long-lived token never appears in a URL that a
// proxy could log. On Redis (GETDEL: one use, any instance).
import { randomBytes } from 'node:crypto';
import type { RedisClient } from '../events/redis-script.js';
import { keys } from '../redis/keys.js';

export interface WsTicketStore {
  issue(email: string, now: number): Promise<{ ticket: string; expiresAt: number }>;
  /** The ticket's agent email, once; null when unknown, used or expired. */
  consume(ticket: string, now: number): Promise<string | null>;
}

const newTicket = () => `wst_${randomBytes(24).toString('base64url')}`;

export class RedisWsTicketStore implements WsTicketStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly ttlMs = 30_000,
  ) {}

  async issue(email: string, now: number) {
    const ticket = newTicket();
    await this.redis.set(keys.wsTicket(ticket), email.toLowerCase(), 'PX', this.ttlMs);
    return { ticket, expiresAt: now + this.ttlMs };
  }

  async consume(ticket: string): Promise<string | null> {
    return this.redis.getdel(keys.wsTicket(ticket));
  }
}
