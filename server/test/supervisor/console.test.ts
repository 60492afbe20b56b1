// The console's diff stream on one instance, with its clock in hand: viewers get each change once, filtered
// to their campaigns; a reconnect resumes from its seq while the ring holds it; after a minute with nobody
// watching, no diffs are built and a late resume is answered with a fresh snapshot instead of a replay.
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { SupervisorDiff } from '../../../src-shared/contracts/supervisor.js';
import type { RedisClient } from '../../src/redis/client.js';
import { SupervisorConsole } from '../../src/supervisor/console.js';

const T0 = Date.UTC(2026, 10, 30, 10, 0, 0);

async function make() {
  let listener: (raw: unknown) => void = () => {};
  const clock = { now: T0 };
  const sv = new SupervisorConsole({
    redis: {} as RedisClient,
    subscribeAllRaw: async (l) => {
      listener = l;
      return () => {};
    },
    store: {
      activeSessionOf: async () => null,
      getCall: async () => null,
      sessionStats: async () => {
        throw new Error('not used');
      },
    },
    routerEntries: async () =>
      ['a', 'b'].map((n, i) => ({
        agentEmail: `${n}@example.com`,
        dialpadUserId: String(i),
        spreadsheetId: 'ss',
        tabId: i,
        campaignName: n === 'a' ? 'Solar' : 'Roof',
        active: true,
      })),
    loadedTabs: () => [],
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
  sv.stop(); // the test ticks by hand
  const play = (email: string, campaignName: string) =>
    listener({
      email,
      at: clock.now,
      events: [
        {
          seq: 1,
          event: {
            type: 'SESSION_STATE',
            session: { id: `s-${email}`, campaignName, tabTitle: 't', state: 'PLAY', startedAt: clock.now },
          },
        },
      ],
    });
  return { sv, clock, play };
}

describe('supervisor console stream', () => {
  it('sends each change once to the viewers of its campaign, and replays it on resume', async () => {
    const { sv, clock, play } = await make();
    const solar: SupervisorDiff[] = [];
    const roof: SupervisorDiff[] = [];
    sv.watch({ campaigns: new Set(['Solar']), send: (_s, d) => solar.push(d) });
    sv.watch({ campaigns: new Set(['Roof']), send: (_s, d) => roof.push(d) });
    sv.tick(); // the router's rows and first totals
    const start = sv.seq();
    solar.length = 0;
    roof.length = 0;
    play('a@example.com', 'Solar');
    clock.now += 250;
    sv.tick();
    expect(solar.map((d) => d.agents.map((a) => [a.email, a.state]))).toEqual([
      [['a@example.com', 'PLAYING']],
    ]);
    expect(roof.flatMap((d) => d.agents)).toEqual([]);
    expect(sv.replay(start, new Set(['Solar']))?.map((r) => r.diff.agents.length)).toEqual([1]);
    expect(sv.replay(sv.seq(), new Set(['Solar']))).toEqual([]);
    expect(sv.replay(sv.seq() + 5, new Set(['Solar']))).toBeNull();
  });

  it('builds no diffs after a minute without viewers; a late resume gets a snapshot, not a gapped replay', async () => {
    const { sv, clock, play } = await make();
    const off = sv.watch({ campaigns: new Set(['Solar', 'Roof']), send: () => {} });
    sv.tick();
    const seen = sv.seq();
    off();
    clock.now += 61_000;
    play('b@example.com', 'Roof');
    sv.tick();
    expect(sv.seq()).toBe(seen + 1);
    expect(sv.replay(seen, new Set(['Roof']))).toBeNull();
    expect(
      sv.snapshotFor({ email: 'lead@example.com', campaigns: ['*'], active: true }).agents,
    ).toMatchObject([
      { email: 'a@example.com', state: 'NOT_STARTED' },
      { email: 'b@example.com', state: 'PLAYING' },
    ]);
  });
});
