// Renders bench:load result files (bench/results/*.json) as the markdown table of docs/performance.md:
// `npx tsx bench/load/table.ts bench/results/load-500a-1i-realistic-….json …`.
import { readFileSync } from 'node:fs';
import { z } from 'zod';

const Pct = z.object({ p50: z.number(), p99: z.number() }).nullable();
const ResultSchema = z.object({
  agents: z.number(),
  instances: z.number(),
  pace: z.string(),
  seconds: z.number(),
  dispositionsPerSecond: z.number(),
  dispoToNextCallMs: Pct,
  webhookToShowDispoMs: Pct,
  sessionStartMs: Pct,
  allSessionsReadyS: z.number().nullable(),
  sessionsReady: z.number().optional(),
  redisCommandsPerCycle: z.number().nullable(),
  coordinatorCpuMsPerCycle: z.number().nullable(),
  coordinatorRssMb: z.number(),
  sheetsRequestsPerDisposition: z.number().nullable(),
  sheetLagMs: Pct,
  drainS: z.number().nullable(),
  errors: z.number(),
  lostDispositions: z.number(),
  cpuPercentOfOneCore: z.record(z.string(), z.number()),
});

const pct = (p: z.infer<typeof Pct>) => (p ? `${p.p50} / ${p.p99}` : '—');
const n = (v: number | null | undefined) => (v === null || v === undefined ? '—' : String(v));

export function tableOf(files: readonly string[]): string {
  const head =
    '| agents | inst. | pace | dispo/s | dispo → next call p50 / p99 ms | webhook → SHOW_DISPO p50 / p99 ms | session start p50 / p99 ms | all ready s | Redis cmds / cycle | coord. CPU ms / cycle | coord. RSS MB | Sheets req / dispo | sheet lag p50 / p99 ms | drain s | errors | lost | CPU % (coord. / redis / emulators / load gen / machine of 2 cores) |';
  const sep = `|${'---|'.repeat(head.split('|').length - 2)}`;
  const rows = files.map((f) => {
    const r = ResultSchema.parse(JSON.parse(readFileSync(f, 'utf8')));
    const cpu = r.cpuPercentOfOneCore;
    const coord = Object.entries(cpu)
      .filter(([k]) => k.startsWith('coordinator'))
      .map(([, v]) => v)
      .join('+');
    const emus = `${cpu['dialpad-emulator'] ?? 0}+${cpu['sheets-emulator'] ?? 0}`;
    const ready =
      r.allSessionsReadyS !== null
        ? String(r.allSessionsReadyS)
        : `— (${r.sessionsReady ?? '?'} of ${r.agents} ready)`;
    return `| ${r.agents} | ${r.instances} | ${r.pace} | ${r.dispositionsPerSecond} | ${pct(r.dispoToNextCallMs)} | ${pct(r.webhookToShowDispoMs)} | ${pct(r.sessionStartMs)} | ${ready} | ${n(r.redisCommandsPerCycle)} | ${n(r.coordinatorCpuMsPerCycle)} | ${r.coordinatorRssMb} | ${n(r.sheetsRequestsPerDisposition)} | ${pct(r.sheetLagMs)} | ${n(r.drainS)} | ${r.errors} | ${r.lostDispositions} | ${coord} / ${cpu.redis ?? 0} / ${emus} / ${cpu['load-generator'] ?? 0} / ${cpu.machineBusyPercentOfAllCores ?? 0} |`;
  });
  return [head, sep, ...rows].join('\n');
}

type Result = z.infer<typeof ResultSchema>;
const load = (f: string): Result => ResultSchema.parse(JSON.parse(readFileSync(f, 'utf8')));

/** Issue 13's targets judged on a 500-agent realistic run and the max-pace runs with 1 and 2 instances. */
export function targetsOf(realistic: string, max1: string, max2: string): string {
  const r = load(realistic);
  const m1 = load(max1);
  const m2 = load(max2);
  const row = (target: string, measured: string, met: boolean) =>
    `| ${target} | ${measured} | ${met ? 'met' : '**missed**'} |`;
  const le = (v: number | null | undefined, limit: number) => v !== null && v !== undefined && v <= limit;
  const p99 = (p: Result['dispoToNextCallMs']) => (p ? p.p99 : null);
  return [
    '| target | measured | |',
    '|---|---|---|',
    row(
      '500 agents: dispo → next call p99 ≤ 10 ms',
      `${n(p99(r.dispoToNextCallMs))} ms`,
      le(p99(r.dispoToNextCallMs), 10),
    ),
    row(
      '500 agents: webhook → SHOW_DISPO p99 ≤ 10 ms',
      `${n(p99(r.webhookToShowDispoMs))} ms`,
      le(p99(r.webhookToShowDispoMs), 10),
    ),
    row('500 agents: 0 errors', String(r.errors), r.errors === 0),
    row('500 agents: 0 lost', String(r.lostDispositions), r.lostDispositions === 0),
    row('500 agents: sheet lag p99 ≤ 5 s', `${n(p99(r.sheetLagMs))} ms`, le(p99(r.sheetLagMs), 5000)),
    row('500 agents: all sessions ready ≤ 60 s', `${n(r.allSessionsReadyS)} s`, le(r.allSessionsReadyS, 60)),
    row(
      'max pace: p99 ≤ 50 ms (dispo → next call, webhook → SHOW_DISPO)',
      `${n(p99(m1.dispoToNextCallMs))} / ${n(p99(m1.webhookToShowDispoMs))} ms at ${m1.dispositionsPerSecond}/s`,
      le(p99(m1.dispoToNextCallMs), 50) && le(p99(m1.webhookToShowDispoMs), 50),
    ),
    row(
      'max pace: 2 instances > 1 instance (cycles/s)',
      `${m2.dispositionsPerSecond} vs ${m1.dispositionsPerSecond}`,
      m2.dispositionsPerSecond > m1.dispositionsPerSecond,
    ),
    row(
      'Redis commands per cycle ≤ 30',
      `${n(r.redisCommandsPerCycle)} (max pace ${n(m1.redisCommandsPerCycle)})`,
      le(r.redisCommandsPerCycle, 30) && le(m1.redisCommandsPerCycle, 30),
    ),
    row(
      'coordinator CPU per cycle ≤ 1 ms',
      `${n(r.coordinatorCpuMsPerCycle)} ms (max pace ${n(m1.coordinatorCpuMsPerCycle)})`,
      le(r.coordinatorCpuMsPerCycle, 1) && le(m1.coordinatorCpuMsPerCycle, 1),
    ),
    row(
      'Sheets requests per disposition ≤ 0.05',
      n(r.sheetsRequestsPerDisposition),
      le(r.sheetsRequestsPerDisposition, 0.05),
    ),
  ].join('\n');
}

if (process.argv[1]?.endsWith('table.ts')) {
  const args = process.argv.slice(2);
  if (args[0] === '--targets') {
    const [realistic, max1, max2] = args.slice(1);
    if (!realistic || !max1 || !max2)
      throw new Error('usage: table.ts --targets <500 realistic> <max 1i> <max 2i>');
    process.stdout.write(`${targetsOf(realistic, max1, max2)}\n`);
  } else process.stdout.write(`${tableOf(args)}\n`);
}
