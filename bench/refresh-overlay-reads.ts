// What the periodic refresh of one unchanged tab costs Redis as overlays accumulate through the day
// (docs/performance.md "The refresh's overlay reads (h/overlay)"). One tab of `--leads` leads (the load
// benchmark's fixture), `--old` of them with an overlay written hours ago, `--fresh` written in the last
// minute; the tab's cache is built once, then `--ticks` refreshes one minute apart reconcile it with Redis
// (TabCache.refreshFrom on an unchanged sheet, the tick's path for a tab nobody edited), each tick writing
// `--fresh` overlays first. Redis commands are counted by INFO commandstats around the refreshes only (the
// writes are counted apart and subtracted), on a throw-away redis-server. Deterministic: no clock is read.
// Prints one JSON object. Usage: npx tsx bench/refresh-overlay-reads.ts [--leads 100] [--old 100]
//   [--fresh 2] [--ticks 10]
import { Redis } from 'ioredis';
import pino from 'pino';

import { DEFAULT_CAMPAIGN_RULES } from '../src-shared/domain/campaign.js';
import { parseAgentRows } from '../src-shared/domain/sheet-codec.js';
import { buildDemoFixture } from '../server/emulators/sheets/demo-seed.js';
import type { SheetsGateway } from '../server/src/ports.js';
import { startRedisServer } from '../server/src/redis/redis-server.js';
import { TabCache, type TabRead } from '../server/src/service/tab-cache.js';
import { RedisStore } from '../server/src/store/redis-store.js';
import type { LeadOwnedState } from '../server/src/store/types.js';
import { BENCH_SPREADSHEET_ID, benchAgents } from './load/fixture.js';
import { numberArg } from './cli-args.js';

const leadsN = numberArg('leads', 100);
const oldN = Math.min(numberArg('old', 100), leadsN);
const freshN = numberArg('fresh', 2);
const ticks = numberArg('ticks', 10);

const fixture = buildDemoFixture({
  agents: benchAgents(1),
  leadsPerAgent: leadsN,
  seed: 13,
  routerSpreadsheetId: BENCH_SPREADSHEET_ID,
});
const sheet = fixture.spreadsheets[0]?.sheets.find((s) => s.sheetId === 1001);
if (!sheet) throw new Error('no agent tab in the fixture');
const { leads, rowErrors, callbackColumns } = parseAgentRows(
  (sheet.rows ?? []).map((r) => r.map((c) => (typeof c === 'string' ? c : ''))),
);
const ref = { tag: 'bench-tab', spreadsheetId: BENCH_SPREADSHEET_ID, sheetId: 1001, tabTitle: sheet.title };
const tab = {
  spreadsheetId: ref.spreadsheetId,
  sheetId: 1001,
  tabTitle: sheet.title,
  leads,
  rowErrors,
  callbackColumns,
};

const state = (attempts: number): LeadOwnedState => ({
  slots: Array.from({ length: 10 }, () => ({ status: 'NEW' as const, skipReason: null, retryAt: null })),
  notes: '',
  lastOutcome: 'NO_ANSWER',
  attemptCount: attempts,
  nextIndex: 0,
});

const noSheets = new Proxy({} as SheetsGateway, {
  get: () => () => Promise.reject(new Error('the bench reads no sheet')),
});

async function commands(redis: Redis): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const line of (await redis.info('commandstats')).split('\n')) {
    const m = /^cmdstat_([a-z|]+):calls=(\d+)/.exec(line.trim());
    if (m) out.set(m[1] as string, Number(m[2]));
  }
  return out;
}

const server = await startRedisServer({ appendOnly: false });
const redis = new Redis(server.url);
const store = new RedisStore({ redis });
try {
  const versions = new Map<string, number>();
  const write = async (rowId: string, now: number) => {
    const v = versions.get(rowId) ?? 0;
    const r = await store.writeLead(
      ref.tag,
      { rowId, expectedVersion: v, state: state(v + 1), patch: null },
      now,
    );
    if (!r.ok) throw new Error(`write refused: ${r.failure}`);
    versions.set(rowId, r.version);
  };
  const t0 = 1_800_000_000_000;
  for (const l of leads.slice(0, oldN)) await write(l.rowId, t0); // the day's overlays, hours old
  const cache = new TabCache(
    { store, sheets: noSheets, logger: pino({ level: 'silent' }) },
    ref,
    DEFAULT_CAMPAIGN_RULES,
  );
  const read = (at: number): TabRead => ({ readStartedAt: at, unflushed: new Map(), tab });
  let now = t0 + 4 * 3600_000;
  await cache.loadFrom(read(now));
  const perTick: Record<string, number> = {};
  let changed = 0;
  for (let t = 0; t < ticks; t++) {
    now += 60_000;
    for (let i = 0; i < freshN; i++)
      await write(leads[(t * freshN + i) % leads.length]?.rowId ?? '', now - 30_000);
    const before = await commands(redis);
    const r = await cache.refreshFrom(read(now));
    const after = await commands(redis);
    if (!r.unchanged) throw new Error('the sheet is unchanged: expected a reconcile');
    changed += r.changedLeads;
    for (const [cmd, n] of after) {
      const d = n - (before.get(cmd) ?? 0) - (cmd === 'info' ? 1 : 0);
      if (d > 0) perTick[cmd] = (perTick[cmd] ?? 0) + d;
    }
  }
  const total = Object.values(perTick).reduce((a, b) => a + b, 0);
  console.log(
    JSON.stringify(
      {
        leads: leadsN,
        oldOverlays: oldN,
        freshOverlaysPerTick: freshN,
        ticks,
        changedLeadsPerTick: changed / ticks,
        redisCommandsPerRefresh: total / ticks,
        commandsPerRefresh: Object.fromEntries(Object.entries(perTick).map(([c, n]) => [c, n / ticks])),
        at500TabsPerMinute: Math.round((total / ticks) * 500),
      },
      null,
      2,
    ),
  );
} finally {
  await store.close();
  redis.disconnect();
  await server.stop();
}
