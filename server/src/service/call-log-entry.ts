// Attaches the call log row (src-shared/domain/call-log.ts) to a disposition's sheet patch, so the row
// travels through the durable write-behind queue atomically with the disposition and is appended by the
// flusher in the same flushes (no request of its own per call).
import { type CallLogEntry, last4Digits } from '../../../src-shared/domain/call-log.js';
import type { SheetPatch } from '../../../src-shared/domain/sheet-patch.js';
import type { CallIdentity } from './context.js';
import type { TabRefFull } from './tab-cache.js';

/** The call's row; its duration is left to the flusher (the disposition path does not read the call's
 *  times: it runs on the call's identity alone). */
export function callLogEntryOf(
  call: CallIdentity,
  campaign: string,
  input: { code: string; notes?: string | undefined },
  now: number,
): CallLogEntry {
  return {
    callId: call.callId,
    at: now,
    agent: call.agentEmail,
    campaign,
    rowId: call.rowId,
    numberLast4: last4Digits(call.phoneE164),
    durationS: null,
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
