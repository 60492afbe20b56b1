// Fault injection for the emulated APIs, shared by both emulators. A rule selects operations (by name or by
// a group such as `read`/`write`) and fires always, with a probability (seeded), or for the next N
// matching requests; when it fires it adds latency, answers with an HTTP error (before the request takes
// effect, or after it: a gateway that lost the origin's answer), holds the request unanswered (a timeout as
// the client sees it), or closes the connection without an answer (before or after the request takes
// effect).
import { z } from 'zod';
import type { Rng } from './rng.js';

export const FaultRuleSchema = z
  .object({
    /** Operation name, group name or '*'; or a list of them. */
    route: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).default('*'),
    /** Added before answering (also before an injected error). */
    latencyMs: z.number().int().min(0).max(600_000).optional(),
    /** Answer with this HTTP status and the API's own error body for it. */
    status: z.number().int().min(400).max(599).optional(),
    /** When the injected status is answered: `before` the request takes effect (default: nothing changes),
     *  or `after` it (the call is placed, the cells written, and the status replaces the real answer: a
     *  gateway in front of the API that did not get the origin's answer, 502/504, or an origin that failed
     *  after acting, 500). */
    statusWhen: z.enum(['before', 'after']).optional(),
    /** Retry-After header (seconds) sent with an injected 429/503. Default 1 for 429. */
    retryAfterSec: z.number().int().min(0).max(3600).optional(),
    /** Never answer (the socket stays open until the client gives up or the emulator closes): `true` or
     *  `before` acting on the request (nothing changes), `after` it (the request takes effect, its answer
     *  never comes: a server that acted and then stalled, a client killed while it waits). */
    hang: z.union([z.boolean(), z.enum(['before', 'after'])]).optional(),
    /** Close the connection without an answer: `before` acting on the request (nothing changes), or
     *  `after` (the request takes effect, its answer is lost: a crash or a proxy reset mid-request). */
    drop: z.enum(['before', 'after']).optional(),
    /** Fire with this probability (drawn from the emulator's seeded RNG). */
    probability: z.number().min(0).max(1).optional(),
    /** Fire for the next N matching requests only, then the rule removes itself. */
    times: z.number().int().min(1).optional(),
    /** Let this many matching requests through untouched first (e.g. 1: the rule fires from the second). */
    skip: z.number().int().min(1).optional(),
    /** Overrides the error message of an injected status. */
    message: z.string().optional(),
  })
  .strict();
export type FaultRule = z.input<typeof FaultRuleSchema>;
type ParsedRule = z.output<typeof FaultRuleSchema>;

/** What the rules decided for one request. */
export interface FaultDecision {
  latencyMs: number;
  status?: number;
  statusWhen?: 'before' | 'after';
  retryAfterSec?: number;
  hang?: 'before' | 'after';
  drop?: 'before' | 'after';
  message?: string;
}

export class FaultInjector {
  #rules: ParsedRule[] = [];
  readonly #rng: Rng;
  /** group name → operation names it covers. */
  readonly #groups: Readonly<Record<string, readonly string[]>>;

  constructor(rng: Rng, groups: Readonly<Record<string, readonly string[]>> = {}) {
    this.#rng = rng;
    this.#groups = groups;
  }

  /** Replaces every rule (validated: throws a ZodError on a bad rule, leaving the old rules in place). */
  set(rules: readonly FaultRule[]): void {
    this.#rules = rules.map((r) => FaultRuleSchema.parse(r));
  }

  add(rule: FaultRule): void {
    this.#rules.push(FaultRuleSchema.parse(rule));
  }

  clear(): void {
    this.#rules = [];
  }

  list(): ParsedRule[] {
    return this.#rules.map((r) => ({ ...r }));
  }

  #matches(rule: ParsedRule, op: string): boolean {
    const selectors = Array.isArray(rule.route) ? rule.route : [rule.route];
    return selectors.some((s) => s === '*' || s === op || (this.#groups[s]?.includes(op) ?? false));
  }

  /** Decides the faults for one request to operation `op`, consuming `times` budgets. */
  decide(op: string): FaultDecision {
    const decision: FaultDecision = { latencyMs: 0 };
    const spent: ParsedRule[] = [];
    for (const rule of this.#rules) {
      if (!this.#matches(rule, op)) continue;
      if (rule.skip !== undefined && rule.skip > 0) {
        rule.skip -= 1;
        continue;
      }
      if (rule.probability !== undefined && this.#rng() >= rule.probability) continue;
      if (rule.times !== undefined) {
        rule.times -= 1;
        if (rule.times <= 0) spent.push(rule);
      }
      decision.latencyMs += rule.latencyMs ?? 0;
      if (rule.hang && decision.hang === undefined)
        decision.hang = rule.hang === 'after' ? 'after' : 'before';
      if (rule.drop && decision.drop === undefined) decision.drop = rule.drop;
      if (rule.status !== undefined && decision.status === undefined) {
        decision.status = rule.status;
        if (rule.statusWhen !== undefined) decision.statusWhen = rule.statusWhen;
        const retryAfter = rule.retryAfterSec ?? (rule.status === 429 ? 1 : undefined);
        if (retryAfter !== undefined) decision.retryAfterSec = retryAfter;
        if (rule.message !== undefined) decision.message = rule.message;
      }
    }
    if (spent.length) this.#rules = this.#rules.filter((r) => !spent.includes(r));
    return decision;
  }
}
