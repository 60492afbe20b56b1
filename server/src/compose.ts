// Wires one coordinator instance from its config: Redis (single or Cluster; the only store), the Sheets and Dialpad gateways with their breakers, the write-behind flusher, the store,
// the DialerService, auth, idempotency, the event bus, the HTTP app and the WebSocket hub. `stop()` is the
// graceful shutdown: stop accepting, finish in-flight requests, flush the sheet queue, close sockets.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Cluster, Redis } from 'ioredis';
import { CampaignRulesSchema, DEFAULT_CAMPAIGN_RULES } from '../../src-shared/domain/campaign.js';
import { createApp } from './app.js';
import { AccessTokens } from './auth/access-tokens.js';
import { AgentAccess } from './auth/agent-access.js';
import { AuthService } from './auth/auth-service.js';
import { OidcVerifier } from './auth/oidc.js';
import { RedisRefreshTokenStore } from './auth/refresh-tokens.js';
import type { AppConfig } from './config.js';
import { HttpDialpadGateway } from './dialpad/http-dialpad-gateway.js';
import { RedisWebhookDeduper } from './dialpad/webhook-deduper.js';
import { RedisInstallReportStore } from './desktop/install-reports.js';
import { JwtWebhookVerifier } from './dialpad/webhook-verifier.js';
import { RedisAgentEventBus } from './events/redis-bus.js';
import type { ReadyReport } from './http/handlers.js';
import { RedisIdempotencyStore } from './idempotency/store.js';
import { createLogger, type Logger } from './logger.js';
import { corkEachTurn, duplicateClient, isCluster, type RedisClient } from './redis/client.js';
import { during, startLoopMonitor } from './metrics/loop-monitor.js';
import { CoordinatorMetrics } from './metrics/metrics.js';
import type { AgentEventBus, CampaignRulesLoader, DialerService, SheetsGateway } from './ports.js';
import { RedisPatchQueue } from './queue/redis-patch-queue.js';
import { RedisQuotaBudget } from './queue/redis-quota-budget.js';
import { createSheetsBreaker } from './sheets/breaker.js';
import { createSheetsClient, type SheetsAuth, serviceAccountAuth, staticTokenAuth } from './sheets/client.js';
import { GoogleSheetsGateway } from './sheets/google-sheets-gateway.js';
import { GridDecoder } from './sheets/grid-decoder.js';
import { SheetsApi } from './sheets/sheets-api.js';
import { SheetsFlusher } from './sheets/sheets-flusher.js';
import { RedisTabSnapshots } from './sheets/tab-snapshots.js';
import { createDialerService } from './service/index.js';
import { RedisStore } from './store/redis-store.js';
import { createSupervisorModule, type SupervisorModule } from './supervisor/index.js';
import { attachWsHub, type WsHub } from './ws/hub.js';
import { RedisWsTicketStore } from './ws/tickets.js';

export interface Coordinator {
  readonly config: AppConfig;
  readonly logger: Logger;
  readonly server: Server;
  readonly hub: WsHub;
  readonly metrics: CoordinatorMetrics;
  readonly service: DialerService;
  readonly sheets: SheetsGateway;
  readonly bus: AgentEventBus;
  readonly flusher: SheetsFlusher;
  readonly supervisor: SupervisorModule;
  readonly servesWebUi: boolean;
  /** Listens on config.port/host (0 = a free port); resolves with the base URL. */
  listen(): Promise<{ url: string; port: number }>;
  /** HTTP requests being served right now (shutdown waits for them). */
  inflightRequests(): number;
  /** Writes every queued sheet patch now, waiting out deferred spreadsheets for up to 20 s (tests). */
  flushSheets(): Promise<void>;
  /** Graceful shutdown; safe to call twice. */
  stop(): Promise<void>;
}

export interface ComposeOptions {
  logger?: Logger;
  /** Overrides the Sheets auth built from config (tests). */
  sheetsAuth?: SheetsAuth;
  clock?: () => number;
}

/** Campaign rules: defaults, then the "*" override, then the campaign's own (CAMPAIGN_RULES). */
export function campaignRulesLoader(overrides: AppConfig['campaignRules']): CampaignRulesLoader {
  const cache = new Map<string, ReturnType<CampaignRulesLoader>>();
  return (name) => {
    let r = cache.get(name);
    if (!r) {
      r = CampaignRulesSchema.parse({
        ...DEFAULT_CAMPAIGN_RULES,
        ...overrides['*'],
        ...overrides[name],
        name,
      });
      cache.set(name, r);
    }
    return r;
  };
}

function connectRedis(config: AppConfig, log: Logger): RedisClient {
  const onError = (err: unknown) => log.warn({ err }, 'redis connection error');
  if (config.redis.mode === 'single') {
    // Reconnect at least every 0.5 s: ioredis fails the commands queued while Redis is down every 4th
    // attempt (maxRetriesPerRequest + 1), a command at the second such flush after it was issued, so while
    // Redis is down a request fails (503 STORE_UNAVAILABLE) within ~4 s (measured 3.9 s at worst; with
    // attempts 1 s apart it was 7.8 s, near the reliability suite's 10 s bound under load) instead of
    // hanging behind ioredis's default 5 s backoff, and work resumes within 0.5 s of Redis coming back.
    const r = new Redis(config.redis.url, {
      maxRetriesPerRequest: 3,
      enableAutoPipelining: false,
      retryStrategy: (times) => Math.min(times * 200, 500),
    });
    // One socket write per event-loop turn, as autopipelining did, without a Pipeline per batch.
    corkEachTurn(r);
    r.on('error', onError);
    return r;
  }
  const c = new Cluster(config.redis.nodes, { redisOptions: { maxRetriesPerRequest: 3 } });
  c.on('error', onError);
  return c;
}

function sheetsAuthOf(config: AppConfig): SheetsAuth {
  if (config.sheets.accessToken) return staticTokenAuth(config.sheets.accessToken);
  return serviceAccountAuth({
    GOOGLE_APPLICATION_CREDENTIALS: config.sheets.credentialsFile ?? undefined,
    GOOGLE_SERVICE_ACCOUNT_JSON: config.sheets.credentialsJson ?? undefined,
  });
}

/** used_memory and maxmemory (summed over the masters of a Cluster). */
async function redisMemory(redis: RedisClient): Promise<{ used: number; max: number }> {
  const nodes = isCluster(redis) ? redis.nodes('master') : [redis];
  let used = 0;
  let max = 0;
  for (const node of nodes) {
    const info = await node.info('memory');
    const field = (name: string) => Number(new RegExp(`^${name}:(\\d+)`, 'm').exec(info)?.[1] ?? 0);
    used += field('used_memory');
    max += field('maxmemory');
  }
  return { used, max };
}

export async function composeCoordinator(config: AppConfig, opts: ComposeOptions = {}): Promise<Coordinator> {
  const clock = opts.clock ?? Date.now;
  const logger = opts.logger ?? createLogger({ level: config.logLevel, instanceId: config.instanceId });
  // A single Redis or a Cluster: every Redis adapter is typed against RedisClient (redis/client.ts), and every
  // multi-key command, MULTI and Lua script keeps to one hash tag (keys.ts).
  const redis = connectRedis(config, logger);

  const metrics = new CoordinatorMetrics();
  const stopLoopMonitor = startLoopMonitor({
    registry: metrics.registry,
    logOverMs: config.loopBlockLogMs,
    gcLogOverMs: config.gcPauseLogMs,
    logger,
  });
  // ONE subscriber connection for every channel this process listens to (agent events, lead changes for
  // the tab caches and for the flusher's hints): a notice costs one socket read however many listen.
  const subscriber = duplicateClient(redis);
  const queue = new RedisPatchQueue(redis, { subscriber });
  const quota = new RedisQuotaBudget(redis);
  const sheetsBreaker = createSheetsBreaker();
  const sheetsClient = createSheetsClient({
    rootUrl: config.sheets.rootUrl,
    auth: opts.sheetsAuth ?? sheetsAuthOf(config),
  });
  // The tab refresh's one big read answer is decoded on a worker thread, not on the event loop.
  const gridDecoder = new GridDecoder({ logger: logger.child({ component: 'sheets' }) });
  const sheetsApi = new SheetsApi({
    client: sheetsClient,
    breaker: sheetsBreaker,
    quota,
    decoder: gridDecoder,
  });
  const sheets = new GoogleSheetsGateway({
    api: sheetsApi,
    logger: logger.child({ component: 'sheets' }),
    routerSpreadsheetId: config.sheets.routerSpreadsheetId,
    routerTabTitle: config.sheets.routerTab,
  });
  const flusher = new SheetsFlusher({
    api: sheetsApi,
    queue,
    logger: logger.child({ component: 'flusher' }),
    metrics: metrics.flusher,
  });
  const dialpad = new HttpDialpadGateway({ baseUrl: config.dialpad.baseUrl, apiKey: config.dialpad.apiKey });
  const bus = new RedisAgentEventBus(redis, {
    onError: (err) => logger.warn({ err }, 'event bus'),
    subscriber,
  });
  const store = new RedisStore({ redis, subscriber });
  const service = createDialerService({
    store,
    sheets,
    dialpad,
    events: bus,
    rules: campaignRulesLoader(config.campaignRules),
    tabSnapshots: new RedisTabSnapshots(redis),
    logger: logger.child({ component: 'service' }),
    clock,
    onCallStarted: () => metrics.observeCallStarted(),
    onDispositionNotWritten: (why) => metrics.observeDispositionNotWritten(why),
    // Every 60th sweep (5 min) walks every tab; the others only where a call this instance knows is due.
    fullSweepEveryMs: 60 * config.callSweepIntervalMs,
    faultExitAt: config.faultExitAt,
  });

  const access = new AgentAccess(sheets, logger.child({ component: 'access' }));
  const accessTokens = new AccessTokens({ ...config.jwt, ttlSeconds: config.jwt.accessTtlSeconds });
  const refreshStore = new RedisRefreshTokenStore(redis);
  const oidc = config.oidc ? new OidcVerifier(config.oidc) : null;
  const tickets = new RedisWsTicketStore(redis);
  const idempotency = new RedisIdempotencyStore(redis);
  // The supervisor console (issue 11): roster, sign-in, live board, actions, routes and socket.
  const supervisor = createSupervisorModule({
    redis,
    bus,
    store,
    service,
    loadedTabs: () => service.loadedTabs(),
    routerEntries: (o) => sheets.listRouterEntries(o),
    readRange: (id, range) => sheetsApi.readRange(id, range, { quotaWaitMs: 5_000 }),
    routerSpreadsheetId: config.sheets.routerSpreadsheetId,
    tokens: accessTokens,
    refreshStore,
    refreshTtlSeconds: config.jwt.refreshTtlSeconds,
    oidc,
    demoMode: config.demoMode,
    idempotency,
    agentTickets: tickets,
    health: async () => ({
      sheetsBreaker: sheetsBreaker.state(),
      dialpadBreaker: dialpad.breaker.state(),
      // The flusher's own count (every 15 s): the console adds no Redis command for it.
      queueDepth: metrics.flusherQueueDepth() ?? (await queue.depth()),
      oldestQueuedAt: flusher.oldestPendingAt(),
    }),
    logger,
    clock,
  });
  const auth = new AuthService({
    access,
    tokens: accessTokens,
    refreshStore,
    refreshTtlSeconds: config.jwt.refreshTtlSeconds,
    router: sheets,
    oidc,
    demoMode: config.demoMode,
    signedOut: supervisor.signedOut,
    isSupervisor: (email) => supervisor.roster.isActive(email),
  });
  const installReports = new RedisInstallReportStore(redis);
  const circuits = () => ({ sheets: sheetsBreaker.state(), dialpad: dialpad.breaker.state() });
  metrics.setProbes({
    // The flusher's own count (every 15 s) once it has one: a scrape adds no Redis command for it.
    sheetsQueueDepth: async () => metrics.flusherQueueDepth() ?? (await queue.depth()),
    sheetsQuotaUsed: (bucket) => quota.used(bucket, clock()),
    circuits,
    desktopInstalls: async () => (await installReports.all()).map((r) => r.report),
    redisMemory: () => redisMemory(redis),
  });
  const readiness = async (): Promise<ReadyReport> => {
    const redisUp = await Promise.race([
      redis.ping().then(
        () => true,
        () => false,
      ),
      new Promise<boolean>((r) => setTimeout(() => r(false), 1000).unref()),
    ]);
    const c = circuits();
    const depth = await queue.depth().catch(() => -1);
    const status = !redisUp
      ? 'not_ready'
      : c.sheets === 'open' || c.dialpad === 'open'
        ? 'degraded'
        : 'ready';
    return {
      status,
      store: config.redis.mode === 'cluster' ? 'redis-cluster' : 'redis',
      redis: redisUp ? 'up' : 'down',
      upstreams: {
        sheets: new URL(config.sheets.rootUrl).origin,
        dialpad: new URL(config.dialpad.baseUrl).origin,
      },
      circuits: c,
      sheetsQueueDepth: Math.max(depth, 0),
    };
  };

  let draining = false;
  const { handler, servesWebUi } = createApp({
    logger,
    // Every accepted webhook also tells the console when the last one arrived (its health panel).
    service: {
      ...service,
      onDialpadEvent: (event, now, claim) => {
        supervisor.console.noteWebhook(now);
        return service.onDialpadEvent(event, now, claim);
      },
    },
    auth,
    idempotency,
    tickets,
    webhook: {
      verifier: new JwtWebhookVerifier({ secret: config.dialpad.webhookSecret }),
      deduper: new RedisWebhookDeduper(redis),
    },
    metrics,
    readiness,
    desktop: { reports: installReports, msiLatestVersion: config.desktop.msiLatestVersion },
    clock,
    webDistDir: config.webDistDir,
    isDraining: () => draining,
    extraRoutes: (a) => supervisor.registerRoutes(a),
  });
  const server = createServer(handler);
  // Node closes an idle connection after 5 s by default; behind a load balancer that keeps idle connections
  // longer, a request sent on one as it closes would come back as a 502. Headers must be given longer still.
  server.keepAliveTimeout = config.httpKeepAliveMs;
  server.headersTimeout = config.httpKeepAliveMs + 1_000;
  // Count in-flight requests so shutdown can wait for them (upgraded sockets are not requests).
  let inflight = 0;
  server.on('request', (_req, res) => {
    inflight += 1;
    res.once('close', () => {
      inflight -= 1;
    });
  });
  const hub = attachWsHub(server, { tickets, bus, logger, metrics, instanceId: config.instanceId, clock });
  supervisor.attach(server, hub);
  void supervisor.console
    .start()
    .catch((err: unknown) => logger.warn({ err }, 'supervisor console did not start; retried on first use'));

  flusher.start();
  const sweeper = setInterval(() => {
    during('call-sweep', service.sweepTimeouts(clock())).catch((err: unknown) =>
      logger.warn({ err }, 'call timeout sweep failed'),
    );
  }, config.callSweepIntervalMs);
  sweeper.unref();
  // A person's edits reach idle sessions (PAUSE, waiting for a retry) without waiting for a request.
  // Agents removed or deactivated in the router lose their requests and sockets within one tick.
  const refreshAccess = () =>
    during(
      'access-refresh',
      access
        .refresh()
        .then(() => hub.closeAgentsWhere((email) => !access.allows(email), 'agent not active'))
        .then(() => supervisor.refresh())
        .catch((err: unknown) => logger.warn({ err }, 'access refresh failed')),
    );
  void refreshAccess();
  const tabRefresh = setInterval(() => {
    during('tab-refresh', service.refreshTabs(clock())).catch((err: unknown) =>
      logger.warn({ err }, 'periodic tab refresh failed'),
    );
    void refreshAccess();
  }, config.tabRefreshMs);
  tabRefresh.unref();

  let stopping: Promise<void> | null = null;
  const stop = async () => {
    draining = true;
    logger.info('shutting down: no new connections, finishing in-flight requests');
    const closed = new Promise<void>((r) => server.close(() => r()));
    server.closeIdleConnections();
    const deadline = Date.now() + config.shutdownGraceMs;
    while (inflight > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
    clearInterval(sweeper);
    clearInterval(tabRefresh);
    await flusher.stop();
    const report = await flusher.flushNow().catch((err: unknown) => {
      logger.warn({ err }, 'final sheet flush failed: patches stay queued');
      return null;
    });
    if (report)
      logger.info({ written: report.written, deferred: report.deferred.length }, 'final sheet flush');
    await supervisor.stop();
    await hub.close();
    server.closeAllConnections();
    await closed;
    await service.close().catch(() => {});
    await bus.close();
    await store.close().catch(() => {});
    subscriber.disconnect();
    await redis.quit().catch(() => {});
    stopLoopMonitor();
    await gridDecoder.close();
    logger.info('stopped');
  };

  return {
    config,
    logger,
    server,
    hub,
    metrics,
    service,
    sheets,
    bus,
    flusher,
    supervisor,
    servesWebUi,
    listen: () =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(config.port, config.host, () => {
          const port = (server.address() as AddressInfo).port;
          const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
          resolve({ url: `http://${host}:${port}`, port });
        });
      }),
    inflightRequests: () => inflight,
    flushSheets: async () => {
      await flusher.flushUntilSettled();
    },
    stop: () => {
      stopping ??= stop();
      return stopping;
    },
  };
}
