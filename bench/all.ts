// Runs every benchmark in bench/ (files named *.bench.ts, discovered, so new benches join by existing)
// one after the other, each in its own Node process so they do not disturb each other's heap and JIT,
// and prints ONE JSON array: [{ bench, ok, result | error, wallMs }]. Exit code 1 if any bench failed.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .sort();

type Outcome = { bench: string; ok: boolean; wallMs: number; result?: unknown; error?: string };
const outcomes: Outcome[] = [];
for (const file of files) {
  const bench = basename(file, '.bench.ts');
  const started = Date.now();
  const run = spawnSync(process.execPath, ['--import', 'tsx', join(here, file)], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    env: process.env,
  });
  const wallMs = Date.now() - started;
  // A bench prints one JSON value; take the last non-empty stdout line in case a library logged before it.
  const last = run.stdout
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .pop();
  if (run.status === 0 && last) {
    try {
      outcomes.push({ bench, ok: true, wallMs, result: JSON.parse(last) });
      continue;
    } catch {
      // fall through: not JSON
    }
  }
  const error = (run.stderr || run.error?.message || `exit ${run.status}`)
    .trim()
    .split('\n')
    .slice(-5)
    .join('\n');
  outcomes.push({ bench, ok: false, wallMs, error });
}
process.stdout.write(`${JSON.stringify(outcomes, null, 2)}\n`);
process.exitCode = outcomes.every((o) => o.ok) ? 0 : 1;
