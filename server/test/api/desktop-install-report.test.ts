// POST /desktop/install-report: the desktop app's version, channel and install type, authenticated, kept
// per agent (the latest replaces the previous one) in the store every instance shares, counted on /metrics
// by version + channel + install type, and answered with IT's hint that a newer MSI is due
// (DESKTOP_MSI_LATEST_VERSION) for an older MSI install only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HTTP_API } from '../../../src-shared/contracts/http.js';
import { type RedisServerHandle, startRedisServer } from '../../../test/support/redis-server.js';
import { loadConfig } from '../../src/config.js';
import { newerMsiDue } from '../../src/desktop/msi-policy.js';
import { call, type Harness, startHarness } from './support/harness.js';

/** Demo mode runs only against a local Sheets emulator, on Redis (the URL is only parsed here). */
const DEMO_ENV = {
  DEMO_MODE: '1',
  SHEETS_ROOT_URL: 'http://127.0.0.1:9401/',
  REDIS_URL: 'redis://127.0.0.1:6379',
};

const PATH = HTTP_API.desktopInstallReport.path;
const report = (over: Record<string, unknown> = {}) => ({
  appVersion: '1.3.0',
  channel: 'stable',
  installType: 'msi',
  platform: 'win32',
  arch: 'x64',
  ...over,
});
const gauge = (text: string, labels: string) => {
  const series = `dialer_desktop_installs{${labels}}`;
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
};

describe('POST /desktop/install-report (one instance, its own Redis)', () => {
  let h: Harness;
  let ann: string;
  let bob: string;
  beforeAll(async () => {
    h = await startHarness({ msiLatestVersion: '1.4.0' });
    ann = (await h.login('ann@example.com')).accessToken;
    bob = (await h.login('bob@example.com')).accessToken;
  });
  afterAll(() => h.close());

  it('needs an access token and a valid body; nothing is stored otherwise', async () => {
    const before = await h.installReports.all(); // whatever the other tests stored, in any order
    expect((await call(`${h.url}${PATH}`, { body: report() })).status).toBe(401);
    const bad = await call(`${h.url}${PATH}`, { token: ann, body: report({ installType: 'zip' }) });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });
    expect(
      (await call(`${h.url}${PATH}`, { token: ann, body: report({ appVersion: 'latest' }) })).status,
    ).toBe(400);
    expect(await h.installReports.all()).toEqual(before);
  });

  it('answers the MSI hint, keeps the latest report per agent, and counts installs on /metrics', async () => {
    const a1 = await call(`${h.url}${PATH}`, { token: ann, body: report() });
    expect(a1.status).toBe(200);
    expect(HTTP_API.desktopInstallReport.response.parse(a1.body).policy).toEqual({ newerMsiDue: '1.4.0' });
    const b1 = await call(`${h.url}${PATH}`, {
      token: bob,
      body: report({ installType: 'nsis', channel: 'beta', appVersion: '1.3.0' }),
    });
    expect(HTTP_API.desktopInstallReport.response.parse(b1.body).policy).toEqual({ newerMsiDue: null });

    let m = String((await call(`${h.url}/metrics`)).body);
    expect(gauge(m, 'version="1.3.0",channel="stable",install_type="msi"')).toBe(1);
    expect(gauge(m, 'version="1.3.0",channel="beta",install_type="nsis"')).toBe(1);

    // IT rolled out 1.4.0 to Ann: her next report replaces the old one, and no MSI is due any more
    const a2 = await call(`${h.url}${PATH}`, { token: ann, body: report({ appVersion: '1.4.0' }) });
    expect(HTTP_API.desktopInstallReport.response.parse(a2.body).policy).toEqual({ newerMsiDue: null });
    expect((await h.installReports.latest('ANN@example.com'))?.report.appVersion).toBe('1.4.0');
    m = String((await call(`${h.url}/metrics`)).body);
    expect(gauge(m, 'version="1.3.0",channel="stable",install_type="msi"')).toBe(0);
    expect(gauge(m, 'version="1.4.0",channel="stable",install_type="msi"')).toBe(1);
    expect(await h.installReports.all()).toHaveLength(2);
  });
});

describe('POST /desktop/install-report (Redis twins, two instances)', () => {
  let redis: RedisServerHandle;
  let a: Harness;
  let b: Harness;
  beforeAll(async () => {
    redis = await startRedisServer({ appendOnly: false });
    a = await startHarness({ redisUrl: redis.url, instanceId: 'a' });
    b = await startHarness({ redisUrl: redis.url, instanceId: 'b' });
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await redis?.stop();
  });

  it('a report received by one instance is counted on every instance', async () => {
    const token = (await a.login('ann@example.com')).accessToken;
    const r = await call(`${a.url}${PATH}`, {
      token,
      body: report({ installType: 'dmg', platform: 'darwin' }),
    });
    expect(r.status).toBe(200);
    const m = String((await call(`${b.url}/metrics`)).body);
    expect(gauge(m, 'version="1.3.0",channel="stable",install_type="dmg"')).toBe(1);
    expect((await b.installReports.latest('ann@example.com'))?.report.platform).toBe('darwin');
  });
});

describe('the MSI policy', () => {
  it('is due only for an MSI install older than DESKTOP_MSI_LATEST_VERSION', () => {
    expect(newerMsiDue({ installType: 'msi', appVersion: '1.3.9' }, '1.4.0')).toBe('1.4.0');
    expect(newerMsiDue({ installType: 'msi', appVersion: '1.10.0' }, '1.9.0')).toBeNull();
    expect(newerMsiDue({ installType: 'msi', appVersion: '1.4.0-beta.1' }, '1.4.0')).toBe('1.4.0');
    expect(newerMsiDue({ installType: 'msi', appVersion: '1.4.0-beta.9' }, '1.4.0-beta.10')).toBe(
      '1.4.0-beta.10',
    );
    expect(newerMsiDue({ installType: 'msi', appVersion: '1.0.0-rc-1' }, '1.0.0-rc-2')).toBe('1.0.0-rc-2');
    expect(newerMsiDue({ installType: 'msi', appVersion: '1.0.0-rc-2' }, '1.0.0-rc-1')).toBeNull();
    expect(newerMsiDue({ installType: 'msi', appVersion: '1.4.0' }, null)).toBeNull();
    expect(newerMsiDue({ installType: 'nsis', appVersion: '1.0.0' }, '1.4.0')).toBeNull();
  });

  it('reads DESKTOP_MSI_LATEST_VERSION from the environment, refusing a non-version', () => {
    expect(loadConfig({ ...DEMO_ENV, DESKTOP_MSI_LATEST_VERSION: '2.1.0' }).desktop).toEqual({
      msiLatestVersion: '2.1.0',
    });
    expect(loadConfig(DEMO_ENV).desktop.msiLatestVersion).toBeNull();
    expect(() => loadConfig({ ...DEMO_ENV, DESKTOP_MSI_LATEST_VERSION: 'soon' })).toThrow(
      /DESKTOP_MSI_LATEST_VERSION/,
    );
  });
});
