// The coordinator's Express app, built from injected dependencies (no listening, no process concerns: that
// is server.ts). Order: correlation id + child logger, metrics/logging of every response, the Dialpad webhook
// (raw body), JSON body parsing, every HTTP_API route, /metrics, the web UI, then 404 and the one error handler.
// `handler` serves it behind the fast lane (http/fast-lane.ts), which answers the hot routes of a dialing
// cycle with the same route code without Express's per-request machinery.
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type { AuthService } from './auth/auth-service.js';
import { type RequestContext, requestContext } from './http/context.js';
import { errorHandler, notFound } from './http/errors.js';
import { fastLane, JSON_BODY_LIMIT } from './http/fast-lane.js';
import { buildHandlers, type ReadyReport } from './http/handlers.js';
import { registerApiRoutes, routeRunner } from './http/routes.js';
import { serveWebUi } from './http/static.js';
import { registerWebhookRoute, webhookHandler } from './http/webhook.js';
import type { WebhookDeduper } from './dialpad/webhook-deduper.js';
import type { IdempotencyOptions } from './idempotency/guard.js';
import type { IdempotencyStore } from './idempotency/store.js';
import type { HandlerDeps } from './http/handlers.js';
import type { Logger } from './logger.js';
import type { CoordinatorMetrics } from './metrics/metrics.js';
import type { DialerService, DialpadWebhookVerifier } from './ports.js';
import type { WsTicketStore } from './ws/tickets.js';

export interface AppDeps {
  logger: Logger;
  service: DialerService;
  auth: AuthService;
  idempotency: IdempotencyStore;
  idempotencyOptions?: IdempotencyOptions;
  tickets: WsTicketStore;
  webhook: { verifier: DialpadWebhookVerifier; deduper: WebhookDeduper };
  metrics: CoordinatorMetrics;
  readiness: () => Promise<ReadyReport>;
  desktop: HandlerDeps['desktop'];
  clock?: () => number;
  /** Built web UI (dist/renderer); null/absent = API only. */
  webDistDir?: string | null;
  /** True while shutting down: new requests get 503 and the connection is closed. */
  isDraining?: () => boolean;
  /** More routes (the supervisor console's), registered after the API's and before the 404. */
  extraRoutes?: (app: Express) => void;
}

export interface BuiltApp {
  /** The Express app (every route; also what the fast lane falls back to). */
  app: Express;
  /** The request listener to serve: the fast lane for the hot routes, then the Express app. */
  handler: RequestListener;
  servesWebUi: boolean;
}

export function createApp(d: AppDeps): BuiltApp {
  const clock = d.clock ?? Date.now;
  const app = express();
  app.disable('x-powered-by');
  // No ETag on API answers (a SHA-1 of every JSON body, for responses no client revalidates); the web UI's
  // static files keep theirs (serve-static).
  app.set('etag', false);
  app.set('trust proxy', 'loopback, linklocal, uniquelocal');
  app.use(requestContext(d.logger));
  const observe = observeRequest(d.metrics, d.logger);
  app.use((req: Request, res: Response, next: NextFunction) => {
    observe(req, res, () => res.locals.ctx as RequestContext | undefined);
    next();
  });
  app.use((_req: Request, res: Response, next: NextFunction) => {
    if (!d.isDraining?.()) return next();
    res.setHeader('Connection', 'close');
    res
      .status(503)
      .json({ error: { code: 'INTERNAL', message: 'shutting down: retry on another instance' } });
  });
  const webhook = webhookHandler({
    verifier: d.webhook.verifier,
    deduper: d.webhook.deduper,
    service: d.service,
    metrics: d.metrics,
    clock,
  });
  registerWebhookRoute(app, webhook);
  app.use(express.json({ limit: JSON_BODY_LIMIT, strict: true }));
  const handlers = buildHandlers({
    service: d.service,
    auth: d.auth,
    tickets: d.tickets,
    metrics: d.metrics,
    readiness: d.readiness,
    desktop: d.desktop,
  });
  const run = routeRunner({
    handlers,
    auth: d.auth,
    idempotency: d.idempotency,
    ...(d.idempotencyOptions ? { idempotencyOptions: d.idempotencyOptions } : {}),
    clock,
  });
  registerApiRoutes(app, run);
  d.extraRoutes?.(app);
  app.get('/metrics', async (_req: Request, res: Response) => {
    const m = await d.metrics.render();
    res.type(m.contentType).send(m.body);
  });
  const servesWebUi = serveWebUi(app, d.webDistDir);
  const onError = (_status: number, code: string, route: string | null) =>
    d.metrics.httpErrors.inc({ route: route ?? 'unmatched', code });
  app.use(notFound);
  app.use(errorHandler(onError));
  const handler = fastLane(app, {
    logger: d.logger,
    run,
    webhook,
    observe,
    onError,
    ...(d.isDraining ? { isDraining: d.isDraining } : {}),
  });
  return { app, handler, servesWebUi };
}

/** A request slower than this is logged at info (others at debug): a tail worth a look in production. */
export const SLOW_REQUEST_MS = 1000;

/** Latency histogram by route and one log line per request: debug (a line per request was the largest
 *  logging cost at load: ~10 % of the coordinator's CPU), info when slower than SLOW_REQUEST_MS. Rejections
 *  and failures have their own line (errors.ts), dispositions their audit line. Used by the Express path
 *  (as a middleware) and by the fast lane. */
export function observeRequest(metrics: CoordinatorMetrics, root: Logger) {
  return (req: IncomingMessage, res: ServerResponse, ctxOf: () => RequestContext | undefined): void => {
    const started = performance.now();
    res.on('finish', () => {
      const ctx = ctxOf();
      const pathOf = () => (req.url ?? '').split('?')[0] ?? '';
      const route = ctx?.route ?? (pathOf() === '/metrics' ? '/metrics' : 'unmatched');
      const seconds = (performance.now() - started) / 1000;
      metrics.httpDuration.observe(
        { method: req.method ?? '', route, status: String(res.statusCode) },
        seconds,
      );
      const ms = Math.round(seconds * 1000);
      const quiet = route === '/healthz' || route === '/readyz' || route === '/metrics';
      const level = ms >= SLOW_REQUEST_MS && !quiet ? 'info' : 'debug';
      if (!ctx || !root.isLevelEnabled(level)) return;
      ctx.log[level](
        { method: req.method, route, path: pathOf(), status: res.statusCode, ms },
        level === 'info' ? 'slow request' : 'request done',
      );
    });
  };
}
