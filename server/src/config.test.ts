// Start-up configuration: every variable parsed with zod, and a missing or bad one named in the error.
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

const demo = { DEMO_MODE: '1', SHEETS_ROOT_URL: 'http://127.0.0.1:9401/' };
const production = {
  JWT_SECRET: 'x'.repeat(40),
  OIDC_CLIENT_ID: 'client.apps.googleusercontent.com',
  ROUTER_SPREADSHEET_ID: 'router-sheet',
  DIALPAD_API_KEY: 'dp-key',
  DIALPAD_WEBHOOK_SECRET: 'dp-secret',
  GOOGLE_APPLICATION_CREDENTIALS: '/etc/td/sa.json',
  REDIS_URL: 'redis://redis:6379',
};

const problemsOf = (env: NodeJS.ProcessEnv): string[] => {
  try {
    loadConfig(env);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  return [];
};

describe('loadConfig', () => {
  it('accepts a complete production environment with defaults filled in', () => {
    const c = loadConfig(production);
    expect(c.redis).toEqual({ mode: 'single', url: 'redis://redis:6379' });
    expect(c.port).toBe(8080);
    expect(c.oidc?.issuer).toBe('https://accounts.google.com');
    expect(c.demoMode).toBe(false);
    // Idle connections outlive a load balancer's 60 s idle limit (Node's own default is 5 s).
    expect(c.httpKeepAliveMs).toBe(65_000);
    expect(loadConfig({ ...production, HTTP_KEEP_ALIVE_MS: '120000' }).httpKeepAliveMs).toBe(120_000);
    expect(problemsOf({ ...production, HTTP_KEEP_ALIVE_MS: '10' }).join()).toContain('HTTP_KEEP_ALIVE_MS');
  });

  it('names every missing required variable outside demo mode', () => {
    const p = problemsOf({}).join('\n');
    for (const name of [
      'JWT_SECRET',
      'OIDC_CLIENT_ID',
      'ROUTER_SPREADSHEET_ID',
      'DIALPAD_API_KEY',
      'REDIS_URL',
    ])
      expect(p).toContain(name);
  });

  it('names a bad variable and hides secret values', () => {
    expect(problemsOf({ ...production, PORT: 'eighty' }).join()).toContain('PORT ("eighty")');
    const p = problemsOf({ ...production, JWT_SECRET: 'short' }).join();
    expect(p).toContain('JWT_SECRET');
    expect(p).not.toContain('short');
    expect(problemsOf({ ...production, REDIS_CLUSTER_NODES: 'a:1,b' }).join()).toContain(
      'REDIS_CLUSTER_NODES',
    );
    expect(problemsOf({ ...production, CAMPAIGN_RULES: '{"A":{"maxAttempts":0}}' }).join()).toContain(
      'CAMPAIGN_RULES',
    );
  });

  it('demo mode needs only the local emulator and Redis, and makes up its own JWT secret', () => {
    const c = loadConfig({ ...demo, REDIS_URL: 'redis://127.0.0.1:6390' });
    expect(c.redis).toEqual({ mode: 'single', url: 'redis://127.0.0.1:6390' });
    expect(c.jwt.secret.length).toBeGreaterThanOrEqual(32);
    expect(problemsOf(demo).join()).toContain('REDIS_URL (missing): Redis is the only store');
  });

  it('refuses demo mode against real Google Sheets (email-only login, public default webhook secret)', () => {
    expect(problemsOf({ DEMO_MODE: '1' }).join()).toContain('DEMO_MODE: the demo runs only against a local');
    expect(problemsOf({ DEMO_MODE: '1', SHEETS_ROOT_URL: 'https://sheets.example.com/' }).join()).toContain(
      'DEMO_MODE',
    );
    expect(
      loadConfig({ DEMO_MODE: '1', SHEETS_ROOT_URL: 'http://localhost:9401/', REDIS_URL: 'redis://r:1' })
        .demoMode,
    ).toBe(true);
  });

  it('parses cluster nodes and campaign overrides', () => {
    const { REDIS_URL: _, ...rest } = production;
    const c = loadConfig({
      ...rest,
      REDIS_CLUSTER_NODES: 'r1:7000, r2:7001',
      CAMPAIGN_RULES: '{"Acme":{"maxAttempts":3}}',
    });
    expect(c.redis).toEqual({
      mode: 'cluster',
      nodes: [
        { host: 'r1', port: 7000 },
        { host: 'r2', port: 7001 },
      ],
    });
    expect(c.campaignRules.Acme?.maxAttempts).toBe(3);
  });
});
