// One handler per HTTP_API route: the thin step from a validated request to the DialerService / AuthService,
// plus what the HTTP layer itself owns (metrics of calls and dispositions, the disposition audit line).
import type { z } from 'zod';
import type { HttpApi, ResponseBody, RouteName } from '../../../src-shared/contracts/http.js';
import type { AuthService } from '../auth/auth-service.js';
import type { Alongside } from '../idempotency/guard.js';
import type { InScriptIdempotency } from '../idempotency/in-script.js';
import type { InstallReportStore } from '../desktop/install-reports.js';
import { newerMsiDue } from '../desktop/msi-policy.js';
import { auditDisposition } from '../logger.js';
import type { CoordinatorMetrics } from '../metrics/metrics.js';
import { auditAmendment } from '../service/amend.js';
import type { AgentPrincipal, DialerService } from '../ports.js';
import type { WsTicketStore } from '../ws/tickets.js';
import type { RequestContext } from './context.js';

export type ReadyReport = ResponseBody<'readyz'>;

export interface HandlerDeps {
  service: DialerService;
  auth: AuthService;
  tickets: WsTicketStore;
  metrics: CoordinatorMetrics;
  readiness: () => Promise<ReadyReport>;
  /** Desktop install reports and the MSI version IT is rolling out (DESKTOP_MSI_LATEST_VERSION). */
  desktop: { reports: InstallReportStore; msiLatestVersion: string | null };
}

export interface HandlerInput<N extends RouteName> {
  body: z.output<HttpApi[N]['body']>;
  /** Non-null on every `auth: true` route. */
  principal: AgentPrincipal | null;
  now: number;
  ctx: RequestContext;
  setStatus: (status: number) => void;
  /** Idempotent routes: work to finish with the key's completion, in the same round trip. */
  alongside?: Alongside;
  /** Routes of IN_SCRIPT_IDEMPOTENCY: the key's record, for the transition script that checks it. */
  idem?: InScriptIdempotency;
}

/** Idempotent routes whose transition script checks and reserves the Idempotency-Key's record in its own
 *  step (idempotency/in-script.ts): the disposition, whose answer is then one round trip. */
export const IN_SCRIPT_IDEMPOTENCY: ReadonlySet<RouteName> = new Set<RouteName>(['disposition']);

export type Handlers = { [N in RouteName]: (input: HandlerInput<N>) => Promise<ResponseBody<N>> };

const who = (p: AgentPrincipal | null): AgentPrincipal => {
  if (!p) throw new Error('route declared auth: true but no principal was set');
  return p;
};

export function buildHandlers(d: HandlerDeps): Handlers {
  const { service, metrics } = d;
  return {
    authConfig: () => d.auth.authConfig(),
    login: ({ body, now }) => d.auth.login(body, now),
    refresh: ({ body, now }) => d.auth.refresh(body.refreshToken, now),
    logout: async ({ body, now }) => {
      await d.auth.logout(body.refreshToken, now);
      return { ok: true as const };
    },
    wsTicket: ({ principal, now }) => d.tickets.issue(who(principal).email, now),
    sessionStart: ({ principal, now }) => service.startSession(who(principal), now),
    sessionState: async ({ principal, body, now }) => {
      return service.setSessionState(who(principal), body.state, now);
    },
    sessionCurrent: ({ principal, now }) => service.currentSession(who(principal), now),
    sessionResync: ({ principal, now }) => service.resync(who(principal), now),
    next: async ({ principal, now }) => service.next(who(principal), now),
    // Calls initiated are counted by the service where Dialpad accepted them (compose.ts): a step that
    // merely shows the call already in progress (PLAY again, a retried request) is not a new call.
    dial: ({ principal, body, now }) => service.dial(who(principal), body.previewId, now),
    skip: ({ principal, body, now }) => service.skip(who(principal), body.previewId, now),
    disposition: async ({ principal, body, now, ctx, idem }) => {
      const agent = who(principal);
      const r = await service.dispose(agent, body, now, idem);
      // One audit line and one count per disposition applied: a retry of a saved one (e.g. an outbox
      // replay after the idempotency window) is neither audited nor counted again.
      if (!r.alreadySaved) {
        metrics.observeDisposition(r.code);
        auditDisposition(ctx.log, {
          agent: agent.email,
          callId: r.callId,
          code: r.code,
          at: now,
          requestId: ctx.requestId,
          next: r.next.kind,
          ...(r.next.kind === 'call' ? { chained: r.next.call.callId } : {}),
          queuedCells: r.queuedCells,
        });
      }
      return r;
    },
    amendDisposition: async ({ principal, body, now, ctx }) => {
      const agent = who(principal);
      const r = await service.amendDisposition(agent, body, now);
      if (r.alreadySaved) return r;
      metrics.observeDispositionChange(r.previousCode, r.code);
      auditAmendment(ctx.log, {
        agent: agent.email,
        callId: r.callId,
        from: r.previousCode,
        to: r.code,
        at: now,
        requestId: ctx.requestId,
        queuedCells: r.queuedCells,
      });
      return r;
    },
    hangup: ({ principal, body, now }) => service.hangUp(who(principal), body.callId, now),
    callbacks: ({ principal, now }) => service.callbacks(who(principal), now),
    callbackDial: ({ principal, body, now }) => service.dialCallback(who(principal), body.rowId, now),
    callbackCancel: ({ principal, body, now }) => service.cancelCallback(who(principal), body.rowId, now),
    stats: ({ principal, now }) => service.stats(who(principal), now),
    healthz: async () => ({ status: 'ok' as const }),
    readyz: async ({ setStatus }) => {
      const r = await d.readiness();
      if (r.status === 'not_ready') setStatus(503);
      return r;
    },
    desktopInstallReport: async ({ principal, body, now }) => {
      await d.desktop.reports.save(who(principal).email, body, now);
      return { recordedAt: now, policy: { newerMsiDue: newerMsiDue(body, d.desktop.msiLatestVersion) } };
    },
  };
}
