// GoogleSheetsGateway reads through the real googleapis client against the Sheets emulator: the router
// (cached, concurrent misses share one read, the last rows kept through an outage), agent tabs in one
// request per spreadsheet however many are asked for together, and clear errors (missing tab, wrong header
// naming the column, Google unavailable with a Retry-After), with transient failures retried.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../../src-shared/contracts/errors.js';
import type { SheetsEmulator } from '../../emulators/sheets/server.js';
import { type RedisServerHandle, startRedisServer } from '../../../test/support/redis-server.js';
import { RedisQuotaBudget } from '../../src/queue/redis-quota-budget.js';
import { createSheetsBreaker } from '../../src/sheets/breaker.js';
import type { SheetsClient } from '../../src/sheets/client.js';
import { classifyGoogleError } from '../../src/sheets/google-errors.js';
import { GoogleSheetsGateway } from '../../src/sheets/google-sheets-gateway.js';
import { SheetsApi } from '../../src/sheets/sheets-api.js';
import {
  AGENT_SS,
  OTHER_TAB_ID,
  eventually,
  ROUTER_ID,
  silentLogger,
  startWorld,
  TAB,
  TAB_ID,
} from './sheets-fixtures.js';

let emulator: SheetsEmulator;
let client: SheetsClient;
let redisServer: RedisServerHandle;
let redis: Redis;
beforeAll(async () => {
  ({ emulator, client } = await startWorld());
  redisServer = await startRedisServer({ appendOnly: false });
  redis = new Redis(redisServer.url);
});
afterAll(async () => {
  redis.disconnect();
  await redisServer.stop();
  await emulator.close();
});

const noSleep = async () => {};
function gateway(extra: Partial<ConstructorParameters<typeof GoogleSheetsGateway>[0]> = {}) {
  return new GoogleSheetsGateway({
    client,
    breaker: createSheetsBreaker({ threshold: 50 }),
    quota: new RedisQuotaBudget(redis),
    logger: silentLogger,
    routerSpreadsheetId: ROUTER_ID,
    sleep: noSleep,
    tabReads: { minSpacingMs: 0, gatherMs: 5 },
    ...extra,
  });
}

async function apiError(p: Promise<unknown>): Promise<ApiError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ApiError);
  return e as ApiError;
}

beforeEach(async () => {
  emulator.state.clearFaults();
  emulator.state.requestLog.clear();
  await redis.flushall(); // every test starts with the whole read budget
});

describe('router', () => {
  it('finds an agent case-insensitively, lists every row, and returns null when absent', async () => {
    const g = gateway();
    expect(await g.findRouterEntry('ANN@example.com')).toEqual({
      agentEmail: 'ann@example.com',
      dialpadUserId: '5550001',
      spreadsheetId: AGENT_SS,
      tabId: TAB_ID,
      campaignName: 'Spring',
      active: true,
    });
    expect((await g.listRouterEntries()).map((e) => [e.agentEmail, e.active])).toEqual([
      ['ann@example.com', true],
      ['bob@example.com', false],
    ]);
    expect(await g.findRouterEntry('nobody@example.com')).toBeNull();
    // cached: three lookups, one read
    expect(emulator.state.requestLog.count('values.get')).toBe(1);
  });

  it('concurrent lookups on a cold cache share one read; an outage keeps the last rows', async () => {
    let now = 1_000_000;
    const g = gateway({ now: () => now, readAttempts: 1 });
    const found = await Promise.all(Array.from({ length: 50 }, () => g.findRouterEntry('ann@example.com')));
    expect(found.every((e) => e?.tabId === TAB_ID)).toBe(true);
    expect(emulator.state.requestLog.count('values.get')).toBe(1);
    emulator.state.addFault({ route: 'values.get', status: 503 });
    now += 31_000; // the cache is stale and Google is down
    expect((await g.findRouterEntry('ann@example.com'))?.tabId).toBe(TAB_ID);
    expect(emulator.state.requestLog.count('values.get')).toBe(2);
  });
});

describe('readAgentTab', () => {
  it('reads the tab in one request by tab id (no titles read) and decodes its leads', async () => {
    const tab = await gateway().readAgentTab(AGENT_SS, TAB_ID);
    expect(tab.tabTitle).toBe(TAB);
    expect(tab.sheetId).toBe(TAB_ID);
    expect(tab.leads.map((l) => [l.rowId, l.rowNumber])).toEqual([
      ['L1', 2],
      ['L2', 3],
      ['L3', 4],
      ['L4', 5],
      ['L5', 6],
    ]);
    expect(tab.leads[0]?.numbers[0]?.e164).toBe('+12125551000');
    expect(emulator.state.requestLog.counts()).toEqual({ 'values.batchGetByDataFilter': 1 });
  });

  it('tabs of one spreadsheet asked for together come from ONE request', async () => {
    const g = gateway();
    const tabs = await Promise.all([
      ...Array.from({ length: 20 }, () => g.readAgentTab(AGENT_SS, TAB_ID)),
      ...Array.from({ length: 20 }, () => g.readAgentTab(AGENT_SS, OTHER_TAB_ID)),
    ]);
    expect(new Set(tabs.map((t) => t.tabTitle))).toEqual(new Set([TAB, 'Bob Leads']));
    expect(emulator.state.requestLog.counts()).toEqual({ 'values.batchGetByDataFilter': 1 });
  });

  it('a caller that would wait past maxWaitMs gets RATE_LIMITED with a Retry-After; its read carries on', async () => {
    const g = gateway({ maxQuotaWaitMs: 100, tabReads: { minSpacingMs: 0, gatherMs: 5 } });
    emulator.state.addFault({ route: 'values.batchGetByDataFilter', latencyMs: 1500, times: 1 });
    const e = await apiError(g.readAgentTab(AGENT_SS, TAB_ID));
    expect(e.code).toBe('RATE_LIMITED');
    expect((e.details as { retryAfterMs: number }).retryAfterMs).toBeGreaterThanOrEqual(1000);
    expect(emulator.state.requestLog.count('values.batchGetByDataFilter')).toBe(0); // still in flight
    await eventually(
      async () => emulator.state.requestLog.count('values.batchGetByDataFilter', { ok: true }) === 1,
      'the read answered after its caller gave up',
    );
  });

  it('says which tab is missing, and treats an unknown spreadsheet the same way', async () => {
    const e1 = await apiError(gateway().readAgentTab(AGENT_SS, 999));
    expect(e1.code).toBe('SHEET_TAB_NOT_FOUND');
    expect(e1.message).toMatch(/no tab with id 999/);
    const e2 = await apiError(gateway().readAgentTab('no-such-sheet', TAB_ID));
    expect(e2.code).toBe('SHEET_TAB_NOT_FOUND');
    expect(e2.message).toMatch(/no-such-sheet was not found/);
  });

  it("keeps Google's own message and Retry-After on a refused tab read (its answer is read as a stream)", async () => {
    const api = new SheetsApi({
      client,
      breaker: createSheetsBreaker({ threshold: 50 }),
      quota: new RedisQuotaBudget(redis),
    });
    emulator.state.addFault({
      route: 'values.batchGetByDataFilter',
      status: 429,
      times: 1,
      message: 'Quota exceeded for quota metric Read requests',
    });
    const err = await api.readGrids(AGENT_SS, [{ sheetId: TAB_ID }]).then(
      () => null,
      (e: unknown) => e,
    );
    const f = classifyGoogleError(err, Date.now());
    expect(f.kind).toBe('rate-limited');
    expect(f.message).toBe('Quota exceeded for quota metric Read requests');
    const [grid] = await api.readGrids(AGENT_SS, [{ sheetId: TAB_ID }]);
    expect(grid?.title).toBe(TAB);
    expect(grid?.values.length).toBeGreaterThan(1);
  });

  it('names the column of a wrong header', async () => {
    emulator.state.setCell(AGENT_SS, 'Bob Leads', 1, 13, 'Stat 2');
    const e = await apiError(gateway().readAgentTab(AGENT_SS, OTHER_TAB_ID));
    expect(e.code).toBe('SHEET_HEADER_MISMATCH');
    expect(e.message).toMatch(/column N/);
    expect(e.message).toMatch(/Status2/);
    emulator.state.setCell(AGENT_SS, 'Bob Leads', 1, 13, 'Status2');
  });

  it('retries a transient 503 and a 429 and then succeeds', async () => {
    emulator.state.addFault({ route: 'values.batchGetByDataFilter', status: 503, times: 1 });
    expect((await gateway().readAgentTab(AGENT_SS, TAB_ID)).leads).toHaveLength(5);
    emulator.state.addFault({
      route: 'values.batchGetByDataFilter',
      status: 429,
      retryAfterSec: 0,
      times: 1,
    });
    expect((await gateway().readAgentTab(AGENT_SS, TAB_ID)).leads).toHaveLength(5);
    expect(emulator.state.requestLog.counts()).toEqual({ 'values.batchGetByDataFilter': 4 });
  });

  it('reports SHEETS_UNAVAILABLE when Google keeps failing, and the breaker then fails fast', async () => {
    emulator.state.addFault({ route: '*', status: 500 });
    const breaker = createSheetsBreaker({ threshold: 3, halfOpenAfterMs: 60_000 });
    const g = gateway({ breaker });
    const e = await apiError(g.readAgentTab(AGENT_SS, TAB_ID));
    expect(e.code).toBe('SHEETS_UNAVAILABLE');
    expect((e.details as { retryAfterMs: number }).retryAfterMs).toBeGreaterThan(0);
    expect(breaker.state()).toBe('open');
    const sent = emulator.state.requestLog.count('values.batchGetByDataFilter');
    const e2 = await apiError(g.readAgentTab(AGENT_SS, TAB_ID));
    expect(e2.code).toBe('SHEETS_UNAVAILABLE');
    expect(e2.message).toMatch(/circuit open/);
    expect(emulator.state.requestLog.count('values.batchGetByDataFilter')).toBe(sent);
  });
});
