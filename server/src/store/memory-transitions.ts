// The embedded Store's transitions with preconditions: the step-by-step twins of the Lua scripts (same
// checks in the same order, same failures). Atomicity comes from JavaScript's single thread: each runs
// without an await between its checks and its writes, and the patch is handed to the queue in that step.
import { CALL_STATE_RANK } from '../../../src-shared/domain/session.js';
import { clone, fail, type MemoryState } from './memory-state.js';
import type {
  AdvanceCallInput,
  CallRecord,
  ClaimAndDialInput,
  ClaimPreviewInput,
  DisposeInput,
  DropPreviewInput,
  ManualSkipInput,
  Outcome,
  RevertDialInput,
} from './types.js';

export class MemoryTransitions {
  readonly #s: MemoryState;

  constructor(state: MemoryState) {
    this.#s = state;
  }

  async claimPreview(i: ClaimPreviewInput): Promise<Outcome<{ version: number }>> {
    if (this.#s.live(this.#s.locks, this.#s.k(i.tag, i.sessionId)) !== i.lockToken)
      return fail('LOCK_NOT_OWNED');
    const s = this.#s.session(i.tag, i.sessionId);
    if (!s) return fail('SESSION_NOT_FOUND');
    if (s.state !== 'PLAY') return fail('NOT_PLAYING');
    if (s.callId) return fail('CALL_IN_PROGRESS');
    if (s.preview) return fail('PREVIEW_MISMATCH');
    if (this.#s.leadVersion(i.tag, i.rowId) !== i.expectedVersion) return fail('VERSION_CONFLICT');
    const ck = this.#s.k(i.tag, i.rowId);
    if (this.#s.live(this.#s.claims, ck) !== null && !this.#s.claimIsOurs(i.tag, i.rowId, i.sessionId))
      return fail('LEAD_CLAIMED');
    if (this.#s.dnc.get(i.tag)?.has(i.phoneE164)) return fail('DO_NOT_CALL');
    this.#s.claims.set(ck, {
      value: `${i.sessionId}|p:${i.preview.previewId}`,
      expiresAt: this.#s.clock() + i.leaseMs,
    });
    this.#s.bumpSession(s, { preview: clone(i.preview) });
    this.#s.previews.set(i.preview.previewId, {
      value: this.#s.k(i.tag, i.sessionId),
      expiresAt: this.#s.clock() + i.leaseMs,
    });
    this.#s.changed(i.tag, i.rowId);
    return { ok: true, version: this.#s.leadVersion(i.tag, i.rowId) };
  }

  async claimAndDial(i: ClaimAndDialInput): Promise<Outcome<{ version: number }>> {
    const { tag, lead, call } = i;
    if (this.#s.live(this.#s.locks, this.#s.k(tag, i.sessionId)) !== i.lockToken)
      return fail('LOCK_NOT_OWNED');
    const s = this.#s.session(tag, i.sessionId);
    if (!s) return fail('SESSION_NOT_FOUND');
    if (s.state !== 'PLAY') return fail('NOT_PLAYING');
    if (s.callId) return fail('CALL_IN_PROGRESS');
    if (i.previewId === null) {
      if (s.preview) return fail('PREVIEW_MISMATCH');
    } else if (!s.preview || s.preview.previewId !== i.previewId || s.preview.rowId !== lead.rowId) {
      return fail('PREVIEW_MISMATCH');
    } else if (
      this.#s.live(this.#s.claims, this.#s.k(tag, lead.rowId)) !== `${i.sessionId}|p:${i.previewId}`
    ) {
      return fail('LEAD_CLAIMED'); // the preview's claim lapsed: another session may own the lead
    }
    if (this.#s.leadVersion(tag, lead.rowId) !== lead.expectedVersion) return fail('VERSION_CONFLICT');
    const ck = this.#s.k(tag, lead.rowId);
    if (this.#s.live(this.#s.claims, ck) !== null && !this.#s.claimIsOurs(tag, lead.rowId, i.sessionId))
      return fail('LEAD_CLAIMED');
    if (this.#s.dnc.get(tag)?.has(call.phoneE164)) return fail('DO_NOT_CALL');

    const version = this.#s.writeLead(tag, lead, i.now);
    this.#s.claims.set(ck, {
      value: `${i.sessionId}|${call.callId}`,
      expiresAt: this.#s.clock() + i.leaseMs,
    });
    this.#s.calls.set(this.#s.k(tag, call.callId), clone(call));
    this.#s.locator.set(call.callId, tag);
    const t = this.#s.timeouts.get(tag) ?? new Map<string, number>();
    t.set(call.callId, call.timeoutAt);
    this.#s.timeouts.set(tag, t);
    this.#s.bumpSession(s, { callId: call.callId, preview: null });
    const st = this.#s.stats(tag, i.sessionId);
    st.initiated += 1;
    st.since ??= i.now;
    this.#s.enqueue(lead.patch, i.now);
    this.#s.changed(tag, lead.rowId);
    return { ok: true, version };
  }

  async revertDial(i: RevertDialInput): Promise<Outcome<{ version: number }>> {
    const { tag, lead } = i;
    const call = this.#s.calls.get(this.#s.k(tag, i.callId));
    if (!call) return fail('CALL_NOT_FOUND');
    if (call.state !== 'DIALING') return fail('CALL_FINISHED');
    if (this.#s.leadVersion(tag, lead.rowId) !== lead.expectedVersion) return fail('VERSION_CONFLICT');
    const version = this.#s.writeLead(tag, lead, i.now);
    Object.assign(call, { state: 'ENDED', endedAt: i.now, endReason: 'DIAL_FAILED' });
    this.#s.timeouts.get(tag)?.delete(i.callId);
    const s = this.#s.session(tag, i.sessionId);
    if (s && s.callId === i.callId) this.#s.bumpSession(s, { callId: null });
    const ck = this.#s.k(tag, lead.rowId);
    if (this.#s.live(this.#s.claims, ck) === `${i.sessionId}|${i.callId}`) this.#s.claims.delete(ck);
    this.#s.stats(tag, i.sessionId).initiated -= 1;
    this.#retireCall(tag, i.callId);
    this.#s.enqueue(lead.patch, i.now);
    this.#s.changed(tag, lead.rowId);
    return { ok: true, version };
  }

  async advanceCall(i: AdvanceCallInput): Promise<Outcome<{ advanced: boolean; call: CallRecord }>> {
    const call = this.#s.calls.get(this.#s.k(i.tag, i.callId));
    if (!call) return fail('CALL_NOT_FOUND');
    if (CALL_STATE_RANK[i.state] <= CALL_STATE_RANK[call.state])
      return { ok: true, advanced: false, call: clone(call) };
    const hadConnect = call.connectedAt !== null;
    const rec = call as unknown as Record<string, unknown>;
    for (const [k, v] of Object.entries(i.fields)) {
      if (v !== null && v !== undefined && (rec[k] === null || rec[k] === undefined)) rec[k] = v;
    }
    call.state = i.state;
    const st = this.#s.stats(i.tag, call.sessionId);
    if (!hadConnect && call.connectedAt !== null) st.connects += 1;
    if (i.state === 'CONNECTED' && i.connectedTimeoutMs) {
      // A conversation outlives the ringing deadline: move it (and the claim) past the connected limit.
      call.timeoutAt = (call.connectedAt ?? i.now) + i.connectedTimeoutMs;
      const due = this.#s.timeouts.get(i.tag);
      if (due?.has(i.callId)) due.set(i.callId, call.timeoutAt);
      const ck = this.#s.k(i.tag, call.rowId);
      const holder = this.#s.live(this.#s.claims, ck);
      if (holder === `${call.sessionId}|${call.callId}`)
        this.#s.claims.set(ck, { value: holder, expiresAt: call.timeoutAt + i.claimLeaseMs });
    }
    if (i.state === 'ENDED') {
      this.#s.timeouts.get(i.tag)?.delete(i.callId);
      if (call.connectedAt !== null && call.endedAt !== null && call.endedAt > call.connectedAt)
        st.talkMs += call.endedAt - call.connectedAt;
      const ck = this.#s.k(i.tag, call.rowId);
      const holder = this.#s.live(this.#s.claims, ck);
      if (holder === `${call.sessionId}|${call.callId}`)
        this.#s.claims.set(ck, { value: holder, expiresAt: this.#s.clock() + i.claimLeaseMs });
    }
    return { ok: true, advanced: true, call: clone(call) };
  }

  async dispose(i: DisposeInput): Promise<Outcome<{ version: number; call: CallRecord }>> {
    const { tag, lead } = i;
    const call = this.#s.calls.get(this.#s.k(tag, i.callId));
    if (!call) return fail('CALL_NOT_FOUND');
    if (call.state === 'DISPOSED' || call.endReason === 'DIAL_FAILED') return fail('CALL_FINISHED');
    if (this.#s.leadVersion(tag, lead.rowId) !== lead.expectedVersion) return fail('VERSION_CONFLICT');
    const version = this.#s.writeLead(tag, lead, i.now);
    Object.assign(call, { state: 'DISPOSED', disposition: i.code, disposedAt: i.now });
    call.endedAt ??= i.now;
    this.#s.timeouts.get(tag)?.delete(i.callId);
    if (this.#s.claimIsOurs(tag, lead.rowId, i.sessionId)) this.#s.claims.delete(this.#s.k(tag, lead.rowId));
    const s = this.#s.session(tag, i.sessionId);
    if (s && s.callId === i.callId) this.#s.bumpSession(s, { callId: null });
    const st = this.#s.stats(tag, i.sessionId);
    st.completed += 1;
    st.byCode[i.code] += 1;
    if (i.success) st.successes += 1;
    this.#retireCall(tag, i.callId);
    if (i.talkMs > 0) st.talkMs += Math.round(i.talkMs);
    if (i.doNotCall) {
      const set = this.#s.dnc.get(tag) ?? new Set<string>();
      set.add(i.doNotCall);
      this.#s.dnc.set(tag, set);
    }
    this.#s.enqueue(lead.patch, i.now);
    this.#s.changed(tag, lead.rowId);
    return { ok: true, version, call: clone(call) };
  }

  #retireCall(tag: string, callId: string): void {
    this.#s.retire(() => {
      this.#s.calls.delete(this.#s.k(tag, callId));
      this.#s.locator.delete(callId);
    });
  }

  async dropPreview(i: DropPreviewInput): Promise<Outcome<{ dropped: boolean }>> {
    if (this.#s.live(this.#s.locks, this.#s.k(i.tag, i.sessionId)) !== i.lockToken)
      return fail('LOCK_NOT_OWNED');
    const s = this.#s.session(i.tag, i.sessionId);
    if (!s) return fail('SESSION_NOT_FOUND');
    if (!s.preview || s.preview.previewId !== i.previewId || s.preview.rowId !== i.rowId)
      return { ok: true, dropped: false };
    const rowId = i.rowId;
    this.#s.bumpSession(s, { preview: null });
    const ck = this.#s.k(i.tag, rowId);
    if (this.#s.live(this.#s.claims, ck) === `${i.sessionId}|p:${i.previewId}`) this.#s.claims.delete(ck);
    this.#s.changed(i.tag, rowId);
    return { ok: true, dropped: true };
  }

  async manualSkip(i: ManualSkipInput): Promise<Outcome<{ version: number }>> {
    const { tag, lead } = i;
    if (this.#s.live(this.#s.locks, this.#s.k(tag, i.sessionId)) !== i.lockToken)
      return fail('LOCK_NOT_OWNED');
    const s = this.#s.session(tag, i.sessionId);
    if (!s) return fail('SESSION_NOT_FOUND');
    if (!s.preview || s.preview.previewId !== i.previewId || s.preview.rowId !== lead.rowId)
      return fail('PREVIEW_MISMATCH');
    const ck = this.#s.k(tag, lead.rowId);
    if (this.#s.live(this.#s.claims, ck) !== `${i.sessionId}|p:${i.previewId}`) return fail('LEAD_CLAIMED');
    if (this.#s.leadVersion(tag, lead.rowId) !== lead.expectedVersion) return fail('VERSION_CONFLICT');
    const version = this.#s.writeLead(tag, lead, i.now);
    this.#s.bumpSession(s, { preview: null });
    this.#s.claims.delete(ck);
    this.#s.stats(tag, i.sessionId).skips += 1;
    this.#s.enqueue(lead.patch, i.now);
    this.#s.changed(tag, lead.rowId);
    return { ok: true, version };
  }
}
