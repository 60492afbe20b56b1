// Changing the last disposition (issue 10): within the campaign's window after confirming, the agent's last
// disposed call gets the right code, and the lead, the sheet (a correcting patch through the write-behind
// queue, after the first one: the later write wins), retry timing, sibling skips, do-not-call and the
// counters become what the right code would have made of it (src-shared/domain/amend.ts decides,
// callAmend.lua writes with its checks). The session's current call or preview is not touched. The Call log
// gets a correcting row (CallId `<callId>~fix<n>`): rows already written are never rewritten.
import { ApiError } from '../../../src-shared/contracts/errors.js';
import type { AmendRequest, AmendResponse } from '../../../src-shared/contracts/amend.js';
import { amendDisposition, replayDisposition } from '../../../src-shared/domain/amend.js';
import { type CallLogEntry, last4Digits } from '../../../src-shared/domain/call-log.js';
import { buildCatalog, type DispositionCode } from '../../../src-shared/domain/disposition.js';
import { isDomainError } from '../../../src-shared/domain/errors.js';
import type { Lead } from '../../../src-shared/domain/lead.js';
import { amendWindowSecondsOf, type PreDisposition } from '../../../src-shared/domain/outcome.js';
import type { Logger } from '../logger.js';
import type { AgentPrincipal } from '../ports.js';
import { sessionIdOfCallId } from '../redis/keys.js';
import { scriptApiError } from '../redis/script-errors.js';
import type { AmendBase, CallRecord, SessionRecord } from '../store/types.js';
import { withCallLog } from './call-log-entry.js';
import type { ServiceContext } from './context.js';
import { tabRef } from './dialing.js';
import { ownedOf } from './merge.js';
import { publishStats } from './stats.js';
import { readTab, type TabCache } from './tab-cache.js';

/** The Call log's correcting row for the n-th change of a call: its own CallId, so the flusher writes it
 *  once; Duration 0, so summing durations still counts the call once. */
export function correctionLogEntry(
  call: CallRecord,
  campaign: string,
  change: { from: DispositionCode; to: DispositionCode; n: number },
  now: number,
): CallLogEntry {
  return {
    callId: `${call.callId}~fix${change.n}`,
    at: now,
    agent: call.agentEmail,
    campaign,
    rowId: call.rowId,
    numberLast4: last4Digits(call.phoneE164),
    durationS: 0,
    disposition: change.to,
    notes: `Correction of call ${call.callId}: ${change.from} → ${change.to}`,
  };
}

interface Found {
  call: CallRecord;
  session: SessionRecord;
  tab: TabCache;
  windowMs: number;
}

/** A call older than its session's last one is no longer kept (store/call-record.ts): when its id names a
 *  session of this agent whose live call is another one, it is a call that left that session, not an
 *  unknown one. */
async function refuseOlderCall(ctx: ServiceContext, agent: AgentPrincipal, tag: string, callId: string) {
  const sessionId = sessionIdOfCallId(callId);
  const session = sessionId ? await ctx.store.getSession(tag, sessionId) : null;
  if (session && session.agentEmail.toLowerCase() === agent.email && session.callId !== callId)
    throw new ApiError('NOT_LAST_CALL', 'that call is not the last one its session disposed');
}

async function find(ctx: ServiceContext, agent: AgentPrincipal, callId: string, now: number): Promise<Found> {
  const tag = await ctx.store.locateCall(callId);
  const call = tag ? await ctx.store.getCall(tag, callId) : null;
  if (tag && !call) await refuseOlderCall(ctx, agent, tag, callId);
  if (!tag || !call) throw new ApiError('CALL_NOT_FOUND', 'no such call');
  if (call.agentEmail.toLowerCase() !== agent.email)
    throw new ApiError('FORBIDDEN', 'that call belongs to another agent');
  if (call.state !== 'DISPOSED')
    throw new ApiError('INVALID_STATE', 'that call has no disposition yet: choose one in the modal');
  const session = await ctx.store.getSession(tag, call.sessionId);
  if (!session) throw new ApiError('NOT_LAST_CALL', 'the session of that call is gone');
  // The agent's last call is in her current session (a session started since makes it an older one).
  const active = await ctx.store.activeSessionOf(agent.email);
  if (active && active.id !== session.id)
    throw new ApiError('NOT_LAST_CALL', 'that call belongs to an earlier session');
  const tab = await ctx.tabFor(session, now);
  await rereadSheet(ctx, tab, now);
  return { call, session, tab, windowMs: amendWindowSecondsOf(tab.rules) * 1000 };
}

/** A change must see a person's edit of the row, whenever it was made: the tab is read again first (one
 *  Sheets read through the shared quota; an unchanged sheet only reconciles the index). While Sheets cannot
 *  be read the last read stands (a change is a Redis write plus a queued patch, like a disposition). */
async function rereadSheet(ctx: ServiceContext, tab: TabCache, now: number): Promise<void> {
  try {
    await tab.refreshFrom(await readTab({ store: ctx.store, sheets: ctx.sheets }, tab.ref, now));
  } catch (err) {
    ctx.log.warn(
      { tag: tab.ref.tag, why: err instanceof Error ? err.message : String(err) },
      'could not re-read the tab before a change of disposition: using the last read',
    );
  }
}

export async function amendLastDisposition(
  ctx: ServiceContext,
  agent: AgentPrincipal,
  input: AmendRequest,
  now: number,
): Promise<AmendResponse> {
  const { call, session, tab, windowMs } = await find(ctx, agent, input.callId, now);
  const rules = tab.rules;
  const catalog = buildCatalog(rules.dispositions);
  for (let i = 0; i < 5; i++) {
    const base = await ctx.store.amendBase(call.tag, call.sessionId, call.callId);
    if (!base)
      throw new ApiError('INVALID_STATE', 'that call has no disposition yet: choose one in the modal');
    if (base.kept === 'NOT_LAST_CALL')
      throw new ApiError('NOT_LAST_CALL', 'only the last disposed call can be changed');
    if (base.kept === 'NOT_WRITTEN')
      throw new ApiError(
        'INVALID_STATE',
        'that disposition was recorded on the call only (the lead was not written) and cannot be changed',
      );
    const kept = base.kept;
    const amendableUntil = base.disposedAt + windowMs;
    const entry = await tab.refreshLead(call.rowId);
    if (base.code === input.code)
      return repeated(call, base, kept.pre, entry?.lead ?? null, tab, amendableUntil);
    if (now > amendableUntil)
      throw new ApiError('AMEND_WINDOW_PASSED', 'the time to change that disposition has passed', {
        amendableUntil,
      });
    if (!entry || entry.version !== kept.leadVersion)
      throw new ApiError('LEAD_CHANGED', 'the lead changed after the disposition (dialed again or edited)');
    let result: ReturnType<typeof amendDisposition>;
    try {
      result = amendDisposition({
        current: entry.lead,
        pre: kept.pre,
        numberIndex: call.numberIndex,
        from: base.code,
        to: input.code,
        disposedAt: base.disposedAt,
        rules,
        catalog,
        tab: tabRef(tab),
      });
    } catch (err) {
      if (!isDomainError(err)) throw err;
      if (err.code === 'LEAD_CHANGED') throw new ApiError('LEAD_CHANGED', err.message, err.details);
      throw new ApiError('INVALID_STATE', err.message, err.details);
    }
    const change = { from: base.code, to: input.code, n: base.amends + 1 };
    const cells = result.patch.values.length + result.patch.backgrounds.length > 0 ? result.patch : null;
    const r = await ctx.store.amendDisposition({
      tag: call.tag,
      callId: call.callId,
      sessionId: call.sessionId,
      agentEmail: agent.email,
      rowId: call.rowId,
      phoneE164: call.phoneE164,
      expectedLeadVersion: kept.leadVersion,
      from: base.code,
      to: input.code,
      state: ownedOf(result.lead),
      patch: withCallLog(
        cells,
        tab.ref,
        call.rowId,
        correctionLogEntry(call, session.campaignName, change, now),
      ),
      successDelta: result.successDelta,
      doNotCall: result.doNotCall,
      windowMs,
      now,
    });
    if (!r.ok && r.failure === 'VERSION_CONFLICT') continue;
    if (!r.ok) throw scriptApiError(r.failure);
    tab.applyWrite(result.lead, r.version, tab.index.isClaimed(call.rowId));
    await bestEffort(ctx.log, 'live stats after a change of disposition', () =>
      publishStats(ctx, session, now),
    );
    return {
      callId: call.callId,
      code: input.code,
      previousCode: base.code,
      queuedCells: cells?.values.length ?? 0,
      outcome: result.outcome,
      amendableUntil,
    };
  }
  throw new ApiError('LOCKED', 'the lead kept changing; try again');
}

/** The call already carries this code (a retried request, or the same key pressed again): nothing is
 *  written; the answer describes the lead as that code made it. */
function repeated(
  call: CallRecord,
  base: AmendBase,
  pre: PreDisposition,
  current: Lead | null,
  tab: TabCache,
  amendableUntil: number,
): AmendResponse {
  if (!current) throw new ApiError('LEAD_CHANGED', 'the lead is no longer in the sheet');
  const replay = replayDisposition(
    {
      current,
      pre,
      numberIndex: call.numberIndex,
      disposedAt: base.disposedAt,
      rules: tab.rules,
      catalog: buildCatalog(tab.rules.dispositions),
      tab: tabRef(tab),
    },
    base.code,
  );
  return {
    callId: call.callId,
    code: base.code,
    previousCode: base.code,
    queuedCells: 0,
    outcome: replay.outcome,
    amendableUntil,
    alreadySaved: true,
  };
}

async function bestEffort(log: Logger, what: string, step: () => Promise<unknown>): Promise<void> {
  try {
    await step();
  } catch (err) {
    log.error({ err }, `${what} failed (the change is saved)`);
  }
}

/** The audit line of a change (always written, at info level): who changed which call from what to what. */
export function auditAmendment(
  log: Logger,
  entry: {
    agent: string;
    callId: string;
    from: string;
    to: string;
    at: number;
    requestId?: string;
    queuedCells: number;
  },
): void {
  log.info(
    { audit: 'disposition-change', ...entry, atIso: new Date(entry.at).toISOString() },
    'audit: disposition changed',
  );
}
