// Picking and dialing, always under the session lock: pick from the tab's PolicyIndex, then a Lua
// compare-and-set claims the lead (version + claim + lock owner + do-not-call checked in one step). A
// refused claim refreshes that lead and picks again, so a stale index never dials. Dialpad is called only
// after the claim and the IN_PROGRESS mark are saved; if Dialpad refuses, both are undone (a timeout keeps
// the call: it may be ringing).
import { CallCustomDataSchema } from '../../../src-shared/contracts/dialpad.js';
import { ApiError } from '../../../src-shared/contracts/errors.js';
import type { NextStep } from '../../../src-shared/contracts/views.js';
import { applyManualSkip, markInProgress, revertInProgress } from '../../../src-shared/domain/apply.js';
import { isDomainError } from '../../../src-shared/domain/errors.js';
import { type CampaignRules, connectedTimeoutMsOf } from '../../../src-shared/domain/campaign.js';
import type { Lead } from '../../../src-shared/domain/lead.js';
import { chooseCallerId } from '../../../src-shared/domain/caller-id.js';
import { numberDialableNow } from '../../../src-shared/domain/policy/index.js';
import type { SheetPatch } from '../../../src-shared/domain/sheet-patch.js';
import { maskPhone } from '../../../src-shared/domain/phone.js';
import { phonePlaces } from '../compliance/phone-places.js';
import { callIdIn } from '../redis/keys.js';
import { type ScriptFailure, scriptApiError } from '../redis/script-errors.js';
import type { AgentEvent } from '../../../src-shared/contracts/ws.js';
import type {
  CallRecord,
  LeadWrite,
  NewSession,
  Outcome,
  PendingPreview,
  SessionRecord,
  StatsCounters,
} from '../store/types.js';
import type { ServiceContext } from './context.js';
import { ownedOf } from './merge.js';
import { holdSessionLock } from './session-lock.js';
import { publishStats, statsEvent } from './stats.js';
import type { TabCache } from './tab-cache.js';
import { callView, leadPreview, previewView } from './views.js';

const MAX_PICKS = 25;
/** How long a call kept after an ambiguous Dialpad answer may stay unreported by Dialpad before it ends
 *  into the modal (ServiceContext.noteUnconfirmed). */
const UNCONFIRMED_CALL_MS = 60_000;

const patchOrNull = (p: SheetPatch): SheetPatch | null =>
  p.values.length + p.backgrounds.length > 0 ? p : null;
export const tabRef = (tab: TabCache) => ({
  spreadsheetId: tab.ref.spreadsheetId,
  sheetId: tab.ref.sheetId,
  tabTitle: tab.ref.tabTitle,
  callbackColumns: tab.callbackColumns,
});

function domainToApi(err: unknown): never {
  if (isDomainError(err)) throw new ApiError('INVALID_STATE', err.message, err.details);
  throw err;
}

/** The step the session is already on (a call or a preview), or null. */
export async function currentStep(
  ctx: ServiceContext,
  s: SessionRecord,
  tab: TabCache,
  now: number,
): Promise<NextStep | null> {
  if (s.callId) {
    const call = await ctx.store.getCall(s.tag, s.callId);
    const lead = call ? (tab.get(call.rowId)?.lead ?? null) : null;
    if (call && lead)
      return {
        kind: 'call',
        call: callView(call),
        preview: leadPreview(lead, call.numberIndex, tab.rules, now),
      };
  }
  if (s.preview) {
    const lead = tab.get(s.preview.rowId)?.lead;
    if (lead) return { kind: 'preview', preview: previewView(s.preview, lead, tab.rules, now) };
  }
  return null;
}

/** What comes next for a session in PLAY (lock held): the current step, else a preview or a dial. */
export async function proceed(
  ctx: ServiceContext,
  s: SessionRecord,
  tab: TabCache,
  token: string,
  now: number,
  mode: 'auto' | 'preview',
): Promise<NextStep> {
  const current = await currentStep(ctx, s, tab, now);
  if (current) return current;
  if (s.state !== 'PLAY') return { kind: 'idle', sessionState: s.state };
  if (mode === 'preview' || tab.rules.previewCountdownSeconds > 0)
    return claimPreview(ctx, s, tab, token, now);
  return pickAndDial(ctx, s, tab, token, now);
}

export type Picked = { lead: Lead; numberIndex: number; version: number; phone: string };

/** Picks until a claim succeeds; conflicts refresh the lead, do-not-call numbers are skipped for good. */
async function pickLoop(
  ctx: ServiceContext,
  s: SessionRecord,
  tab: TabCache,
  now: number,
  attempt: (p: Picked) => Promise<Outcome<{ step: NextStep }>>,
): Promise<NextStep> {
  for (let i = 0; i < MAX_PICKS; i++) {
    const pick = tab.index.pick({ sessionState: s.state, now, agent: s.agentEmail });
    if (pick.kind === 'none') {
      if (pick.reason === 'NOT_PLAYING') return { kind: 'idle', sessionState: s.state };
      return { kind: 'nothing', nothing: { reasons: pick.reasons, nextDialableAt: pick.nextDialableAt } };
    }
    const { lead, numberIndex } = pick;
    const phone = lead.numbers[numberIndex]?.e164;
    if (!phone) throw new Error(`policy picked an empty number on ${lead.rowId}`);
    const version = tab.get(lead.rowId)?.version ?? 0;
    const r = await attempt({ lead, numberIndex, version, phone });
    if (r.ok) return r.step;
    if (r.failure === 'NOT_PLAYING') return leftPlay(ctx, s);
    if (r.failure === 'CALL_IN_PROGRESS' || r.failure === 'PREVIEW_MISMATCH')
      return movedOn(ctx, s, tab, now);
    if (!(await pickRefused(ctx, tab, { lead, numberIndex, version, phone }, r.failure, now)))
      throw scriptApiError(r.failure);
  }
  throw new ApiError('LOCKED', 'the leads kept changing under this request; try again');
}

/** A claim of a picked lead was refused because of the lead: the index learns why (a newer version, a
 *  claim, a do-not-call number, skipped for good) so the next pick differs. False: not about the lead. */
export async function pickRefused(
  ctx: ServiceContext,
  tab: TabCache,
  p: Picked,
  failure: ScriptFailure,
  now: number,
): Promise<boolean> {
  if (failure === 'VERSION_CONFLICT') await tab.refreshLead(p.lead.rowId);
  else if (failure === 'LEAD_CLAIMED') tab.index.setClaimed(p.lead.rowId, true);
  else if (failure === 'DO_NOT_CALL') await skipDoNotCall(ctx, tab, p.lead, p.numberIndex, p.version, now);
  else return false;
  return true;
}

/** The lead the policy picks now for a session in PLAY (the caller holds or is about to take its lock),
 *  or null when nothing is dialable. */
export function pickNext(tab: TabCache, agentEmail: string, now: number): Picked | null {
  const pick = tab.index.pick({ sessionState: 'PLAY', now, agent: agentEmail });
  if (pick.kind === 'none') return null;
  const phone = pick.lead.numbers[pick.numberIndex]?.e164;
  if (!phone) return null;
  return {
    lead: pick.lead,
    numberIndex: pick.numberIndex,
    version: tab.get(pick.lead.rowId)?.version ?? 0,
    phone,
  };
}

/** The session left PLAY while this request was picking (e.g. STOP or PAUSE pressed while the chained dial
 *  of a disposition was in flight): not an error, the agent asked for it. The step is idle. */
async function leftPlay(ctx: ServiceContext, s: SessionRecord): Promise<NextStep> {
  const now = await ctx.store.getSession(s.tag, s.id);
  return { kind: 'idle', sessionState: now?.state ?? 'STOP' };
}

/** The session has a call or a preview that `s` (read before the lock, e.g. by the disposition script)
 *  did not show: another request moved it on meanwhile. Its current step is the answer. */
async function movedOn(ctx: ServiceContext, s: SessionRecord, tab: TabCache, now: number): Promise<NextStep> {
  const fresh = await ctx.freshSession(s);
  return (await currentStep(ctx, fresh, tab, now)) ?? { kind: 'idle', sessionState: fresh.state };
}

/** A picked number is on the do-not-call list: it becomes SKIPPED (DO_NOT_CALL) for good. */
async function skipDoNotCall(
  ctx: ServiceContext,
  tab: TabCache,
  lead: Lead,
  numberIndex: number,
  version: number,
  now: number,
): Promise<void> {
  const r = applyManualSkip({ lead, numberIndex, now, rules: tab.rules, tab: tabRef(tab) });
  const numbers = r.lead.numbers.map((n, i) =>
    i === numberIndex ? { ...n, skipReason: 'DO_NOT_CALL' as const } : n,
  );
  const after = { ...r.lead, numbers };
  const w = await ctx.store.writeLead(
    tab.ref.tag,
    { rowId: lead.rowId, expectedVersion: version, state: ownedOf(after), patch: patchOrNull(r.patch) },
    now,
  );
  if (w.ok) tab.applyWrite(after, w.version, tab.index.isClaimed(lead.rowId));
  else await tab.refreshLead(lead.rowId);
  ctx.log.info(
    { rowId: lead.rowId, phone: maskPhone(lead.numbers[numberIndex]?.e164 ?? '') },
    'do-not-call number skipped',
  );
}

export async function claimPreview(
  ctx: ServiceContext,
  s: SessionRecord,
  tab: TabCache,
  token: string,
  now: number,
): Promise<NextStep> {
  return pickLoop(ctx, s, tab, now, async (p) => {
    const countdownMs = tab.rules.previewCountdownSeconds * 1000;
    const preview: PendingPreview = {
      previewId: ctx.ids(),
      rowId: p.lead.rowId,
      numberIndex: p.numberIndex,
      claimedAt: now,
      dialAt: now + countdownMs,
    };
    const r = await ctx.store.claimPreview({
      tag: s.tag,
      sessionId: s.id,
      lockToken: token,
      rowId: p.lead.rowId,
      expectedVersion: p.version,
      phoneE164: p.phone,
      preview,
      leaseMs: countdownMs + ctx.previewLeaseMs,
      now,
    });
    if (!r.ok) return r;
    tab.index.setClaimed(p.lead.rowId, true);
    return { ok: true, step: { kind: 'preview', preview: previewView(preview, p.lead, tab.rules, now) } };
  });
}

export function pickAndDial(
  ctx: ServiceContext,
  s: SessionRecord,
  tab: TabCache,
  token: string,
  now: number,
): Promise<NextStep> {
  return pickLoop(ctx, s, tab, now, (p) => dialLead(ctx, s, tab, token, now, p, null));
}

/** The previewed number may still be dialed now: the lead is not blocked (attempts, sibling CORRECT, a
 *  call in progress…), the number is the one round robin dials now (open, retry delay over) and the lead's
 *  calling window is open (a callback: due, this agent's, its own number). A preview can sit for minutes
 *  (countdown, PAUSE) while this changes. */
function stillDialable(
  lead: Lead,
  numberIndex: number,
  rules: CampaignRules,
  now: number,
  agent: string,
): boolean {
  return numberDialableNow(lead, numberIndex, rules, phonePlaces, now, agent);
}

/** Drops the session's pending preview under the session lock `token` (previewDrop: its claim released,
 *  the lead untouched) and re-reads that lead into the tab's index. `stale`: why the preview went stale
 *  (its claim lapsed, its lead no longer dialable), logged; the caller then moves on to a new preview, so a
 *  stale preview never overwrites or re-dials another session's lead. */
export async function dropPendingPreview(
  ctx: ServiceContext,
  s: SessionRecord,
  tab: TabCache,
  token: string,
  now: number,
  preview: PendingPreview,
  stale?: string,
): Promise<void> {
  const r = await ctx.store.dropPreview({
    tag: s.tag,
    sessionId: s.id,
    lockToken: token,
    previewId: preview.previewId,
    rowId: preview.rowId,
    now,
  });
  if (!r.ok) throw scriptApiError(r.failure);
  await tab.refreshLead(preview.rowId);
  if (stale)
    ctx.log.info({ previewId: preview.previewId, rowId: preview.rowId, why: stale }, 'stale preview dropped');
}

/** Dials the session's pending preview if its claim is still exactly ours and the number still
 *  dialable; otherwise the preview is dropped and the next step (a new preview) comes back. */
export async function dialPreview(
  ctx: ServiceContext,
  s: SessionRecord,
  tab: TabCache,
  token: string,
  now: number,
  preview: PendingPreview,
): Promise<NextStep> {
  const next = async (why: string) => {
    await dropPendingPreview(ctx, s, tab, token, now, preview, why);
    return proceed(ctx, await ctx.freshSession(s), tab, token, now, 'preview');
  };
  for (let i = 0; i < 3; i++) {
    const entry = await tab.refreshLead(preview.rowId);
    const phone = entry?.lead.numbers[preview.numberIndex]?.e164;
    if (!entry || !phone) throw new ApiError('INVALID_STATE', 'the previewed lead is no longer in the sheet');
    if (!stillDialable(entry.lead, preview.numberIndex, tab.rules, now, s.agentEmail))
      return next('not dialable now');
    const r = await dialLead(
      ctx,
      s,
      tab,
      token,
      now,
      { lead: entry.lead, numberIndex: preview.numberIndex, version: entry.version, phone },
      preview.previewId,
    );
    if (r.ok) return r.step;
    if (r.failure === 'NOT_PLAYING') return leftPlay(ctx, s);
    if (r.failure === 'LEAD_CLAIMED') return next('claim lapsed');
    if (r.failure !== 'VERSION_CONFLICT') throw scriptApiError(r.failure);
  }
  throw new ApiError('LOCKED', 'the previewed lead kept changing; try again');
}

/** A dial prepared from a pick, before its script: the number marked IN_PROGRESS (lead + patch), the
 *  call record and the claim's lease. */
export interface PreparedDial {
  marked: ReturnType<typeof markInProgress>;
  previousStatus: Lead['numbers'][number]['status'];
  call: CallRecord;
  lead: LeadWrite;
  leaseMs: number;
}

/** Marks the picked number IN_PROGRESS and builds its call (pure: nothing written). */
export function prepareDial(
  ctx: ServiceContext,
  s: Pick<NewSession, 'id' | 'agentEmail' | 'tag'>,
  tab: TabCache,
  now: number,
  p: Picked,
): PreparedDial {
  let marked: ReturnType<typeof markInProgress>;
  try {
    marked = markInProgress(p.lead, p.numberIndex, tabRef(tab));
  } catch (err) {
    domainToApi(err);
  }
  const callTimeoutMs = tab.rules.callTimeoutSeconds * 1000;
  const call: CallRecord = {
    // The id names the call's tab and session (keys.callIdIn): a webhook or request finds the tab with no
    // locator, and the record in the session (store/call-record.ts).
    callId: callIdIn(s.tag, s.id, ctx.ids()),
    sessionId: s.id,
    agentEmail: s.agentEmail,
    tag: s.tag,
    rowId: p.lead.rowId,
    numberIndex: p.numberIndex,
    phoneE164: p.phone,
    state: 'DIALING',
    startedAt: now,
    ringingAt: null,
    connectedAt: null,
    endedAt: null,
    endReason: null,
    suggested: null,
    timeoutAt: now + callTimeoutMs,
    dialpadCallId: null,
    disposition: null,
    disposedAt: null,
    // Local presence: the campaign's caller ID closest to the lead (same area code, state, zone…).
    callerId: chooseCallerId(tab.rules.callerIds, p.phone, phonePlaces)?.callerId ?? null,
  };
  return {
    marked,
    previousStatus: p.lead.numbers[p.numberIndex]?.status ?? 'NEW',
    call,
    lead: {
      rowId: p.lead.rowId,
      expectedVersion: p.version,
      state: ownedOf(marked.lead),
      patch: patchOrNull(marked.patch),
    },
    // The longest the call can live (ringing limit, then the connected limit) plus the time to choose a
    // disposition: its webhooks never need to extend the claim.
    leaseMs: callTimeoutMs + connectedTimeoutMsOf(tab.rules) + ctx.dispositionLeaseMs,
  };
}

export async function dialLead(
  ctx: ServiceContext,
  s: SessionRecord,
  tab: TabCache,
  token: string,
  now: number,
  p: Picked,
  previewId: string | null,
): Promise<Outcome<{ step: NextStep }>> {
  const d = prepareDial(ctx, s, tab, now, p);
  const r = await ctx.store.claimAndDial({
    tag: s.tag,
    sessionId: s.id,
    lockToken: token,
    previewId,
    lead: d.lead,
    call: d.call,
    leaseMs: d.leaseMs,
    now,
  });
  if (!r.ok) return r;
  // The request's lock (ServiceContext.withLock) goes with the Dialpad leg, which outlives the answer.
  ctx.handoffs.handOff(token);
  return { ok: true, step: placeCall(ctx, s, tab, now, d, r.version, r.stats, token) };
}

/** After a dial's script committed (leadClaimAndDial, or a disposition's chained dial): the index and
 *  memory learn the call and the answer (the call, DIALING) is returned at once; Dialpad is asked in the
 *  background (ringDialpad) under the session lock `token`, which that leg holds (renewed) until Dialpad
 *  answered and then releases with the step's events in one script. The call id is ours and the claim,
 *  the call record and its timeout are committed, so nothing waits for Dialpad but the agent's events.
 *  `told`: the dial's script told the call (DIALING) and STATS already (a disposition's chained dial,
 *  callDispose.lua): the release then tells only what Dialpad's answer adds (a refusal, an ambiguity), and
 *  when Dialpad placed the call there is nothing to tell: the leg stops renewing the lock and lets it
 *  expire (its token `c:<callId>` lets that call's disposition take it over once the call left DIALING),
 *  no step of its own. */
export function placeCall(
  ctx: ServiceContext,
  s: NewSession,
  tab: TabCache,
  now: number,
  d: PreparedDial,
  version: number,
  counters: StatsCounters,
  token: string,
  told = false,
): NextStep {
  const { call, marked } = d;
  tab.applyWrite(marked.lead, version, true);
  ctx.noteCall(call);
  ctx.noteCallStats(call.callId, counters);
  ctx.noteDeadline(call.callId, call.tag, call.timeoutAt);
  const lock = holdSessionLock(ctx.store, s.tag, s.id, token, ctx.lockTtlMs);
  ctx.background('the Dialpad leg of a dial', async () => {
    let quiet = false;
    try {
      quiet = await ringDialpad(ctx, s, tab, now, d, version, counters, told);
    } finally {
      lock.stop();
      if (!quiet || ctx.hasDeferred(s)) await ctx.flushDeferredUnlocking(s, now, { sessionId: s.id, token });
    }
  });
  return dialStep(d, tab, now);
}

/** The step a committed dial answers: its call (DIALING) and its lead's card. */
export const dialStep = (d: PreparedDial, tab: TabCache, now: number): NextStep => ({
  kind: 'call',
  call: callView(d.call),
  preview: leadPreview(d.marked.lead, d.call.numberIndex, tab.rules, now),
});

/** Dialpad's leg of a committed dial, after the answer: success → CALL_STATE and STATS (unless `told`: the
 *  dial's script told them); an ambiguous answer keeps the call (UPSTREAM_TIMEOUT notice); a definite
 *  refusal undoes the dial and tells the agent (DIAL_FAILED with where the session stands now). The events
 *  are held (ServiceContext.defer) for the caller's one append, which also releases the session lock.
 *  True when Dialpad placed a call already told: nothing to tell (the caller need not release the lock).
 *  Throws nothing Dialpad caused. */
async function ringDialpad(
  ctx: ServiceContext,
  s: NewSession,
  tab: TabCache,
  now: number,
  d: PreparedDial,
  version: number,
  counters: StatsCounters,
  told: boolean,
): Promise<boolean> {
  const { call, marked } = d;
  const events: AgentEvent[] = [];
  try {
    await ctx.dialpad.initiateCall({
      dialpadUserId: s.dialpadUserId,
      phoneE164: call.phoneE164,
      customData: JSON.stringify(CallCustomDataSchema.parse({ td: 1, callId: call.callId, sessionId: s.id })),
      ...(call.callerId ? { outboundCallerId: call.callerId } : {}),
    });
  } catch (err) {
    if (isDefiniteRefusal(err)) {
      await undoDial(ctx, s, tab, now, call, marked.lead, version, d.previousStatus);
      ctx.defer(s, await dialFailedEvents(ctx, s, call, err, now));
      return false;
    }
    // The call may be ringing: undoing it would free the lead for a second dial and drop the webhooks
    // that bind it. It stays DIALING with its claim and timeout (the custom_data webhook binds it, or
    // the sweep ends it into the modal: at its confirmation deadline if Dialpad never reported it, else at
    // its call timeout) and the agent is told Dialpad may have placed it.
    const confirmBy = now + UNCONFIRMED_CALL_MS;
    if (confirmBy < call.timeoutAt) ctx.noteUnconfirmed(call.callId, confirmBy);
    ctx.log.warn(
      { callId: call.callId, rowId: call.rowId, phone: maskPhone(call.phoneE164), err },
      'Dialpad answered ambiguously; keeping the call as possibly started',
    );
    const message =
      err instanceof ApiError
        ? err.message
        : 'Dialpad did not confirm the call; it may have started: check the Dialpad app';
    events.push({ type: 'ERROR', code: 'UPSTREAM_TIMEOUT', message });
  }
  // Guarded: the fields (a masked number) would be built on every dial even with debug off.
  if (ctx.log.isLevelEnabled('debug'))
    ctx.log.debug(
      { callId: call.callId, rowId: call.rowId, phone: maskPhone(call.phoneE164) },
      'call started',
    );
  ctx.onCallStarted();
  if (told) {
    ctx.defer(s, events);
    return events.length === 0;
  }
  // The agent's counters moved in the dial's own script (keys.agentTabStats): nothing else to write.
  const stats = await statsEvent(ctx, s, now, { counters });
  events.push({ type: 'CALL_STATE', call: callView(call) }, ...(stats ? [stats] : []));
  ctx.defer(s, events);
  return false;
}

/** What the agent is told when Dialpad refused a call it was already shown: why, and where the session
 *  stands now (read after the undo: a STOP or PAUSE meanwhile is what the screen must keep), and the
 *  counters (the undo took the dial's `initiated` back). */
async function dialFailedEvents(
  ctx: ServiceContext,
  s: NewSession,
  call: CallRecord,
  err: ApiError,
  now: number,
): Promise<AgentEvent[]> {
  const after = await ctx.store.getSession(s.tag, s.id);
  const state = after?.state ?? 'STOP';
  const step: NextStep = { kind: 'idle', sessionState: state };
  const what = state === 'PLAY' ? 'the next lead is dialed in a moment' : 'press Play to go on';
  ctx.log.warn(
    { callId: call.callId, rowId: call.rowId, phone: maskPhone(call.phoneE164), code: err.code },
    'Dialpad refused a call after the answer; the dial was undone',
  );
  const stats = await statsEvent(ctx, s, now);
  return [
    {
      type: 'DIAL_FAILED',
      callId: call.callId,
      code: err.code,
      message: `Dialpad refused the call (${err.message}); this lead goes back in the queue and ${what}.`,
      next: step,
    },
    ...(stats ? [stats] : []),
  ];
}

/** Errors after which Dialpad certainly placed no call: a 4xx refusal, the rate limit, or "unavailable"
 *  (breaker open, a 503 with Retry-After, a connection that failed before the request was written).
 *  UPSTREAM_TIMEOUT (no answer in time, the connection lost after the request was written, a 500, 502,
 *  504 or 503 without Retry-After: docs/gateways.md) and unknown errors are ambiguous: the request may
 *  have reached Dialpad. */
function isDefiniteRefusal(err: unknown): err is ApiError {
  return (
    err instanceof ApiError &&
    (err.code === 'DIALPAD_REJECTED' || err.code === 'RATE_LIMITED' || err.code === 'DIALPAD_UNAVAILABLE')
  );
}

async function undoDial(
  ctx: ServiceContext,
  s: NewSession,
  tab: TabCache,
  now: number,
  call: CallRecord,
  markedLead: Lead,
  version: number,
  previousStatus: Lead['numbers'][number]['status'],
): Promise<void> {
  const prev = previousStatus === 'IN_PROGRESS' ? 'NEW' : previousStatus;
  const reverted = revertInProgress(markedLead, call.numberIndex, prev, tabRef(tab));
  const r = await ctx.store.revertDial({
    tag: s.tag,
    sessionId: s.id,
    agentEmail: s.agentEmail,
    callId: call.callId,
    lead: {
      rowId: call.rowId,
      expectedVersion: version,
      state: ownedOf(reverted.lead),
      patch: patchOrNull(reverted.patch),
    },
    now,
  });
  if (r.ok) tab.applyWrite(reverted.lead, r.version, false);
  else {
    ctx.log.error({ callId: call.callId, failure: r.failure }, 'could not revert a failed dial');
    await tab.refreshLead(call.rowId);
  }
}

/** The preview action "skip": SKIPPED (MANUAL_SKIP) and its sheet patch, then what comes next. A preview
 *  whose claim lapsed is dropped instead (the lead may be another session's now) and nothing is written. */
export async function skipPreview(
  ctx: ServiceContext,
  s: SessionRecord,
  tab: TabCache,
  token: string,
  now: number,
  preview: PendingPreview,
): Promise<void> {
  for (let i = 0; i < 3; i++) {
    const entry = await tab.refreshLead(preview.rowId);
    if (!entry) throw new ApiError('INVALID_STATE', 'the previewed lead is no longer in the sheet');
    let r: ReturnType<typeof applyManualSkip>;
    try {
      r = applyManualSkip({
        lead: entry.lead,
        numberIndex: preview.numberIndex,
        now,
        rules: tab.rules,
        tab: tabRef(tab),
      });
    } catch (err) {
      if (!isDomainError(err)) throw err;
      // The number is neither dialed nor dialable any more (e.g. another session finished it after this
      // preview's claim lapsed): nothing to skip, the preview is stale.
      await dropPendingPreview(ctx, s, tab, token, now, preview, 'not skippable');
      return;
    }
    const w = await ctx.store.manualSkip({
      tag: s.tag,
      sessionId: s.id,
      agentEmail: s.agentEmail,
      lockToken: token,
      previewId: preview.previewId,
      lead: {
        rowId: preview.rowId,
        expectedVersion: entry.version,
        state: ownedOf(r.lead),
        patch: patchOrNull(r.patch),
      },
      now,
    });
    if (w.ok) {
      tab.applyWrite(r.lead, w.version, false);
      await publishStats(ctx, s, now);
      return;
    }
    if (w.failure === 'LEAD_CLAIMED') {
      await dropPendingPreview(ctx, s, tab, token, now, preview, 'claim lapsed');
      return;
    }
    if (w.failure !== 'VERSION_CONFLICT') throw scriptApiError(w.failure);
  }
  throw new ApiError('LOCKED', 'the previewed lead kept changing; try again');
}
