// Where a process's bytes go: V8's sampling heap profiler driven over the inspector protocol, counting every
// sampled allocation (also those a scavenge or a mark-sweep already collected: the allocation rate, not what
// is retained, which is all `node --heap-prof` keeps), and a list of the top allocation sites. Used by
// bench/cycle-cost.ts `--heap-prof dir` (the coordinator runs with `--inspect` on a free port);
// `npx tsx bench/heap-sampling.ts <file.heapprofile> [n]` lists a saved profile by hand;
// `npx tsx bench/heap-sampling.ts --survivors <inspector port> <seconds> [n]` lists, per second, the bytes a
// running process allocated in that time and still holds at its end (its scavenges' survivors).
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import WebSocket from 'ws';
import { z } from 'zod';

interface HeapNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: HeapNode[];
}
const HeapNodeSchema: z.ZodType<HeapNode> = z.lazy(() =>
  z.object({
    callFrame: z.object({ functionName: z.string(), url: z.string(), lineNumber: z.number() }),
    selfSize: z.number(),
    children: z.array(HeapNodeSchema),
  }),
);
export const HeapProfileSchema = z.object({ head: HeapNodeSchema });
export type HeapProfile = z.infer<typeof HeapProfileSchema>;

const CdpAnswerSchema = z.object({
  id: z.number().optional(),
  result: z.unknown().optional(),
  error: z.object({ message: z.string() }).optional(),
});

/** A sampling session on the process whose inspector listens on `port`. With `survivorsOnly`, the profile
 *  keeps only the sampled objects still alive when it stops (what a scavenge must copy or promote). */
export async function startHeapSampling(
  port: number,
  samplingIntervalBytes = 8192,
  survivorsOnly = false,
): Promise<{ stop: () => Promise<HeapProfile> }> {
  const targets = z
    .array(z.object({ webSocketDebuggerUrl: z.string() }))
    .parse(await (await fetch(`http://127.0.0.1:${port}/json/list`)).json());
  const url = targets[0]?.webSocketDebuggerUrl;
  if (!url) throw new Error(`no inspector target on port ${port}`);
  const ws = new WebSocket(url);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  let seq = 0;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  ws.on('message', (data) => {
    const msg = CdpAnswerSchema.parse(JSON.parse(String(data)));
    if (msg.id === undefined) return;
    const p = pending.get(msg.id);
    pending.delete(msg.id);
    if (msg.error) p?.reject(new Error(msg.error.message));
    else p?.resolve(msg.result);
  });
  const call = (method: string, params: Record<string, unknown> = {}) =>
    new Promise<unknown>((resolve, reject) => {
      seq += 1;
      pending.set(seq, { resolve, reject });
      ws.send(JSON.stringify({ id: seq, method, params }));
    });
  await call('HeapProfiler.enable');
  await call('HeapProfiler.startSampling', {
    samplingInterval: samplingIntervalBytes,
    includeObjectsCollectedByMajorGC: !survivorsOnly,
    includeObjectsCollectedByMinorGC: !survivorsOnly,
  });
  return {
    stop: async () => {
      const result = z.object({ profile: HeapProfileSchema }).parse(await call('HeapProfiler.stopSampling'));
      ws.close();
      return result.profile;
    },
  };
}

const shortUrl = (url: string) =>
  url.replace(/^file:\/\/.*?\/(node_modules|server|src-shared|bench)\//, '$1/').replace(/^node:/, 'node:');
const frameLabel = (f: HeapNode['callFrame']) =>
  `${f.functionName || '(anonymous)'}${f.url ? ` ${shortUrl(f.url)}:${f.lineNumber + 1}` : ''}`;
const OURS = /\/(server|src-shared)\//;

export interface AllocationSite {
  site: string;
  bytesPerCycle: number;
  percent: number;
}

/**
 * The top sites of a profile: `self` by the allocating function; `ours` by the innermost frame of this
 * project's code (server/, src-shared/) on the allocating stack, so bytes a library allocates for a call we
 * make land on our call site.
 */
export function topAllocationSites(
  profile: HeapProfile,
  cycles: number,
  n = 25,
): { totalKbPerCycle: number; self: AllocationSite[]; ours: AllocationSite[] } {
  const self = new Map<string, number>();
  const ours = new Map<string, number>();
  let total = 0;
  const walk = (node: HeapNode, ourFrame: string) => {
    const here = OURS.test(node.callFrame.url) ? frameLabel(node.callFrame) : ourFrame;
    if (node.selfSize > 0) {
      total += node.selfSize;
      const label = frameLabel(node.callFrame);
      self.set(label, (self.get(label) ?? 0) + node.selfSize);
      ours.set(here, (ours.get(here) ?? 0) + node.selfSize);
    }
    for (const c of node.children) walk(c, here);
  };
  walk(profile.head, '(outside server/ and src-shared/)');
  const list = (m: Map<string, number>) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([site, bytes]) => ({
        site,
        bytesPerCycle: Math.round(bytes / cycles),
        percent: Math.round((1000 * bytes) / total) / 10,
      }));
  return { totalKbPerCycle: Math.round(total / cycles / 1024), self: list(self), ours: list(ours) };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href && process.argv[2] === '--survivors') {
  // `--survivors <inspector port> <seconds> [n]`: what a running process (node --inspect) allocated over
  // the next <seconds> and still holds at their end: the objects its scavenges copy and promote.
  const [port, seconds, n] = process.argv.slice(3).map(Number);
  if (!port || !seconds)
    throw new Error('usage: npx tsx bench/heap-sampling.ts --survivors <port> <seconds> [n]');
  const sampling = await startHeapSampling(port, 8192, true);
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const profile = await sampling.stop();
  process.stdout.write(`${JSON.stringify(topAllocationSites(profile, seconds, n || 30), null, 2)}\n`);
} else if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const file = process.argv[2];
  if (!file) throw new Error('usage: npx tsx bench/heap-sampling.ts <file.heapprofile> [n]');
  const profile = HeapProfileSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
  process.stdout.write(
    `${JSON.stringify(topAllocationSites(profile, 1, Number(process.argv[3] ?? 30)), null, 2)}\n`,
  );
}
