// Callbacks (issue 10) on the coordinator: the one scheduled with a disposition (checked here, written by
// the disposition's own script with the lead and its sheet patch), the agent's "Callbacks due" list, and
// its two actions: dial one now (under the session lock, through the same claim-and-dial script as any
// dial) and cancel one (leadWrite: the overlay and the cleared CallbackAt / CallbackAgent cells in one
// step). The rules themselves are src-shared's (callback.ts, policy/callback-rules.ts).
import type { CallbacksResponse, CallbackView } from '../../../src-shared/contracts/callbacks.js';
import { ApiError } from '../../../src-shared/contracts/errors.js';
import type { NextStep } from '../../../src-shared/contracts/views.js';
import { diffPatch } from '../../../src-shared/domain/apply.js';
import { callbackIsFor, checkCallbackTime, localDateTime } from '../../../src-shared/domain/callback.js';
import { zoneAbbreviation } from '../../../src-shared/domain/calling-window.js';
import type { DispositionCode } from '../../../src-shared/domain/disposition.js';
import { isDomainError } from '../../../src-shared/domain/errors.js';
import type { LeadCallback } from '../../../src-shared/domain/lead.js';
import { callbackPlan, placeInWindow, planIsFor } from '../../../src-shared/domain/policy/index.js';
import { phonePlaces } from '../compliance/phone-places.js';
import type { AgentPrincipal } from '../ports.js';
import { scriptApiError } from '../redis/script-errors.js';
import type { ServiceContext } from './context.js';
import { dialLead, dropPendingPreview, tabRef } from './dialing.js';
import { ownedOf } from './merge.js';
import { sessionView } from './views.js';
import type { TabCache } from './tab-cache.js';

const DAYS = ['', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

/**
 * The callback a disposition schedules, or undefined. Refused before anything is written: a tab without the
 * two columns (409 CALLBACKS_NOT_ENABLED: the sheet could not show it), a do-not-call disposition, a time
 * more than a year ahead. A time already past (a disposition chosen offline and sent late) is kept: the
 * callback is due at once, and the disposition is never refused for it.
 */
export function callbackToSchedule(
  tab: TabCache,
  call: { agentEmail: string; phoneE164: string; rowId: string; numberIndex: number },
  input: { code: DispositionCode; callback?: { at: number } | undefined },
  now: number,
): LeadCallback | undefined {
  if (!input.callback) return undefined;
  if (!tab.callbackColumns)
    throw new ApiError(
      'CALLBACKS_NOT_ENABLED',
      `tab "${tab.ref.tabTitle}" has no CallbackAt and CallbackAgent columns: add them to schedule callbacks`,
    );
  if (input.code === 'DO_NOT_CALL')
    throw new ApiError('VALIDATION_FAILED', 'a do-not-call lead cannot be called back');
  try {
    checkCallbackTime(Math.max(input.callback.at, now + 1), now);
  } catch (err) {
    if (isDomainError(err)) throw new ApiError('VALIDATION_FAILED', err.message, err.details);
    throw err;
  }
  const lead = tab.get(call.rowId)?.lead;
  const zone = lead?.timeZone ?? phonePlaces(call.phoneE164)?.zones[0] ?? tab.rules.timeZone;
  // Whole seconds: what the CallbackAt cell holds, so the sheet reads back the very same time.
  const at = Math.floor(input.callback.at / 1000) * 1000;
  return { at, agent: call.agentEmail.toLowerCase(), zone, slot: call.numberIndex };
}

function views(tab: TabCache, agent: string, now: number): CallbacksResponse {
  const callbacks: CallbackView[] = [];
  for (const { lead, plan, claimed } of tab.index.callbacksFor(agent)) {
    const zone = plan.place.zones[0] ?? tab.rules.timeZone;
    const local = localDateTime(plan.at, zone);
    callbacks.push({
      rowId: lead.rowId,
      name: lead.name,
      at: plan.at,
      mine: plan.agent !== null,
      numberIndex: plan.slot,
      phoneE164: lead.numbers[plan.slot]?.e164 ?? '',
      timeZone: zone,
      localDue: `${DAYS[local.weekday] ?? ''} ${local.date.slice(5)} ${local.time} ${zoneAbbreviation(zone, plan.at)}`,
      due: plan.at <= now,
      inWindow: placeInWindow(tab.rules, plan.place, now),
      busy: claimed,
    });
  }
  return { enabled: tab.callbackColumns !== null, callbacks };
}

export async function listCallbacks(
  ctx: ServiceContext,
  agent: AgentPrincipal,
  now: number,
): Promise<CallbacksResponse> {
  const s = await ctx.store.activeSessionOf(agent.email);
  if (!s) return { enabled: false, callbacks: [] };
  return views(await ctx.tabFor(s, now), agent.email, now);
}

/** Dials one of the agent's callbacks now, due or not yet (the agent chose to), but never outside the
 *  calling window of its number. A paused session resumes (PLAY) with this call; a pending preview of
 *  another lead is dropped first. */
export async function dialCallback(
  ctx: ServiceContext,
  agent: AgentPrincipal,
  rowId: string,
  now: number,
): Promise<NextStep> {
  const s = await ctx.requireSession(agent);
  return ctx.withLock(s.tag, s.id, ctx.ids(), async (token) => {
    let fresh = await ctx.freshSession(s);
    if (fresh.callId) throw new ApiError('CALL_IN_PROGRESS', 'finish the current call first');
    const tab = await ctx.tabFor(fresh, now);
    if (fresh.state === 'PAUSE') {
      const r = await ctx.store.setSessionState(s.tag, s.id, 'PLAY', ['PAUSE'], now);
      if (!r.ok) throw scriptApiError(r.failure);
      fresh = r.session;
      await ctx.publish(fresh, { type: 'SESSION_STATE', session: sessionView(fresh, tab, now) }, now);
    }
    if (fresh.state !== 'PLAY') throw new ApiError('INVALID_STATE', 'the session is stopped: start it first');
    if (fresh.preview) {
      await dropPendingPreview(ctx, s, tab, token, now, fresh.preview);
      fresh = await ctx.freshSession(fresh);
    }
    for (let i = 0; i < 3; i++) {
      const entry = await tab.refreshLead(rowId);
      const plan = entry ? callbackPlan(entry.lead, tab.rules, phonePlaces) : null;
      if (!entry || !plan || !planIsFor(plan, agent.email))
        throw new ApiError('NOT_FOUND', 'that lead has no callback of yours');
      if (tab.index.isClaimed(rowId))
        throw new ApiError('INVALID_STATE', 'another session is dialing that callback');
      if (!placeInWindow(tab.rules, plan.place, now))
        throw new ApiError('OUTSIDE_CALLING_HOURS', "it is outside the lead's calling hours");
      const phone = entry.lead.numbers[plan.slot]?.e164;
      if (!phone) throw new ApiError('NOT_FOUND', 'that callback has no number to dial');
      const r = await dialLead(
        ctx,
        fresh,
        tab,
        token,
        now,
        { lead: entry.lead, numberIndex: plan.slot, version: entry.version, phone },
        null,
      );
      if (r.ok) return r.step;
      if (r.failure === 'NOT_PLAYING') return { kind: 'idle', sessionState: 'PAUSE' } satisfies NextStep;
      if (r.failure === 'LEAD_CLAIMED') {
        tab.index.setClaimed(rowId, true);
        throw new ApiError('INVALID_STATE', 'another session is dialing that callback');
      }
      if (r.failure !== 'VERSION_CONFLICT') throw scriptApiError(r.failure);
    }
    throw new ApiError('LOCKED', 'the lead kept changing; try again');
  });
}

/** Cancels one of the agent's callbacks: the lead goes back to the normal order, the cells are cleared. */
export async function cancelCallback(
  ctx: ServiceContext,
  agent: AgentPrincipal,
  rowId: string,
  now: number,
): Promise<CallbacksResponse> {
  const s = await ctx.requireSession(agent);
  const tab = await ctx.tabFor(s, now);
  for (let i = 0; i < 3; i++) {
    const entry = await tab.refreshLead(rowId);
    const cb = entry?.lead.callback;
    if (!entry || !cb || !callbackIsFor(cb, agent.email))
      throw new ApiError('NOT_FOUND', 'that lead has no callback of yours');
    if (tab.index.isClaimed(rowId))
      throw new ApiError('INVALID_STATE', 'that callback is being dialed; disposition the call instead');
    const after = { ...entry.lead, callback: null };
    const patch = diffPatch(entry.lead, after, tabRef(tab));
    const w = await ctx.store.writeLead(
      s.tag,
      {
        rowId,
        expectedVersion: entry.version,
        state: ownedOf(after),
        patch: patch.values.length > 0 ? patch : null,
      },
      now,
    );
    if (w.ok) {
      tab.applyWrite(after, w.version, false);
      ctx.log.info({ rowId, agent: agent.email }, 'callback cancelled');
      return views(tab, agent.email, now);
    }
    if (w.failure !== 'VERSION_CONFLICT') throw scriptApiError(w.failure);
  }
  throw new ApiError('LOCKED', 'the lead kept changing; try again');
}
