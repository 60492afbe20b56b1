// What a disposition's own script tells the agent (callDispose.lua, Store.dispose `tell`): the events of the
// step, built before the script from what this instance knows (the call as it last saw it, the session's
// counters as the call's dial left them) and appended by the script only if it reads exactly those, so the
// disposition, its chained dial and the agent's events commit together. The counters mirror the script's
// arithmetic (callDispose.lua: the whole call counted at once; includes/dial.lua: initiated, since).
import type { AgentEvent } from '../../../src-shared/contracts/ws.js';
import type { DispositionCode } from '../../../src-shared/domain/disposition.js';
import type { CallRecord, DisposeTelling, NewSession, StatsCounters } from '../store/types.js';
import type { ServiceContext } from './context.js';
import { statsEvent } from './stats.js';
import { callView } from './views.js';

/** The call as the disposition leaves it (callDispose.lua): DISPOSED now, ended now if it had not. */
export function disposedRecord(call: CallRecord, code: DispositionCode, now: number): CallRecord {
  return { ...call, state: 'DISPOSED', disposition: code, disposedAt: now, endedAt: call.endedAt ?? now };
}

/** The session's counters after the disposition of `call` (as it was before it): completed, the code, a
 *  success, and a connected call's connect and talk time. */
export function countersAfterDisposition(
  c: StatsCounters,
  call: CallRecord,
  code: DispositionCode,
  success: boolean,
  now: number,
): StatsCounters {
  const out: StatsCounters = {
    ...c,
    completed: c.completed + 1,
    successes: c.successes + (success ? 1 : 0),
    byCode: { ...c.byCode, [code]: c.byCode[code] + 1 },
  };
  if (call.connectedAt !== null) {
    out.connects += 1;
    const talk = (call.endedAt ?? now) - call.connectedAt;
    if (talk > 0) out.talkMs += talk;
  }
  return out;
}

/** The session's counters after a dial: one more initiated, `since` its first dial's time if unset. */
export const countersAfterDial = (c: StatsCounters, now: number): StatsCounters => ({
  ...c,
  initiated: c.initiated + 1,
  since: c.since ?? now,
});

/** The events the disposition's script tells, or null when this instance does not know what they would be
 *  built on (a call it did not dial or see: the caller tells the agent after the script). `chained`: the
 *  chained dial's call, and how to make the tab's index hold its lead as the dial leaves it (the STATS'
 *  lead counts are the index's), done only when the events are built. */
export async function disposeTelling(
  ctx: ServiceContext,
  session: NewSession,
  callId: string,
  code: DispositionCode,
  success: boolean,
  now: number,
  chained: { call: CallRecord; markInIndex: () => void } | null,
): Promise<DisposeTelling | null> {
  const seen = ctx.seenCall(callId);
  const before = ctx.callStats(callId);
  if (!seen || !before) return null;
  const disposed: AgentEvent = { type: 'CALL_STATE', call: callView(disposedRecord(seen, code, now)) };
  const afterDisposition = countersAfterDisposition(before, seen, code, success, now);
  const afterDial = countersAfterDial(afterDisposition, now);
  // statsEvent fills `since` of what it is given: each gets its own copy.
  const otherStats = await statsEvent(ctx, session, now, { counters: { ...afterDisposition } });
  let ifDialed: AgentEvent[] = [];
  if (chained) {
    chained.markInIndex();
    const dialStats = await statsEvent(ctx, session, now, { counters: { ...afterDial } });
    ifDialed = [
      disposed,
      { type: 'CALL_STATE', call: callView(chained.call) },
      ...(dialStats ? [dialStats] : []),
    ];
  }
  return {
    call: seen,
    counters: before,
    ifDialed,
    otherwise: [disposed, ...(otherStats ? [otherStats] : [])],
  };
}
