// `npm run demo` prints a banner a newcomer clicks through: every URL in it must answer, the emulators'
// admin pages included, their ports must follow SHEETS_EMULATOR_PORT / DIALPAD_EMULATOR_PORT, and /readyz
// must say which store and which upstreams the coordinator really uses.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HTTP_API } from '../../../src-shared/contracts/http.js';
import { freePort, type RedisServerHandle, startRedisServer } from '../../../test/support/redis-server.js';
import { type DemoStack, demoBanner, demoPorts, startDemoStack } from '../../src/demo.js';

let stack: DemoStack;
let redis: RedisServerHandle;
let ports: { sheets: number; dialpad: number };
const webDir = mkdtempSync(join(tmpdir(), 'demo-web-'));

beforeAll(async () => {
  writeFileSync(join(webDir, 'index.html'), '<!doctype html><title>Turbo Dialer</title>');
  redis = await startRedisServer({ appendOnly: false });
  ports = { sheets: await freePort(), dialpad: await freePort() };
  const env = { SHEETS_EMULATOR_PORT: String(ports.sheets), DIALPAD_EMULATOR_PORT: String(ports.dialpad) };
  const p = demoPorts(env);
  stack = await startDemoStack({
    port: 0,
    sheetsPort: p.SHEETS_EMULATOR_PORT,
    dialpadPort: p.DIALPAD_EMULATOR_PORT,
    redisUrl: redis.url,
    leadsPerAgent: 5,
    webDistDir: webDir,
    logLevel: 'silent',
  });
});
afterAll(async () => {
  await stack?.stop();
  await redis?.stop();
  rmSync(webDir, { recursive: true, force: true });
});

describe('the demo banner', () => {
  it('prints only URLs that answer: the app, both emulators’ admin pages, metrics, health', async () => {
    const banner = demoBanner(stack, { uiBuilt: true });
    const login = `${stack.baseUrl}/auth/login`;
    const urls = [...banner.matchAll(/https?:\/\/[^\s'"]+/g)].map((m) => m[0]).filter((u) => u !== login);
    expect(urls).toEqual(
      expect.arrayContaining([
        `${stack.baseUrl}/`,
        `${stack.sheets.url}__emulator/state`,
        `${stack.dialpad.url}__emulator/calls`,
        `${stack.baseUrl}/readyz`,
      ]),
    );
    for (const url of urls) expect({ url, status: (await fetch(url)).status }).toEqual({ url, status: 200 });
  });

  it('shows a login request that works as printed', async () => {
    const banner = demoBanner(stack, { uiBuilt: true });
    const body = /-d '(\{.*\})'/.exec(banner)?.[1] ?? '';
    const res = await fetch(`${stack.baseUrl}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    expect(res.status).toBe(200);
  });

  it('puts the emulators on the ports it is given, and refuses a port that is not one', () => {
    expect(new URL(stack.sheets.url).port).toBe(String(ports.sheets));
    expect(new URL(stack.dialpad.url).port).toBe(String(ports.dialpad));
    expect(demoPorts({})).toEqual({ PORT: 8080, SHEETS_EMULATOR_PORT: 0, DIALPAD_EMULATOR_PORT: 0 });
    expect(() => demoPorts({ DIALPAD_EMULATOR_PORT: 'ninety' })).toThrow(
      /DIALPAD_EMULATOR_PORT \("ninety"\)/,
    );
    expect(() => demoPorts({ PORT: '70000' })).toThrow(/PORT/);
  });
});

describe('/readyz', () => {
  it('names the store and the upstream origins really in use', async () => {
    const ready = HTTP_API.readyz.response.parse(await (await fetch(`${stack.baseUrl}/readyz`)).json());
    expect(ready).toMatchObject({
      status: 'ready',
      store: 'redis',
      redis: 'up',
      upstreams: { sheets: new URL(stack.sheets.url).origin, dialpad: new URL(stack.dialpad.url).origin },
    });
  });
});
