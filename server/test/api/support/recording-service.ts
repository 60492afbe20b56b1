// A DialerService stand-in for the HTTP-layer tests that must not depend on the store (validation, auth,
// idempotency, errors): it records every call it receives and answers with contract-valid shapes. The
// full-stack tests (agent-cycle, two-instances) use the real service instead.
import type { AmendRequest, AmendResponse } from '../../../../src-shared/contracts/amend.js';
import type { DispositionResponse, SessionSnapshot } from '../../../../src-shared/contracts/http.js';
import type { NextStep, SessionView, StatsView } from '../../../../src-shared/contracts/views.js';
import type { InScriptIdempotency } from '../../../src/idempotency/in-script.js';
import { DEFAULT_DISPOSITIONS } from '../../../../src-shared/domain/disposition.js';
import type { SessionState } from '../../../../src-shared/domain/session.js';
import type { AgentPrincipal, DialerService } from '../../../src/ports.js';

export const zeroStats = (): StatsView => ({
  callsInitiated: 0,
  callsCompleted: 0,
  connects: 0,
  dispositions: { CORRECT: 0, WRONG: 0, VM_SAME_NAME: 0, VM_OR_NA_UNKNOWN: 0, NO_ANSWER: 0, DO_NOT_CALL: 0 },
  skips: 0,
  successRate: 0,
  dialsPerHour: 0,
  talkTimeSeconds: 0,
  leadsRemaining: 0,
  leadsTotal: 0,
});

export class RecordingService implements DialerService {
  readonly calls: { method: string; agent: string | null; args: unknown[] }[] = [];
  /** Lets a test hold a call open (concurrency) or make it fail. */
  hook: ((method: string) => Promise<void>) | null = null;
  #state: SessionState = 'PAUSE';

  async #rec(method: string, agent: AgentPrincipal | null, ...args: unknown[]) {
    this.calls.push({ method, agent: agent?.email ?? null, args });
    await this.hook?.(method);
  }

  count(method: string): number {
    return this.calls.filter((c) => c.method === method).length;
  }

  #session(agent: AgentPrincipal, now: number): SessionView {
    return {
      id: `s-${agent.email}`,
      agentEmail: agent.email,
      campaignName: 'Test',
      spreadsheetId: 'sheet',
      tabTitle: 'Tab',
      state: this.#state,
      startedAt: now,
      version: this.calls.length,
      previewCountdownSeconds: 0,
      catalog: [...DEFAULT_DISPOSITIONS],
      lastDisposition: null,
    };
  }

  #snapshot(agent: AgentPrincipal, now: number): SessionSnapshot {
    return {
      session: this.#session(agent, now),
      call: null,
      preview: null,
      pendingPreview: null,
      stats: zeroStats(),
      wsSeq: 0,
    };
  }

  async startSession(agent: AgentPrincipal, now: number) {
    await this.#rec('startSession', agent);
    return this.#snapshot(agent, now);
  }
  async setSessionState(agent: AgentPrincipal, state: SessionState, now: number) {
    await this.#rec('setSessionState', agent, state);
    this.#state = state;
    return { session: this.#session(agent, now), next: { kind: 'idle', sessionState: state } as NextStep };
  }
  async currentSession(agent: AgentPrincipal, now: number) {
    await this.#rec('currentSession', agent);
    return this.#snapshot(agent, now);
  }
  async resync(agent: AgentPrincipal) {
    await this.#rec('resync', agent);
    return { leadsTotal: 0, changedLeads: 0 };
  }
  async next(agent: AgentPrincipal) {
    await this.#rec('next', agent);
    return { kind: 'idle', sessionState: this.#state } as NextStep;
  }
  async dial(agent: AgentPrincipal, previewId: string | undefined) {
    await this.#rec('dial', agent, previewId);
    return { kind: 'idle', sessionState: this.#state } as NextStep;
  }
  async skip(agent: AgentPrincipal, previewId: string) {
    await this.#rec('skip', agent, previewId);
    return { kind: 'idle', sessionState: this.#state } as NextStep;
  }
  async dispose(
    agent: AgentPrincipal,
    input: { callId: string; code: DispositionResponse['code'] },
    _now?: number,
    idem?: InScriptIdempotency,
  ) {
    // No transition script here: the key's record is taken the plain way (one SET NX).
    await idem?.begin('{t:recording}');
    await this.#rec('dispose', agent, input);
    return {
      callId: input.callId,
      code: input.code,
      queuedCells: 4,
      next: { kind: 'idle', sessionState: this.#state } as NextStep,
    };
  }
  async amendDisposition(agent: AgentPrincipal, input: AmendRequest, now: number): Promise<AmendResponse> {
    await this.#rec('amendDisposition', agent, input);
    return {
      callId: input.callId,
      code: input.code,
      previousCode: 'NO_ANSWER',
      queuedCells: 2,
      outcome: {
        rowId: 'R1',
        leadName: 'Lead',
        code: input.code,
        skipped: 0,
        leadDone: false,
        nextNumber: 1,
        retryAt: null,
        exhausted: 0,
        doNotCall: false,
      },
      amendableUntil: now + 300_000,
    };
  }
  async hangUp(agent: AgentPrincipal, callId: string) {
    await this.#rec('hangUp', agent, callId);
    return { callId, result: 'ending' as const };
  }
  async callbacks(agent: AgentPrincipal) {
    await this.#rec('callbacks', agent);
    return { enabled: true, callbacks: [] };
  }
  async dialCallback(agent: AgentPrincipal, rowId: string) {
    await this.#rec('dialCallback', agent, rowId);
    return { kind: 'idle', sessionState: this.#state } as NextStep;
  }
  async cancelCallback(agent: AgentPrincipal, rowId: string) {
    await this.#rec('cancelCallback', agent, rowId);
    return { enabled: true, callbacks: [] };
  }
  async stats(agent: AgentPrincipal) {
    await this.#rec('stats', agent);
    return { session: null, agent: zeroStats() };
  }
  /** Records an event only when this delivery is the first to claim it (what "applied" means). */
  async onDialpadEvent(event: unknown, _now: number, claim: () => Promise<boolean> = async () => true) {
    if (await claim()) await this.#rec('onDialpadEvent', null, event);
  }
  async sweepTimeouts() {
    return 0;
  }
}
