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

if (process.argv[1]?.endsWith('table.ts')) process.stdout.write(`${tableOf(process.argv.slice(2))}\n`);
