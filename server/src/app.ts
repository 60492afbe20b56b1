// The coordinator's Express app, built from injected dependencies (no listening, no process concerns: that
// is server.ts). Order: correlation id + child logger, metrics/logging of every response, the Dialpad webhook
// (raw body), JSON body parsing, every HTTP_API route, /metrics, the web UI, then 404 and the one error handler.
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type { AuthService } from './auth/auth-service.js';
import { type RequestContext, requestContext } from './http/context.js';
import { errorHandler, notFound } from './http/errors.js';
import { buildHandlers, type ReadyReport } from './http/handlers.js';
import { registerApiRoutes } from './http/routes.js';
import { serveWebUi } from './http/static.js';
import { registerWebhookRoute } from './http/webhook.js';
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
  app: Express;
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
  app.use(observe(d.metrics, d.logger));
  app.use((_req: Request, res: Response, next: NextFunction) => {
    if (!d.isDraining?.()) return next();
    res.setHeader('Connection', 'close');
    res
      .status(503)
      .json({ error: { code: 'INTERNAL', message: 'shutting down: retry on another instance' } });
  });
  registerWebhookRoute(app, {
    verifier: d.webhook.verifier,
    deduper: d.webhook.deduper,
    service: d.service,
    metrics: d.metrics,
    clock,
  });
  app.use(express.json({ limit: '64kb', strict: true }));
  const handlers = buildHandlers({
    service: d.service,
    auth: d.auth,
    tickets: d.tickets,
    metrics: d.metrics,
    readiness: d.readiness,
    desktop: d.desktop,
  });
  registerApiRoutes(app, {
    handlers,
    auth: d.auth,
    idempotency: d.idempotency,
    ...(d.idempotencyOptions ? { idempotencyOptions: d.idempotencyOptions } : {}),
    clock,
  });
  d.extraRoutes?.(app);
  app.get('/metrics', async (_req: Request, res: Response) => {
    const m = await d.metrics.render();
    res.type(m.contentType).send(m.body);
  });
  const servesWebUi = serveWebUi(app, d.webDistDir);
  app.use(notFound);
  app.use(
    errorHandler((_status, code, route) => d.metrics.httpErrors.inc({ route: route ?? 'unmatched', code })),
  );
  return { app, servesWebUi };
}

/** A request slower than this is logged at info (others at debug): a tail worth a look in production. */
export const SLOW_REQUEST_MS = 1000;

/** Latency histogram by route and one log line per request: debug (a line per request was the largest
 *  logging cost at load: ~10 % of the coordinator's CPU), info when slower than SLOW_REQUEST_MS. Rejections
 *  and failures have their own line (errors.ts), dispositions their audit line. */
function observe(metrics: CoordinatorMetrics, root: Logger) {
  return (req: Request, res: Response, next: NextFunction) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const ctx = res.locals.ctx as RequestContext | undefined;
      const route = ctx?.route ?? (req.path === '/metrics' ? '/metrics' : 'unmatched');
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      metrics.httpDuration.observe({ method: req.method, route, status: String(res.statusCode) }, seconds);
      const ms = Math.round(seconds * 1000);
      const quiet = route === '/healthz' || route === '/readyz' || route === '/metrics';
      const level = ms >= SLOW_REQUEST_MS && !quiet ? 'info' : 'debug';
      if (!ctx || !root.isLevelEnabled(level)) return;
      ctx.log[level](
        { method: req.method, route, path: req.path, status: res.statusCode, ms },
        level === 'info' ? 'slow request' : 'request done',
      );
    });
    next();
  };
}
