// How an emulated call ends. In priority order: the scripted queue (tests push exact outcomes), a rule
// matching the dialed number, a seeded random mix (the demo), then the default. Each outcome is a fixed
// sequence of Dialpad call states.
import { z } from 'zod';
import type { Rng } from '../common/rng.js';

export const CALL_OUTCOMES = ['connected', 'no_answer', 'voicemail', 'missed', 'busy', 'manual'] as const;
export type CallOutcome = (typeof CALL_OUTCOMES)[number];

/**
 * The states each outcome plays (webhook order). `manual` stays connected until a test ends it
 * (`/__emulator/calls/:id/end`) or the hangup API is called.
 */
export const OUTCOME_STATES: Readonly<Record<CallOutcome, readonly string[]>> = {
  connected: ['calling', 'ringing', 'connected', 'hangup'],
  no_answer: ['calling', 'ringing', 'hangup'],
  voicemail: ['calling', 'ringing', 'voicemail'],
  missed: ['calling', 'ringing', 'missed'],
  busy: ['calling', 'hangup'],
  manual: ['calling', 'ringing', 'connected'],
};

export const OutcomeSpecSchema = z
  .object({
    outcome: z.enum(CALL_OUTCOMES),
    /** Overrides timings.ringMs (or noAnswerMs) for this call. */
    ringMs: z.number().int().min(0).optional(),
    /** Overrides timings.talkMs for this call. */
    talkMs: z.number().int().min(0).optional(),
  })
  .strict();
export type OutcomeSpec = z.infer<typeof OutcomeSpecSchema>;

const OutcomeOrSpec = z.union([z.enum(CALL_OUTCOMES), OutcomeSpecSchema]);

export const OutcomePlanSchema = z
  .object({
    /** First match wins; `pattern` is a regular expression tested against the E.164 number. */
    byNumber: z.array(z.object({ pattern: z.string(), outcome: OutcomeOrSpec }).strict()).optional(),
    /** Relative weights, drawn with the emulator's seeded RNG. */
    mix: z.partialRecord(z.enum(CALL_OUTCOMES), z.number().min(0)).optional(),
    default: OutcomeOrSpec.optional(),
  })
  .strict();
export type OutcomePlan = z.input<typeof OutcomePlanSchema>;

/** The demo's mix: 30% answered, 40% no answer, 20% voicemail, 10% missed. */
export const DEMO_OUTCOME_MIX = { connected: 0.3, no_answer: 0.4, voicemail: 0.2, missed: 0.1 } as const;

const toSpec = (o: z.infer<typeof OutcomeOrSpec>): OutcomeSpec =>
  typeof o === 'string' ? { outcome: o } : o;

export class OutcomePicker {
  #queue: OutcomeSpec[] = [];
  #plan: z.output<typeof OutcomePlanSchema> = {};
  #rules: { re: RegExp; spec: OutcomeSpec }[] = [];
  readonly #rng: Rng;

  constructor(rng: Rng, plan: OutcomePlan = {}) {
    this.#rng = rng;
    this.setPlan(plan);
  }

  setPlan(plan: OutcomePlan): void {
    const parsed = OutcomePlanSchema.parse(plan);
    const rules = (parsed.byNumber ?? []).map((r) => ({
      re: new RegExp(r.pattern),
      spec: toSpec(r.outcome),
    }));
    this.#plan = parsed;
    this.#rules = rules;
  }

  get plan(): OutcomePlan {
    return this.#plan;
  }

  /** Appends outcomes that the next calls take, in order (before any rule or mix). */
  enqueue(...outcomes: (CallOutcome | OutcomeSpec)[]): void {
    this.#queue.push(...outcomes.map((o) => OutcomeSpecSchema.parse(toSpec(o))));
  }

  get queue(): readonly OutcomeSpec[] {
    return this.#queue;
  }

  clearQueue(): void {
    this.#queue = [];
  }

  pick(phoneE164: string): OutcomeSpec {
    const queued = this.#queue.shift();
    if (queued) return queued;
    const rule = this.#rules.find((r) => r.re.test(phoneE164));
    if (rule) return rule.spec;
    const mix = Object.entries(this.#plan.mix ?? {}).filter(([, w]) => (w ?? 0) > 0) as [
      CallOutcome,
      number,
    ][];
    const total = mix.reduce((n, [, w]) => n + w, 0);
    if (total > 0) {
      let x = this.#rng() * total;
      for (const [outcome, w] of mix) {
        x -= w;
        if (x < 0) return { outcome };
      }
    }
    return this.#plan.default ? toSpec(this.#plan.default) : { outcome: 'connected' };
  }
}
