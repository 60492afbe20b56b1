// The console's two actions on an agent of the supervisor's campaigns, both audited (a pino `audit` line and
// an entry in the audit stream, svAudit-1.lua) whether or not they changed anything:
//   pause: the agent's session PLAY → PAUSE (a live call goes on to its disposition; no next dial follows),
//     then a SUPERVISOR_ACTION event the agent's app shows ("Your team lead paused your session").
//   sign out: the sign-out is recorded first (older access tokens refused, refresh refused until the agent
//     logs in again), then SUPERVISOR_ACTION (every instance closes the agent's sockets with 4409 after it),
//     then the session is stopped.
import { ApiError } from '../../../src-shared/contracts/errors.js';
import type {
  SupervisorActionKind,
  SupervisorActionRequest,
  SupervisorActionResponse,
} from '../../../src-shared/contracts/supervisor.js';
import type { SupervisorEntry } from '../../../src-shared/domain/supervisors.js';
import type { Logger } from '../logger.js';
import type { AgentEventBus, DialerService } from '../ports.js';
import type { RedisClient } from '../redis/client.js';
import { loadScripts } from '../redis/scripts.js';
import type { SupervisorConsole } from './console.js';
import { svKeys } from './keys.js';
import type { SignedOutRegistry } from './signed-out.js';

export interface SupervisorActionsDeps {
  service: Pick<DialerService, 'setSessionState'>;
  bus: Pick<AgentEventBus, 'publish'>;
  console: SupervisorConsole;
  signedOut: SignedOutRegistry;
  redis: RedisClient;
}

export class SupervisorActions {
  constructor(private readonly d: SupervisorActionsDeps) {}

  async pause(
    sup: SupervisorEntry,
    req: SupervisorActionRequest,
    now: number,
    log: Logger,
    requestId: string,
  ): Promise<SupervisorActionResponse> {
    const agent = this.#agentOf(sup, req.agentEmail);
    let changed = false;
    if (agent.sessionState === 'PLAY') {
      try {
        await this.d.service.setSessionState({ email: agent.email }, 'PAUSE', now);
        changed = true;
      } catch (e) {
        if (!(e instanceof ApiError && e.code === 'NO_ACTIVE_SESSION')) throw e;
      }
    }
    if (changed) await this.#notify(agent.email, 'PAUSED', sup, req.reason, now);
    return this.#audit('PAUSED', sup, agent.email, req.reason, changed, now, log, requestId);
  }

  async signOut(
    sup: SupervisorEntry,
    req: SupervisorActionRequest,
    now: number,
    log: Logger,
    requestId: string,
  ): Promise<SupervisorActionResponse> {
    const agent = this.#agentOf(sup, req.agentEmail);
    await this.d.signedOut.record(agent.email, now);
    await this.#notify(agent.email, 'SIGNED_OUT', sup, req.reason, now);
    let stopped = false;
    try {
      await this.d.service.setSessionState({ email: agent.email }, 'STOP', now);
      stopped = true;
    } catch (e) {
      if (!(e instanceof ApiError && e.code === 'NO_ACTIVE_SESSION')) throw e;
    }
    log.info({ agent: agent.email, sessionStopped: stopped }, 'agent signed out by a supervisor');
    return this.#audit('SIGNED_OUT', sup, agent.email, req.reason, true, now, log, requestId);
  }

  /** The agent as the board knows it: 404 when unknown, 403 when not in the supervisor's campaigns. */
  #agentOf(sup: SupervisorEntry, email: string) {
    const agent = this.d.console.agent(email);
    if (!agent) throw new ApiError('NOT_FOUND', 'no agent with that email in the router');
    if (!this.d.console.campaignsFor(sup).includes(agent.campaignName))
      throw new ApiError('FORBIDDEN', "that agent is not in one of this supervisor's campaigns");
    return agent;
  }

  async #notify(
    email: string,
    action: SupervisorActionKind,
    sup: SupervisorEntry,
    reason: string,
    now: number,
  ): Promise<void> {
    await this.d.bus.publish(
      email,
      { type: 'SUPERVISOR_ACTION', notice: { action, by: sup.email, reason, at: now } },
      now,
    );
  }

  async #audit(
    action: SupervisorActionKind,
    sup: SupervisorEntry,
    agentEmail: string,
    reason: string,
    changed: boolean,
    now: number,
    log: Logger,
    requestId: string,
  ): Promise<SupervisorActionResponse> {
    const entry = { supervisor: sup.email, action, agent: agentEmail, reason, changed, at: now, requestId };
    log.info(
      { audit: 'supervisor-action', ...entry, atIso: new Date(now).toISOString() },
      'audit: supervisor action',
    );
    await loadScripts(this.d.redis).run(
      'svAudit',
      [svKeys.audit()],
      [now, sup.email, action, agentEmail, reason, changed ? '1' : '0', requestId],
    );
    return { agentEmail, action, changed, at: now };
  }
}
