// The load benchmark's arithmetic: percentiles, /proc and INFO parsing, and the joins that turn the
// emulators' timestamps into sheet lag, lost dispositions and webhook → SHOW_DISPO latency.
import { describe, expect, it } from 'vitest';
import { acceptedOn } from './accepted-fixture.js';
import { runDelayNsOf } from './cpu-waits.js';
import {
  blocksAndGcBetween,
  highestRateWithin,
  callIdOfCustomData,
  cpuTicksOfStat,
  wakeCountersOf,
  wakesBetween,
  journalKey,
  landingTimes,
  loopAndGcOfMetrics,
  machineTicksOfProcStat,
  parseCommandStats,
  percentiles,
  redisByName,
  redisPerCycle,
  sheetFigures,
  webhookToShowDispo,
  attributeTail,
  coordinatorStallsOfLog,
  tailOverWindows,
} from './report.js';

describe('bench:load report', () => {
  it('nearest-rank percentiles; none without samples', () => {
    const s = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentiles(s)).toEqual({ p50: 50, p99: 99, max: 100 });
    expect(percentiles([1.23456])).toEqual({ p50: 1.23, p99: 1.23, max: 1.23 });
    expect(percentiles([])).toBeNull();
  });

  it('CPU ticks from /proc/<pid>/stat even when the command name has spaces and parentheses', () => {
    const stat = '4242 (node (bench) x) S 1 4242 4242 0 -1 4194304 100 0 0 0 1234 567 0 0 20 0 11 0';
    expect(cpuTicksOfStat(stat)).toBe(1234 + 567);
    expect(machineTicksOfProcStat('cpu  100 0 50 800 50 0 0 0 0 0\ncpu0 1 2 3')).toEqual({
      busy: 150,
      total: 1000,
    });
  });

  it('wakeups, preemptions and read/write syscalls from /proc/<pid>/status and io, per cycle and second', () => {
    const status = (v: number, n: number) =>
      `Name:\tnode\nThreads:\t11\nvoluntary_ctxt_switches:\t${v}\nnonvoluntary_ctxt_switches:\t${n}\n`;
    const io = (r: number, w: number) => `rchar: 10\nwchar: 20\nsyscr: ${r}\nsyscw: ${w}\nread_bytes: 0\n`;
    const a = wakeCountersOf(status(100, 50), io(1000, 2000));
    expect(a).toEqual({ wakeups: 100, preemptions: 50, readWriteSyscalls: 3000 });
    const b = wakeCountersOf(status(1100, 250), io(2500, 4000));
    expect(wakesBetween(a, b, 100, 20)).toEqual({
      perCycle: { wakeups: 10, preemptions: 2, readWriteSyscalls: 35 },
      perSecond: { wakeups: 50, preemptions: 10, readWriteSyscalls: 175 },
    });
    expect(wakesBetween(a, b, 0, 20).perCycle).toBeNull();
    expect(wakeCountersOf('', '')).toEqual({ wakeups: 0, preemptions: 0, readWriteSyscalls: 0 });
  });

  it('Redis commands per cycle from INFO commandstats, the bench’s own INFO left out', () => {
    const info =
      '# Commandstats\r\ncmdstat_evalsha:calls=300,usec=1\r\ncmdstat_hget:calls=100,usec=1\r\ncmdstat_info:calls=5,usec=1\r\n';
    const stats = parseCommandStats(info);
    expect(stats).toEqual({ evalsha: 300, hget: 100, info: 5 });
    expect(redisPerCycle(stats, 100)).toEqual({ total: 4, top: { evalsha: 3, hget: 1 } });
    expect(redisPerCycle(stats, 0).total).toBeNull();
    // Every command by name (not only the top 8), per cycle or per second, largest first.
    expect(Object.entries(redisByName(stats, 200))).toEqual([
      ['evalsha', 1.5],
      ['hget', 0.5],
    ]);
    expect(redisByName(stats, 0)).toEqual({});
  });

  it('a disposition lands when its row first shows the AttemptCount it set; never → lost (null)', () => {
    const journal = {
      [journalKey('Tab A', 5)]: [
        [3, 1000],
        [5, 2000],
      ] as [number, number][],
    };
    const d = (row: number, attemptAfter: number) => ({
      callId: 'c',
      tab: 'Tab A',
      row,
      attemptAfter,
      acceptedAt: 900,
    });
    expect(landingTimes([d(5, 3), d(5, 4), d(5, 5), d(5, 6), d(6, 1)], journal)).toEqual([
      1000,
      2000,
      2000,
      null,
      null,
    ]);
  });

  it('--warmup: a warm-up disposition never landed is still lost; only the window lags are measured', () => {
    // Window from 10,000: row 1 (warm-up) never landed, row 2 (warm-up) landed late, rows 3-4 in the window.
    const accepted = [
      acceptedOn(1, 5_000),
      acceptedOn(2, 6_000),
      acceptedOn(3, 10_000),
      acceptedOn(4, 12_000),
    ];
    expect(sheetFigures(accepted, [null, 60_000, 10_500, null], 10_000)).toEqual({
      lost: 2,
      measured: 2,
      lagMs: { p50: 500, p99: 500, max: 500 },
    });
    expect(sheetFigures(accepted, [1, 2, 3, 4], 20_000)).toEqual({ lost: 0, measured: 0, lagMs: null });
  });

  it('webhook → SHOW_DISPO joins on our call id from custom_data', () => {
    expect(callIdOfCustomData('{"td":1,"callId":"abc","sessionId":"s"}')).toBe('abc');
    expect(callIdOfCustomData('not json')).toBeNull();
    expect(callIdOfCustomData(null)).toBeNull();
    const sent = new Map([
      ['a', 100],
      ['b', 200],
    ]);
    const shown = new Map([
      ['a', 103.5],
      ['c', 999],
    ]);
    expect(webhookToShowDispo(sent, shown)).toEqual([3.5]);
  });

  it("the tail over shorter windows: each window's p99, their median, when the slowest were sent", () => {
    // 3 windows of 1 s from t = 1000: window 0 has a burst of 2 slow samples, window 2 one.
    const samples: [number, number][] = [];
    for (let i = 0; i < 100; i++) samples.push([1000 + i, i < 2 ? 50 : 2]);
    for (let i = 0; i < 100; i++) samples.push([2000 + i * 5, 3]);
    for (let i = 0; i < 100; i++) samples.push([3000 + i * 5, i === 0 ? 40 : 4]);
    samples.push([999, 1], [4000, 1]); // outside the windows: left out of them
    const t = tailOverWindows(samples, 1000, 1000, 3);
    expect(t.p99ByWindow).toEqual([50, 3, 4]);
    expect(t.medianP99).toBe(4);
    // The whole run's p99 (nearest rank of 302) is 4: the three slow samples are over it.
    expect(t.overP99AtS).toEqual([0, 0, 2]);
    expect(tailOverWindows([], 0, 1000, 2)).toEqual({
      p99ByWindow: [null, null],
      medianP99: null,
      overP99AtS: [],
    });
  });

  it("the coordinator's event-loop delay and GC time from its /metrics text", () => {
    const text = [
      'dialer_process_nodejs_eventloop_lag_p99_seconds 7', // prom-client's 1-s monitor: not this figure
      'dialer_event_loop_delay_seconds{stat="p50"} 0.0001',
      'dialer_event_loop_delay_seconds{stat="p99"} 0.24',
      'dialer_event_loop_delay_seconds{stat="max"} 1.49',
      'dialer_process_nodejs_gc_duration_seconds_sum{kind="minor"} 1.25',
      'dialer_process_nodejs_gc_duration_seconds_sum{kind="major"} 0.5',
    ].join('\n');
    expect(loopAndGcOfMetrics(text)).toEqual({
      loopDelayMs: { p50: 0.1, p99: 240, max: 1490 },
      gcSeconds: 1.75,
    });
  });

  it("the window's event-loop blocks and GC pauses from two scrapes of the coordinator's /metrics", () => {
    const scrape = (
      blocks: number[],
      gcMinor: number[],
      gcMajor: number[],
      blockMax: number,
      gcMax: number,
    ) =>
      [
        ...['0.01', '0.025', '0.05', '0.1', '0.25', '0.5', '1', '2.5', '5', '+Inf'].map(
          (le, i) =>
            `dialer_event_loop_block_seconds_bucket{le="${le}"} ${blocks[Math.min(i, blocks.length - 1)]}`,
        ),
        `dialer_event_loop_block_max_seconds ${blockMax}`,
        ...['0.001', '0.01', '0.1', '+Inf'].flatMap((le, i) => [
          `dialer_gc_pause_seconds_bucket{le="${le}",kind="minor"} ${gcMinor[i]}`,
          `dialer_gc_pause_seconds_bucket{le="${le}",kind="major"} ${gcMajor[i]}`,
        ]),
        `dialer_gc_pause_seconds_sum{kind="major"} ${gcMajor[3] === 0 ? 0 : 0.5}`,
        `dialer_gc_pause_seconds_count{kind="major"} ${gcMajor[3]}`,
        `dialer_gc_pause_max_seconds ${gcMax}`,
      ].join('\n');
    // Before the window: 4 blocks (all ≤ 25 ms), 100 minor GCs; in it: 3 more blocks (one 30–50 ms, one
    // 250–500 ms, one 10–25 ms), 98 minor pauses ≤ 1 ms, 2 minor ≤ 10 ms, and 2 major ones of 0.5 s in all
    // (so 2 of 102 pauses are over 10 ms: the p99 is in the 100-ms bucket).
    const before = scrape([2, 4, 4, 4, 4, 4, 4, 4, 4, 4], [100, 100, 100, 100], [0, 0, 0, 0], 0.02, 0.004);
    const after = scrape([2, 5, 6, 6, 6, 7, 7, 7, 7, 7], [198, 200, 200, 200], [0, 0, 2, 2], 0.31, 0.26);
    expect(blocksAndGcBetween(before, after)).toEqual({
      blocks: { over10ms: 3, over50ms: 1, over100ms: 1, maxMs: 310 },
      gc: { count: 102, p99AtMostMs: 100, maxMs: 260, major: 2, majorMs: 500 },
    });
  });

  it('a sweep: the highest rate whose two p99s are within the limit, without errors', () => {
    const p = (p99: number) => ({ p50: p99 / 4, p99, max: p99 * 2 });
    const rows = [
      {
        agents: 5,
        dispositionsPerSecond: 60,
        dispoToNextCallMs: p(12),
        webhookToShowDispoMs: p(8),
        errors: 0,
      },
      {
        agents: 10,
        dispositionsPerSecond: 110,
        dispoToNextCallMs: p(40),
        webhookToShowDispoMs: p(20),
        errors: 0,
      },
      {
        agents: 20,
        dispositionsPerSecond: 150,
        dispoToNextCallMs: p(95),
        webhookToShowDispoMs: p(30),
        errors: 0,
      },
      {
        agents: 15,
        dispositionsPerSecond: 130,
        dispoToNextCallMs: p(45),
        webhookToShowDispoMs: p(51),
        errors: 0,
      },
      {
        agents: 12,
        dispositionsPerSecond: 120,
        dispoToNextCallMs: p(30),
        webhookToShowDispoMs: p(30),
        errors: 2,
      },
    ];
    expect(highestRateWithin(rows, 50)?.agents).toBe(10);
    expect(highestRateWithin(rows, 5)).toBeNull();
  });
});

describe('attributeTail', () => {
  const sources = [
    { name: 'gc', intervals: [[1_000, 12]] as [number, number][] },
    {
      name: 'block',
      intervals: [
        [990, 40],
        [5_000, 20],
      ] as [number, number][],
    },
    { name: 'loadgen', intervals: [[9_000, 30]] as [number, number][] },
  ];

  it('gives each slow sample to the first source with a stall overlapping it, else to none', () => {
    const r = attributeTail(
      [
        [995, 20], // overlaps the GC pause and the block: GC (first)
        [5_010, 15], // the block only
        [9_020, 11], // the load generator's own block
        [20_000, 50], // nothing recorded
        [5_000, 3], // fast: not counted
      ],
      10,
      sources,
    );
    expect(r).toEqual({
      overMs: 10,
      samples: 4,
      first: { none: 1, gc: 1, block: 1, loadgen: 1 },
      overlapping: { gc: 1, block: 2, loadgen: 1 },
    });
  });

  it('reads the stalls a coordinator logged, blocks by the jobs running then', () => {
    const log = [
      JSON.stringify({ msg: 'gc pause', gcMs: 11.5, kind: 'minor', startedAt: 100.5 }),
      JSON.stringify({ msg: 'event loop blocked', blockMs: 30, startedAt: 200, activities: ['tab-refresh'] }),
      JSON.stringify({ msg: 'event loop blocked', blockMs: 12, startedAt: 400, activities: [] }),
      JSON.stringify({ msg: 'socket authenticated' }),
      'not json',
    ].join('\n');
    expect(coordinatorStallsOfLog(log)).toEqual({
      gc: [[100.5, 11.5]],
      blocks: { 'tab-refresh': [[190, 40]], requests: [[390, 22]] },
    });
  });
});

describe('runDelayNsOf', () => {
  it('reads the run-queue wait of a /proc/<pid>/schedstat line; null when it is not one', () => {
    expect(runDelayNsOf('254956022 322386308 915\n')).toBe(322386308);
    expect(runDelayNsOf('')).toBeNull();
  });
});
