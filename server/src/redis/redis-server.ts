// Starts a throw-away redis-server as a child process: free port, its own temp dir, AOF on or off. The demo
// (`npm run demo` without REDIS_URL) and every test that needs Redis (test/support/redis-server.ts) use this
// one launcher. When redis-server is missing it is installed the way scripts/test.sh does it (apt-get, as
// root on Debian); elsewhere the error is one line naming the command for macOS and Debian.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';

export async function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, host, () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolvePort(port));
    });
  });
}

export interface RedisServerHandle {
  readonly url: string;
  readonly port: number;
  readonly dir: string;
  /** Kills the server with SIGKILL (a crash, not a clean shutdown). */
  kill(): Promise<void>;
  /** Starts it again on the same port and data dir (AOF replayed). */
  restart(): Promise<void>;
  /** Stops it and removes its data dir. */
  stop(): Promise<void>;
}

export interface RedisServerOptions {
  /** AOF with appendfsync always (default true: tests prove nothing accepted is lost). */
  appendOnly?: boolean;
  /** redis-server binary (default REDIS_SERVER_BIN or `redis-server` on PATH). */
  bin?: string;
  /** Install redis-server with apt-get when it is missing and we are root on Debian (default false). */
  install?: boolean;
}

export const REDIS_INSTALL_HINT =
  'redis-server is not installed: run `brew install redis` (macOS) or `sudo apt-get install -y redis-server` (Debian/Ubuntu)';

function onPath(bin: string): boolean {
  if (bin.includes('/')) return existsSync(bin);
  try {
    execFileSync('sh', ['-c', `command -v ${bin}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Makes sure `bin` can be run: installs Debian's redis-server as root when asked, else throws one line. */
export function ensureRedisServer(bin: string, install: boolean): void {
  if (onPath(bin)) return;
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  if (install && root && existsSync('/etc/debian_version') && bin === 'redis-server') {
    process.stderr.write('redis-server is missing: installing it with apt-get…\n');
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'ignore', env });
    execFileSync('apt-get', ['install', '-y', '-qq', 'redis-server'], { stdio: 'ignore', env });
    if (onPath(bin)) return;
  }
  throw new Error(REDIS_INSTALL_HINT);
}

async function waitForReady(port: number, proc: ChildProcess): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`redis-server exited early with code ${proc.exitCode}`);
    const client = new Redis({
      port,
      host: '127.0.0.1',
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    client.on('error', () => {});
    try {
      await client.connect();
      await client.ping();
      client.disconnect();
      return;
    } catch {
      client.disconnect();
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  throw new Error(`redis-server on port ${port} did not become ready`);
}

// However this process ends (a crash, process.exit after Ctrl-C), every server it started and its data dir
// go with it: one 'exit' listener for all of them.
const live = new Set<() => void>();
let reaping = false;
function reapOnExit(reap: () => void): void {
  if (!reaping) {
    reaping = true;
    process.once('exit', () => {
      for (const r of live) r();
    });
  }
  live.add(reap);
}

export async function startRedisServer(opts: RedisServerOptions = {}): Promise<RedisServerHandle> {
  const bin = opts.bin ?? process.env.REDIS_SERVER_BIN ?? 'redis-server';
  ensureRedisServer(bin, opts.install ?? false);
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'td-redis-'));
  const aof = opts.appendOnly !== false;
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--dir',
    dir,
    '--save',
    '',
    '--appendonly',
    aof ? 'yes' : 'no',
    '--appendfsync',
    'always',
    '--protected-mode',
    'no',
    '--loglevel',
    'warning',
  ];
  let proc: ChildProcess | null = null;
  const launch = async () => {
    const p = spawn(bin, args, { stdio: 'ignore' });
    proc = p;
    p.on('error', () => {}); // a spawn failure shows up as exitCode in waitForReady
    await waitForReady(port, p);
  };
  const killProc = async (signal: NodeJS.Signals) => {
    const p: ChildProcess | null = proc;
    if (!p || p.exitCode !== null || p.signalCode !== null) return;
    await new Promise<void>((r) => {
      p.once('exit', () => r());
      p.kill(signal);
    });
  };
  const onExit = () => {
    proc?.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  reapOnExit(onExit);
  try {
    await launch();
  } catch (e) {
    live.delete(onExit);
    await killProc('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    dir,
    kill: () => killProc('SIGKILL'),
    restart: async () => {
      await killProc('SIGKILL');
      await launch();
    },
    stop: async () => {
      live.delete(onExit);
      await killProc('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
