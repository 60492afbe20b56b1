// A small Sheets world for the gateway tests: a router spreadsheet and one agent spreadsheet with two tabs,
// served by the real emulator and reached through the real googleapis client.
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { type RedisServerHandle, startRedisServer } from '../../../test/support/redis-server.js';
import { pino } from 'pino';
import { AGENT_TAB_HEADER, ROUTER_HEADER } from '../../../src-shared/domain/sheet-codec.js';
import { startSheetsEmulator, type SheetsEmulator } from '../../emulators/sheets/server.js';
import type { QuotaBudget } from '../../src/ports.js';
import { RedisPatchQueue } from '../../src/queue/redis-patch-queue.js';
import { RedisQuotaBudget } from '../../src/queue/redis-quota-budget.js';
import { createSheetsBreaker } from '../../src/sheets/breaker.js';
import { createSheetsClient, type SheetsClient, staticTokenAuth } from '../../src/sheets/client.js';
import { SheetsApi } from '../../src/sheets/sheets-api.js';
import { SheetsFlusher } from '../../src/sheets/sheets-flusher.js';

export const ROUTER_ID = 'router-sheet';
export const AGENT_SS = 'agent-sheet';
export const TAB = 'Ann Leads';
export const TAB_ID = 123456;
export const OTHER_TAB = 'Bob Leads';
export const OTHER_TAB_ID = 777;

export const silentLogger = pino({ level: 'silent' });

/** A full 26-cell agent row. */
export function leadRow(rowId: string, name: string, nums: string[] = ['+12125550101']): string[] {
  const cells = Array<string>(26).fill('');
  cells[0] = rowId;
  cells[1] = name;
  nums.forEach((n, i) => {
    cells[2 + i] = n;
  });
  cells[24] = '0';
  cells[25] = '1';
  return cells;
}

export function agentRows(n: number): string[][] {
  return [
    [...AGENT_TAB_HEADER],
    ...Array.from({ length: n }, (_, i) =>
      leadRow(`L${i + 1}`, `Lead ${i + 1}`, [`+1212555${String(1000 + i)}`]),
    ),
  ];
}

export type FlusherExtra = Partial<ConstructorParameters<typeof SheetsFlusher>[0]> & {
  quota?: QuotaBudget;
  now?: () => number;
};

/** A flusher over `client` (the real googleapis client, pointed at the emulator) and a real Redis queue:
 *  a breaker that opens after 3 failures, fast backoff and a 10-ms interval; `extra` overrides any option. */
export function makeFlusher(client: SheetsClient, redis: Redis, extra: FlusherExtra = {}) {
  const queue = new RedisPatchQueue(redis);
  const breaker = createSheetsBreaker({ threshold: 3, halfOpenAfterMs: 50 });
  const { quota, ...rest } = extra;
  const api = new SheetsApi({
    client,
    breaker,
    quota: quota ?? new RedisQuotaBudget(redis),
    ...(extra.now ? { now: extra.now } : {}),
  });
  const flusher = new SheetsFlusher({
    api,
    queue,
    logger: silentLogger,
    backoff: { baseMs: 5, capMs: 50 },
    intervalMs: 10,
    ...rest,
  });
  return { queue, breaker, flusher };
}

export async function startWorld(opts: { leads?: number } = {}): Promise<{
  emulator: SheetsEmulator;
  client: SheetsClient;
}> {
  const emulator = await startSheetsEmulator({
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
                ['Ann@Example.com', '5550001', AGENT_SS, String(TAB_ID), 'Spring', 'TRUE'],
                ['bob@example.com', '5550002', AGENT_SS, String(OTHER_TAB_ID), 'Spring', 'FALSE'],
              ],
            },
          ],
        },
        {
          spreadsheetId: AGENT_SS,
          sheets: [
            { sheetId: TAB_ID, title: TAB, rows: agentRows(opts.leads ?? 5) },
            { sheetId: OTHER_TAB_ID, title: OTHER_TAB, rows: agentRows(2) },
          ],
        },
      ],
    },
  });
  const client = createSheetsClient({ rootUrl: emulator.url, auth: staticTokenAuth('test-token') });
  return { emulator, client };
}

/** Polls `check` until it returns true (generous deadline; no timed assertion). */
export async function eventually(
  check: () => Promise<boolean>,
  what: string,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * The set-up the flusher test files share: one redis-server for the file (AOF on, so a test may crash and
 * restart it) whose clients retry twice and never throw on a lost connection, and a fresh Sheets world
 * (emulator + client, `leads` rows on the agent tab) and an empty Redis for each test. The returned object's
 * fields are set by the hooks.
 */
export function flusherWorldForFile(opts: { leads: number }): {
  readonly server: RedisServerHandle;
  readonly emulator: SheetsEmulator;
  readonly client: SheetsClient;
  connect: () => Redis;
} {
  let server: RedisServerHandle | undefined;
  let world: { emulator: SheetsEmulator; client: SheetsClient } | undefined;
  const clients: Redis[] = [];
  const started = <T>(v: T | undefined): T => {
    if (v === undefined) throw new Error('flusherWorldForFile: started by the test hooks');
    return v;
  };
  const connect = () => {
    const c = new Redis(started(server).url, { maxRetriesPerRequest: 2 });
    c.on('error', () => {});
    clients.push(c);
    return c;
  };
  beforeAll(async () => {
    server = await startRedisServer();
  });
  afterAll(async () => {
    for (const c of clients) c.disconnect();
    await server?.stop();
  });
  beforeEach(async () => {
    world = await startWorld({ leads: opts.leads });
    await connect().flushall();
  });
  afterEach(async () => {
    await world?.emulator.close();
  });
  return {
    get server() {
      return started(server);
    },
    get emulator() {
      return started(world).emulator;
    },
    get client() {
      return started(world).client;
    },
    connect,
  };
}
