// What the policy index's property tests share: a lead built from a fast-check draw, a pick as a comparable
// value, and one dialing cycle done to a tab's index the way the service does it (the pick marked in
// progress, then disposed). Pure; for tests only.
import { applyDisposition, markInProgress } from '../apply.js';
import type { CampaignRules } from '../campaign.js';
import { DEFAULT_DISPOSITIONS } from '../disposition.js';
import type { Lead, LeadCallback, PhoneSlot } from '../lead.js';
import type { PolicyIndex } from './policy-index.js';
import type { PolicyPick } from './types.js';

export const FIXTURE_TAB = { spreadsheetId: 'ss', sheetId: 0, tabTitle: 'T' };

/** A drawn lead: its first `used` slots as drawn, the others empty. */
export interface LeadDraw {
  used: number;
  slots: PhoneSlot[];
  attemptCount: number;
  nextIndex: number;
  zone: string | null;
  callback?: LeadCallback | null;
}

export function leadFromDraw(row: number, d: LeadDraw): Lead {
  return {
    rowId: `R${row}`,
    rowNumber: row,
    name: `Lead ${row}`,
    numbers: d.slots.map((s, i) =>
      i < d.used ? s : { ...s, raw: '', e164: null, status: 'NEW' as const, retryAt: null },
    ),
    notes: '',
    lastOutcome: '',
    attemptCount: d.attemptCount,
    nextIndex: d.nextIndex,
    timeZone: d.zone,
    ...(d.callback === undefined ? {} : { callback: d.callback }),
  };
}

/** A pick as a comparable value: the lead's row and number for a pick, the whole answer otherwise. */
export const pickKey = (p: PolicyPick) =>
  p.kind === 'pick' ? { rowId: p.lead.rowId, numberIndex: p.numberIndex } : p;

/** One cycle: the pick (if any) marked in progress in the index, `whileDialed` run, then disposed NO_ANSWER. */
export function dialAndDisposeNoAnswer(
  ix: PolicyIndex,
  rules: CampaignRules,
  now: number,
  agent?: string,
  whileDialed: () => void = () => {},
): void {
  const p = ix.pick({ sessionState: 'PLAY', now, agent });
  if (p.kind !== 'pick') return;
  const dialed = markInProgress(p.lead, p.numberIndex, FIXTURE_TAB).lead;
  ix.upsert(dialed);
  whileDialed();
  ix.upsert(
    applyDisposition({
      lead: dialed,
      numberIndex: p.numberIndex,
      code: 'NO_ANSWER',
      now,
      rules,
      catalog: DEFAULT_DISPOSITIONS,
      tab: FIXTURE_TAB,
    }).lead,
  );
}
