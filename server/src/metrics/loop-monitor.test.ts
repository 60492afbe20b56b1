import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import client from 'prom-client';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createLogger } from '../logger.js';
import { activities, during, startLoopMonitor } from './loop-monitor.js';

const LoggedBlock = z.object({
  msg: z.literal('event loop blocked'),
  blockMs: z.number(),
  startedAt: z.number(),
  activities: z.array(z.string()),
});
const LoggedGc = z.object({
  msg: z.literal('gc pause'),
  gcMs: z.number(),
  kind: z.string(),
  startedAt: z.number(),
});

/** Keeps the event loop busy for `ms` (a real block, as a long synchronous job would). */
function block(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // spin
  }
}

/** A metric's value in a /metrics text (0 when absent). */
const sampleOf = (text: string, sample: string): number => {
  const line = text.split('\n').find((l) => l.startsWith(`${sample} `));
  return line ? Number(line.slice(sample.length + 1)) : 0;
};

const turns = (n: number) =>
  new Promise<void>((r) => {
    let left = n;
    const next = () => (--left <= 0 ? r() : setTimeout(next, 10));
    setTimeout(next, 10);
  });

describe('loop monitor', () => {
  it('counts a block of the event loop and its length, and what was running then, in /metrics', async () => {
    const registry = new client.Registry();
    const lines: string[] = [];
    const stop = startLoopMonitor({
      registry,
      logOverMs: 30,
      logger: createLogger({ destination: { write: (line: string) => lines.push(line) } }),
    });
    try {
      const before = await registry.metrics();
      await turns(3);
      let release = () => {};
      const job = during('tab-refresh', new Promise<void>((r) => (release = r)));
      block(80);
      await turns(3);
      release();
      await job;
      expect(activities()).not.toContain('tab-refresh');
      const after = await registry.metrics();
      const count = 'dialer_event_loop_block_seconds_count';
      expect(sampleOf(after, count) - sampleOf(before, count)).toBeGreaterThanOrEqual(1);
      const under50 = 'dialer_event_loop_block_seconds_bucket{le="0.05"}';
      expect(sampleOf(after, count) - sampleOf(after, under50)).toBeGreaterThanOrEqual(1);
      // The timer fires at most one interval (10 ms) before the block starts: lateness ≥ 80 - 10.
      expect(sampleOf(after, 'dialer_event_loop_block_max_seconds')).toBeGreaterThanOrEqual(0.07);
      // The same timer's lateness is the event-loop delay: the block is its max, and the scrape reset it.
      expect(sampleOf(after, 'dialer_event_loop_delay_seconds{stat="max"}')).toBeGreaterThanOrEqual(0.07);
      expect(sampleOf(after, 'dialer_event_loop_delay_seconds{stat="p50"}')).toBeLessThan(0.07);
      await turns(3);
      expect(sampleOf(await registry.metrics(), 'dialer_event_loop_delay_seconds{stat="max"}')).toBeLessThan(
        0.07,
      );
      const logged = lines.map((l) => LoggedBlock.parse(JSON.parse(l)));
      expect(logged.some((l) => l.blockMs >= 70 && l.activities.includes('tab-refresh'))).toBe(true);
      // When it began, on the wall clock: within the test's own run.
      for (const l of logged) expect(Math.abs(l.startedAt - Date.now())).toBeLessThan(10_000);
    } finally {
      stop();
    }
  });

  it('ticks every 100 ms once the loop is idle, still sees a block then, and ticks every 10 ms after it', async () => {
    const registry = new client.Registry();
    const lines: string[] = [];
    const stop = startLoopMonitor({
      registry,
      logOverMs: 10,
      logger: createLogger({ destination: { write: (line: string) => lines.push(line) } }),
    });
    try {
      await new Promise((r) => setTimeout(r, 1_300)); // a second of an idle loop: the monitor goes coarse
      lines.splice(0);
      block(250); // spans at least one 100-ms tick
      await new Promise((r) => setTimeout(r, 30));
      const first = lines.map((l) => LoggedBlock.parse(JSON.parse(l)));
      expect(first.length).toBe(1);
      // Late by the block minus the part before the coarse tick was due (at most 100 ms).
      expect(first[0]?.blockMs).toBeGreaterThanOrEqual(150 - 5);
      lines.splice(0);
      block(60); // the loop was busy: the monitor is fine again, so a shorter block is seen to within 10 ms
      await new Promise((r) => setTimeout(r, 30));
      const second = lines.map((l) => LoggedBlock.parse(JSON.parse(l)));
      expect(second.some((l) => l.blockMs >= 50 - 5)).toBe(true);
    } finally {
      stop();
    }
  });

  it('records garbage-collection pauses with their kind, and logs them with when they began', async () => {
    const registry = new client.Registry();
    const lines: string[] = [];
    const t0 = Date.now();
    const stop = startLoopMonitor({
      registry,
      gcLogOverMs: 0.001,
      logger: createLogger({ destination: { write: (line: string) => lines.push(line) } }),
    });
    try {
      const before = await registry.metrics();
      // Allocate enough short-lived garbage for the young generation to be collected several times.
      let keep = 0;
      for (let i = 0; i < 200; i++) keep += new Array(50_000).fill(i).length;
      expect(keep).toBeGreaterThan(0);
      await turns(5); // the GC observer reports asynchronously
      const after = await registry.metrics();
      const minor = 'dialer_gc_pause_seconds_count{kind="minor"}';
      expect(sampleOf(after, minor) - sampleOf(before, minor)).toBeGreaterThan(0);
      expect(sampleOf(after, 'dialer_gc_pause_max_seconds')).toBeGreaterThan(0);
      const logged = lines.map((l) => LoggedGc.parse(JSON.parse(l)));
      expect(logged.some((l) => l.kind === 'minor')).toBe(true);
      for (const l of logged) expect(l.startedAt).toBeGreaterThanOrEqual(t0 - 1);
    } finally {
      stop();
    }
  });

  it('counts a full mark-compact as major', async () => {
    const registry = new client.Registry();
    const lines: string[] = [];
    const stop = startLoopMonitor({
      registry,
      gcLogOverMs: 0.001,
      logger: createLogger({ destination: { write: (line: string) => lines.push(line) } }),
    });
    try {
      setFlagsFromString('--expose-gc');
      const gc: unknown = runInNewContext('gc');
      if (typeof gc !== 'function') throw new Error('no gc()');
      const major = 'dialer_gc_pause_seconds_count{kind="major"}';
      const before = sampleOf(await registry.metrics(), major);
      gc();
      await turns(5); // the GC observer reports asynchronously
      expect(sampleOf(await registry.metrics(), major) - before).toBeGreaterThan(0);
      expect(lines.map((l) => LoggedGc.parse(JSON.parse(l)).kind)).toContain('major');
    } finally {
      stop();
    }
  });
});
