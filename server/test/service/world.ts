// A real little world for the DialerService tests: a throw-away redis-server (AOF), the Sheets emulator
// (router + one agent tab shared by two agents) reached through the real googleapis client and
// GoogleSheetsGateway, the Dialpad emulator reached through HttpDialpadGateway and posting signed webhooks
// to a receiver that runs the real verifier and deduper, then hands the event to the service.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import type { AgentEvent } from '../../../src-shared/contracts/ws.js';
import { type CampaignRules, DEFAULT_CAMPAIGN_RULES } from '../../../src-shared/domain/campaign.js';
import { AGENT_TAB_HEADER, ROUTER_HEADER } from '../../../src-shared/domain/sheet-codec.js';
import { startRedisServer, type RedisServerHandle } from '../../../test/support/redis-server.js';
import { type DialpadEmulator, startDialpadEmulator } from '../../emulators/dialpad/server.js';
import { type SheetsEmulator, startSheetsEmulator } from '../../emulators/sheets/server.js';
import { eventIdOf } from '../../src/dialpad/call-state.js';
import { HttpDialpadGateway } from '../../src/dialpad/http-dialpad-gateway.js';
import { RedisWebhookDeduper } from '../../src/dialpad/webhook-deduper.js';
import { JwtWebhookVerifier } from '../../src/dialpad/webhook-verifier.js';
import { RedisAgentEventBus } from '../../src/events/redis-bus.js';
import type { DialerService } from '../../src/ports.js';
import { RedisPatchQueue } from '../../src/queue/redis-patch-queue.js';
import { RedisQuotaBudget } from '../../src/queue/redis-quota-budget.js';
import { createSheetsBreaker } from '../../src/sheets/breaker.js';
import { createSheetsClient, type SheetsClient, staticTokenAuth } from '../../src/sheets/client.js';
import { GoogleSheetsGateway } from '../../src/sheets/google-sheets-gateway.js';
import { SheetsFlusher } from '../../src/sheets/sheets-flusher.js';
import { RedisTabSnapshots } from '../../src/sheets/tab-snapshots.js';
import type { DispositionNotWritten } from '../../src/service/context.js';
import { createDialerService, type DialerServiceRuntime } from '../../src/service/index.js';
import { RedisStore } from '../../src/store/redis-store.js';

export const ROUTER_ID = 'router-sheet';
export const AGENT_SS = 'agent-sheet';
export const TAB = 'Team Leads';
export const TAB_ID = 4242;
export const BAD_TAB = 'Broken';
export const BAD_TAB_ID = 99;
export const ANN = { email: 'ann@example.com', dialpadUserId: '5550001' };
export const BOB = { email: 'bob@example.com', dialpadUserId: '5550002' };
export const CAROL = { email: 'carol@example.com' }; // inactive in the router
export const DAVE = { email: 'dave@example.com' }; // router points at a tab with a bad header
const API_KEY = 'dp-key';
const SECRET = 'hook-secret';

export const silent = pino({ level: 'silent' });

export const testRules = (over: Partial<CampaignRules> = {}): CampaignRules => ({
  ...DEFAULT_CAMPAIGN_RULES,
  callingHours: null,
  previewCountdownSeconds: 0,
  callTimeoutSeconds: 600,
  ...over,
});

/** One agent-tab row: numbers in Num1.., everything else empty/NEW. */
export function leadRow(rowId: string, nums: string[]): string[] {
  const cells = Array<string>(26).fill('');
  cells[0] = rowId;
  cells[1] = `Lead ${rowId}`;
  nums.forEach((n, i) => {
    cells[2 + i] = n;
  });
  cells[24] = '0';
  cells[25] = '1';
  return cells;
}

export const phoneOf = (i: number) => `+1212555${String(1000 + i)}`;
export const defaultLeads = (n: number) =>
  Array.from({ length: n }, (_, i) => leadRow(`L${i + 1}`, [phoneOf(i + 1)]));

export interface World {
  redisServer: RedisServerHandle;
  sheetsEm: SheetsEmulator;
  dialpadEm: DialpadEmulator;
  sheetsClient: SheetsClient;
  /** Where the receiver forwards verified webhooks (null: dropped, e.g. to play events by hand). */
  webhookTarget: DialerService | null;
  connect(): Redis;
  makeService(opts?: {
    rules?: CampaignRules;
    redis?: Redis;
    tabRefreshMs?: number;
    /** Keep each tab's last read in Redis (production does), so a cold instance answers from it. */
    tabSnapshots?: boolean;
    /** The Dialpad client's per-request timeout (default the gateway's own). */
    dialpadTimeoutMs?: number;
    onDispositionNotWritten?: (why: DispositionNotWritten) => void;
    /** The gap the gateway keeps between two reads of one spreadsheet (default the gateway's, 2 s). */
    tabReadSpacingMs?: number;
    /** Builds the store (e.g. a RedisStore subclass that injects a fault before one transition). */
    store?: (opts: { redis: Redis; subscriber: Redis }) => RedisStore;
  }): {
    service: DialerServiceRuntime;
    store: RedisStore;
    events: RedisAgentEventBus;
  };
  flush(): Promise<void>;
  cell(row: number, col: number): string;
  /** Events published to an agent so far. */
  eventsOf(email: string): Promise<AgentEvent[]>;
  close(): Promise<void>;
}

export async function startWorld(
  opts: {
    leads?: string[][];
    rules?: CampaignRules;
    /** Headers after NextIndex (e.g. the optional CallbackAt, CallbackAgent). */
    extraHeader?: string[];
  } = {},
): Promise<World> {
  const redisServer = await startRedisServer();
  const clients: Redis[] = [];
  const services: DialerServiceRuntime[] = [];
  const connect = () => {
    const c = new Redis(redisServer.url);
    c.on('error', () => {});
    clients.push(c);
    return c;
  };
  const main = connect();

  const sheetsEm = await startSheetsEmulator({
    logger: silent,
    seed: {
      spreadsheets: [
        {
          spreadsheetId: ROUTER_ID,
          sheets: [
            {
              sheetId: 0,
              title: 'Router',
              rows: [
                [...ROUTER_HEADER],
                [ANN.email, ANN.dialpadUserId, AGENT_SS, String(TAB_ID), 'Spring', 'TRUE'],
                [BOB.email, BOB.dialpadUserId, AGENT_SS, String(TAB_ID), 'Spring', 'TRUE'],
                [CAROL.email, '5550003', AGENT_SS, String(TAB_ID), 'Spring', 'FALSE'],
                [DAVE.email, '5550004', AGENT_SS, String(BAD_TAB_ID), 'Spring', 'TRUE'],
              ],
            },
          ],
        },
        {
          spreadsheetId: AGENT_SS,
          sheets: [
            {
              sheetId: TAB_ID,
              title: TAB,
              rows: [[...AGENT_TAB_HEADER, ...(opts.extraHeader ?? [])], ...(opts.leads ?? defaultLeads(6))],
            },
            {
              sheetId: BAD_TAB_ID,
              title: BAD_TAB,
              rows: [AGENT_TAB_HEADER.map((h) => (h === 'Status3' ? 'Outcome3' : h))],
            },
          ],
        },
      ],
    },
  });
  const sheetsClient = createSheetsClient({ rootUrl: sheetsEm.url, auth: staticTokenAuth('test-token') });

  const verifier = new JwtWebhookVerifier({ secret: SECRET });
  const deduper = new RedisWebhookDeduper(main);
  let world: World;
  const receiver: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      try {
        const event = await verifier.verify(Buffer.concat(chunks), req.headers['content-type'], Date.now());
        const target = world.webhookTarget;
        if (target)
          await target.onDialpadEvent(event, Date.now(), () =>
            deduper.firstSeen(eventIdOf(event), Date.now()),
          );
        res.writeHead(200).end();
      } catch {
        res.writeHead(500).end();
      }
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
  const hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/events/dialpad`;

  const dialpadEm = await startDialpadEmulator({
    users: [
      { id: ANN.dialpadUserId, name: 'Ann', email: ANN.email },
      { id: BOB.dialpadUserId, name: 'Bob', email: BOB.email },
    ],
    apiKeys: [API_KEY],
    webhook: { url: hookUrl, secret: SECRET },
    timings: { dialMs: 20, ringMs: 40, talkMs: 40, noAnswerMs: 60, jitter: 0 },
    outcomes: { default: 'no_answer' },
    rateLimitPerMin: null,
    rejectWhenBusy: false,
    logger: silent,
  });

  // The world's gateways and flusher share one Redis budget; roomy so a test file never waits on it.
  const roomyQuota = () =>
    new RedisQuotaBudget(main, {
      'sheets-read': { perUserPerMinute: 10_000, perProjectPerMinute: 10_000 },
      'sheets-write': { perUserPerMinute: 10_000, perProjectPerMinute: 10_000 },
    });
  const flusher = new SheetsFlusher({
    client: sheetsClient,
    queue: new RedisPatchQueue(main),
    quota: roomyQuota(),
    breaker: createSheetsBreaker({ threshold: 50 }),
    logger: silent,
    backoff: { baseMs: 5, capMs: 50 },
    intervalMs: 10,
  });

  const gateway = (tabReadSpacingMs?: number) =>
    new GoogleSheetsGateway({
      client: sheetsClient,
      breaker: createSheetsBreaker({ threshold: 50 }),
      quota: roomyQuota(),
      logger: silent,
      routerSpreadsheetId: ROUTER_ID,
      routerCacheMs: 0,
      ...(tabReadSpacingMs !== undefined ? { tabReads: { minSpacingMs: tabReadSpacingMs } } : {}),
    });

  world = {
    redisServer,
    sheetsEm,
    dialpadEm,
    sheetsClient,
    webhookTarget: null,
    connect,
    makeService(o = {}) {
      const redis = o.redis ?? connect();
      const store = (o.store ?? ((x) => new RedisStore(x)))({ redis, subscriber: connect() });
      const events = new RedisAgentEventBus(redis);
      const service = createDialerService({
        store,
        sheets: gateway(o.tabReadSpacingMs),
        dialpad: new HttpDialpadGateway({
          baseUrl: dialpadEm.url,
          apiKey: API_KEY,
          ...(o.dialpadTimeoutMs !== undefined ? { timeoutMs: o.dialpadTimeoutMs } : {}),
        }),
        events,
        rules: () => o.rules ?? opts.rules ?? testRules(),
        logger: silent,
        ...(o.tabRefreshMs !== undefined ? { tabRefreshMs: o.tabRefreshMs } : {}),
        ...(o.tabSnapshots ? { tabSnapshots: new RedisTabSnapshots(redis) } : {}),
        ...(o.onDispositionNotWritten ? { onDispositionNotWritten: o.onDispositionNotWritten } : {}),
      });
      services.push(service);
      return { service, store, events };
    },
    async flush() {
      // A pass may defer a spreadsheet (its quota window spent by the tab reads of a slow, loaded run, or a
      // backoff after a timed-out write): wait that out, bounded.
      await flusher.flushUntilSettled();
    },
    cell: (row, col) => sheetsEm.state.getCell(AGENT_SS, TAB, row, col),
    async eventsOf(email) {
      const r = await new RedisAgentEventBus(main).readSince(email, 0);
      return r.events.map((e) => e.event);
    },
    async close() {
      for (const s of services) await s.close().catch(() => undefined);
      await dialpadEm.close();
      await new Promise<void>((r) => receiver.close(() => r()));
      await sheetsEm.close();
      for (const c of clients) c.disconnect();
      await redisServer.stop();
    },
  };
  return world;
}

/** Polls `check` until it returns true (generous deadline; no timed assertion). */
export async function eventually(
  check: () => Promise<boolean> | boolean,
  what: string,
  ms = 20_000,
): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
