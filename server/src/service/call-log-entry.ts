// Attaches the call log row (src-shared/domain/call-log.ts) to a disposition's sheet patch, so the row
// travels through the durable write-behind queue atomically with the disposition and is appended by the
// flusher in the same flushes (no request of its own per call).
import { type CallLogEntry, callDurationS, last4Digits } from '../../../src-shared/domain/call-log.js';
import type { SheetPatch } from '../../../src-shared/domain/sheet-patch.js';
import type { CallRecord } from '../store/types.js';
import type { CallIdentity } from './context.js';
import type { TabRefFull } from './tab-cache.js';

/** The call's row. Its duration is known when this instance saw the call end (`seen`: ENDED, whose
 *  connectedAt and endedAt are set once and final); otherwise it is left to the flusher, which reads the
 *  call's times (one HMGET per row: the disposition path does not read them, it runs on the identity). */
export function callLogEntryOf(
  call: CallIdentity,
  campaign: string,
  input: { code: string; notes?: string | undefined },
  now: number,
  seen: CallRecord | null = null,
): CallLogEntry {
  const ended = seen?.callId === call.callId && seen.state === 'ENDED' && seen.endedAt !== null;
  return {
    callId: call.callId,
    at: now,
    agent: call.agentEmail,
    campaign,
    rowId: call.rowId,
    numberLast4: last4Digits(call.phoneE164),
    durationS: ended ? callDurationS(seen.connectedAt, seen.endedAt, now) : null,
    disposition: input.code,
    notes: input.notes ?? '',
  };
}

/** The patch with the call's log row; a disposition that writes no cells still logs the call. */
export function withCallLog(
  patch: SheetPatch | null,
  ref: TabRefFull,
  rowId: string,
  callLog: CallLogEntry,
): SheetPatch {
  const base: SheetPatch = patch ?? {
    spreadsheetId: ref.spreadsheetId,
    sheetId: ref.sheetId,
    tabTitle: ref.tabTitle,
    rowId,
    values: [],
    backgrounds: [],
  };
  return { ...base, callLog };
}
