// Webhook delivery faults: drop, duplicate, delay or reorder a call event on its way to a hook. A rule may
// be limited to some call states and fires always, with a (seeded) probability, or for the next N events.
import { z } from 'zod';
import type { Rng } from '../common/rng.js';

export const WebhookFaultSchema = z
  .object({
    action: z.enum(['drop', 'duplicate', 'delay', 'reorder']),
    /** Only events in these states (default: every state). */
    states: z.array(z.string()).optional(),
    probability: z.number().min(0).max(1).optional(),
    times: z.number().int().min(1).optional(),
    /** delay: how long the event is held (default 500 ms). Later events of the call overtake it. */
    delayMs: z.number().int().min(0).max(600_000).optional(),
    /** duplicate: extra identical copies sent (default 1). */
    copies: z.number().int().min(1).max(20).optional(),
  })
  .strict();
export type WebhookFault = z.input<typeof WebhookFaultSchema>;
type Parsed = z.output<typeof WebhookFaultSchema>;

export interface WebhookFaultDecision {
  drop: boolean;
  copies: number;
  delayMs: number;
  reorder: boolean;
}

export class WebhookFaultInjector {
  #rules: Parsed[] = [];
  readonly #rng: Rng;

  constructor(rng: Rng) {
    this.#rng = rng;
  }

  set(rules: readonly WebhookFault[]): void {
    this.#rules = rules.map((r) => WebhookFaultSchema.parse(r));
  }

  add(rule: WebhookFault): void {
    this.#rules.push(WebhookFaultSchema.parse(rule));
  }

  clear(): void {
    this.#rules = [];
  }

  list(): Parsed[] {
    return this.#rules.map((r) => ({ ...r }));
  }

  decide(state: string): WebhookFaultDecision {
    const d: WebhookFaultDecision = { drop: false, copies: 0, delayMs: 0, reorder: false };
    const spent: Parsed[] = [];
    for (const rule of this.#rules) {
      if (rule.states && !rule.states.includes(state)) continue;
      if (rule.probability !== undefined && this.#rng() >= rule.probability) continue;
      if (rule.times !== undefined) {
        rule.times -= 1;
        if (rule.times <= 0) spent.push(rule);
      }
      if (rule.action === 'drop') d.drop = true;
      if (rule.action === 'duplicate') d.copies += rule.copies ?? 1;
      if (rule.action === 'delay') d.delayMs += rule.delayMs ?? 500;
      if (rule.action === 'reorder') d.reorder = true;
    }
    if (spent.length) this.#rules = this.#rules.filter((r) => !spent.includes(r));
    return d;
  }
}
