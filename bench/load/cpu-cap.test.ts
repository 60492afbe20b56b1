// `--coordinator-cpus`: a process really lands in a capped cgroup (where the machine allows it), a machine
// that does not allow it gives a reason instead of a cap, and cpu.stat's throttling is read right.
import { spawn } from 'node:child_process';
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import {
  CPU_CGROUP_ROOT,
  type CpuCap,
  capProcessCpu,
  quotaUsOf,
  throttlingBetween,
  throttlingOfCpuStat,
} from './cpu-cap.js';

const writable = (() => {
  try {
    accessSync(CPU_CGROUP_ROOT, constants.W_OK);
    return existsSync(`${CPU_CGROUP_ROOT}/cpu.cfs_quota_us`);
  } catch {
    return false;
  }
})();

describe('coordinator CPU cap', () => {
  const cleanups: (() => unknown)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0)) await c();
  });

  it('quota: cores × period, never under the kernel minimum of 1 ms', () => {
    expect(quotaUsOf(0.5, 10_000)).toBe(5000);
    expect(quotaUsOf(1.5, 100_000)).toBe(150_000);
    expect(quotaUsOf(0.05, 10_000)).toBe(1000);
  });

  it('reads throttling from cpu.stat and the difference over a window', () => {
    const a = throttlingOfCpuStat('nr_periods 100\nnr_throttled 10\nthrottled_time 25000000\n');
    const b = throttlingOfCpuStat('nr_periods 300\nnr_throttled 70\nthrottled_time 145000000\nnr_bursts 0\n');
    expect(a).toEqual({ periods: 100, throttledPeriods: 10, throttledMs: 25 });
    expect(throttlingBetween(a, b)).toEqual({ periods: 200, throttledPeriods: 60, throttledMs: 120 });
  });

  it('where no cpu controller can be written: no cap, a reason, and nothing to release', () => {
    const cap = capProcessCpu('coordinator-1', process.pid, 0.5, '/nonexistent/cgroup/cpu');
    expect(cap.dir).toBeNull();
    expect(cap.reason).toMatch(/cannot create a cgroup under \/nonexistent\/cgroup\/cpu/);
    expect(cap.throttling()).toBeNull();
    expect(cap.release()).toBe(true);
  });

  it.skipIf(!writable)(
    'puts every thread of the process in a cgroup with the quota, removed after',
    async () => {
      const child = spawn(
        process.execPath,
        ['-e', 'process.stdout.write("up"); setInterval(() => {}, 1000)'],
        {
          stdio: ['ignore', 'pipe', 'ignore'],
        },
      );
      const gone = new Promise<void>((r) => child.once('exit', () => r()));
      cleanups.push(() => {
        child.kill('SIGKILL');
        return gone;
      });
      // Running JavaScript: node's own threads (V8 platform workers, libuv) exist before it is capped.
      await new Promise<void>((r) => child.stdout?.once('data', () => r()));
      const pid = child.pid as number;
      const cap: CpuCap = capProcessCpu('cap-test', pid, 0.25);
      expect(cap.reason).toBeNull();
      const dir = cap.dir as string;
      cleanups.push(() => cap.release());
      expect(readFileSync(`${dir}/cpu.cfs_quota_us`, 'utf8').trim()).toBe('2500');
      expect(readFileSync(`${dir}/cpu.cfs_period_us`, 'utf8').trim()).toBe('10000');
      // cgroup.procs moves the whole thread group: node's worker threads are capped with the main one.
      const tids = readFileSync(`${dir}/tasks`, 'utf8').trim().split('\n').map(Number);
      expect(tids).toContain(pid);
      expect(tids.length).toBeGreaterThan(1);
      expect(readFileSync(`/proc/${pid}/cgroup`, 'utf8')).toContain(`cpu:/${dir.split('/').pop()}`);
      expect(cap.throttling()).toMatchObject({ periods: expect.any(Number) });
      expect(cap.release()).toBe(false); // still holds the process
      child.kill('SIGKILL');
      await gone;
      expect(cap.release()).toBe(true);
      expect(existsSync(dir)).toBe(false);
    },
  );
});
