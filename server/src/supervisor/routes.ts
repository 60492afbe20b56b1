// The supervisor console's HTTP routes (SUPERVISOR_API in src-shared/contracts/supervisor.ts). Each: Bearer
// auth with a supervisor token where the route needs it (an agent's token → 403 FORBIDDEN), body validated
// with the route's zod schema (400 VALIDATION_FAILED, nothing changed), the Idempotency-Key guard on the two
// actions (scoped to the supervisor), then the handler.
import type { Express, Request, Response } from 'express';
import type { z } from 'zod';
import { parseBody } from '../http/errors.js';
import { IDEMPOTENCY_HEADER } from '../../../src-shared/contracts/http.js';
import { SUPERVISOR_API, type SupervisorRouteName } from '../../../src-shared/contracts/supervisor.js';
import type { SupervisorEntry } from '../../../src-shared/domain/supervisors.js';
import { ctxOf, type RequestContext } from '../http/context.js';
import { checkIdempotencyKey, requestHash, runIdempotent } from '../idempotency/guard.js';
import type { IdempotencyStore } from '../idempotency/store.js';
import type { SupervisorActions } from './actions.js';
import type { SupervisorAuth } from './auth.js';
import type { SupervisorConsole } from './console.js';
import type { SupervisorTickets } from './socket.js';

export interface SupervisorRouteDeps {
  auth: SupervisorAuth;
  console: SupervisorConsole;
  actions: SupervisorActions;
  tickets: SupervisorTickets;
  idempotency: IdempotencyStore;
  clock: () => number;
}

type Body<N extends SupervisorRouteName> = z.infer<(typeof SUPERVISOR_API)[N]['body']>;
type Result<N extends SupervisorRouteName> = z.infer<(typeof SUPERVISOR_API)[N]['response']>;
interface Input<N extends SupervisorRouteName> {
  body: Body<N>;
  sup: SupervisorEntry | null;
  now: number;
  ctx: RequestContext;
}

export function registerSupervisorRoutes(app: Express, d: SupervisorRouteDeps): void {
  const needSup = (sup: SupervisorEntry | null): SupervisorEntry => {
    if (!sup) throw new Error('supervisor route without auth');
    return sup;
  };

  function add<N extends SupervisorRouteName>(name: N, handler: (i: Input<N>) => Promise<Result<N>>): void {
    const route = SUPERVISOR_API[name];
    const method = route.method === 'GET' ? 'get' : 'post';
    app[method](route.path, async (req: Request, res: Response) => {
      const ctx = ctxOf(res);
      ctx.route = route.path;
      const now = d.clock();
      let sup: SupervisorEntry | null = null;
      if (route.auth) {
        sup = await d.auth.authenticate(req.get('authorization'), now);
        ctx.bind({ supervisor: sup.email });
      }
      const raw: unknown = route.method === 'GET' ? {} : (req.body ?? {});
      const data = parseBody(route.body, raw);
      const input: Input<N> = { body: data as Body<N>, sup, now, ctx };
      if (!route.idempotent) {
        res.status(200).json(await handler(input));
        return;
      }
      const key = checkIdempotencyKey(req.get(IDEMPOTENCY_HEADER));
      const { response, replayed } = await runIdempotent(
        d.idempotency,
        { email: `supervisor:${needSup(sup).email}`, key, hash: requestHash(route.method, route.path, raw) },
        async () => ({ status: 200, body: JSON.stringify(await handler(input)) }),
        d.clock,
      );
      if (replayed) res.setHeader('Idempotent-Replayed', 'true');
      res.status(response.status).type('application/json').send(response.body);
    });
  }

  add('authConfig', () => d.auth.authConfig());
  add('login', ({ body, now }) => d.auth.login(body, now));
  add('refresh', ({ body, now }) => d.auth.refresh(body.refreshToken, now));
  add('logout', async ({ body, now }) => {
    await d.auth.logout(body.refreshToken, now);
    return { ok: true as const };
  });
  add('wsTicket', ({ sup, now }) => d.tickets.issue(needSup(sup).email, now));
  add('snapshot', async ({ sup }) => {
    await d.console.start();
    return d.console.snapshotFor(needSup(sup));
  });
  add('pauseAgent', ({ sup, body, now, ctx }) =>
    d.actions.pause(needSup(sup), body, now, ctx.log, ctx.requestId),
  );
  add('signOutAgent', ({ sup, body, now, ctx }) =>
    d.actions.signOut(needSup(sup), body, now, ctx.log, ctx.requestId),
  );
}
