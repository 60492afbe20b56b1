// Emulated calls: created by initiate_call, they play their outcome's states on timers and publish each
// state as a CallProto event (call_id int, epoch-ms dates, ms durations, custom_data passed through).
// A call can be ended early by the hangup API or by a test through the admin API.
import type { Rng } from '../common/rng.js';
import { OUTCOME_STATES, type OutcomeSpec } from './outcomes.js';

export interface DialpadUser {
  id: string;
  name: string;
  email: string;
  /** The user's Dialpad number (internal_number); a fictional 555-01xx one is assigned when absent. */
  phone?: string;
  /** false: the user has no web/desktop app open, so initiate_call is refused. Default true. */
  autocallable?: boolean;
}

export interface CallTimings {
  /** calling → ringing. */
  dialMs: number;
  /** ringing → connected, for answered calls. */
  ringMs: number;
  /** connected → hangup. */
  talkMs: number;
  /** ringing → hangup / voicemail / missed, for unanswered calls. */
  noAnswerMs: number;
  /** ± fraction of random variation on each duration (seeded), 0..1. */
  jitter: number;
}

export const DEFAULT_TIMINGS: CallTimings = {
  dialMs: 800,
  ringMs: 3000,
  talkMs: 8000,
  noAnswerMs: 7000,
  jitter: 0.25,
};

export const TERMINAL_STATES = new Set(['hangup', 'voicemail', 'missed']);

export interface CallRecord {
  call_id: number;
  userId: string;
  outcome: OutcomeSpec['outcome'];
  state: string;
  external_number: string;
  /** The Dialpad number the call shows: the outbound_caller_id asked for, else the user's own. */
  internal_number: string;
  custom_data: string | null;
  contactId: string;
  date_started: number;
  date_rang: number | null;
  date_connected: number | null;
  date_ended: number | null;
  /** States emitted so far, in order. */
  states: string[];
}

export type PublishFn = (
  event: Record<string, unknown> & { call_id: number; state: string },
  userId: string,
) => void;

function numericId(id: string): number | string {
  return /^\d+$/.test(id) && Number.isSafeInteger(Number(id)) ? Number(id) : id;
}

export class CallPlayer {
  readonly calls = new Map<number, CallRecord>();
  /** Each user's live calls, oldest first: initiate_call's busy check is O(1), not a scan of every call. */
  readonly #liveByUser = new Map<string, Set<CallRecord>>();
  readonly #timers = new Map<number, NodeJS.Timeout>();
  #nextCallId: number;
  readonly #users: Map<string, DialpadUser>;
  timings: CallTimings;
  readonly #rng: Rng;
  readonly #publish: PublishFn;
  readonly #now: () => number;

  constructor(opts: {
    users: Map<string, DialpadUser>;
    timings: CallTimings;
    rng: Rng;
    publish: PublishFn;
    now?: () => number;
  }) {
    this.#users = opts.users;
    this.timings = opts.timings;
    this.#rng = opts.rng;
    this.#publish = opts.publish;
    this.#now = opts.now ?? Date.now;
    // Realistic int64 call ids (below 2^53 so JSON numbers stay exact), different per seed.
    this.#nextCallId = 5_600_000_000_000_000 + Math.floor(opts.rng() * 1e9) * 1000;
  }

  activeCallOf(userId: string): CallRecord | undefined {
    for (const c of this.#liveByUser.get(userId) ?? []) return c;
    return undefined;
  }

  #dur(ms: number | undefined, base: number): number {
    const d = ms ?? base;
    const j = this.timings.jitter;
    return Math.max(0, Math.round(d * (1 - j + 2 * j * this.#rng())));
  }

  start(
    user: DialpadUser,
    phone: string,
    customData: string | null,
    spec: OutcomeSpec,
    callerId?: string,
  ): CallRecord {
    const now = this.#now();
    const call: CallRecord = {
      call_id: this.#nextCallId++,
      userId: user.id,
      outcome: spec.outcome,
      state: 'calling',
      external_number: phone,
      internal_number: callerId ?? user.phone ?? '',
      custom_data: customData,
      contactId: String(4_900_000_000_000_000 + Math.floor(this.#rng() * 1e12)),
      date_started: now,
      date_rang: null,
      date_connected: null,
      date_ended: null,
      states: [],
    };
    this.calls.set(call.call_id, call);
    const live = this.#liveByUser.get(user.id);
    if (live) live.add(call);
    else this.#liveByUser.set(user.id, new Set([call]));
    const states = OUTCOME_STATES[spec.outcome];
    const answered = states.includes('connected');
    const steps: { state: string; afterMs: number }[] = [];
    for (const state of states) {
      let afterMs = 0;
      if (state === 'ringing') afterMs = this.#dur(undefined, this.timings.dialMs);
      else if (state === 'connected') afterMs = this.#dur(spec.ringMs, this.timings.ringMs);
      else if (state === 'hangup' && answered) afterMs = this.#dur(spec.talkMs, this.timings.talkMs);
      else if (state !== 'calling')
        afterMs = this.#dur(
          spec.ringMs,
          spec.outcome === 'busy' ? this.timings.dialMs : this.timings.noAnswerMs,
        );
      steps.push({ state, afterMs });
    }
    // 'calling' goes out on the next tick, after the initiate_call response has been written.
    const run = (i: number) => {
      const step = steps[i];
      if (!step || call.date_ended !== null) return;
      const t = setTimeout(() => {
        this.#timers.delete(call.call_id);
        this.#emit(call, step.state);
        run(i + 1);
      }, step.afterMs);
      this.#timers.set(call.call_id, t);
    };
    run(0);
    return call;
  }

  /** Ends a live call now with `state` (hangup / voicemail / missed). false when it already ended. */
  end(callId: number, state: 'hangup' | 'voicemail' | 'missed'): boolean {
    const call = this.calls.get(callId);
    if (!call || call.date_ended !== null) return false;
    const t = this.#timers.get(callId);
    if (t) clearTimeout(t);
    this.#timers.delete(callId);
    this.#emit(call, state);
    return true;
  }

  #emit(call: CallRecord, state: string): void {
    const now = this.#now();
    if (state === 'ringing') call.date_rang = now;
    if (state === 'connected') call.date_connected = now;
    if (TERMINAL_STATES.has(state)) {
      call.date_ended = now;
      const live = this.#liveByUser.get(call.userId);
      live?.delete(call);
      if (live?.size === 0) this.#liveByUser.delete(call.userId);
    }
    call.state = state;
    call.states.push(state);
    this.#publish(this.toEvent(call, now), call.userId);
  }

  /** The CallProto of a call as webhooks carry it (numbers as JSON numbers, times in epoch ms). */
  toEvent(call: CallRecord, now: number): Record<string, unknown> & { call_id: number; state: string } {
    const user = this.#users.get(call.userId);
    const ended = call.date_ended;
    return {
      call_id: call.call_id,
      master_call_id: null,
      entry_point_call_id: null,
      operator_call_id: null,
      state: call.state,
      direction: 'outbound',
      external_number: call.external_number,
      internal_number: call.internal_number,
      target: {
        id: numericId(call.userId),
        type: 'user',
        name: user?.name ?? '',
        email: user?.email ?? '',
        phone: call.internal_number,
      },
      contact: {
        id: call.contactId,
        type: 'local',
        name: call.external_number,
        email: '',
        phone: call.external_number,
      },
      entry_point_target: {},
      proxy_target: {},
      group_id: null,
      custom_data: call.custom_data,
      date_started: call.date_started,
      date_rang: call.date_rang,
      date_connected: call.date_connected,
      date_ended: ended,
      event_timestamp: now,
      duration: ended !== null ? (call.date_connected !== null ? ended - call.date_connected : 0) : null,
      total_duration: ended !== null ? ended - call.date_started : null,
      was_recorded: false,
      is_transferred: false,
      labels: [],
      routing_breadcrumbs: [],
      recording_details: [],
      mos_score: null,
    };
  }

  close(): void {
    for (const t of this.#timers.values()) clearTimeout(t);
    this.#timers.clear();
  }
}
