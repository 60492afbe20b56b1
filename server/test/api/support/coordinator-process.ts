// Runs the coordinator as a real child process (`node --import tsx server/src/server.ts`, the same entry
// point as `npm start`), so a test can SIGKILL it: a crash, not a graceful stop. Its stdout/stderr go to an
// in-memory buffer that the test prints only when something failed. Ready = GET /readyz answers 200.
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

export interface CoordinatorProcess {
  readonly baseUrl: string;
  readonly pid: number;
  /** Everything the child wrote to stdout and stderr so far. */
  logs(): string;
  /** SIGKILL, then waits for the exit. Safe to call twice. */
  kill(): Promise<void>;
}

/** Starts `server/src/server.ts` with exactly `env` on top of PATH/HOME, on `port`; waits for /readyz. */
export async function startCoordinatorProcess(
  port: number,
  env: Record<string, string>,
  readyTimeoutMs = 20_000,
): Promise<CoordinatorProcess> {
  const baseUrl = `http://127.0.0.1:${port}`;
  let out = '';
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'server/src/server.ts'], {
    cwd: REPO_ROOT,
    // Only what node needs from the parent: a stray REDIS_URL or LOG_LEVEL of the runner must not leak in.
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (b: Buffer) => {
    out += b.toString();
  });
  child.stderr?.on('data', (b: Buffer) => {
    out += b.toString();
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const alive = () => child.exitCode === null && child.signalCode === null;
  const handle: CoordinatorProcess = {
    baseUrl,
    pid: child.pid ?? -1,
    logs: () => out,
    kill: async () => {
      if (alive()) child.kill('SIGKILL');
      await exited;
    },
  };
  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    if (!alive()) throw new Error(`coordinator exited before ready (code ${child.exitCode}):\n${out}`);
    const ok = await fetch(`${baseUrl}/readyz`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) return handle;
    if (Date.now() > deadline) {
      await handle.kill();
      throw new Error(`coordinator not ready within ${readyTimeoutMs} ms:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
