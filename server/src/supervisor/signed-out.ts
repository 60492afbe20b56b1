// Agents a supervisor signed out. The record lives in Redis (svSignOut-1.lua) and in each instance's
// memory: every request checks memory only (no Redis read per request), refresh reads Redis. An instance
// learns of a sign-out from the SUPERVISOR_ACTION event every instance receives (console-board.ts), and
// re-reads the whole record at every tab-refresh tick (a restart, a missed notice).
import type { SignedOutCheck } from '../auth/auth-service.js';
import type { RedisClient } from '../redis/client.js';
import { loadScripts } from '../redis/scripts.js';
import { svKeys } from './keys.js';

export class SignedOutRegistry implements SignedOutCheck {
  readonly #at = new Map<string, number>();

  constructor(private readonly redis: RedisClient) {}

  signedOutAt(email: string): number | null {
    return this.#at.get(email.toLowerCase()) ?? null;
  }

  async fetch(email: string): Promise<number | null> {
    const v = await this.redis.hget(svKeys.signedOut(), email.toLowerCase());
    return v === null ? null : Number(v);
  }

  /** Records a sign-out (Redis, then this instance's memory). */
  async record(email: string, at: number): Promise<void> {
    const e = email.toLowerCase();
    await loadScripts(this.redis).run('svSignOut', [svKeys.signedOut()], ['set', e, at]);
    this.note(e, at);
  }

  /** This instance learned of a sign-out (the bus event). */
  note(email: string, at: number): void {
    const e = email.toLowerCase();
    if ((this.#at.get(e) ?? 0) < at) this.#at.set(e, at);
  }

  async clear(email: string): Promise<void> {
    const e = email.toLowerCase();
    await loadScripts(this.redis).run('svSignOut', [svKeys.signedOut()], ['clear', e]);
    this.#at.delete(e);
  }

  /** Re-reads the whole record (a few entries at most). Never throws. */
  async reload(): Promise<void> {
    try {
      const all = await this.redis.hgetall(svKeys.signedOut());
      this.#at.clear();
      for (const [e, v] of Object.entries(all)) this.#at.set(e, Number(v));
    } catch {
      // keep what we know; the next tick retries
    }
  }
}
