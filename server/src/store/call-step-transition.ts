// The Store's call step (Store.advanceCall): src-shared decideCallStep decides where a webhook or the
// timeout sweep takes the call, callStep.lua writes it if the call is still what was decided on
// (compare-and-set) and appends the step's events in the same script. The caller's memory of the call
// (`known`) saves the read: a webhook is then ONE round trip; a call changed meanwhile (another instance,
// a stale memory) answers its current fields and the step is decided again on them.
import {
  CALL_PROGRESS_FIELDS,
  type CallProgress,
  decideCallStep,
} from '../../../src-shared/domain/call-step.js';
import { pairsToHash, type RedisClient } from '../redis/client.js';
import { AGENT_EVENTS_MAXLEN, keys } from '../redis/keys.js';
import { failureOf } from '../redis/script-errors.js';
import type { ScriptSet } from '../redis/scripts.js';
import { callKeyOf, readCall } from './call-record.js';
import { callFieldsToHash, callFromHash } from './codec.js';
import type { AdvanceCallInput, CallRecord, Outcome } from './types.js';

/** A call changed under us this many times in a row: give up (the webhook fails, Dialpad retries). */
const MAX_ATTEMPTS = 4;

/** The progress fields as the call hash holds them ("" = none): what the script compares. */
export function expectedOf(call: CallProgress): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of CALL_PROGRESS_FIELDS) {
    const v = call[f];
    out[f] = v === null ? '' : String(v);
  }
  return out;
}

export async function runCallStep(
  redis: RedisClient,
  scripts: ScriptSet,
  i: AdvanceCallInput,
): Promise<Outcome<{ advanced: boolean; call: CallRecord }>> {
  let call: CallRecord | null = i.known ?? (await readCall(redis, i.tag, i.callId));
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    if (!call) return { ok: false, failure: 'CALL_NOT_FOUND' };
    const d = decideCallStep(call, i);
    // Nothing to write: a step the call has made (a redelivery, a late event) or a sweep of nothing.
    // Progress only moves forward, so a remembered call that is already there is right without a read.
    if (d.kind === 'stay' && d.timeouts === null) return { ok: true, advanced: false, call };
    const next: CallRecord = d.kind === 'advance' ? { ...call, ...d.next } : call;
    const events = d.kind === 'advance' && i.announce ? await i.announce(next) : [];
    const zset =
      d.timeouts === null ? ['', ''] : d.timeouts === 'rem' ? ['rem', ''] : ['add', d.timeouts.refile];
    const r = await scripts.run(
      'callStep',
      [
        callKeyOf(i.tag, i.callId),
        keys.callTimeoutIndex(i.tag),
        keys.agentEvents(i.tag, call.agentEmail),
        keys.session(i.tag, call.sessionId),
      ],
      [
        JSON.stringify(expectedOf(call)),
        JSON.stringify(d.kind === 'advance' ? callFieldsToHash(d.set) : {}),
        ...zset,
        i.callId,
        Math.floor(i.now),
        AGENT_EVENTS_MAXLEN,
        keys.agentEventsChannel(),
        call.agentEmail.toLowerCase(),
        call.sessionId,
        ...events.map((e) => JSON.stringify(e)),
      ],
    );
    if (!Array.isArray(r)) return { ok: false, failure: failureOf(Number(r)) };
    if (Number(r[0]) === 1) return { ok: true, advanced: d.kind === 'advance', call: next };
    call = callFromHash(pairsToHash(r[1]));
  }
  throw new Error(`call ${i.callId} kept changing under its step`);
}
