// Generic route handling from HTTP_API: for every route, in this order: Bearer auth (when `auth`), body
// validation with the route's zod schema (400 VALIDATION_FAILED with the zod issues, nothing changed), the
// Idempotency-Key guard (when `idempotent`), then the handler. Nothing route-specific lives here. The
// same runner answers through Express (registerApiRoutes) and through the fast lane (fast-lane.ts).
import type { Express, Request, Response } from 'express';
import { parseBody } from './errors.js';
import { HTTP_API, IDEMPOTENCY_HEADER, type RouteName } from '../../../src-shared/contracts/http.js';
import type { AuthService } from '../auth/auth-service.js';
import {
  checkIdempotencyKey,
  type IdempotencyOptions,
  requestHash,
  runIdempotent,
} from '../idempotency/guard.js';
import { runIdempotentInScript } from '../idempotency/in-script.js';
import type { IdempotencyStore } from '../idempotency/store.js';
import { ctxOf, type RequestContext } from './context.js';
import { type HandlerInput, type Handlers, IN_SCRIPT_IDEMPOTENCY } from './handlers.js';

export interface RouteDeps {
  handlers: Handlers;
  auth: AuthService;
  idempotency: IdempotencyStore;
  idempotencyOptions?: IdempotencyOptions;
  clock: () => number;
}

/** What a route answers: its status and JSON text, and whether it replays an earlier answer. */
export interface RouteAnswer {
  status: number;
  body: string;
  replayed: boolean;
}

/** One request to a route, as read from HTTP (by Express or the fast lane). */
export interface RouteRequest {
  authorization: string | undefined;
  idempotencyKey: string | undefined;
  /** The parsed JSON body (undefined: none); GET routes ignore it. */
  body: unknown;
  ctx: RequestContext;
}

/** Runs route `name` for one request: auth, body validation, the idempotency guard, the handler. Throws
 *  an ApiError (or any error) for the error handler. */
export type RouteRunner = (name: RouteName, r: RouteRequest) => Promise<RouteAnswer>;

export function routeRunner(d: RouteDeps): RouteRunner {
  return async (name, { authorization, idempotencyKey, body, ctx }) => {
    const route = HTTP_API[name];
    const handler = d.handlers[name] as (input: HandlerInput<RouteName>) => Promise<unknown>;
    ctx.route = route.path;
    const now = d.clock();
    if (route.auth) {
      ctx.principal = await d.auth.authenticate(authorization, now);
      ctx.bind({ agent: ctx.principal.email });
    }
    // GET routes take no body; a POST without one is validated as {}.
    const raw: unknown = route.method === 'GET' ? {} : (body ?? {});
    const data = parseBody(route.body, raw);
    let status = 200;
    const input: HandlerInput<RouteName> = {
      body: data,
      principal: ctx.principal,
      now,
      ctx,
      setStatus: (s) => {
        status = s;
      },
    };
    if (!route.idempotent) {
      const result = await handler(input);
      return { status, body: JSON.stringify(result), replayed: false };
    }
    const key = checkIdempotencyKey(idempotencyKey);
    const email = ctx.principal?.email;
    if (!email) throw new Error(`idempotent route ${route.path} must also require auth`);
    const idemInput = { email, key, hash: requestHash(route.method, route.path, raw) };
    // A route whose transition script checks and reserves the key itself (no round trip of its own).
    const { response, replayed } = IN_SCRIPT_IDEMPOTENCY.has(name)
      ? await runIdempotentInScript(
          d.idempotency,
          idemInput,
          async (idem) => {
            const result = await handler({ ...input, idem });
            return { status, body: JSON.stringify(result) };
          },
          d.idempotencyOptions,
        )
      : await runIdempotent(
          d.idempotency,
          idemInput,
          async (alongside) => {
            const result = await handler({ ...input, alongside });
            return { status, body: JSON.stringify(result) };
          },
          d.clock,
          d.idempotencyOptions,
        );
    return { status: response.status, body: response.body, replayed };
  };
}

/** Every HTTP_API route on the Express app, each answered by `run`. */
export function registerApiRoutes(app: Express, run: RouteRunner): void {
  for (const name of Object.keys(HTTP_API) as RouteName[]) {
    const route = HTTP_API[name];
    const method = route.method === 'GET' ? 'get' : 'post';
    app[method](route.path, async (req: Request, res: Response) => {
      const a = await run(name, {
        authorization: req.get('authorization'),
        idempotencyKey: req.get(IDEMPOTENCY_HEADER),
        body: req.body,
        ctx: ctxOf(res),
      });
      if (a.replayed) res.setHeader('Idempotent-Replayed', 'true');
      res.status(a.status).type('application/json').send(a.body);
    });
  }
}
