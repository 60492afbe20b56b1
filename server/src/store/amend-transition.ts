// The Store's share of changing the last disposition (service/amend.ts): reading what callDispose kept on
// the session for its last disposed call (the lead's state before, the lead version it wrote), running
// callAmend.lua (header: KEYS, ARGV, returns), which corrects the session's and the agent's counters (in
// the tab's slot) in the same step.
import { z } from 'zod';
import { DispositionCodeSchema } from '../../../src-shared/domain/disposition.js';
import { PreDispositionSchema } from '../../../src-shared/domain/outcome.js';
import type { RedisClient } from '../redis/client.js';
import { keys } from '../redis/keys.js';
import { failureOf } from '../redis/script-errors.js';
import type { ScriptSet } from '../redis/scripts.js';
import { archivedFields, callInSession, callKeyOf } from './call-record.js';
import type { AmendBase, AmendInput, Outcome } from './types.js';

const CallFieldsSchema = z.object({
  state: z.literal('DISPOSED'),
  disposition: DispositionCodeSchema,
  disposedAt: z.coerce.number().int(),
  amends: z.coerce.number().int().default(0),
});

/** What a change needs: the call's code and time, and what its session kept of its last disposed call.
 *  null when the call is missing or not disposed. */
export async function readAmendBase(
  redis: RedisClient,
  tag: string,
  sessionId: string,
  callId: string,
): Promise<AmendBase | null> {
  // A disposed call whose id names its session is its session's last call (its `l:` fields) or archived
  // (call-record.ts); one of before is its hash.
  const inSession = callInSession(callId);
  const [callHash, session, archived] = await Promise.all([
    inSession ? null : redis.hmget(keys.call(tag, callId), 'state', 'disposition', 'disposedAt', 'amends'),
    redis.hmget(
      keys.session(tag, sessionId),
      'lastCall',
      'lastPre',
      'lastLeadV',
      'l:callId',
      'l:state',
      'l:disposition',
      'l:disposedAt',
      'l:amends',
    ),
    inSession ? redis.get(keys.callArchive(tag, callId)) : null,
  ]);
  const [lastCall, lastPre, lastLeadV, lastId, ...lastFields] = session;
  const f = archivedFields(archived ?? null);
  const [state, disposition, disposedAt, amends] =
    callHash ?? (lastId === callId ? lastFields : f ? [f.state, f.disposition, f.disposedAt, f.amends] : []);
  const call = CallFieldsSchema.safeParse({
    state,
    disposition: disposition || undefined,
    disposedAt: disposedAt || undefined,
    amends: amends || undefined,
  });
  if (!call.success) return null;
  const base = { code: call.data.disposition, disposedAt: call.data.disposedAt, amends: call.data.amends };
  if (lastCall !== callId) return { ...base, kept: 'NOT_LAST_CALL' };
  const version = Number(lastLeadV);
  const pre = lastPre ? PreDispositionSchema.safeParse(JSON.parse(lastPre)) : null;
  if (!pre?.success || !Number.isInteger(version)) return { ...base, kept: 'NOT_WRITTEN' };
  return { ...base, kept: { pre: pre.data, leadVersion: version } };
}

export async function runAmend(
  scripts: ScriptSet,
  i: AmendInput,
): Promise<Outcome<{ version: number; amends: number }>> {
  const r = await scripts.run(
    'callAmend',
    [
      callKeyOf(i.tag, i.callId),
      keys.session(i.tag, i.sessionId),
      keys.lead(i.tag, i.rowId),
      keys.leadIndex(i.tag),
      keys.doNotCall(i.tag),
      keys.sheetQueue(i.tag),
      keys.agentTabStats(i.tag, i.agentEmail),
    ],
    [
      i.callId,
      i.agentEmail.toLowerCase(),
      i.now,
      i.windowMs,
      i.expectedLeadVersion,
      i.from,
      i.to,
      JSON.stringify(i.state),
      i.patch ? JSON.stringify(i.patch) : '',
      i.successDelta,
      i.phoneE164,
      i.doNotCall ?? '',
      keys.leadChangesChannel(),
      i.tag,
      i.rowId,
    ],
  );
  if (!Array.isArray(r)) return { ok: false, failure: failureOf(Number(r)) };
  return { ok: true, version: Number(r[0]), amends: Number(r[1]) };
}
