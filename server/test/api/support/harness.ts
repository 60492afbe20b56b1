// Boots the coordinator's HTTP app + WebSocket hub on a real port with injected parts, for the HTTP-layer
// tests, on Redis: a throw-away redis-server of its own by default, or the one at `redisUrl` (several
// harnesses on one Redis behave as several coordinator instances).
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import pino from 'pino';
import type { TokenPair } from '../../../../src-shared/contracts/http.js';
import { createApp } from '../../../src/app.js';
import { AccessTokens } from '../../../src/auth/access-tokens.js';
import { AgentAccess } from '../../../src/auth/agent-access.js';
import { AuthService } from '../../../src/auth/auth-service.js';
import type { OidcVerifier } from '../../../src/auth/oidc.js';
import { RedisRefreshTokenStore } from '../../../src/auth/refresh-tokens.js';
import { RedisWebhookDeduper } from '../../../src/dialpad/webhook-deduper.js';
import { JwtWebhookVerifier } from '../../../src/dialpad/webhook-verifier.js';
import { type InstallReportStore, RedisInstallReportStore } from '../../../src/desktop/install-reports.js';
import { RedisAgentEventBus } from '../../../src/events/redis-bus.js';
import { RedisIdempotencyStore } from '../../../src/idempotency/store.js';
import { createLogger } from '../../../src/logger.js';
import { CoordinatorMetrics } from '../../../src/metrics/metrics.js';
import type { AgentEventBus, DialerService, RouterEntry } from '../../../src/ports.js';
import { attachWsHub, type WsHub } from '../../../src/ws/hub.js';
import { RedisWsTicketStore } from '../../../src/ws/tickets.js';
import { startRedisServer } from '../../../../test/support/redis-server.js';
import { RecordingService } from './recording-service.js';

export const JWT = {
  secret: 'test-secret-test-secret-test-secret-42',
  issuer: 'td-test',
  audience: 'td-api',
};
export const WEBHOOK_SECRET = 'webhook-secret-for-tests';

export const routerEntry = (email: string, active = true): RouterEntry => ({
  agentEmail: email,
  dialpadUserId: `dp-${email.split('@')[0]}`,
  spreadsheetId: 'sheet-1',
  tabId: 0,
  campaignName: 'Test campaign',
  active,
});

export interface HarnessOptions {
  service?: DialerService;
  router?: RouterEntry[];
  demoMode?: boolean;
  oidc?: OidcVerifier | null;
  redisUrl?: string;
  accessTtlSeconds?: number;
  authTimeoutMs?: number;
  heartbeatMs?: number;
  bus?: AgentEventBus;
  /** Retention of the Redis event bus per agent (default the bus's own). */
  busMaxLen?: number;
  /** Collects log lines (JSON objects). */
  logLines?: Record<string, unknown>[];
  instanceId?: string;
  /** DESKTOP_MSI_LATEST_VERSION. */
  msiLatestVersion?: string | null;
}

export interface Harness {
  url: string;
  wsUrl: string;
  server: Server;
  hub: WsHub;
  bus: AgentEventBus;
  service: DialerService;
  recording: RecordingService | null;
  tokens: AccessTokens;
  metrics: CoordinatorMetrics;
  installReports: InstallReportStore;
  login(email: string): Promise<TokenPair>;
  /** One tick of the coordinator's access refresh: re-reads `router`, closes sockets of agents who lost access. */
  refreshAccess(): Promise<number>;
  close(): Promise<void>;
}

export async function startHarness(o: HarnessOptions = {}): Promise<Harness> {
  const router = o.router ?? [routerEntry('ann@example.com'), routerEntry('bob@example.com')];
  const ownRedis = o.redisUrl ? null : await startRedisServer({ appendOnly: false });
  const redis = new Redis(o.redisUrl ?? ownRedis?.url ?? '', { maxRetriesPerRequest: 1 });
  const lines = o.logLines;
  const logger = lines
    ? createLogger({ level: 'debug', destination: { write: (s: string) => lines.push(JSON.parse(s)) } })
    : pino({ level: 'silent' });
  const tokens = new AccessTokens({ ...JWT, ttlSeconds: o.accessTtlSeconds ?? 300 });
  const routerPort = {
    findRouterEntry: async (email: string) =>
      router.find((r) => r.agentEmail === email.toLowerCase()) ?? null,
    listRouterEntries: async () => router,
  };
  const access = new AgentAccess(routerPort, logger);
  await access.refresh();
  const auth = new AuthService({
    tokens,
    access,
    refreshStore: new RedisRefreshTokenStore(redis),
    refreshTtlSeconds: 3600,
    router: routerPort,
    oidc: o.oidc ?? null,
    demoMode: o.demoMode ?? true,
  });
  const recording = o.service ? null : new RecordingService();
  const service = o.service ?? (recording as RecordingService);
  const metrics = new CoordinatorMetrics();
  const bus =
    o.bus ?? new RedisAgentEventBus(redis, o.busMaxLen !== undefined ? { maxLen: o.busMaxLen } : {});
  const tickets = new RedisWsTicketStore(redis);
  const installReports = new RedisInstallReportStore(redis);
  metrics.setProbes({ desktopInstalls: async () => (await installReports.all()).map((r) => r.report) });
  const { handler } = createApp({
    logger,
    service,
    auth,
    idempotency: new RedisIdempotencyStore(redis),
    tickets,
    webhook: {
      verifier: new JwtWebhookVerifier({ secret: WEBHOOK_SECRET }),
      deduper: new RedisWebhookDeduper(redis),
    },
    metrics,
    readiness: async () => ({
      status: 'ready',
      store: 'redis',
      redis: 'up',
      upstreams: { sheets: 'http://sheets.test', dialpad: 'http://dialpad.test' },
      circuits: { sheets: 'closed', dialpad: 'closed' },
      sheetsQueueDepth: 0,
    }),
    desktop: { reports: installReports, msiLatestVersion: o.msiLatestVersion ?? null },
  });
  const server = createServer(handler);
  const hub = attachWsHub(server, {
    tickets,
    bus,
    logger,
    metrics,
    instanceId: o.instanceId ?? 'test',
    ...(o.authTimeoutMs ? { authTimeoutMs: o.authTimeoutMs } : {}),
    ...(o.heartbeatMs ? { heartbeatMs: o.heartbeatMs } : {}),
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    wsUrl: `ws://127.0.0.1:${port}/ws`,
    server,
    hub,
    bus,
    service,
    recording,
    tokens,
    metrics,
    installReports,
    async login(email: string) {
      const res = await fetch(`${url}/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ demoEmail: email }),
      });
      if (res.status !== 200) throw new Error(`login ${email}: ${res.status} ${await res.text()}`);
      return (await res.json()) as TokenPair;
    },
    async refreshAccess() {
      await access.refresh();
      return hub.closeAgentsWhere((email) => !access.allows(email), 'agent not active');
    },
    async close() {
      await hub.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      if (bus instanceof RedisAgentEventBus) await bus.close();
      redis.disconnect();
      await ownRedis?.stop();
    },
  };
}

/** fetch with JSON body and optional bearer / idempotency key; returns status, JSON body and headers. */
export async function call(
  url: string,
  opts: {
    method?: string;
    token?: string;
    key?: string;
    body?: unknown;
    headers?: Record<string, string>;
  } = {},
): Promise<{ status: number; body: unknown; headers: Headers }> {
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.key) headers['idempotency-key'] = opts.key;
  const res = await fetch(url, {
    method: opts.method ?? (opts.body === undefined ? 'GET' : 'POST'),
    headers,
    ...(opts.body === undefined
      ? {}
      : { body: typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body) }),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON (metrics text)
  }
  return { status: res.status, body, headers: res.headers };
}
