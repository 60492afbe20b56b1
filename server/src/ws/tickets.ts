// One-use WebSocket tickets: POST /ws/ticket (authenticated with the access JWT) returns a short-lived random
// ticket; the socket's first message (AUTH) presents it. The long-lived token never appears in a URL that a
// proxy could log. Redis twin (GETDEL: one use, any instance) and memory twin.
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

export class MemoryWsTicketStore implements WsTicketStore {
  readonly #tickets = new Map<string, { email: string; expiresAt: number }>();

  constructor(private readonly ttlMs = 30_000) {}

  async issue(email: string, now: number) {
    for (const [t, v] of this.#tickets) if (v.expiresAt <= now) this.#tickets.delete(t);
    const ticket = newTicket();
    this.#tickets.set(ticket, { email: email.toLowerCase(), expiresAt: now + this.ttlMs });
    return { ticket, expiresAt: now + this.ttlMs };
  }

  async consume(ticket: string, now: number): Promise<string | null> {
    const v = this.#tickets.get(ticket);
    this.#tickets.delete(ticket);
    return v && v.expiresAt > now ? v.email : null;
  }
}
