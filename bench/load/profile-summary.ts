// Summarises a V8 .cpuprofile (node --cpu-prof) by function: self time and total (inclusive: on the stack)
// time, over the whole profile or a span of it, plus the busy ms per 10-s slice so the measured window can
// be picked out of a benchmark run's profile (start storm, window, drain). By hand:
//   npx tsx bench/load/profile-summary.ts <file.cpuprofile> [--from S] [--to S] [--top N] [--match RE]
// --from/--to are seconds since the profile started; --match keeps only functions whose label matches.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { labelOf, ProfileSchema } from './profile-stalls.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    from: { type: 'string' },
    to: { type: 'string' },
    top: { type: 'string', default: '40' },
    match: { type: 'string' },
  },
});
const file = positionals[0];
if (!file) throw new Error('usage: profile-summary.ts <file.cpuprofile> [--from S] [--to S] [--top N]');
const p = ProfileSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
const fromUs = values.from === undefined ? -Infinity : Number(values.from) * 1e6;
const toUs = values.to === undefined ? Infinity : Number(values.to) * 1e6;
const n = Number(values.top);
const match = values.match ? new RegExp(values.match) : undefined;

const parent = new Map<number, number>();
const byId = new Map(p.nodes.map((node) => [node.id, node]));
for (const node of p.nodes) for (const c of node.children ?? []) parent.set(c, node.id);

const self = new Map<string, number>();
const total = new Map<string, number>();
const slices = new Map<number, number>();
let busyUs = 0;
let at = 0;
p.samples.forEach((id, i) => {
  const dt = p.timeDeltas[i + 1] ?? 0; // a sample lasts until the next one
  at += p.timeDeltas[i] ?? 0;
  const node = byId.get(id);
  if (!node || node.callFrame.functionName === '(idle)') return;
  const slice = Math.floor(at / 10e6);
  slices.set(slice, (slices.get(slice) ?? 0) + dt);
  if (at < fromUs || at > toUs) return;
  busyUs += dt;
  const leaf = labelOf(node);
  self.set(leaf, (self.get(leaf) ?? 0) + dt);
  const seen = new Set<string>();
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    const n2 = byId.get(cur);
    if (!n2) break;
    const l = labelOf(n2);
    if (seen.has(l)) continue;
    seen.add(l);
    total.set(l, (total.get(l) ?? 0) + dt);
  }
});

const ms = (us: number) => Math.round(us / 100) / 10;
const list = (m: Map<string, number>) =>
  [...m.entries()]
    .filter(([l]) => !match || match.test(l))
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(
      ([l, us]) => `${String(ms(us)).padStart(9)} ms ${((100 * us) / busyUs).toFixed(1).padStart(5)} %  ${l}`,
    );

console.log(
  `busy ms per 10 s: ${[...slices.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([s, us]) => `${s * 10}s:${ms(us)}`)
    .join(' ')}`,
);
console.log(`\nbusy in span: ${ms(busyUs)} ms\n\n== self ==\n${list(self).join('\n')}`);
console.log(`\n== total (inclusive) ==\n${list(total).join('\n')}`);
