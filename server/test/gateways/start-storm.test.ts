// A morning start storm at a small scale: 50 agents (one tab each, 100 leads, one spreadsheet) press Play
// within 1.5 s, against a Sheets emulator that enforces a proportionally small read quota (6 reads/min for 50
// agents, as 60/min for 500) and answers 429 past it, like Google. The real DialerService, Redis store and
// gateway; each agent behaves as the app does (on 429/503 it waits Retry-After and tries again). Every
// session must be ready, the reads counted at the emulator inside the quota, none refused. (Starting a
// session used to cost two reads, plus the router's: 50 starts were ~100 reads.)
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../../src-shared/contracts/errors.js';
import { DEFAULT_CAMPAIGN_RULES } from '../../../src-shared/domain/campaign.js';
import { ROUTER_HEADER } from '../../../src-shared/domain/sheet-codec.js';
import { startRedisServer, type RedisServerHandle } from '../../../test/support/redis-server.js';
import { type SheetsEmulator, startSheetsEmulator } from '../../emulators/sheets/server.js';
import { HttpDialpadGateway } from '../../src/dialpad/http-dialpad-gateway.js';
import { RedisAgentEventBus } from '../../src/events/redis-bus.js';
import { RedisQuotaBudget } from '../../src/queue/redis-quota-budget.js';
import { createSheetsBreaker } from '../../src/sheets/breaker.js';
import { createSheetsClient, staticTokenAuth } from '../../src/sheets/client.js';
import { GoogleSheetsGateway } from '../../src/sheets/google-sheets-gateway.js';
import { createDialerService } from '../../src/service/index.js';
import { RedisStore } from '../../src/store/redis-store.js';
import { agentRows, silentLogger } from './sheets-fixtures.js';

const AGENTS = 50;
const READS_PER_MINUTE = 6; // Google's 60/min per user, scaled to 50 agents as 500 → 60
const ROUTER = 'storm-router';
const SS = 'storm-sheet';
const email = (i: number) => `agent${i}@example.com`;

let redisServer: RedisServerHandle;
let emulator: SheetsEmulator;
const clients: Redis[] = [];

beforeAll(async () => {
  redisServer = await startRedisServer({ appendOnly: false });
  emulator = await startSheetsEmulator({
    seed: {
      spreadsheets: [
        {
          spreadsheetId: ROUTER,
          sheets: [
            {
              sheetId: 0,
              title: 'Router',
              rows: [
                [...ROUTER_HEADER],
                ...Array.from({ length: AGENTS }, (_, i) => [
                  email(i),
                  String(7000 + i),
                  SS,
                  String(100 + i),
                  'Spring',
                  'TRUE',
                ]),
              ],
            },
          ],
        },
        {
          spreadsheetId: SS,
          sheets: Array.from({ length: AGENTS }, (_, i) => ({
            sheetId: 100 + i,
            title: `Agent ${i}`,
            rows: agentRows(100),
          })),
        },
      ],
    },
    quota: { readsPerMinute: READS_PER_MINUTE },
  });
});
afterAll(async () => {
  for (const c of clients) c.disconnect();
  await emulator?.close();
  await redisServer?.stop();
});

const connect = () => {
  const c = new Redis(redisServer.url);
  clients.push(c);
  return c;
};

/** What the app does: wait Retry-After on 429/503 and try again (bounded). */
async function startLikeTheApp(start: () => Promise<unknown>): Promise<number> {
  for (let attempt = 1; ; attempt++) {
    try {
      await start();
      return attempt;
    } catch (err) {
      const retry =
        err instanceof ApiError ? (err.details as { retryAfterMs?: number } | undefined) : undefined;
      if (
        !(err instanceof ApiError) ||
        !['RATE_LIMITED', 'SHEETS_UNAVAILABLE'].includes(err.code) ||
        attempt > 20
      )
        throw err;
      await new Promise((r) => setTimeout(r, retry?.retryAfterMs ?? 1000));
    }
  }
}

describe('a morning start storm', () => {
  it('50 agents pressing Play within 1.5 s: every session ready, reads inside the quota, none refused', async () => {
    const redis = connect();
    const sheets = new GoogleSheetsGateway({
      client: createSheetsClient({ rootUrl: emulator.url, auth: staticTokenAuth('t') }),
      breaker: createSheetsBreaker(),
      quota: new RedisQuotaBudget(redis, {
        'sheets-read': { perUserPerMinute: READS_PER_MINUTE, perProjectPerMinute: 300 },
        'sheets-write': { perUserPerMinute: READS_PER_MINUTE, perProjectPerMinute: 300 },
      }),
      logger: silentLogger,
      routerSpreadsheetId: ROUTER,
    });
    const service = createDialerService({
      store: new RedisStore({ redis, subscriber: connect() }),
      sheets,
      dialpad: new HttpDialpadGateway({ baseUrl: 'http://127.0.0.1:9', apiKey: 'unused' }),
      events: new RedisAgentEventBus(redis),
      rules: () => ({ ...DEFAULT_CAMPAIGN_RULES, callingHours: null }),
      logger: silentLogger,
    });
    emulator.state.requestLog.clear();

    const attempts = await Promise.all(
      Array.from({ length: AGENTS }, async (_, i) => {
        await new Promise((r) => setTimeout(r, i * 30)); // one press every 30 ms
        return startLikeTheApp(() => service.startSession({ email: email(i) }, Date.now()));
      }),
    );

    // every session ready, with its own tab's leads
    for (let i = 0; i < AGENTS; i++) {
      const cur = await service.currentSession({ email: email(i) }, Date.now());
      expect(cur?.session.state).toBeDefined();
    }
    expect(attempts.every((n) => n >= 1)).toBe(true);
    const log = emulator.state.requestLog;
    expect(log.entries.filter((e) => e.status !== 200)).toEqual([]); // the emulator refused nothing
    const reads =
      log.count('values.get') + log.count('values.batchGetByDataFilter') + log.count('spreadsheets.get');
    expect(reads).toBeLessThanOrEqual(READS_PER_MINUTE);
    expect(log.count('values.get')).toBe(1); // the router, once for 50 starts
    // the tabs: one request per gathering of starts (reads of a spreadsheet are spaced by 2 s), not per start
    expect(log.count('values.batchGetByDataFilter')).toBeLessThanOrEqual(3);
    expect(log.count('spreadsheets.get')).toBe(0);
    await service.close();
  });
});
