// Store records → the client-facing views of src-shared/contracts/views.ts (one definition of each shape).
import { skippedSince } from '../../../src-shared/domain/amend.js';
import { amendWindowSecondsOf, PreDispositionSchema } from '../../../src-shared/domain/outcome.js';
import type {
  CallView,
  CallingWindowView,
  LastDispositionView,
  LeadPreview,
  PreviewView,
  SessionView,
  StatsView,
} from '../../../src-shared/contracts/views.js';
import {
  describeCallingHours,
  evaluateCallingWindow,
  zoneAbbreviation,
} from '../../../src-shared/domain/calling-window.js';
import type { CampaignRules } from '../../../src-shared/domain/campaign.js';
import { buildCatalog } from '../../../src-shared/domain/disposition.js';
import type { Lead } from '../../../src-shared/domain/lead.js';
import { placeInWindow, placeOpenFrom, regionRulesFor } from '../../../src-shared/domain/policy/index.js';
import { phonePlaces } from '../compliance/phone-places.js';
import type { CallRecord, PendingPreview, SessionRecord, StatsCounters } from '../store/types.js';

/** What sessionView reads of the tab: the rules, and a lead's name and version from the last read. */
export interface SessionTab {
  readonly rules: CampaignRules;
  get(rowId: string): { lead: Lead; version: number } | null;
}

/** The last disposition while a change would be accepted: inside the window, and the lead not written
 *  since (by the tab's last read; the coordinator decides for good when the change comes). */
export function lastDispositionView(
  s: SessionRecord,
  tab: SessionTab,
  now: number,
): LastDispositionView | null {
  const last = s.lastDisposed;
  if (!last) return null;
  const amendableUntil = last.disposedAt + amendWindowSecondsOf(tab.rules) * 1000;
  if (now > amendableUntil) return null;
  const entry = tab.get(last.rowId);
  if (entry && entry.version > last.leadVersion) return null;
  return {
    callId: last.callId,
    code: last.code,
    disposedAt: last.disposedAt,
    leadRowId: last.rowId,
    leadName: entry?.lead.name ?? null,
    amendableUntil,
    skipped: entry && entry.version === last.leadVersion ? skippedOf(entry.lead, last.pre) : 0,
  };
}

/** The receipt's skipped numbers from the kept state (our own Redis field, checked like any input; an
 *  unreadable one counts none). Built only for the session view, never on the disposition path. */
function skippedOf(lead: Lead, preJson: string): number {
  let raw: unknown;
  try {
    raw = JSON.parse(preJson);
  } catch {
    return 0;
  }
  const pre = PreDispositionSchema.safeParse(raw);
  return pre.success ? skippedSince(lead, pre.data) : 0;
}

export function sessionView(s: SessionRecord, tab: SessionTab, now: number): SessionView {
  const rules = tab.rules;
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
    amendWindowSeconds: amendWindowSecondsOf(rules),
    lastDisposition: lastDispositionView(s, tab, now),
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
    callerId: c.callerId ?? null,
  };
}

/** The window of the number on screen (numberIndex): its zones (TimeZone cell, else phone data, else the
 *  campaign's zone), the hours and region rules that apply, and whether it is open in all of them. */
export function windowView(
  lead: Lead,
  numberIndex: number,
  rules: CampaignRules,
  now: number,
): CallingWindowView {
  const e164 = lead.numbers[numberIndex]?.e164 ?? null;
  const place = e164 ? phonePlaces(e164) : null;
  const source = lead.timeZone !== null ? 'SHEET' : place ? 'PHONE' : 'CAMPAIGN';
  const zones = lead.timeZone !== null ? [lead.timeZone] : place ? [...place.zones] : [rules.timeZone];
  const region = place?.region ?? null;
  const where = { zones, regions: region ? [region] : [] };
  const applying = regionRulesFor(rules, where.regions);
  const clocks = zones.map((timeZone) => {
    const w = evaluateCallingWindow(null, timeZone, now);
    return {
      timeZone,
      abbreviation: zoneAbbreviation(timeZone, now),
      localTime: w.localTime,
      inWindow: placeInWindow(rules, { zones: [timeZone], regions: where.regions }, now),
    };
  });
  const inWindow = placeInWindow(rules, where, now);
  const first = clocks[0] ?? { timeZone: rules.timeZone, localTime: '', inWindow };
  return {
    inWindow,
    timeZone: first.timeZone,
    localTime: first.localTime,
    hours: describeCallingHours(rules.callingHours),
    zones: clocks,
    source,
    region,
    rules: applying.map((r) => `${r.regions.join(', ')} ${describeCallingHours(r.hours) ?? ''}`.trim()),
    holiday: zones.some((z) =>
      (rules.holidays ?? []).includes(evaluateCallingWindow(null, z, now).localDate),
    ),
    nextOpenAt: inWindow ? null : placeOpenFrom(rules, where, now),
  };
}

export function leadPreview(lead: Lead, numberIndex: number, rules: CampaignRules, now: number): LeadPreview {
  return { lead, numberIndex, window: windowView(lead, numberIndex, rules, now) };
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
