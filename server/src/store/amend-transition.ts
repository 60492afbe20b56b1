// The Store's share of changing the last disposition (service/amend.ts): reading what callDispose kept with
// the call (the lead's state before, the lead version it wrote), running callAmend.lua (header: KEYS, ARGV,
// returns) and correcting the agent's lifetime counters (another slot, after the script, best effort).
import { z } from 'zod';
import { DispositionCodeSchema } from '../../../src-shared/domain/disposition.js';
import { PreDispositionSchema } from '../../../src-shared/domain/outcome.js';
import type { RedisClient } from '../redis/client.js';
import { keys } from '../redis/keys.js';
import { failureOf } from '../redis/script-errors.js';
import type { ScriptSet } from '../redis/scripts.js';
import type { AmendBase, AmendInput, Outcome } from './types.js';

const AmendFieldsSchema = z.object({
  disposition: DispositionCodeSchema,
  disposedAt: z.coerce.number().int(),
  leadV: z.coerce.number().int(),
  pre: z.string().min(1),
  amends: z.coerce.number().int().default(0),
});

/** What a change needs from the call; null when the call is missing, not disposed, or was disposed
 *  without a lead write (nothing kept to re-apply). */
export async function readAmendBase(
  redis: RedisClient,
  tag: string,
  callId: string,
): Promise<AmendBase | null> {
  const [disposition, disposedAt, leadV, pre, amends] = await redis.hmget(
    keys.call(tag, callId),
    'disposition',
    'disposedAt',
    'leadV',
    'pre',
    'amends',
  );
  const fields = AmendFieldsSchema.safeParse({
    disposition: disposition || undefined,
    disposedAt: disposedAt || undefined,
    leadV: leadV || undefined,
    pre: pre || undefined,
    amends: amends || undefined,
  });
  if (!fields.success) return null;
  const kept = PreDispositionSchema.safeParse(JSON.parse(fields.data.pre));
  if (!kept.success) return null;
  return {
    code: fields.data.disposition,
    disposedAt: fields.data.disposedAt,
    leadVersion: fields.data.leadV,
    pre: kept.data,
    amends: fields.data.amends,
  };
}

export async function runAmend(
  scripts: ScriptSet,
  i: AmendInput,
): Promise<Outcome<{ version: number; amends: number }>> {
  const r = await scripts.run(
    'callAmend',
    [
      keys.call(i.tag, i.callId),
      keys.session(i.tag, i.sessionId),
      keys.lead(i.tag, i.rowId),
      keys.leadIndex(i.tag),
      keys.doNotCall(i.tag),
      keys.sheetQueue(i.tag),
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

/** The agent's lifetime counters follow a change (independent counters: one pipelined round trip). */
export async function adjustAgentStats(
  redis: RedisClient,
  agentEmail: string,
  d: { from: string; to: string; successDelta: number },
): Promise<void> {
  const key = keys.agentStats(agentEmail);
  const pipe = redis.pipeline();
  pipe.hincrby(key, `d:${d.from}`, -1);
  pipe.hincrby(key, `d:${d.to}`, 1);
  if (d.successDelta !== 0) pipe.hincrby(key, 'successes', d.successDelta);
  await pipe.exec();
}
