// Hang up from the app (issue 10): the agent's own live call is ended through Dialpad's call actions API
// (PUT /api/v2/call/{id}/actions/hangup). Nothing changes here directly: Dialpad's hangup webhook ends the
// call through the same path as any other ending (call-events.ts), so SHOW_DISPO, stats and the sheet
// follow as usual. The app opens the modal at once without waiting for it.
import { ApiError } from '../../../src-shared/contracts/errors.js';
import type { HangupResponse } from '../../../src-shared/contracts/http.js';
import type { AgentPrincipal } from '../ports.js';
import type { CallRecord } from '../store/types.js';
import type { ServiceContext } from './context.js';

const isOver = (c: CallRecord) => c.state === 'ENDED' || c.state === 'DISPOSED';

export async function hangUp(
  ctx: ServiceContext,
  agent: AgentPrincipal,
  callId: string,
  now: number,
): Promise<HangupResponse> {
  const tag = await ctx.store.locateCall(callId);
  const call = tag ? await ctx.store.getCall(tag, callId) : null;
  if (!tag || !call) throw new ApiError('CALL_NOT_FOUND', 'no such call');
  if (call.agentEmail.toLowerCase() !== agent.email.toLowerCase())
    throw new ApiError('FORBIDDEN', 'that call belongs to another agent');
  if (isOver(call)) return { callId, result: 'ended' };
  if (call.dialpadCallId === null) {
    // Dialpad has not reported the call yet (its first event names its id): nothing to address.
    throw new ApiError(
      'INVALID_STATE',
      'Dialpad has not reported this call yet; try again in a moment or hang up in the Dialpad app',
    );
  }
  try {
    await ctx.dialpad.hangUp(call.dialpadCallId);
  } catch (err) {
    // Dialpad refuses to hang up a call that has just ended by itself: that is success for the agent.
    const again = await ctx.store.getCall(tag, callId);
    if (again && isOver(again)) return { callId, result: 'ended' };
    throw err;
  }
  ctx.log.info({ callId, agent: agent.email, at: now }, 'hangup requested from the app');
  return { callId, result: 'ending' };
}
