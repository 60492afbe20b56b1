// The orchestrator's process handling: spawn a bench child (node + tsx, IPC channel, log to a file), the
// coordinator (`server/src/server.ts`, as `npm start` runs it) and redis-server (AOF on, as in production);
// read each process's CPU time and peak RSS from /proc; kill everything that was started, whatever happens.
import { type ChildProcess, spawn } from 'node:child_process';
import { openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ChildMessage, ChildMessageSchema, type ParentMessage } from './messages.js';
import { cpuTicksOfStat, type WakeCounters, wakeCountersOf } from './report.js';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLK_TCK = 100;

export interface Proc {
  name: string;
  child: ChildProcess;
  logFile: string;
  /** Resolves with the next message of this type (rejects if the process exits first). */
  next<T extends ChildMessage['type']>(
    type: T,
    timeoutMs?: number,
  ): Promise<Extract<ChildMessage, { type: T }>>;
  send(m: ParentMessage): void;
}

const started: ChildProcess[] = [];

/** Every process this run started, killed (SIGKILL); safe to call more than once. */
export function killAll(): void {
  for (const c of started) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
}

function track(name: string, child: ChildProcess, logFile: string): Proc {
  started.push(child);
  const queue: ChildMessage[] = [];
  const waiters: (() => void)[] = [];
  let exited = false;
  child.on('message', (raw) => {
    const m = ChildMessageSchema.safeParse(raw);
    if (!m.success) return;
    queue.push(m.data);
    for (const w of waiters.splice(0)) w();
  });
  child.on('exit', () => {
    exited = true;
    for (const w of waiters.splice(0)) w();
  });
  return {
    name,
    child,
    logFile,
    async next(type, timeoutMs = 600_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const failed = queue.find((m) => m.type === 'failed');
        if (failed && failed.type === 'failed') throw new Error(`${name} failed: ${failed.error}`);
        const i = queue.findIndex((m) => m.type === type);
        if (i >= 0) return queue.splice(i, 1)[0] as Extract<ChildMessage, { type: typeof type }>;
        if (exited) throw new Error(`${name} exited (code ${child.exitCode}); see ${logFile}`);
        if (Date.now() > deadline) throw new Error(`${name}: no "${type}" within ${timeoutMs} ms`);
        await new Promise<void>((r) => {
          const t = setTimeout(r, Math.min(1000, deadline - Date.now()));
          waiters.push(() => {
            clearTimeout(t);
            r();
          });
        });
      }
    },
    send(m) {
      if (child.connected) child.send(m);
    },
  };
}

/** One profile directory per process: tsx's loader thread writes a profile of its own beside the main one. */
const cpuProf = (name: string, dir: string | null): string[] =>
  dir ? ['--cpu-prof', `--cpu-prof-dir=${join(dir, name)}`] : [];

/** A bench child (`bench/load/<file>`) with its config as JSON in BENCH_CHILD_CONFIG. */
export function spawnBenchChild(
  name: string,
  file: string,
  config: unknown,
  runDir: string,
  profileDir: string | null = null,
): Proc {
  const logFile = join(runDir, `${name}.log`);
  const fd = openSync(logFile, 'a');
  const child = spawn(
    process.execPath,
    [...cpuProf(name, profileDir), '--import', 'tsx', join(REPO_ROOT, 'bench', 'load', file)],
    {
      cwd: REPO_ROOT,
      env: { ...process.env, BENCH_CHILD_CONFIG: JSON.stringify(config) },
      stdio: ['ignore', fd, fd, 'ipc'],
    },
  );
  return track(name, child, logFile);
}

/** BENCH_COORDINATOR_NODE_ARGS: extra node/V8 flags for the coordinators, space-separated (to test a flag
 *  NODE_OPTIONS does not accept, e.g. `--single-threaded-gc`, against the same load). */
const extraNodeArgs = (): string[] =>
  (process.env.BENCH_COORDINATOR_NODE_ARGS ?? '').split(/\s+/).filter((a) => a.startsWith('--'));

/** The coordinator in production mode, exactly `env` on top of PATH/HOME; optionally under --cpu-prof. */
export function spawnCoordinator(
  name: string,
  env: Record<string, string>,
  runDir: string,
  profileDir: string | null,
): Proc {
  const logFile = join(runDir, `${name}.log`);
  const fd = openSync(logFile, 'a');
  const child = spawn(
    process.execPath,
    // The flags of `npm start` (package.json): a 32 MB young generation halves the scavenges at 500 agents;
    // GC on the main thread alone keeps V8's helper threads from taking the second core from the event loop.
    [
      ...cpuProf(name, profileDir),
      '--max-semi-space-size=32',
      '--single-threaded-gc',
      ...extraNodeArgs(),
      '--import',
      'tsx',
      'server/src/server.ts',
    ],
    {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', NODE_ENV: 'production', ...env },
      stdio: ['ignore', fd, fd],
    },
  );
  return track(name, child, logFile);
}

/** redis-server with AOF on (appendfsync everysec, Redis's and production's default), in runDir. */
export function spawnRedis(port: number, dataDir: string): Proc {
  const logFile = join(dataDir, '..', 'redis.log');
  const fd = openSync(logFile, 'a');
  const child = spawn(
    process.env.REDIS_SERVER_BIN ?? 'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--dir',
      dataDir,
      '--save',
      '',
      '--appendonly',
      'yes',
      '--appendfsync',
      'everysec',
      '--protected-mode',
      'no',
      '--loglevel',
      'warning',
    ],
    { stdio: ['ignore', fd, fd] },
  );
  return track('redis', child, logFile);
}

/** CPU time (user + system) of a live process, ms; 0 when it is gone. */
export function cpuMsOf(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    return (cpuTicksOfStat(readFileSync(`/proc/${pid}/stat`, 'utf8')) * 1000) / CLK_TCK;
  } catch {
    return 0;
  }
}

/** Wakeups and preemptions of a live process's event-loop (main) thread, and its read/write syscalls;
 *  zeros when it is gone. */
export function wakeCountersOfPid(pid: number | undefined): WakeCounters {
  if (pid === undefined) return { wakeups: 0, preemptions: 0, readWriteSyscalls: 0 };
  try {
    return wakeCountersOf(
      readFileSync(`/proc/${pid}/status`, 'utf8'),
      readFileSync(`/proc/${pid}/io`, 'utf8'),
    );
  } catch {
    return { wakeups: 0, preemptions: 0, readWriteSyscalls: 0 };
  }
}

/** Peak resident set size (VmHWM) of a live process, MB. */
export function peakRssMbOf(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Math.round(Number(m[1]) / 1024) : 0;
  } catch {
    return 0;
  }
}

/** Waits until `url` answers 200 (the coordinator's /readyz), or throws after timeoutMs. */
export async function waitHttpOk(url: string, proc: Proc, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (proc.child.exitCode !== null) throw new Error(`${proc.name} exited; see ${proc.logFile}`);
    const ok = await fetch(url).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) return;
    if (Date.now() > deadline)
      throw new Error(`${url} not ready within ${timeoutMs} ms; see ${proc.logFile}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** SIGTERM, then SIGKILL after graceMs; resolves once the process is gone. */
export async function stopGracefully(p: Proc, graceMs: number): Promise<void> {
  const c = p.child;
  if (c.exitCode !== null || c.signalCode !== null) return;
  const gone = new Promise<void>((r) => c.once('exit', () => r()));
  c.kill('SIGTERM');
  const t = setTimeout(() => c.kill('SIGKILL'), graceMs);
  await gone;
  clearTimeout(t);
}
