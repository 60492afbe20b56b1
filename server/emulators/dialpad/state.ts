// The Dialpad emulator's state and direct-access API for tests: users, calls, outcomes, webhooks and
// subscriptions, API and webhook faults, the initiate_call rate limiter, and the logs of requests and
// webhook deliveries.
import { FaultInjector, type FaultRule } from '../common/faults.js';
import type { Logger } from '../common/log.js';
import { RequestLog } from '../common/request-log.js';
import { createRng } from '../common/rng.js';
import { CallPlayer, type CallRecord, type CallTimings, DEFAULT_TIMINGS, type DialpadUser } from './calls.js';
import { type CallOutcome, type OutcomePlan, OutcomePicker, type OutcomeSpec } from './outcomes.js';
import type { WebhookFault } from './webhook-faults.js';
import { type DeliveryOptions, type DeliveryRecord, WebhookHub } from './webhooks.js';

export interface DialpadStateOptions {
  users: readonly DialpadUser[];
  timings?: Partial<CallTimings>;
  outcomes?: OutcomePlan;
  apiFaults?: readonly FaultRule[];
  webhookFaults?: readonly WebhookFault[];
  /** initiate_call requests per minute per target user; null = unlimited. Default 5 (Dialpad's limit). */
  rateLimitPerMin?: number | null;
  /** Refuse initiate_call while the user has a live call ("User is currently on a call"). Default true. */
  rejectWhenBusy?: boolean;
  delivery?: Partial<DeliveryOptions>;
  /** The company's other Dialpad numbers (main line, departments): valid outbound_caller_id values
   *  besides the users' own numbers. */
  companyNumbers?: readonly string[];
  seed?: number;
  logger: Logger;
}

export class DialpadEmulatorState {
  readonly users = new Map<string, DialpadUser>();
  readonly requestLog = new RequestLog();
  readonly apiFaults: FaultInjector;
  readonly hub: WebhookHub;
  readonly outcomes: OutcomePicker;
  readonly player: CallPlayer;
  rateLimitPerMin: number | null;
  rejectWhenBusy: boolean;
  /** Every number of the company (users' and companyNumbers): the only caller IDs Dialpad lets a call use. */
  readonly companyNumbers = new Set<string>();
  readonly #initiations = new Map<string, number[]>();

  constructor(opts: DialpadStateOptions) {
    const seed = opts.seed ?? 1;
    opts.users.forEach((u, i) => {
      // Fictional 555-01xx Dialpad numbers for users given without one.
      this.users.set(u.id, { ...u, phone: u.phone ?? `+1650555${String(100 + (i % 100)).padStart(4, '0')}` });
    });
    for (const u of this.users.values()) if (u.phone) this.companyNumbers.add(u.phone);
    for (const n of opts.companyNumbers ?? []) this.companyNumbers.add(n);
    this.apiFaults = new FaultInjector(createRng(seed + 1));
    if (opts.apiFaults) this.apiFaults.set(opts.apiFaults);
    this.hub = new WebhookHub(
      createRng(seed + 2),
      { retries: 2, jwtTtlSec: 300, timeoutMs: 5000, ...opts.delivery },
      opts.logger,
    );
    if (opts.webhookFaults) this.hub.faults.set(opts.webhookFaults);
    this.outcomes = new OutcomePicker(createRng(seed + 3), opts.outcomes ?? {});
    this.player = new CallPlayer({
      users: this.users,
      timings: { ...DEFAULT_TIMINGS, ...opts.timings },
      rng: createRng(seed + 4),
      publish: (event, userId) => this.hub.publish(event, userId),
    });
    this.rateLimitPerMin = opts.rateLimitPerMin === undefined ? 5 : opts.rateLimitPerMin;
    this.rejectWhenBusy = opts.rejectWhenBusy ?? true;
  }

  /** Records an initiate_call for the user; returns seconds to wait when over the limit, else 0. */
  takeRateSlot(userId: string, now: number): number {
    if (this.rateLimitPerMin === null) return 0;
    const recent = (this.#initiations.get(userId) ?? []).filter((t) => now - t < 60_000);
    if (recent.length >= this.rateLimitPerMin) {
      this.#initiations.set(userId, recent);
      return Math.max(1, Math.ceil((60_000 - (now - (recent[0] ?? now))) / 1000));
    }
    recent.push(now);
    this.#initiations.set(userId, recent);
    return 0;
  }

  setRateLimit(perMin: number | null): void {
    this.rateLimitPerMin = perMin;
    this.#initiations.clear();
  }

  /** Calls with their states so far and custom_data (newest last). */
  listCalls(): CallRecord[] {
    return [...this.player.calls.values()];
  }

  getCall(callId: number | string): CallRecord | undefined {
    return this.player.calls.get(Number(callId));
  }

  /** The call whose custom_data is exactly this string (how the coordinator's calls are found). */
  findCallByCustomData(customData: string): CallRecord | undefined {
    return this.listCalls().find((c) => c.custom_data === customData);
  }

  endCall(callId: number | string, state: 'hangup' | 'voicemail' | 'missed' = 'hangup'): boolean {
    return this.player.end(Number(callId), state);
  }

  /** The next calls take these outcomes, in order. */
  enqueueOutcomes(...outcomes: (CallOutcome | OutcomeSpec)[]): void {
    this.outcomes.enqueue(...outcomes);
  }

  setOutcomePlan(plan: OutcomePlan): void {
    this.outcomes.setPlan(plan);
  }

  setTimings(timings: Partial<CallTimings>): void {
    this.player.timings = { ...this.player.timings, ...timings };
  }

  setApiFaults(rules: readonly FaultRule[]): void {
    this.apiFaults.set(rules);
  }

  setWebhookFaults(rules: readonly WebhookFault[]): void {
    this.hub.faults.set(rules);
  }

  clearFaults(): void {
    this.apiFaults.clear();
    this.hub.faults.clear();
  }

  get deliveries(): readonly DeliveryRecord[] {
    return this.hub.deliveries;
  }

  /** Resolves once no webhook is queued, delayed, held or in flight. */
  deliveriesIdle(): Promise<void> {
    return this.hub.idle();
  }

  close(): void {
    this.player.close();
    this.hub.close();
  }
}
