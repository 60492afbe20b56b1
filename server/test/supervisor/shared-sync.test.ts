// The console's shared figures across two instances on one real redis-server (svSync-3.lua): A has a tab
// loaded, B shows its lead progress; a sync answers only what changed since the caller's last one (nothing
// when nothing did); a tab A no longer has ages out of B's view; and after Redis loses the data both
// instances put their figures back by themselves.
import type { Redis } from 'ioredis';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { PolicySummary } from '../../../src-shared/domain/policy/types.js';
import { redisForFile } from '../../../test/support/redis-for-file.js';
import { loadScripts } from '../../src/redis/scripts.js';
import { SupervisorConsole, type SyncTab } from '../../src/supervisor/console.js';
import { svKeys } from '../../src/supervisor/keys.js';

const T0 = Date.UTC(2026, 10, 30, 10, 0, 0);
const DAY = 86_400_000;
const LEAD = { email: 'lead@example.com', campaigns: ['*'], active: true };

const redisServer = redisForFile();
const clients: Redis[] = []; // in the order the instances were made

function fakeTab(tag: string, campaign: string, summary: PolicySummary, size: number): SyncTab {
  // As the policy index does: with a lead dialable now, the next dialable time is now.
  const at = (now: number) => ({ ...summary, nextDialableAt: summary.dialable > 0 ? now : null });
  return { ref: { tag }, rules: { name: campaign }, index: { summary: at, size: () => size } };
}

async function instance(clock: { now: number }, tabs: () => SyncTab[]): Promise<SupervisorConsole> {
  const redis = redisServer.connect();
  clients.push(redis);
  const sv = new SupervisorConsole({
    redis,
    subscribeAllRaw: async () => () => {},
    store: {
      activeSessionOf: async () => null,
      getCall: async () => null,
      sessionStats: async () => {
        throw new Error('not used');
      },
    },
    routerEntries: async () => [
      {
        agentEmail: 'a@example.com',
        dialpadUserId: '1',
        spreadsheetId: 'ss',
        tabId: 1,
        campaignName: 'Solar',
        active: true,
      },
    ],
    loadedTabs: tabs,
    health: async () => ({
      sheetsBreaker: 'closed',
      dialpadBreaker: 'closed',
      queueDepth: 0,
      oldestQueuedAt: null,
    }),
    onSignedOut: () => {},
    logger: pino({ level: 'silent' }),
    clock: () => clock.now,
    syncMs: 3_600_000,
  });
  await sv.start();
  sv.stop(); // the test syncs by hand
  return sv;
}

const leadsOn = (sv: SupervisorConsole) =>
  sv.snapshotFor(LEAD).campaigns.find((c) => c.campaignName === 'Solar')?.leads;

describe('supervisor console shared figures', () => {
  it('shows A’s tab on B, sends only changes, ages an unloaded tab out, and recovers a lost hash', async () => {
    const clock = { now: T0 };
    const summary: PolicySummary = {
      dialable: 7,
      reasons: [],
      nextDialableAt: T0,
      claimed: 0,
      inProgress: 1,
    };
    let aTabs = [fakeTab('t1', 'Solar', summary, 40)];
    const a = await instance(clock, () => aTabs);
    const b = await instance(clock, () => []);
    expect(leadsOn(b)).toMatchObject({ leadsTotal: 40, dialableNow: 7, inProgress: 1 });

    // Nothing changed since B's last sync: the script answers its 4 header items and no field.
    const script = loadScripts(clients[1] as Redis);
    const ask = async (epoch: string, since: number) =>
      (await script.run(
        'svSync',
        [svKeys.shared(), svKeys.changes(), svKeys.meta()],
        [clock.now, 600_000, 172_800_000, 0, epoch, since, '0', 0, 0],
      )) as string[];
    const head = await ask('', 0);
    expect(head[2]).toBe('1'); // a caller that holds nothing gets the whole hash
    expect(head.length).toBeGreaterThan(4);
    const idle = await ask(head[0] as string, Number(head[1]));
    expect(idle).toEqual([head[0], head[1], '0', '0']);

    // A's tab changes: B gets that one field and shows the new figures.
    summary.dialable = 5;
    summary.inProgress = 2;
    clock.now += 5_000;
    await a.sync();
    const delta = await ask(head[0] as string, Number(head[1]));
    expect(delta.slice(2, 5)).toEqual(['0', '0', 'tab:t1|Solar']);
    expect(delta.length).toBe(6);
    await b.sync();
    expect(leadsOn(b)).toMatchObject({ leadsTotal: 40, dialableNow: 5, inProgress: 2 });
    // A shows its own change too, though its answer did not carry it back.
    expect(leadsOn(a)).toMatchObject({ leadsTotal: 40, dialableNow: 5, inProgress: 2 });

    // A writer is not sent back what it wrote in the same call (no HGET, no JSON), only others' changes.
    const doc = { at: clock.now, campaign: 'Solar', leadsTotal: 9, leadsLeft: 9, dialableNow: 9 };
    const own = (await script.run(
      'svSync',
      [svKeys.shared(), svKeys.changes(), svKeys.meta()],
      [
        clock.now,
        600_000,
        172_800_000,
        0,
        delta[0] as string,
        delta[1] as string,
        '0',
        0,
        1,
        'tab:t9|Solar',
        JSON.stringify(doc),
        '1',
      ],
    )) as string[];
    expect(own).toEqual([delta[0], String(Number(delta[1]) + 1), '0', '0']);
    const seen = await ask(delta[0] as string, Number(delta[1]));
    expect(seen.slice(4)).toEqual(['tab:t9|Solar', JSON.stringify(doc)]);
    await (clients[0] as Redis).hdel(svKeys.shared(), 'tab:t9|Solar');

    // A keeps its unchanged tab alive every 5 min (half the 10-min keep window) without a version change
    // ("dialable now" is no change, though the time moved); a sync in between writes nothing for it. While
    // A has it loaded it never ages out: B's view stays.
    const atOfT1 = async () =>
      Number(JSON.parse((await (clients[0] as Redis).hget(svKeys.shared(), 'tab:t1|Solar')) ?? '{}').at);
    const writtenAt = await atOfT1();
    clock.now += 61_000;
    await a.sync();
    expect(await atOfT1()).toBe(writtenAt);
    for (let i = 0; i < 4; i++) {
      clock.now += 4 * 60_000;
      await a.sync();
      await b.sync();
    }
    expect(await atOfT1()).toBeGreaterThan(writtenAt + 5 * 60_000);
    expect((await ask(delta[0] as string, Number(delta[1]))).length).toBe(4);
    expect(leadsOn(b)).toMatchObject({ leadsTotal: 40, dialableNow: 5, inProgress: 2 });

    // A unloads the tab: ten minutes later it is pruned and B no longer shows lead figures.
    aTabs = [];
    clock.now += 11 * 60_000;
    await a.sync();
    await b.sync();
    expect(leadsOn(b)).toMatchObject({ leadsTotal: 0, asOf: null });

    // Redis loses everything: A writes its tab again at its next sync, B takes it back.
    aTabs = [fakeTab('t1', 'Solar', summary, 40)];
    await a.sync();
    await (clients[0] as Redis).flushall();
    clock.now += 5_000;
    await a.sync(); // a new epoch: A is sent the whole (empty) hash and forgets what it wrote
    await a.sync(); // so it writes its tab again
    await b.sync();
    expect(leadsOn(b)).toMatchObject({ leadsTotal: 40, dialableNow: 5 });
  });

  it('writes 1,200 changed tabs in a few commands, and a keep-alive re-tells a field the change log lost', async () => {
    await (clients[0] as Redis).flushall();
    const clock = { now: T0 };
    const summary: PolicySummary = {
      dialable: 3,
      reasons: [],
      nextDialableAt: T0,
      claimed: 0,
      inProgress: 0,
    };
    const tabs = Array.from({ length: 1_200 }, (_, i) => fakeTab(`big${i}`, 'Solar', summary, 10));
    const a = await instance(clock, () => tabs);
    const b = await instance(clock, () => []);
    expect(leadsOn(b)).toMatchObject({ leadsTotal: 12_000, dialableNow: 3_600 });

    // Every tab changes: one sync writes them all in 3 chunks of at most 500 (an HSET and a ZADD each),
    // not 2 commands per tab; B sees every one.
    summary.dialable = 2;
    clock.now += 5_000;
    const raw = clients[0] as Redis;
    await raw.config('RESETSTAT');
    await a.sync();
    const calls = (cmd: string) =>
      raw
        .info('commandstats')
        .then((t) => Number(new RegExp(`cmdstat_${cmd}:calls=(\\d+)`).exec(t)?.[1] ?? 0));
    expect(await calls('zadd')).toBe(3);
    expect(await calls('hset')).toBeLessThanOrEqual(4); // the 3 chunks and the version
    await b.sync();
    expect(leadsOn(b)).toMatchObject({ leadsTotal: 12_000, dialableNow: 2_400 });

    // The change log loses a field (as after a prune race): A's next keep-alive of that tab tells it again,
    // so a caller that holds nothing still gets it.
    await raw.zrem(svKeys.changes(), 'tab:big7|Solar');
    const before = Number(await raw.hget(svKeys.meta(), 'v'));
    clock.now += 6 * 60_000;
    await a.sync();
    expect(Number(await raw.hget(svKeys.meta(), 'v'))).toBe(before + 1);
    expect(await raw.zscore(svKeys.changes(), 'tab:big7|Solar')).toBe(String(before + 1));
    // The other keep-alives kept their versions (ZADD NX).
    expect(await raw.zscore(svKeys.changes(), 'tab:big8|Solar')).toBe(String(before));
  });

  it('marks the figures watched while a viewer is connected, so idle instances sync at full rate', async () => {
    const clock = { now: T0 + DAY };
    const sv = await instance(clock, () => []);
    const off = sv.watch({ campaigns: new Set(['Solar']), send: () => {} });
    await sv.sync();
    const mark = Number(await (clients[0] as Redis).hget(svKeys.meta(), 'watchedUntil'));
    expect(mark).toBeGreaterThan(clock.now);
    off();
  });
});
