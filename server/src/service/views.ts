// Store records → the client-facing views of src-shared/contracts/views.ts (one definition of each shape).
import type {
  CallView,
  CallingWindowView,
  LeadPreview,
  PreviewView,
  SessionView,
  StatsView,
} from '../../../src-shared/contracts/views.js';
import { describeCallingHours, evaluateCallingWindow } from '../../../src-shared/domain/calling-window.js';
import type { CampaignRules } from '../../../src-shared/domain/campaign.js';
import { buildCatalog } from '../../../src-shared/domain/disposition.js';
import type { Lead } from '../../../src-shared/domain/lead.js';
import type { CallRecord, PendingPreview, SessionRecord, StatsCounters } from '../store/types.js';

export function sessionView(s: SessionRecord, rules: CampaignRules): SessionView {
  return {
    id: s.id,
    agentEmail: s.agentEmail,
    campaignName: s.campaignName,
    spreadsheetId: s.spreadsheetId,
    tabTitle: s.tabTitle,
    state: s.state,
    startedAt: s.startedAt,
    version: s.version,
    previewCountdownSeconds: rules.previewCountdownSeconds,
    catalog: [...buildCatalog(rules.dispositions)],
  };
}

export function callView(c: CallRecord): CallView {
  return {
    callId: c.callId,
    sessionId: c.sessionId,
    state: c.state,
    leadRowId: c.rowId,
    numberIndex: c.numberIndex,
    phoneE164: c.phoneE164,
    startedAt: c.startedAt,
    ringingAt: c.ringingAt,
    connectedAt: c.connectedAt,
    endedAt: c.endedAt,
    endReason: c.endReason,
    suggestedDisposition: c.suggested,
    timeoutAt: c.timeoutAt,
  };
}

export function windowView(lead: Lead, rules: CampaignRules, now: number): CallingWindowView {
  const timeZone = lead.timeZone ?? rules.timeZone;
  const w = evaluateCallingWindow(rules.callingHours, timeZone, now);
  return {
    inWindow: w.inWindow,
    timeZone,
    localTime: w.localTime,
    hours: describeCallingHours(rules.callingHours),
  };
}

export function leadPreview(lead: Lead, numberIndex: number, rules: CampaignRules, now: number): LeadPreview {
  return { lead, numberIndex, window: windowView(lead, rules, now) };
}

export function previewView(p: PendingPreview, lead: Lead, rules: CampaignRules, now: number): PreviewView {
  return { previewId: p.previewId, preview: leadPreview(lead, p.numberIndex, rules, now), dialAt: p.dialAt };
}

export function statsView(
  c: StatsCounters,
  leads: { remaining: number; total: number },
  now: number,
): StatsView {
  const hours = c.since === null ? 0 : Math.max(now - c.since, 60_000) / 3_600_000;
  return {
    callsInitiated: c.initiated,
    callsCompleted: c.completed,
    connects: c.connects,
    dispositions: { ...c.byCode },
    skips: c.skips,
    successRate: c.completed > 0 ? c.successes / c.completed : 0,
    dialsPerHour: hours > 0 ? Math.round((c.initiated / hours) * 10) / 10 : 0,
    talkTimeSeconds: Math.round(c.talkMs / 1000),
    leadsRemaining: leads.remaining,
    leadsTotal: leads.total,
  };
}
