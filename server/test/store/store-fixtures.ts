// Builders for Store records used by the store contract suite and the service tests.
import type { SheetPatch } from '../../../src-shared/domain/sheet-patch.js';
import type { PhoneStatus } from '../../../src-shared/domain/status.js';
import { tabTag } from '../../src/redis/keys.js';
import type { CallRecord, LeadOwnedState, LeadWrite, NewSession } from '../../src/store/types.js';

export const SPREADSHEET = 'sheet-abc';
export const SHEET_ID = 7;
export const TAG = tabTag(SPREADSHEET, SHEET_ID);

export function newSession(id: string, agentEmail: string): NewSession {
  return {
    id,
    agentEmail,
    tag: TAG,
    spreadsheetId: SPREADSHEET,
    sheetId: SHEET_ID,
    tabTitle: 'Agent A',
    campaignName: 'default',
    dialpadUserId: '111',
    startedAt: 1_000,
  };
}

export function owned(statuses: PhoneStatus[] = ['NEW'], attemptCount = 0): LeadOwnedState {
  return {
    slots: Array.from({ length: 10 }, (_, i) => ({
      status: statuses[i] ?? 'NEW',
      skipReason: statuses[i] === 'SKIPPED' ? 'MANUAL_SKIP' : null,
      retryAt: null,
    })),
    notes: '',
    lastOutcome: '',
    attemptCount,
    nextIndex: 0,
  };
}

export function patch(rowId: string, value: string): SheetPatch {
  return {
    spreadsheetId: SPREADSHEET,
    sheetId: SHEET_ID,
    tabTitle: 'Agent A',
    rowId,
    values: [{ row: 2, col: 12, value }],
    backgrounds: [],
  };
}

export function leadWrite(
  rowId: string,
  expectedVersion: number,
  status: PhoneStatus,
  withPatch = true,
): LeadWrite {
  return {
    rowId,
    expectedVersion,
    state: owned([status]),
    patch: withPatch ? patch(rowId, status) : null,
  };
}

export function call(callId: string, sessionId: string, rowId: string, now = 5_000): CallRecord {
  return {
    callId,
    sessionId,
    agentEmail: 'a@example.com',
    tag: TAG,
    rowId,
    numberIndex: 0,
    phoneE164: '+15555550100',
    state: 'DIALING',
    startedAt: now,
    ringingAt: null,
    connectedAt: null,
    endedAt: null,
    endReason: null,
    suggested: null,
    timeoutAt: now + 60_000,
    dialpadCallId: null,
    disposition: null,
    disposedAt: null,
  };
}
