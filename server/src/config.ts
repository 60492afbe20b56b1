// The coordinator's settings, read once from the environment and validated with zod at start-up. A missing
// or bad variable stops the process with a message naming it (ConfigError); nothing reads process.env later.
import { FAULT_POINTS, type FaultPoint } from './service/fault-points.js';
import { hostname } from 'node:os';
import { z } from 'zod';
import { SemverSchema } from '../../src-shared/contracts/versions.js';
import { CampaignRulesSchema } from '../../src-shared/domain/campaign.js';

const bool = z
  .enum(['1', '0', 'true', 'false', 'yes', 'no', 'on', 'off', ''])
  .transform((v) => ['1', 'true', 'yes', 'on'].includes(v));
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const url = z.string().url();
const nonEmpty = z.string().trim().min(1);

/** host:port list for ioredis Cluster mode. */
const clusterNodes = z
  .string()
  .trim()
  .min(1)
  .transform((s, ctx) =>
    s.split(',').map((part) => {
      const m = /^\s*([^:\s]+):(\d{1,5})\s*$/.exec(part);
      if (!m) {
        ctx.addIssue({ code: 'custom', message: `expected host:port, got "${part.trim()}"` });
        return { host: '', port: 0 };
      }
      return { host: m[1] as string, port: Number(m[2]) };
    }),
  );

/** Per-campaign rule overrides: {"Campaign A": {"maxAttempts": 4, ...}, "*": {...}}. */
const campaignOverrides = z.string().transform((s, ctx) => {
  let raw: unknown;
  try {
    raw = JSON.parse(s);
  } catch {
    ctx.addIssue({ code: 'custom', message: 'not valid JSON' });
    return z.NEVER;
  }
  const parsed = z
    .record(z.string(), CampaignRulesSchema.omit({ name: true }).partial().strict())
    .safeParse(raw);
  if (!parsed.success) {
    ctx.addIssue({ code: 'custom', message: parsed.error.issues.map(issueText).join('; ') });
    return z.NEVER;
  }
  return parsed.data;
});

const EnvSchema = z.object({
  PORT: int(0, 65535).default(8080),
  HOST: nonEmpty.default('0.0.0.0'),
  INSTANCE_ID: nonEmpty.max(64).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  REDIS_URL: z
    .string()
    .trim()
    .regex(/^rediss?:\/\//, 'expected redis://host:port or rediss://…')
    .optional(),
  REDIS_CLUSTER_NODES: clusterNodes.optional(),
  DEMO_MODE: bool.default(false),
  JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  JWT_ISSUER: nonEmpty.default('turbo-dialer'),
  JWT_AUDIENCE: nonEmpty.default('turbo-dialer-api'),
  ACCESS_TOKEN_TTL_SECONDS: int(30, 24 * 3600).default(900),
  REFRESH_TOKEN_TTL_SECONDS: int(300, 90 * 24 * 3600).default(30 * 24 * 3600),
  OIDC_ISSUER: url.default('https://accounts.google.com'),
  OIDC_JWKS_URL: url.default('https://www.googleapis.com/oauth2/v3/certs'),
  OIDC_CLIENT_ID: nonEmpty.optional(),
  SHEETS_ROOT_URL: url.default('https://sheets.googleapis.com/'),
  /** Path to a service-account JSON key (production). */
  GOOGLE_APPLICATION_CREDENTIALS: nonEmpty.optional(),
  /** The service-account key JSON itself (alternative to a key file). */
  GOOGLE_SERVICE_ACCOUNT_JSON: nonEmpty.optional(),
  /** A fixed OAuth access token (emulator / tests); never used with Google itself. */
  SHEETS_ACCESS_TOKEN: nonEmpty.optional(),
  ROUTER_SPREADSHEET_ID: nonEmpty.optional(),
  ROUTER_TAB: nonEmpty.default('Router'),
  DIALPAD_BASE_URL: url.default('https://dialpad.com'),
  DIALPAD_API_KEY: nonEmpty.optional(),
  DIALPAD_WEBHOOK_SECRET: nonEmpty.optional(),
  CAMPAIGN_RULES: campaignOverrides.optional(),
  WEB_DIST_DIR: nonEmpty.default('dist/renderer'),
  SHUTDOWN_GRACE_MS: int(0, 120_000).default(10_000),
  /** How long an idle client connection is kept open. Above a load balancer's own idle limit (AWS ALB: 60 s),
   *  so the balancer, not the coordinator, closes first and never sends on a connection being closed. */
  HTTP_KEEP_ALIVE_MS: int(1_000, 600_000).default(65_000),
  /** How often calls whose ending webhook never came are swept into the disposition modal. */
  CALL_SWEEP_INTERVAL_MS: int(200, 600_000).default(5_000),
  /** How often the tabs of this instance's active sessions are re-read to pick up a person's edits. */
  TAB_REFRESH_MS: int(1_000, 3_600_000).default(60_000),
  /** Log every event-loop block at least this long (ms) with the background jobs running then; unset: off. */
  LOOP_BLOCK_LOG_MS: int(10, 60_000).optional(),
  /** Log every garbage-collection pause at least this long (ms), with when it began; unset: off. */
  GC_PAUSE_LOG_MS: int(1, 60_000).optional(),
  NODE_ENV: z.string().optional(),
  /** Crash tests: the coordinator kills itself at this point (service/fault-points.ts); ignored when
   *  NODE_ENV=production. */
  TD_FAULT_EXIT_AT: z.enum(FAULT_POINTS).optional(),
  /** The desktop MSI version IT is rolling out: older MSI installs are told "newer MSI due". */
  DESKTOP_MSI_LATEST_VERSION: SemverSchema.optional(),
});

export type CampaignOverrides = Record<string, Partial<Omit<z.infer<typeof CampaignRulesSchema>, 'name'>>>;

export interface AppConfig {
  port: number;
  host: string;
  instanceId: string;
  logLevel: z.infer<typeof EnvSchema>['LOG_LEVEL'];
  redis: { mode: 'single'; url: string } | { mode: 'cluster'; nodes: { host: string; port: number }[] };
  demoMode: boolean;
  jwt: {
    secret: string;
    issuer: string;
    audience: string;
    accessTtlSeconds: number;
    refreshTtlSeconds: number;
  };
  oidc: { issuer: string; jwksUrl: string; clientId: string } | null;
  sheets: {
    rootUrl: string;
    credentialsFile: string | null;
    credentialsJson: string | null;
    accessToken: string | null;
    routerSpreadsheetId: string;
    routerTab: string;
  };
  dialpad: { baseUrl: string; apiKey: string; webhookSecret: string };
  campaignRules: CampaignOverrides;
  webDistDir: string;
  shutdownGraceMs: number;
  /** Idle keep-alive connections are closed after this long (HTTP_KEEP_ALIVE_MS). */
  httpKeepAliveMs: number;
  callSweepIntervalMs: number;
  tabRefreshMs: number;
  /** Event-loop blocks at least this long are logged (metrics/loop-monitor.ts); null: not logged. */
  loopBlockLogMs: number | null;
  /** GC pauses at least this long are logged (metrics/loop-monitor.ts); null: not logged. */
  gcPauseLogMs: number | null;
  desktop: { msiLatestVersion: string | null };
  /** TD_FAULT_EXIT_AT outside production, else null. */
  faultExitAt: FaultPoint | null;
}

export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

function issueText(i: z.core.$ZodIssue): string {
  const where = i.path.length ? `${i.path.join('.')}: ` : '';
  return `${where}${i.message}`;
}

function isLoopbackUrl(u: string): boolean {
  const host = new URL(u).hostname;
  return host === 'localhost' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** Parses the environment. Throws ConfigError naming every missing or bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  // Empty strings mean "unset" (docker-compose and shells produce them); DEMO_MODE='' stays false.
  const cleaned = Object.fromEntries(
    Object.entries(env).filter(([k, v]) => k in EnvSchema.shape && v !== undefined && v !== ''),
  );
  const parsed = EnvSchema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((i) => {
        const name = String(i.path[0] ?? '?');
        const value = cleaned[name];
        const shown =
          value === undefined ? 'missing' : /SECRET|KEY|TOKEN/.test(name) ? 'bad value' : `"${value}"`;
        return `${name} (${shown}): ${i.message}`;
      }),
    );
  }
  const e = parsed.data;
  const problems: string[] = [];
  const required = (name: keyof typeof e, why: string) => {
    if (e[name] === undefined) problems.push(`${name} (missing): required ${why}`);
  };
  if (!e.DEMO_MODE) {
    required('JWT_SECRET', 'to sign access tokens');
    required('OIDC_CLIENT_ID', 'for OpenID Connect login (or set DEMO_MODE=1 for the local demo)');
    required('ROUTER_SPREADSHEET_ID', 'to find agents in the router sheet');
    required('DIALPAD_API_KEY', 'to start calls');
    required('DIALPAD_WEBHOOK_SECRET', 'to verify Dialpad webhooks');
    if (!e.GOOGLE_APPLICATION_CREDENTIALS && !e.GOOGLE_SERVICE_ACCOUNT_JSON && !e.SHEETS_ACCESS_TOKEN)
      problems.push(
        'GOOGLE_APPLICATION_CREDENTIALS (missing): required to reach Google Sheets (or GOOGLE_SERVICE_ACCOUNT_JSON)',
      );
  }
  const redis: AppConfig['redis'] | null = e.REDIS_CLUSTER_NODES
    ? { mode: 'cluster', nodes: e.REDIS_CLUSTER_NODES }
    : e.REDIS_URL
      ? { mode: 'single', url: e.REDIS_URL }
      : null;
  if (!redis)
    problems.push(
      'REDIS_URL (missing): Redis is the only store (`npm run demo` starts a throw-away redis-server and sets it)',
    );
  if (e.DEMO_MODE && !isLoopbackUrl(e.SHEETS_ROOT_URL))
    // Demo login takes an email alone and the webhook secret has a public default: never against real Google.
    problems.push(
      `DEMO_MODE: the demo runs only against a local Sheets emulator (SHEETS_ROOT_URL is ${new URL(e.SHEETS_ROOT_URL).origin}); unset DEMO_MODE for production`,
    );
  if (e.REDIS_URL && e.REDIS_CLUSTER_NODES)
    problems.push('REDIS_CLUSTER_NODES: set either REDIS_URL or REDIS_CLUSTER_NODES, not both');
  if (problems.length || !redis) throw new ConfigError(problems);

  return {
    port: e.PORT,
    host: e.HOST,
    instanceId: e.INSTANCE_ID ?? `${hostname()}-${process.pid}`,
    logLevel: e.LOG_LEVEL,
    redis,
    demoMode: e.DEMO_MODE,
    jwt: {
      // Demo only: a per-process random secret (tokens die with the process, which is what a demo wants).
      secret: e.JWT_SECRET ?? randomSecret(),
      issuer: e.JWT_ISSUER,
      audience: e.JWT_AUDIENCE,
      accessTtlSeconds: e.ACCESS_TOKEN_TTL_SECONDS,
      refreshTtlSeconds: e.REFRESH_TOKEN_TTL_SECONDS,
    },
    oidc: e.OIDC_CLIENT_ID
      ? { issuer: e.OIDC_ISSUER, jwksUrl: e.OIDC_JWKS_URL, clientId: e.OIDC_CLIENT_ID }
      : null,
    sheets: {
      rootUrl: e.SHEETS_ROOT_URL,
      credentialsFile: e.GOOGLE_APPLICATION_CREDENTIALS ?? null,
      credentialsJson: e.GOOGLE_SERVICE_ACCOUNT_JSON ?? null,
      accessToken: e.SHEETS_ACCESS_TOKEN ?? null,
      routerSpreadsheetId: e.ROUTER_SPREADSHEET_ID ?? 'demo-router',
      routerTab: e.ROUTER_TAB,
    },
    dialpad: {
      baseUrl: e.DIALPAD_BASE_URL,
      apiKey: e.DIALPAD_API_KEY ?? 'demo-dialpad-key',
      webhookSecret: e.DIALPAD_WEBHOOK_SECRET ?? 'demo-webhook-secret',
    },
    campaignRules: e.CAMPAIGN_RULES ?? {},
    webDistDir: e.WEB_DIST_DIR,
    shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
    httpKeepAliveMs: e.HTTP_KEEP_ALIVE_MS,
    callSweepIntervalMs: e.CALL_SWEEP_INTERVAL_MS,
    tabRefreshMs: e.TAB_REFRESH_MS,
    loopBlockLogMs: e.LOOP_BLOCK_LOG_MS ?? null,
    gcPauseLogMs: e.GC_PAUSE_LOG_MS ?? null,
    desktop: { msiLatestVersion: e.DESKTOP_MSI_LATEST_VERSION ?? null },
    faultExitAt: e.NODE_ENV === 'production' ? null : (e.TD_FAULT_EXIT_AT ?? null),
  };
}

function randomSecret(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64url');
}
