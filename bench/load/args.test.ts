// The load benchmark's argument parsing: the documented flags, the defaults, and a clear refusal of a typo
// or an out-of-range value (before any process is started).
import { describe, expect, it } from 'vitest';
import { parseBenchArgs } from './args.js';

describe('bench:load arguments', () => {
  it('reads every flag, both --flag value and --flag=value', () => {
    expect(
      parseBenchArgs(['--agents', '500', '--seconds=60', '--instances', '2', '--pace', 'max', '--profile']),
    ).toMatchObject({ agents: 500, seconds: 60, instances: 2, pace: 'max', profile: true });
  });

  it('defaults: realistic pace, 1 instance, 100 leads, info logs, a ramp of 1 s per 20 agents (≤ 30 s)', () => {
    expect(parseBenchArgs(['--agents', '50'])).toMatchObject({
      agents: 50,
      seconds: 30,
      instances: 1,
      pace: 'realistic',
      leadsPerAgent: 100,
      logLevel: 'info',
      rampSeconds: 2.5,
      profile: false,
    });
    expect(parseBenchArgs(['--agents', '1000']).rampSeconds).toBe(30);
  });

  it('refuses an unknown flag, a bad pace and 3 instances, naming the problem and the usage', () => {
    expect(() => parseBenchArgs(['--agent', '5'])).toThrow(/Unknown option '--agent'[\s\S]*usage:/);
    expect(() => parseBenchArgs(['--pace', 'fast'])).toThrow(/--pace/);
    expect(() => parseBenchArgs(['--instances', '3'])).toThrow(/--instances/);
  });

  it('--sweep: agent counts, each a number, at most 12 steps', () => {
    expect(parseBenchArgs(['--sweep', '5,10,20,50', '--pace', 'max'])).toMatchObject({
      sweep: [5, 10, 20, 50],
      pace: 'max',
      rampGiven: false,
    });
    expect(parseBenchArgs([]).sweep).toBeNull();
    expect(() => parseBenchArgs(['--sweep', '5,ten'])).toThrow(/--sweep/);
    expect(() => parseBenchArgs(['--sweep', '0'])).toThrow(/--sweep/);
  });

  it('--coordinator-cpus: a per-coordinator cap in cores, none by default, a typo refused', () => {
    expect(parseBenchArgs(['--coordinator-cpus', '0.5']).coordinatorCpus).toBe(0.5);
    expect(parseBenchArgs([]).coordinatorCpus).toBeNull();
    expect(() => parseBenchArgs(['--coordinator-cpus', 'half'])).toThrow(/--coordinatorCpus/);
    expect(() => parseBenchArgs(['--coordinator-cpus', '0'])).toThrow(/--coordinatorCpus/);
  });

  it('--observer: one more coordinator that serves nothing, off by default', () => {
    expect(parseBenchArgs(['--observer', '--instances', '2']).observer).toBe(true);
    expect(parseBenchArgs([]).observer).toBe(false);
    expect(() => parseBenchArgs(['--observer=1'])).toThrow(/--observer/);
  });

  it('--warmup: seconds of cycling before the window, none by default, a negative or fractional value refused', () => {
    expect(parseBenchArgs(['--warmup', '10', '--pace', 'max']).warmupS).toBe(10);
    expect(parseBenchArgs(['--sweep', '20', '--warmup=5']).warmupS).toBe(5);
    expect(parseBenchArgs([]).warmupS).toBe(0);
    expect(() => parseBenchArgs(['--warmup=-1'])).toThrow(/--warmupS/);
    expect(() => parseBenchArgs(['--warmup', '2.5'])).toThrow(/--warmupS/);
    expect(() => parseBenchArgs(['--warmup', 'ten'])).toThrow(/--warmupS/);
  });
});
