// Where a call's record lives, read side (the scripts' side is redis/scripts/includes/callRecord.lua): a call
// whose id names its session (keys.callIdIn) is the session hash's `c:` fields while it is the session's
// live call, its `l:` fields once disposed while it is the session's last call (an older one is no longer
// kept: the sheet's Call log is its history), an archived STRING of JSON (keys.callArchive, 7 days) when
// its dial failed or it was disposed before the `l:` fields; a call whose id names no session
// (dialed before this layout) is its own hash (keys.call). docs/coordinator-state.md "Keys".
import { z } from 'zod';
import type { RedisClient } from '../redis/client.js';
import { keys, sessionIdOfCallId } from '../redis/keys.js';
import { callFromHash } from './codec.js';
import type { CallRecord } from './types.js';

/** The session hash's field prefix of its live call's fields. */
export const CALL_FIELD_PREFIX = 'c:';
/** The session hash's field prefix of its last disposed call's fields. */
export const LAST_FIELD_PREFIX = 'l:';

const ArchiveSchema = z.record(z.string(), z.union([z.string(), z.number()]).transform(String));

/** True when the call's record is in its session / its archive; false for a call of before (its hash). */
export const callInSession = (callId: string): boolean => sessionIdOfCallId(callId) !== null;

/** The key a script is given for a call: its archive, or its own hash for an id naming no session. */
export const callKeyOf = (tag: string, callId: string): string =>
  callInSession(callId) ? keys.callArchive(tag, callId) : keys.call(tag, callId);

/** The session's live call from the session hash, when it is `callId`. */
export function callFromSessionHash(h: Record<string, string>, callId: string): CallRecord | null {
  if (h.callId !== callId || h[`${CALL_FIELD_PREFIX}callId`] !== callId) return null;
  const fields: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) {
    if (k.startsWith(CALL_FIELD_PREFIX)) fields[k.slice(CALL_FIELD_PREFIX.length)] = v;
  }
  return callFromHash(fields);
}

/** The session's last disposed call from the session hash (its `l:` fields), when it is `callId`. */
export function lastCallFromSessionHash(h: Record<string, string>, callId: string): CallRecord | null {
  if (h[`${LAST_FIELD_PREFIX}callId`] !== callId) return null;
  const fields: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) {
    if (k.startsWith(LAST_FIELD_PREFIX)) fields[k.slice(LAST_FIELD_PREFIX.length)] = v;
  }
  return callFromHash(fields);
}

/** An archived call's fields (the JSON callRecord.lua wrote), or null when there is none. */
export function archivedFields(raw: string | null): Record<string, string> | null {
  return raw === null ? null : ArchiveSchema.parse(JSON.parse(raw));
}

/** One call, wherever it lives. The session is read before the archive (one connection, in order), so a
 *  disposition committed between the two is seen in the archive. */
export async function readCall(redis: RedisClient, tag: string, callId: string): Promise<CallRecord | null> {
  const sessionId = sessionIdOfCallId(callId);
  if (sessionId === null) return callFromHash(await redis.hgetall(keys.call(tag, callId)));
  const [session, archived] = await Promise.all([
    redis.hgetall(keys.session(tag, sessionId)),
    redis.get(keys.callArchive(tag, callId)),
  ]);
  const live = callFromSessionHash(session, callId) ?? lastCallFromSessionHash(session, callId);
  if (live) return live;
  const fields = archivedFields(archived);
  return fields ? callFromHash(fields) : null;
}

/** A call's connectedAt and endedAt as stored ("" = none), or null when it is no longer stored: the flusher's
 *  Call log durations, read only for a row queued without one (a disposition now fills it in its script:
 *  callRecord.lua callLogTimed), from the session's last call, its archive, or a call of before's hash. */
export async function readCallTimes(
  redis: RedisClient,
  tag: string,
  callId: string,
): Promise<{ connectedAt: string; endedAt: string } | null> {
  if (!callInSession(callId)) {
    const [connectedAt, endedAt] = await redis.hmget(keys.call(tag, callId), 'connectedAt', 'endedAt');
    return connectedAt === null || connectedAt === undefined ? null : { connectedAt, endedAt: endedAt ?? '' };
  }
  const sessionId = sessionIdOfCallId(callId) ?? '';
  const [[lastId, connectedAt, endedAt], archived] = await Promise.all([
    redis.hmget(keys.session(tag, sessionId), 'l:callId', 'l:connectedAt', 'l:endedAt'),
    redis.get(keys.callArchive(tag, callId)),
  ]);
  if (lastId === callId) return { connectedAt: connectedAt ?? '', endedAt: endedAt ?? '' };
  const fields = archivedFields(archived);
  return fields ? { connectedAt: fields.connectedAt ?? '', endedAt: fields.endedAt ?? '' } : null;
}
