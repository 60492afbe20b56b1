// Reads a V8 .cpuprofile (node --cpu-prof) and lists the functions with the most self time, as the
// benchmark report's `profile` (and `npx tsx bench/load/profile-top.ts <file> [n]` by hand).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';

const ProfileSchema = z.object({
  nodes: z.array(
    z.object({
      id: z.number(),
      callFrame: z.object({ functionName: z.string(), url: z.string(), lineNumber: z.number() }),
    }),
  ),
  samples: z.array(z.number()),
  timeDeltas: z.array(z.number()),
});

export interface ProfileEntry {
  fn: string;
  selfMs: number;
  selfPercent: number;
}

/** The `n` functions with the most self time (by function, file and line), program idle excluded. */
export function topSelfTime(file: string, n = 15): { totalMs: number; top: ProfileEntry[] } {
  const p = ProfileSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
  const label = new Map<number, string>();
  for (const node of p.nodes) {
    const { functionName, url, lineNumber } = node.callFrame;
    const where = url
      ? `${url.replace(/^file:\/\/.*?\/(node_modules|server|src-shared)\//, '$1/')}:${lineNumber + 1}`
      : '';
    label.set(node.id, `${functionName || '(anonymous)'}${where ? ` ${where}` : ''}`);
  }
  const self = new Map<string, number>();
  let total = 0;
  p.samples.forEach((id, i) => {
    const l = label.get(id) ?? '?';
    if (l.startsWith('(idle)')) return;
    const dt = (p.timeDeltas[i] ?? 0) / 1000;
    total += dt;
    self.set(l, (self.get(l) ?? 0) + dt);
  });
  const top = [...self.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([fn, ms]) => ({ fn, selfMs: Math.round(ms), selfPercent: Math.round((1000 * ms) / total) / 10 }));
  return { totalMs: Math.round(total), top };
}

/** The main thread's profile in `dir`: the largest .cpuprofile there. */
export function mainProfileIn(dir: string): string {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .map((f) => join(dir, f))
    .sort((a, b) => statSync(b).size - statSync(a).size);
  if (!files[0]) throw new Error(`no .cpuprofile in ${dir}`);
  return files[0];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const file = process.argv[2];
  if (!file) throw new Error('usage: tsx bench/load/profile-top.ts <file.cpuprofile> [n]');
  process.stdout.write(
    `${JSON.stringify({ file: basename(file), ...topSelfTime(file, Number(process.argv[3] ?? 25)) }, null, 2)}\n`,
  );
}
