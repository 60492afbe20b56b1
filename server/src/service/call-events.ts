// The call lifecycle after the dial: Dialpad webhooks (matched by our custom_data, else by the agent's
// Dialpad user id), the no-webhook timeout sweep, and the disposition. Calls only move forward
// (src-shared decideCallStep, callStep.lua), so repeated and out-of-order webhooks are harmless; an ENDED call opens the modal.
import { callLogEntryOf, withCallLog } from './call-log-entry.js';
import type { CallbackRequest } from '../../../src-shared/contracts/callbacks.js';
import { CallCustomDataSchema, type DialpadCallEvent } from '../../../src-shared/contracts/dialpad.js';
import { ApiError } from '../../../src-shared/contracts/errors.js';
import type { DispositionResponse } from '../../../src-shared/contracts/http.js';
import type { CallEndReason, NextStep } from '../../../src-shared/contracts/views.js';
import type { AgentEvent } from '../../../src-shared/contracts/ws.js';
import { preDispositionOf } from '../../../src-shared/domain/amend.js';
import { applyDisposition, suggestDisposition } from '../../../src-shared/domain/apply.js';
import { connectedTimeoutMsOf, DEFAULT_CAMPAIGN_RULES } from '../../../src-shared/domain/campaign.js';
import {
  buildCatalog,
  type DispositionCode,
  findDisposition,
} from '../../../src-shared/domain/disposition.js';
import { isDomainError } from '../../../src-shared/domain/errors.js';
import { CALL_STATES, type CallState } from '../../../src-shared/domain/session.js';
import { endReasonOf, mapDialpadState } from '../dialpad/call-state.js';
import type { InScriptIdempotency } from '../idempotency/in-script.js';
import type { AgentPrincipal, RouterEntry } from '../ports.js';
import { type ScriptFailure, scriptApiError } from '../redis/script-errors.js';
import type {
  AdvanceCallInput,
  CallRecord,
  DisposeResult,
  IdemHeldOutcome,
  NewSession,
  Outcome,
  SessionRecord,
  StatsCounters,
} from '../store/types.js';
import type { Lead } from '../../../src-shared/domain/lead.js';
import type { CallIdentity, DispositionNotWritten, ServiceContext } from './context.js';
import { callbackToSchedule } from './callbacks.js';
import { disposeTelling } from './dispose-events.js';
import {
  dialStep,
  type Picked,
  type PreparedDial,
  pickNext,
  pickRefused,
  placeCall,
  prepareDial,
  proceed,
  tabRef,
} from './dialing.js';
import { ownedOf } from './merge.js';
import { publishStats, statsEvent } from './stats.js';
import type { TabCache } from './tab-cache.js';
import { callView, leadPreview } from './views.js';

type Located = { tag: string; call: CallRecord };

/** The session a webhook's custom_data names for the call (absent: not known before the read). */
type CallHint = { sessionId?: string | undefined };

/** Reads a call this instance does not know (its tab from the call id, keys.callIdIn; no command when
 *  the tab's code is known). With the session the webhook's custom_data names, that session's counters
 *  are read in the same round trip (the webhook's STATS then needs no read of its own): a webhook of a
 *  call this instance never saw is 2 round trips. */
async function locate(ctx: ServiceContext, callId: string, hint: CallHint = {}): Promise<Located | null> {
  const tag = await ctx.store.locateCall(callId);
  if (!tag) return null;
  const [call, stats] = await Promise.all([
    ctx.store.getCall(tag, callId),
    hint.sessionId ? ctx.store.sessionStats(tag, hint.sessionId) : null,
  ]);
  if (!call) return null;
  ctx.noteCall(call);
  if (stats && call.sessionId === hint.sessionId) ctx.noteCallStats(callId, stats);
  return { tag, call };
}

/** The call's immutable part: from memory when this instance dialed (or saw) it, else read once. */
async function identify(
  ctx: ServiceContext,
  callId: string,
  hint: CallHint = {},
): Promise<CallIdentity | null> {
  return ctx.knownCall(callId) ?? (await locate(ctx, callId, hint))?.call ?? null;
}

/** How often the router is re-read for the fallback, at most. */
const ROUTER_REFRESH_MS = 60_000;

/** Router rows by Dialpad user id: the fallback when an event lacks our custom_data. Re-read at most once
 *  per ROUTER_REFRESH_MS, hits and misses alike: events for Dialpad users who are not agents (other
 *  teams' lines) are common and must not cost a Sheets read each; a failed read keeps the old rows. */
export class RouterCache {
  #at = Number.NEGATIVE_INFINITY;
  #byUser = new Map<string, RouterEntry>();
  constructor(private readonly ctx: ServiceContext) {}
  async byDialpadUser(userId: string, now: number): Promise<RouterEntry | null> {
    if (now - this.#at >= ROUTER_REFRESH_MS) {
      this.#at = now;
      try {
        const rows = await this.ctx.sheets.listRouterEntries();
        this.#byUser = new Map(rows.map((r) => [r.dialpadUserId, r]));
      } catch (err) {
        this.ctx.log.warn({ err }, 'router read for the webhook fallback failed; using the last one');
      }
    }
    return this.#byUser.get(userId) ?? null;
  }
}

async function findCall(
  ctx: ServiceContext,
  router: RouterCache,
  event: DialpadCallEvent,
  now: number,
): Promise<CallIdentity | null> {
  if (event.custom_data) {
    let parsed: unknown = null;
    try {
      parsed = JSON.parse(event.custom_data);
    } catch {
      parsed = null;
    }
    const data = CallCustomDataSchema.safeParse(parsed);
    if (data.success) return identify(ctx, data.data.callId, data.data);
  }
  // Fallback: the event's target is the agent's Dialpad user → that agent's session → its current call.
  // Outbound events only: an inbound call to the agent's line (a callback) is not the call we placed, and
  // its hangup must not end it.
  if (event.direction !== 'outbound') return null;
  const userId = event.target?.id;
  if (!userId) return null;
  const entry = await router.byDialpadUser(userId, now);
  const session = entry ? await ctx.store.activeSessionOf(entry.agentEmail) : null;
  if (!session?.callId) return null;
  const found = await locate(ctx, session.callId);
  // Only a call that has not been tied to another Dialpad call yet (or to this one).
  if (!found || (found.call.dialpadCallId !== null && found.call.dialpadCallId !== event.call_id))
    return null;
  return found.call;
}

/** On ENDED, the suggested disposition: by whether the call was ever connected (the script knows). */
const ENDED_SUGGESTIONS = (voicemail: boolean) => ({
  connected: suggestDisposition({ connected: true, voicemail }),
  notConnected: suggestDisposition({ connected: false, voicemail }),
});

type AdvanceStep = Omit<AdvanceCallInput, 'tag' | 'callId' | 'known' | 'announce'>;

/** Moves the call forward and tells the agent, in ONE script (Store.advanceCall, callStep.lua): the step is
 *  decided on the call as this instance last saw it (its dial, its previous steps; else one read), and
 *  written with its events only if the call is still that. Counters (connects, talk time) are stored once,
 *  with the disposition. */
async function advanceCall(ctx: ServiceContext, found: CallIdentity, input: AdvanceStep, now: number) {
  const r = await ctx.store.advanceCall({
    ...input,
    tag: found.tag,
    callId: found.callId,
    known: ctx.seenCall(found.callId),
    announce: (next) => stepEvents(ctx, next, now),
  });
  if (r.ok) {
    ctx.noteCall(r.call);
    ctx.noteDeadline(found.callId, found.tag, deadlineOf(r.call));
  }
  return r;
}

/** What the agent is told of a step: CALL_STATE, and SHOW_DISPO when it ended; STATS after a connect or an
 *  end (after SHOW_DISPO, which the agent acts on). */
async function stepEvents(ctx: ServiceContext, call: CallRecord, now: number): Promise<AgentEvent[]> {
  const { tag } = call;
  const events: AgentEvent[] = [{ type: 'CALL_STATE', call: callView(call) }];
  if (call.state === 'ENDED' || call.state === 'CONNECTED') {
    const session = await ctx.sessionIdentity(tag, call.sessionId);
    if (call.state === 'ENDED') {
      const tab = session ? ctx.loadedTab(tag, session.campaignName) : null;
      const lead = tab?.get(call.rowId)?.lead;
      const preview = lead && tab ? leadPreview(lead, call.numberIndex, tab.rules, now) : null;
      events.push({ type: 'SHOW_DISPO', call: callView(call), preview });
    }
    // Connects and talk time moved: the live stats follow (the dial's counters + this call, no read when
    // this instance dialed it).
    const stats = session
      ? await statsEvent(ctx, session, now, { counters: ctx.callStats(call.callId), live: call })
      : null;
    if (stats) events.push(stats);
  }
  return events;
}

/** The webhook path: ONE script, one round trip (advanceCall): the call's step and its events commit
 *  together, so a crash before it lets Dialpad's retry in (nothing happened), and a crash after it loses
 *  nothing (the retry finds its step made and told). A repeat of a delivery whose step is made is answered
 *  `duplicate: true`; a late event of an earlier step changes and tells nothing. The step itself is the
 *  dedupe: no record is written. Events that touch no call of ours are recorded with the route's `claim`
 *  (its `duplicate` answer). */
export async function onDialpadEvent(
  ctx: ServiceContext,
  router: RouterCache,
  event: DialpadCallEvent,
  now: number,
  claim: (seen?: boolean) => Promise<boolean>,
): Promise<void> {
  const state = mapDialpadState(event.state);
  // hold, recording, transcription…: not a lifecycle step. DIALING (calling, preanswer) neither: every
  // call starts there, so it can never move one (its fields are set only with a step forward).
  if (!state) {
    await claim();
    return;
  }
  if (state === CALL_STATES[0]) return;
  const found = await findCall(ctx, router, event, now);
  if (!found) {
    await claim();
    ctx.log.debug({ dialpadCallId: event.call_id, state: event.state }, 'webhook for no open call of ours');
    return;
  }
  // A DISPOSED call, or one whose dial failed, is never moved again: decideCallStep says so.
  const at = (v: number | null | undefined) => (typeof v === 'number' && v > 0 ? v : now);
  const fields: AdvanceCallInput['fields'] = { dialpadCallId: event.call_id };
  const input: AdvanceStep = {
    state: state as CallState,
    fields,
    now,
  };
  if (state === 'RINGING') fields.ringingAt = at(event.date_rang);
  if (state === 'CONNECTED') fields.connectedAt = at(event.date_connected);
  if (state === 'ENDED') {
    if (event.date_connected) fields.connectedAt = event.date_connected;
    fields.endedAt = at(event.date_ended);
    fields.endReason = endReasonOf(event.state) ?? 'HANGUP';
    input.suggest = ENDED_SUGGESTIONS(fields.endReason === 'VOICEMAIL');
  }
  if (state === 'CONNECTED') {
    // A conversation outlives the ringing deadline: the step moves it to the connected limit.
    const session = await ctx.sessionIdentity(found.tag, found.sessionId);
    input.connectedTimeoutMs = connectedTimeoutMsOf(
      session ? ctx.rulesFor(session.campaignName) : DEFAULT_CAMPAIGN_RULES,
    );
  }
  const r = await advanceCall(ctx, found, input, now);
  if (!r.ok) {
    await claim();
    return;
  }
  if (state === 'ENDED') ctx.faultPoint('ended-before-answer');
  await claim(!r.advanced && isSameStep(r.call, state, fields));
}

/** The call is at the step this event made (its first-wins fields carry this event's own timestamps):
 *  a redelivery of the event that moved it, not a later event of the same state. */
function isSameStep(call: CallRecord, state: CallState, fields: AdvanceCallInput['fields']): boolean {
  if (call.state !== state) return false;
  if (state === 'RINGING') return call.ringingAt === fields.ringingAt;
  if (state === 'CONNECTED') return call.connectedAt === fields.connectedAt;
  if (state === 'ENDED') return call.endedAt === fields.endedAt && call.endReason === fields.endReason;
  return false;
}

/** When the sweep last walked every tab, per service (see `sweepTimeouts`). */
const lastFullSweep = new WeakMap<ServiceContext, number>();

/** Ends calls past their deadline (no ending webhook came) into the modal. Scales with calls, not with
 *  tabs x time: each tick looks only at the tabs where a call this instance knows is due; every
 *  `fullSweepEveryMs` (and on the first tick) it walks every tab that had sessions, for the calls of other
 *  or earlier instances. The script re-files a connected call whose deadline moved, drops an ended one. */
export async function sweepTimeouts(ctx: ServiceContext, now: number): Promise<number> {
  const full = now - (lastFullSweep.get(ctx) ?? Number.NEGATIVE_INFINITY) >= ctx.fullSweepEveryMs;
  const known = ctx.dueDeadlines(now);
  if (full) lastFullSweep.set(ctx, now);
  const tags = full ? await ctx.store.activeTabs() : [...known.keys()];
  let ended = 0;
  for (const tag of tags) {
    const swept = new Set<string>();
    for (const callId of await ctx.store.dueCalls(tag, now, 200)) {
      swept.add(callId);
      const call = await ctx.store.getCall(tag, callId);
      if (!call) continue;
      ctx.noteCall(call);
      const endReason: CallEndReason = 'TIMEOUT';
      // Re-filed (a connected call's later deadline) or finished: what this instance remembers follows.
      const r = await advanceCall(
        ctx,
        call,
        {
          state: 'ENDED',
          fields: { endedAt: now, endReason },
          suggest: ENDED_SUGGESTIONS(false),
          sweep: true,
          now,
        },
        now,
      );
      if (r.ok && r.advanced) {
        ended++;
        ctx.log.info({ callId }, 'call timed out without an ending webhook');
      }
    }
    // Known calls of this tab the ZSET no longer has due (disposed or moved elsewhere): look again later.
    for (const callId of known.get(tag) ?? [])
      if (!swept.has(callId)) ctx.noteDeadline(callId, tag, now + ctx.fullSweepEveryMs);
  }
  return ended + (await endUnconfirmed(ctx, now));
}

/** Calls kept after an ambiguous Dialpad answer that Dialpad has still not reported at their confirmation
 *  deadline (ServiceContext.noteUnconfirmed): most likely never placed, they end into the modal now rather than at
 *  the call timeout. Decided with the compare-and-set, so a webhook racing it keeps the call. */
async function endUnconfirmed(ctx: ServiceContext, now: number): Promise<number> {
  let ended = 0;
  for (const callId of ctx.takeDueUnconfirmed(now)) {
    const found = await identify(ctx, callId);
    if (!found) continue;
    const r = await advanceCall(
      ctx,
      found,
      {
        state: 'ENDED',
        fields: { endedAt: now, endReason: 'TIMEOUT' },
        suggest: ENDED_SUGGESTIONS(false),
        unconfirmedOnly: true,
        now,
      },
      now,
    );
    if (r.ok && r.advanced) {
      ended++;
      ctx.log.info({ callId }, 'a call Dialpad never confirmed ended without any webhook');
    }
  }
  return ended;
}

/** A live call's deadline, or null once it ended (nothing left to sweep). */
function deadlineOf(call: CallRecord): number | null {
  return call.state === 'DIALING' || call.state === 'RINGING' || call.state === 'CONNECTED'
    ? call.timeoutAt
    : null;
}

export async function dispose(
  ctx: ServiceContext,
  agent: AgentPrincipal,
  input: {
    callId: string;
    code: DispositionCode;
    notes?: string | undefined;
    callback?: CallbackRequest | undefined;
  },
  now: number,
  idem?: InScriptIdempotency,
): Promise<DispositionResponse> {
  // The call's identity (memory, else one read) and the session's: nothing mutable is read first, the
  // script checks the call's state and the lead's version and says what is wrong.
  const call = await identify(ctx, input.callId);
  if (!call) throw new ApiError('CALL_NOT_FOUND', 'no such call');
  const { tag } = call;
  if (call.agentEmail.toLowerCase() !== agent.email.toLowerCase())
    throw new ApiError('FORBIDDEN', 'that call belongs to another agent');
  const session = await ctx.sessionIdentity(tag, call.sessionId);
  if (!session) throw new ApiError('NO_ACTIVE_SESSION', 'the call has no session');
  const tab = await ctx.tabFor(session, now);
  const rules = tab.rules;
  const callback = callbackToSchedule(tab, call, input, now);
  const catalog = buildCatalog(rules.dispositions);
  const def = findDisposition(catalog, input.code);
  const base = {
    tag,
    callId: call.callId,
    sessionId: call.sessionId,
    agentEmail: call.agentEmail,
    code: input.code,
    success: def.success,
    doNotCall: input.code === 'DO_NOT_CALL' ? call.phoneE164 : null,
    now,
  };
  // The chained dial's lock, taken by the script that commits the disposition (session in PLAY): named after
  // the call it dials (`c:<callId>`), so that call's own disposition can take it over (callDispose.lua).
  let chainLock = { token: ctx.ids(), ttlMs: ctx.lockTtlMs };
  // The request's Idempotency-Key: checked and reserved by the script itself (no round trip of its own).
  const idemArgs = idem?.forScript(tag) ?? null;
  const heldBy = (record: string): never => {
    if (!idem) throw new Error('callDispose answered an idempotency record it was not given');
    return idem.held(record);
  };
  /** The answer when the script also makes the chained dial: known before it, so it stores it too. */
  let chainedAnswer: DispositionResponse | null = null;

  let queuedCells = 0;
  let committed: DisposeResult | null = null;
  let chain: ChainPick | null = null;
  const callLog = callLogEntryOf(call, session.campaignName, input, now, ctx.seenCall(call.callId));
  // The tab's index knows the lead as this instance last wrote or heard of it; a conflict re-reads it.
  let entry = tab.get(call.rowId);
  for (let i = 0; !committed; i++) {
    if (i >= 5) throw new ApiError('LOCKED', 'the lead kept changing; try again');
    if (i > 0 || !entry) entry = await tab.refreshLead(call.rowId);
    if (!entry) {
      // The row left the sheet during the call: record the outcome on the call, write no cells.
      const overlay = await ctx.store.getLead(tag, call.rowId);
      if (!overlay) throw new ApiError('INVALID_STATE', 'the lead is no longer in the sheet');
      chainLock = { token: ctx.ids(), ttlMs: ctx.lockTtlMs };
      const r = await ctx.store.dispose({
        ...base,
        chainLock,
        lead: {
          rowId: call.rowId,
          expectedVersion: overlay.version,
          state: overlay.state,
          patch: withCallLog(null, tab.ref, call.rowId, callLog),
        },
        idem: idemArgs ? { ...idemArgs, answer: null } : null,
      });
      if (!r.ok && r.failure === 'IDEM_HELD') return heldBy(r.record);
      if (!r.ok && r.failure === 'VERSION_CONFLICT') continue;
      if (!r.ok) return disposeRefused(ctx, call, input.code, r.failure, now);
      committed = r;
      notWritten(ctx, call, input.code, 'ROW_GONE');
      break;
    }
    let applied: ReturnType<typeof applyDisposition> | null = null;
    try {
      applied = applyDisposition({
        lead: entry.lead,
        numberIndex: call.numberIndex,
        code: input.code,
        notes: input.notes,
        now,
        rules,
        catalog,
        tab: tabRef(tab),
        callback,
      });
    } catch (err) {
      if (!isDomainError(err)) throw err;
      if (err.code !== 'NUMBER_NOT_DIALABLE') throw new ApiError('INVALID_STATE', err.message, err.details);
      // The number is no longer IN_PROGRESS in what we know: maybe a person re-marked it during the call,
      // maybe our index is behind. Re-read once; if it still is not, their edit stands (the overlay takes
      // the merged lead as it is, no cells written) and the outcome is recorded on the call only.
      if (i === 0) continue;
    }
    const lead = applied?.lead ?? entry.lead;
    const patch =
      applied && applied.patch.values.length + applied.patch.backgrounds.length > 0 ? applied.patch : null;
    // The next lead, picked now from the index as this disposition leaves it (the script writes exactly
    // that: version + 1, claim released), so the same script dials it: one step, one round trip.
    chain = pickChained(ctx, session, tab, lead, entry.version + 1, now);
    chainLock = { token: chain ? `c:${chain.dial.call.callId}` : ctx.ids(), ttlMs: ctx.lockTtlMs };
    // What the agent is told of this step, appended by the same script when what it was built on holds
    // (the index then holds the chained lead as the dial leaves it: unmarkChained puts it back if not dialed).
    const picked = chain;
    const tell = await disposeTelling(
      ctx,
      session,
      call.callId,
      input.code,
      def.success,
      now,
      picked ? { call: picked.dial.call, markInIndex: () => markChained(tab, picked) } : null,
    );
    chainedAnswer = chain
      ? {
          callId: call.callId,
          code: input.code,
          queuedCells: applied ? applied.patch.values.length : 0,
          next: dialStep(chain.dial, tab, now),
        }
      : null;
    let r: Outcome<DisposeResult> | IdemHeldOutcome;
    const state = ownedOf(lead);
    try {
      r = await ctx.store.dispose({
        ...base,
        lead: {
          rowId: call.rowId,
          expectedVersion: entry.version,
          state,
          patch: withCallLog(patch, tab.ref, call.rowId, callLog),
        },
        preDisposition: applied ? JSON.stringify(preDispositionOf(entry.lead, callback)) : null,
        chainLock,
        next: chain?.dial ?? null,
        idem: idemArgs ? { ...idemArgs, answer: chainedAnswer ? JSON.stringify(chainedAnswer) : null } : null,
        tell,
      });
    } catch (err) {
      // The index holds the lead as the script would have left it: read it back.
      unmarkChained(tab, chain);
      await tab.refreshLead(call.rowId).catch(() => null);
      throw err;
    }
    if (!r.ok) {
      unmarkChained(tab, chain);
      if (r.failure === 'VERSION_CONFLICT') continue; // the next turn reads the lead back
      await tab.refreshLead(call.rowId);
      if (r.failure === 'IDEM_HELD') return heldBy(r.record);
      return disposeRefused(ctx, call, input.code, r.failure, now);
    }
    // pickChained put the lead in the index as the script left it (version + 1, unclaimed) already.
    if (r.version !== entry.version + 1) tab.applyWrite(lead, r.version, false);
    tab.noteOwnWrite(call.rowId, r.version, now, state);
    committed = r;
    if (applied) queuedCells = applied.patch.values.length;
    else notWritten(ctx, call, input.code, 'NUMBER_CHANGED');
  }
  if (committed.idemStored) idem?.markStored();
  ctx.faultPoint('disposed-before-chain');
  ctx.forgetCall(call.callId);
  // Told by the script (`told`: the disposition's CALL_STATE with the chained dial's CALL_STATE and STATS,
  // or with the STATS), else told here with what comes next (the chained dial's events, or the STATS
  // below) in one append, flushed at the end whatever happens. The agent's counters moved in the script.
  const told = committed.told;
  if (!told) ctx.defer(call, [{ type: 'CALL_STATE', call: callView(committed.call) }]);
  const held = committed.chainLocked ? chainLock.token : null;
  const chained = committed.chained;
  if (chain && held && chained?.ok) {
    // The script dialed the next lead under the lock it took: the answer carries that call now. Its
    // Dialpad leg holds the lock until Dialpad answered, then ONE script releases it with what Dialpad's
    // answer adds for the agent (nothing when it placed the call and the script told the rest: placeCall).
    const next = placeCall(ctx, session, tab, now, chain.dial, chained.version, committed.stats, held, told);
    // The very answer the script stored for the Idempotency-Key (a retry replays these bytes).
    return chainedAnswer ?? { callId: call.callId, code: input.code, queuedCells, next };
  }
  unmarkChained(tab, chain);
  if (chain && chained && !chained.ok) {
    const { picked } = chain;
    await bestEffort(ctx, 'index update after a refused chained dial', () =>
      pickRefused(ctx, tab, picked, chained.failure, now),
    );
  }
  try {
    // Not dialed in the script (not in PLAY, a preview countdown, the lock busy, nothing picked or the pick
    // refused): the usual chain, under the lock the script took (if it did).
    return await afterDisposition(
      ctx,
      call,
      session,
      committed.session,
      held,
      told ? null : committed.stats,
      input.code,
      now,
      queuedCells,
    );
  } finally {
    await ctx.flushDeferred(call, now);
  }
}

/** The next dial a disposition's script runs in the same step: what was picked and the dial prepared;
 *  `marked` while the index holds its lead as the dial leaves it (markChained). */
interface ChainPick {
  picked: Picked;
  dial: PreparedDial;
  claimed: boolean;
  marked: boolean;
}

/** The index holds the chained lead as the dial will leave it (IN_PROGRESS, claimed, version + 1): the
 *  events the script tells count the leads as they will be. */
function markChained(tab: TabCache, c: ChainPick): void {
  tab.applyWrite(c.dial.marked.lead, c.dial.lead.expectedVersion + 1, true);
  c.marked = true;
}

/** The chained dial was not made: the index holds its lead as picked again (the script wrote nothing of it). */
function unmarkChained(tab: TabCache, c: ChainPick | null): void {
  if (!c?.marked) return;
  tab.applyWrite(c.picked.lead, c.picked.version, c.claimed);
  c.marked = false;
}

/** Puts the disposed lead in the index as the script will leave it (`lead` at `version`, unclaimed) and
 *  picks the next lead there for the chained dial (auto-dial campaigns: no preview countdown); null when
 *  nothing is dialable or the campaign previews first (the usual chain decides). The index keeps that
 *  view: the caller reads the lead back if the script does not commit. */
function pickChained(
  ctx: ServiceContext,
  session: NewSession,
  tab: TabCache,
  lead: Lead,
  version: number,
  now: number,
): ChainPick | null {
  tab.applyWrite(lead, version, false);
  if (tab.rules.previewCountdownSeconds > 0) return null;
  const picked = pickNext(tab, session.agentEmail, now);
  if (!picked) return null;
  try {
    const dial = prepareDial(ctx, session, tab, now, picked);
    return { picked, dial, claimed: tab.index.isClaimed(picked.lead.rowId), marked: false };
  } catch {
    return null; // not dialable after all: the usual chain picks (and says why)
  }
}

/** Committed: what follows is best-effort. A Redis blip here must not make the saved disposition look
 *  failed (the agent would retry it) nor lose the next call. `counters`: the STATS to tell when no call
 *  follows (null: the disposition's script told them). */
async function afterDisposition(
  ctx: ServiceContext,
  call: CallIdentity,
  session: NewSession,
  after: SessionRecord | null,
  held: string | null,
  counters: StatsCounters | null,
  code: DispositionCode,
  now: number,
  queuedCells: number,
): Promise<DispositionResponse> {
  // The script answered the session as it left it (and took its lock, `held`): no read to learn whether
  // to chain, nor to start it, nor a lock request.
  const next: NextStep =
    after?.state === 'PLAY'
      ? await nextAfterCommit(ctx, session, now, after, held)
      : { kind: 'idle', sessionState: after?.state ?? 'STOP' };
  // A chained dial published the stats already (they include this disposition); else the counters the
  // disposition script answered.
  if (next.kind !== 'call' && counters)
    await bestEffort(ctx, 'live stats after a disposition', () => publishStats(ctx, session, now, counters));
  return { callId: call.callId, code, queuedCells, next };
}

/** The script refused the disposition: the same code already saved is that request's success (a retry
 *  after a blip, or a concurrent duplicate), another outcome a 409; anything else its API error. */
async function disposeRefused(
  ctx: ServiceContext,
  call: CallIdentity,
  code: DispositionCode,
  failure: ScriptFailure,
  now: number,
): Promise<DispositionResponse> {
  if (failure === 'CALL_FINISHED') {
    const again = await ctx.store.getCall(call.tag, call.callId);
    if (again?.state === 'DISPOSED' && again.disposition === code)
      return disposedAgain(ctx, call.tag, again, now);
    throw new ApiError('NO_CALL_PENDING', 'that call is already disposed');
  }
  throw scriptApiError(failure);
}

async function bestEffort(ctx: ServiceContext, what: string, step: () => Promise<unknown>): Promise<void> {
  try {
    await step();
  } catch (err) {
    ctx.log.error({ err }, `${what} failed (the disposition is saved)`);
  }
}

/** chainAfter, but an unexpected failure (e.g. Redis) leaves the agent idle instead of failing the
 *  request whose disposition is already saved; the next call can be asked for again. */
async function nextAfterCommit(
  ctx: ServiceContext,
  session: NewSession,
  now: number,
  known?: SessionRecord,
  held?: string | null,
): Promise<NextStep> {
  try {
    return await chainAfter(ctx, session.tag, session.id, now, known, held);
  } catch (err) {
    ctx.log.error({ err, sessionId: session.id }, 'could not chain the next call after a disposition');
    const s = await ctx.store.getSession(session.tag, session.id).catch(() => null);
    return { kind: 'idle', sessionState: s?.state ?? 'PAUSE' };
  }
}

/** The answer to a disposition that already committed with this code: no writes, the current next step. */
async function disposedAgain(
  ctx: ServiceContext,
  tag: string,
  call: CallRecord,
  now: number,
): Promise<DispositionResponse> {
  const code = call.disposition;
  if (code === null) throw new ApiError('NO_CALL_PENDING', 'that call is already disposed');
  const session = await ctx.store.getSession(tag, call.sessionId);
  const next: NextStep = session
    ? await nextAfterCommit(ctx, session, now)
    : { kind: 'idle', sessionState: 'STOP' };
  ctx.log.info({ callId: call.callId, code }, 'disposition repeated; already saved');
  return { callId: call.callId, code, queuedCells: 0, next, alreadySaved: true };
}

function notWritten(
  ctx: ServiceContext,
  call: CallIdentity,
  code: DispositionCode,
  why: DispositionNotWritten,
) {
  ctx.log.warn(
    { callId: call.callId, rowId: call.rowId, numberIndex: call.numberIndex, code, why },
    'disposition recorded on the call only; the lead was not written',
  );
  ctx.onDispositionNotWritten(why);
}

/** After a disposition or skip: the next dial or preview when the session is in PLAY. A failure to start
 *  the next call does not undo what was just saved: the agent gets an ERROR event and an idle step. */
export async function chainAfter(
  ctx: ServiceContext,
  tag: string,
  sessionId: string,
  now: number,
  known?: SessionRecord,
  held?: string | null,
): Promise<NextStep> {
  // Under the lock, one read of the session decides (the caller knew it was in PLAY a moment ago), unless
  // the caller's script just answered it (`known`): the dial script re-checks state, call and preview, and
  // a session that moved on meanwhile answers its current step (dialing.ts movedOn). `held`: the lock's
  // token when the caller's script took it already.
  const seen: { s: SessionRecord | null } = { s: null };
  try {
    return await ctx.withLock(
      tag,
      sessionId,
      held ?? ctx.ids(),
      async (token) => {
        const s = known ?? (await ctx.store.getSession(tag, sessionId));
        seen.s = s;
        if (!s) return { kind: 'idle', sessionState: 'STOP' } satisfies NextStep;
        if (s.state !== 'PLAY') return { kind: 'idle', sessionState: s.state } satisfies NextStep;
        const tab = await ctx.tabFor(ctx.noteSession(s), now);
        return proceed(ctx, s, tab, token, now, 'auto');
      },
      typeof held === 'string',
    );
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    const known = seen.s ?? (await ctx.store.getSession(tag, sessionId));
    if (!known) throw err;
    await ctx.publish(known, { type: 'ERROR', code: err.code, message: err.message }, now);
    return { kind: 'idle', sessionState: known.state };
  }
}
