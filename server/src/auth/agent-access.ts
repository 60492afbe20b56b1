// Who may use the API right now, according to the router sheet: an agent removed from it or set to
// Active=false loses access on every authenticated route (and their sockets are closed by the caller) at the
// next refresh, instead of keeping it until the access token expires. The router is read only by refresh(),
// which the coordinator runs once per tab-refresh tick (a fresh read, which refills the gateway's router
// cache): a request never costs a Sheets read. Until a first read succeeds, and whenever a read fails, the last known rows decide
// (nothing known = allowed: a Sheets outage at boot must not lock every agent out; tokens still expire).
import { ApiError } from '../../../src-shared/contracts/errors.js';
import type { Logger } from '../logger.js';
import type { RouterEntry, SheetsGateway } from '../ports.js';

export class AgentAccess {
  #byEmail: Map<string, RouterEntry> | null = null;

  constructor(
    private readonly router: Pick<SheetsGateway, 'listRouterEntries'>,
    private readonly log: Logger,
  ) {}

  /** Re-reads the router (keeping the last rows on failure); returns whether the read succeeded. */
  async refresh(): Promise<boolean> {
    try {
      // A fresh read each tick (one per TAB_REFRESH_MS per instance), which also refills the gateway's cache
      // for logins and session starts: deactivation takes one tick, not one tick plus the cache's age. A
      // failed read keeps the gateway's last rows (never an empty cache during a Sheets outage).
      const rows = await this.router.listRouterEntries({ fresh: true });
      this.#byEmail = new Map(rows.map((r) => [r.agentEmail.toLowerCase(), { ...r }]));
      return true;
    } catch (err) {
      this.log.warn({ err }, 'router read for access checks failed; keeping the last rows');
      return false;
    }
  }

  /** Throws 403 AGENT_NOT_IN_ROUTER / AGENT_INACTIVE when the last known router says so. */
  check(email: string): void {
    if (!this.#byEmail) return;
    const entry = this.#byEmail.get(email.toLowerCase());
    if (!entry) throw new ApiError('AGENT_NOT_IN_ROUTER', 'this account is not listed in the router sheet');
    if (!entry.active) throw new ApiError('AGENT_INACTIVE', 'this agent is not Active in the router sheet');
  }

  allows(email: string): boolean {
    try {
      this.check(email);
      return true;
    } catch {
      return false;
    }
  }
}
