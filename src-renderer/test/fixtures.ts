// Builders of server views for the renderer's tests: valid by the shared schemas (each is parsed), so a
// contract change breaks the tests instead of letting them drift from the wire.
import { type SessionSnapshot, SessionSnapshotSchema } from '../../src-shared/contracts/http';
import {
  type CallView,
  CallViewSchema,
  type LeadPreview,
  LeadPreviewSchema,
  type SessionView,
  type StatsView,
} from '../../src-shared/contracts/views';
import { DEFAULT_DISPOSITIONS } from '../../src-shared/domain/disposition';

export const T0 = 1_764_000_000_000;

export function sessionView(over: Partial<SessionView> = {}): SessionView {
  return {
    id: 'sess-1',
    agentEmail: 'ana@example.com',
    campaignName: 'Spring',
    spreadsheetId: 'sheet-1',
    tabTitle: 'Ana',
    state: 'PAUSE',
    startedAt: T0,
    version: 1,
    previewCountdownSeconds: 0,
    catalog: [...DEFAULT_DISPOSITIONS],
    lastDisposition: null,
    ...over,
  };
}

export function leadPreview(rowId = 'L1', name = 'Grace Hopper'): LeadPreview {
  const numbers = Array.from({ length: 10 }, (_, i) => ({
    index: i,
    raw: i < 3 ? `+1212555010${i}` : '',
    e164: i < 3 ? `+1212555010${i}` : null,
    status: i === 2 ? ('SKIPPED' as const) : ('NEW' as const),
    skipReason: i === 2 ? ('MANUAL_SKIP' as const) : null,
    retryAt: null,
  }));
  return LeadPreviewSchema.parse({
    lead: {
      rowId,
      rowNumber: 2,
      name,
      numbers,
      notes: 'Prefers mornings',
      lastOutcome: '',
      attemptCount: 1,
      nextIndex: 0,
      timeZone: 'America/New_York',
    },
    numberIndex: 0,
    window: {
      inWindow: true,
      timeZone: 'America/New_York',
      localTime: '10:15',
      hours: 'Mon–Fri 08:00–21:00, Sat, Sun 09:00–20:00',
      zones: [{ timeZone: 'America/New_York', abbreviation: 'EST', localTime: '10:15', inWindow: true }],
      source: 'PHONE',
      region: 'US-NY',
      rules: [],
      holiday: false,
      nextOpenAt: null,
    },
  });
}

export function callView(over: Partial<CallView> = {}): CallView {
  return CallViewSchema.parse({
    callId: 'call-1',
    sessionId: 'sess-1',
    state: 'DIALING',
    leadRowId: 'L1',
    numberIndex: 0,
    phoneE164: '+12125550100',
    startedAt: T0 + 1000,
    ringingAt: null,
    connectedAt: null,
    endedAt: null,
    endReason: null,
    suggestedDisposition: null,
    timeoutAt: T0 + 900_000,
    callerId: null,
    ...over,
  });
}

export function endedCall(over: Partial<CallView> = {}): CallView {
  return callView({
    state: 'ENDED',
    ringingAt: T0 + 2000,
    endedAt: T0 + 9000,
    endReason: 'MISSED',
    suggestedDisposition: 'NO_ANSWER',
    ...over,
  });
}

export function statsView(over: Partial<StatsView> = {}): StatsView {
  return {
    callsInitiated: 3,
    callsCompleted: 2,
    connects: 1,
    dispositions: {
      CORRECT: 1,
      WRONG: 0,
      VM_SAME_NAME: 0,
      VM_OR_NA_UNKNOWN: 0,
      NO_ANSWER: 1,
      DO_NOT_CALL: 0,
    },
    skips: 0,
    successRate: 0.5,
    dialsPerHour: 40,
    talkTimeSeconds: 95,
    leadsRemaining: 8,
    leadsTotal: 10,
    ...over,
  };
}

export function snapshot(over: Partial<SessionSnapshot> = {}): SessionSnapshot {
  return SessionSnapshotSchema.parse({
    session: sessionView(),
    call: null,
    preview: leadPreview(),
    pendingPreview: null,
    stats: statsView(),
    wsSeq: 10,
    ...over,
  });
}
