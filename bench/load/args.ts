// `npm run bench:load` arguments: parsed once with node:util parseArgs and validated with zod, so a typo or
// an out-of-range value stops the run before anything is started. Pure (no I/O), tested in args.test.ts.
import { parseArgs } from 'node:util';
import { z } from 'zod';

/** realistic: ~20-s calls (500 agents ≈ 25 cycles/s); max: no waiting; idle: every call connects and talks
 *  for an hour, so the window holds no cycle at all and measures the background cost of the sessions. */
export const PaceSchema = z.enum(['realistic', 'max', 'idle']);
export type Pace = z.infer<typeof PaceSchema>;

export const BenchArgsSchema = z.object({
  agents: z.coerce.number().int().min(1).max(2000),
  /** Length of the measured window, in seconds (sessions start before it, the drain follows it). */
  seconds: z.coerce.number().int().min(5).max(1800),
  /** Seconds the agents cycle at the run's pace after every session is ready and before the measured window
   *  (V8's optimising compiler's first seconds stay out of it). 0 (the default): the window starts at once. */
  warmupS: z.coerce.number().int().min(0).max(600),
  instances: z.coerce.number().int().min(1).max(2),
  pace: PaceSchema,
  /** Sessions are started uniformly over this many seconds (the morning start storm). */
  rampSeconds: z.coerce.number().min(0).max(300),
  leadsPerAgent: z.coerce.number().int().min(10).max(1000),
  /** Coordinator LOG_LEVEL (production default: info), written to the run directory. */
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
  /** Run the coordinator(s) under `node --cpu-prof` and print the top self-time functions. */
  profile: z.boolean(),
  /** Sessions not ready this long after the first start are given up (reported); the window starts. */
  startTimeoutSeconds: z.coerce.number().int().min(5).max(3600),
  /** How long to wait, after the window, for every accepted disposition to land in the sheet. */
  drainTimeoutSeconds: z.coerce.number().int().min(5).max(1800),
  /** Supervisor consoles watching every agent over /supervisor/ws during the window (issue 11). */
  supervisors: z.coerce.number().int().min(0).max(20),
  /** Agent counts to run one after the other (a fresh stack each), reported as one table: the highest rate
   *  whose p99s stay within a limit (`--sweep 5,10,20,50 --pace max`). Null: one run of `agents`. */
  sweep: z.array(z.number().int().min(1).max(2000)).min(1).max(12).nullable(),
  /** Whether --ramp was given (a sweep otherwise ramps each step by its own agent count). */
  rampGiven: z.boolean(),
  /** Each coordinator capped at this many cores (cgroup v1 CFS quota, cpu-cap.ts), so the coordinator and
   *  not the shared machine limits the rate. Null (the default): no cap. */
  coordinatorCpus: z.coerce.number().min(0.05).max(8).nullable(),
  /** One more coordinator on the same Redis that serves nothing: its CPU per cycle is what each instance
   *  pays for the others' cycles. */
  observer: z.boolean(),
});
export type BenchArgs = z.infer<typeof BenchArgsSchema>;

export const USAGE =
  'usage: npm run bench:load -- --agents N --seconds S --instances 1|2 [--pace realistic|max|idle] [--warmup 0] ' +
  '[--ramp S] [--leads 100] [--log-level info] [--profile] [--start-timeout 300] [--drain-timeout 180] ' +
  '[--supervisors 0] [--sweep 5,10,20,50] [--coordinator-cpus 0.5] [--observer]';

/** Default ramp: 1 s per 20 agents, at most 30 s (500 agents press Play within half a minute). */
export const defaultRampSeconds = (agents: number): number => Math.min(30, agents / 20);

export function parseBenchArgs(argv: readonly string[]): BenchArgs {
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({
      args: [...argv],
      options: {
        agents: { type: 'string' },
        seconds: { type: 'string' },
        warmup: { type: 'string' },
        instances: { type: 'string' },
        pace: { type: 'string' },
        ramp: { type: 'string' },
        leads: { type: 'string' },
        'log-level': { type: 'string' },
        profile: { type: 'boolean' },
        'drain-timeout': { type: 'string' },
        'start-timeout': { type: 'string' },
        supervisors: { type: 'string' },
        sweep: { type: 'string' },
        'coordinator-cpus': { type: 'string' },
        observer: { type: 'boolean' },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (e) {
    throw new Error(`${e instanceof Error ? e.message : String(e)}\n${USAGE}`);
  }
  const agents = values.agents ?? '1';
  const parsed = BenchArgsSchema.safeParse({
    agents,
    seconds: values.seconds ?? '30',
    warmupS: values.warmup ?? '0',
    instances: values.instances ?? '1',
    pace: values.pace ?? 'realistic',
    rampSeconds: values.ramp ?? defaultRampSeconds(Number(agents)),
    leadsPerAgent: values.leads ?? '100',
    logLevel: values['log-level'] ?? 'info',
    profile: values.profile === true,
    drainTimeoutSeconds: values['drain-timeout'] ?? '180',
    startTimeoutSeconds: values['start-timeout'] ?? '300',
    supervisors: values.supervisors ?? '0',
    sweep:
      typeof values.sweep === 'string'
        ? values.sweep.split(',').map((n) => (/^\s*\d+\s*$/.test(n) ? Number(n) : Number.NaN))
        : null,
    rampGiven: values.ramp !== undefined,
    coordinatorCpus: values['coordinator-cpus'] ?? null,
    observer: values.observer === true,
  });
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('\n');
    throw new Error(`${problems}\n${USAGE}`);
  }
  return parsed.data;
}
