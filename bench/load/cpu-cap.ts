// `--coordinator-cpus X`: each coordinator process in a cgroup v1 cpu controller of its own whose CFS quota
// is X cores (cpu.cfs_quota_us = X × cpu.cfs_period_us), so the coordinator, not the shared machine, is what
// limits the rate, and 1 and 2 instances can be compared at the same per-instance budget. Where the
// controller is missing or not writable (no root, cgroup v2 only) nothing is capped and the reason is
// reported; the run goes on. Each capped process's cpu.stat (periods throttled, time throttled) is read at
// the window's edges; its cgroup is removed once the process is gone.
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmdirSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';

/** Where cgroup v1 mounts the cpu controller (writable as root on the bench machine). */
export const CPU_CGROUP_ROOT = '/sys/fs/cgroup/cpu';
/** A short CFS period: a capped coordinator is paused for at most (1 − X) × 10 ms at a time, not 100 ms,
 *  so the cap shows as a lower rate more than as a longer tail. */
export const CAP_PERIOD_US = 10_000;
const PREFIX = 'td-bench-';

/** The CFS quota for `cpus` cores at `periodUs` (the kernel's minimum quota is 1 ms). */
export const quotaUsOf = (cpus: number, periodUs: number): number =>
  Math.max(1000, Math.round(cpus * periodUs));

/** What throttling a cgroup's cpu.stat counts: CFS periods, periods throttled, ns throttled. */
export interface Throttling {
  periods: number;
  throttledPeriods: number;
  throttledMs: number;
}

/** cgroup v1 cpu.stat (`nr_periods`, `nr_throttled`, `throttled_time` in ns) → Throttling. */
export function throttlingOfCpuStat(text: string): Throttling {
  const f = new Map<string, number>();
  for (const line of text.split('\n')) {
    const [k, v] = line.trim().split(/\s+/);
    if (k && v !== undefined) f.set(k, Number(v));
  }
  return {
    periods: f.get('nr_periods') ?? 0,
    throttledPeriods: f.get('nr_throttled') ?? 0,
    throttledMs: Math.round((f.get('throttled_time') ?? 0) / 1e6),
  };
}

export const throttlingBetween = (a: Throttling, b: Throttling): Throttling => ({
  periods: b.periods - a.periods,
  throttledPeriods: b.throttledPeriods - a.throttledPeriods,
  throttledMs: b.throttledMs - a.throttledMs,
});

export interface CpuCap {
  /** Null when the process could not be capped (then `reason` says why). */
  dir: string | null;
  reason: string | null;
  throttling(): Throttling | null;
  /** Removes the cgroup (call once the process has exited); false if it could not be removed. */
  release(): boolean;
}

const errText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** Puts `pid` (every thread of it) in a new cgroup under `root` capped at `cpus` cores. */
export function capProcessCpu(
  name: string,
  pid: number,
  cpus: number,
  root = CPU_CGROUP_ROOT,
  periodUs = CAP_PERIOD_US,
): CpuCap {
  const dir = join(root, `${PREFIX}${process.pid}-${name}`);
  try {
    mkdirSync(dir);
  } catch (e) {
    return uncapped(`cannot create a cgroup under ${root}: ${errText(e)}`);
  }
  try {
    writeFileSync(join(dir, 'cpu.cfs_period_us'), String(periodUs));
    writeFileSync(join(dir, 'cpu.cfs_quota_us'), String(quotaUsOf(cpus, periodUs)));
    appendFileSync(join(dir, 'cgroup.procs'), String(pid));
  } catch (e) {
    removeDir(dir);
    return uncapped(`cannot cap ${name} in ${dir}: ${errText(e)}`);
  }
  return {
    dir,
    reason: null,
    throttling() {
      try {
        return throttlingOfCpuStat(readFileSync(join(dir, 'cpu.stat'), 'utf8'));
      } catch {
        return null;
      }
    },
    release: () => removeDir(dir),
  };
}

function uncapped(reason: string): CpuCap {
  return { dir: null, reason, throttling: () => null, release: () => true };
}

function removeDir(dir: string): boolean {
  try {
    rmdirSync(dir);
    return true;
  } catch {
    return false;
  }
}

/** Removes the cgroups a bench run that is gone left behind (killed before it cleaned up): those named
 *  after a pid with no /proc entry. Another live run's are left alone, and rmdir refuses a non-empty one. */
export function removeStaleCaps(root = CPU_CGROUP_ROOT): void {
  let names: string[];
  try {
    names = readdirSync(root);
  } catch {
    return;
  }
  for (const n of names) {
    const owner = /^td-bench-(\d+)-/.exec(n)?.[1];
    if (owner !== undefined && !existsSync(`/proc/${owner}`)) removeDir(join(root, n));
  }
}
