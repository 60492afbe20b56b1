// The messages between the benchmark's orchestrator and its child processes (Node IPC), and each child's
// start-up config (JSON in BENCH_CHILD_CONFIG): one zod schema each, parsed on receipt.
import { z } from 'zod';
import { PaceSchema } from './args.js';

const Pct = z.object({ p50: z.number(), p99: z.number(), max: z.number() }).nullable();

export const SheetsChildConfigSchema = z.object({
  port: z.number().int(),
  agents: z.number().int(),
  leads: z.number().int(),
});
export const DialpadChildConfigSchema = z.object({
  port: z.number().int(),
  agents: z.number().int(),
  pace: PaceSchema,
  secret: z.string(),
});
export const FloorChildConfigSchema = z.object({ port: z.number().int() });
export const LoadgenConfigSchema = z.object({
  agents: z.number().int(),
  pace: PaceSchema,
  seconds: z.number(),
  /** --warmup: > 0 opens the supervisor consoles before the warm-up instead of at the window's start. */
  warmupS: z.number(),
  rampSeconds: z.number(),
  startTimeoutSeconds: z.number(),
  /** Coordinator base URLs; agent i talks to instances[i % length]. */
  instances: z.array(z.string()),
  jwtSecret: z.string(),
  redisPort: z.number().int(),
  floorPort: z.number().int(),
  /** Supervisor consoles to open on instances[0] for the window. */
  supervisors: z.number().int(),
});
export type LoadgenConfig = z.infer<typeof LoadgenConfigSchema>;

export const AcceptedSchema = z.object({
  callId: z.string(),
  tab: z.string(),
  row: z.number().int(),
  attemptAfter: z.number().int(),
  acceptedAt: z.number(),
});

export const LoadgenResultSchema = z.object({
  windowStart: z.number(),
  windowEnd: z.number(),
  dispositionsInWindow: z.number().int(),
  dispoToNextCallMs: z.array(z.number()),
  /** When each dispoToNextCallMs sample's request was sent (epoch ms), same order. */
  dispoSentAt: z.array(z.number()),
  /** The load generator's own event-loop blocks ≥ 5 ms in the window: [epoch ms began, ms]. */
  loopBlocks: z.array(z.tuple([z.number(), z.number()])),
  /** Disposition sent → the chained call's first CALL_STATE (Dialpad accepted it). */
  dispoToCallPlacedMs: z.array(z.number()),
  /** [our call id, epoch ms of SHOW_DISPO arrival] for SHOW_DISPOs received in the window. */
  showDispoAt: z.array(z.tuple([z.string(), z.number()])),
  accepted: z.array(AcceptedSchema),
  sessionStartMs: z.array(z.number()),
  allSessionsReadyS: z.number().nullable(),
  sessionsReady: z.number().int(),
  errors: z.record(z.string(), z.number()),
  agentsNotStopped: z.number().int(),
  eventLoopDelayMs: z.object({ p50: z.number(), p99: z.number(), max: z.number() }),
  /** What the supervisor consoles received in the window (null: none opened). */
  supervisorConsoles: z
    .object({
      sockets: z.number().int(),
      diffs: z.number().int(),
      bytes: z.number().int(),
      gaps: z.number().int(),
    })
    .nullable(),
});
export type LoadgenResult = z.infer<typeof LoadgenResultSchema>;

export const ChildMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready'), url: z.string().optional() }),
  z.object({
    type: z.literal('journal'),
    journal: z.record(z.string(), z.array(z.tuple([z.number(), z.number()]))),
  }),
  z.object({
    type: z.literal('deliveries'),
    /** [our call id, first-attempt send time] of every ending webhook (hangup / voicemail / missed). */
    endingSentAt: z.array(z.tuple([z.string(), z.number()])),
    /** Delivery attempts that did not get a 2xx (network error, timeout, 4xx/5xx). */
    failed: z.number().int(),
    total: z.number().int(),
    /** The emulator's own event-loop blocks ≥ 5 ms: [epoch ms began, ms]. */
    loopBlocks: z.array(z.tuple([z.number(), z.number()])),
  }),
  z.object({ type: z.literal('floors'), httpPostMs: Pct, redisPingMs: Pct }),
  z.object({ type: z.literal('sessionsReady') }),
  z.object({ type: z.literal('hooksSet') }),
  z.object({ type: z.literal('windowEnd') }),
  z.object({ type: z.literal('done'), result: LoadgenResultSchema }),
  z.object({ type: z.literal('failed'), error: z.string() }),
]);
export type ChildMessage = z.infer<typeof ChildMessageSchema>;

export const ParentMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('journal') }),
  z.object({ type: z.literal('deliveries') }),
  z.object({ type: z.literal('go') }),
  /** One webhook URL per coordinator instance; agent i's calls go to urls[(i >> 1) % urls.length]. */
  z.object({ type: z.literal('hooks'), urls: z.array(z.string()).min(1) }),
  z.object({ type: z.literal('windDown') }),
]);
export type ParentMessage = z.infer<typeof ParentMessageSchema>;

/** A child's config from BENCH_CHILD_CONFIG (throws with the zod issues when it is bad). */
export function childConfig<T>(schema: z.ZodType<T>): T {
  return schema.parse(JSON.parse(process.env.BENCH_CHILD_CONFIG ?? '{}'));
}

/** Sends a message to the orchestrator (children are always spawned with an IPC channel). */
export function toParent(m: ChildMessage): void {
  process.send?.(m);
}

/** Calls `fn` for every valid message from the orchestrator; exits when the orchestrator goes away. */
export function onParent(fn: (m: ParentMessage) => void): void {
  process.on('message', (raw) => {
    const m = ParentMessageSchema.safeParse(raw);
    if (m.success) fn(m.data);
  });
  process.on('disconnect', () => process.exit(0));
  // A clean exit on SIGTERM, so a --cpu-prof profile is written.
  process.once('SIGTERM', () => process.exit(0));
}
