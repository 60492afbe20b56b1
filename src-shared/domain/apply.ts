// Applying what happened on a call (a disposition), a preview skip, or a dial to a lead: pure functions
// from (lead, number, action, now, rules) to the new lead plus the exact sheet patch. The patch is the
// diff of the lead's cells before and after (only cells the coordinator owns), so it holds exactly the
// cells that changed, plus the purple background for every status cell that became SKIPPED.
//
// Rules (DESIGN.md "Dispositions"):
//  - every disposition: AttemptCount + 1, LastOutcome = the code, the number's status from the catalog,
//    NextIndex → the next open number after this one (round robin, wrapping; this one again if it is
//    the only one left open);
//  - RETRY effects set retryAt = now + delay (only when rules.retryDelaysEnabled and the delay is set);
//  - LEAD_DONE (CORRECT, DO_NOT_CALL): every other open number → SKIPPED with the sibling reason;
//  - AttemptCount reaching rules.maxAttempts: every number still open, the dialed one included when it
//    was left retryable, → EXHAUSTED (LastOutcome still records the disposition);
//  - Notes are APPENDED, never replaced (a person may have written there): a new line
//    "[YYYY-MM-DD HH:MMZ] text" (UTC); the cell is capped at Sheets' 50,000 characters by dropping the
//    oldest text.
// An "open" number has a valid E.164 number and a dialable status (NEW, VOICEMAIL, NO_ANSWER).
import { type CallbackColumns, formatCallbackAt, sameCallback } from './callback.js';
import type { CampaignRules } from './campaign.js';
import { type DispositionCode, type DispositionDef, findDisposition } from './disposition.js';
import { DomainError } from './errors.js';
import type { Lead, LeadCallback, PhoneSlot } from './lead.js';
import { COORDINATOR_OWNED_COLS, leadToCells } from './sheet-codec.js';
import { type CellBackground, type CellWrite, SKIPPED_RGB, type SheetPatch } from './sheet-patch.js';
import { DIALABLE_STATUSES, MAX_NUMBERS_PER_LEAD, type PhoneStatus, type SkipReason } from './status.js';

export { DomainError } from './errors.js';

/** Where a lead's row lives. */
export interface TabRef {
  spreadsheetId: string;
  sheetId: number;
  tabTitle: string;
  /** Where the tab's CallbackAt / CallbackAgent columns are (absent: the tab has none, nothing written). */
  callbackColumns?: CallbackColumns | null | undefined;
}

const NOTES_MAX = 50_000;
const STATUS_COL0 = 12;

export function isOpen(slot: PhoneSlot): boolean {
  return slot.e164 !== null && DIALABLE_STATUSES.has(slot.status);
}

/** Next open slot strictly after `from` (wrapping, `from` itself last); null when none is open. */
export function nextOpenAfter(numbers: readonly PhoneSlot[], from: number): number | null {
  for (let k = 1; k <= MAX_NUMBERS_PER_LEAD; k++) {
    const i = (from + k) % MAX_NUMBERS_PER_LEAD;
    const slot = numbers[i];
    if (slot && isOpen(slot)) return i;
  }
  return null;
}

/** The sheet patch that turns `before`'s cells into `after`'s (owned columns only). */
export function diffPatch(before: Lead, after: Lead, tab: TabRef): SheetPatch {
  const a = leadToCells(before);
  const b = leadToCells(after);
  const values: CellWrite[] = [];
  for (const col of COORDINATOR_OWNED_COLS) {
    if (a[col] !== b[col]) values.push({ row: after.rowNumber, col, value: b[col] ?? '' });
  }
  const backgrounds: CellBackground[] = [];
  for (let s = 0; s < MAX_NUMBERS_PER_LEAD; s++) {
    const was = before.numbers[s]?.status === 'SKIPPED';
    const is = after.numbers[s]?.status === 'SKIPPED';
    if (was !== is)
      backgrounds.push({ row: after.rowNumber, col: STATUS_COL0 + s, color: is ? SKIPPED_RGB : null });
  }
  const cols = tab.callbackColumns;
  if (cols && !sameCallback(before.callback, after.callback)) {
    const cb = after.callback;
    const zone = cb?.zone ?? after.timeZone ?? 'UTC';
    values.push(
      {
        row: after.rowNumber,
        col: cols.at,
        value: cb ? formatCallbackAt(cb.at, zone) : '',
        header: 'CallbackAt',
      },
      { row: after.rowNumber, col: cols.agent, value: cb?.agent ?? '', header: 'CallbackAgent' },
    );
  }
  const { spreadsheetId, sheetId, tabTitle } = tab;
  return { spreadsheetId, sheetId, tabTitle, rowId: after.rowId, values, backgrounds };
}

function slotAt(lead: Lead, numberIndex: number): PhoneSlot {
  const slot = Number.isInteger(numberIndex) ? lead.numbers[numberIndex] : undefined;
  if (!slot) {
    throw new DomainError('BAD_NUMBER_INDEX', `lead ${lead.rowId} has no number slot ${numberIndex}`, {
      rowId: lead.rowId,
      numberIndex,
    });
  }
  return slot;
}

function requireDialedOrDialable(lead: Lead, numberIndex: number): PhoneSlot {
  const slot = slotAt(lead, numberIndex);
  if (slot.e164 === null || !(slot.status === 'IN_PROGRESS' || DIALABLE_STATUSES.has(slot.status))) {
    throw new DomainError(
      'NUMBER_NOT_DIALABLE',
      `lead ${lead.rowId} number ${numberIndex + 1} is ${slot.e164 === null ? 'empty or invalid' : slot.status}`,
      { rowId: lead.rowId, numberIndex, status: slot.status },
    );
  }
  return slot;
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

/** "[2026-11-25 14:03Z] " (UTC: the sheet is read from many zones). */
export function notePrefix(now: number): string {
  const d = new Date(now);
  return `[${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())} ${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}Z] `;
}

export function appendNote(existing: string, note: string | undefined, now: number): string {
  const text = (note ?? '').trim();
  if (text === '') return existing;
  const line = notePrefix(now) + text;
  const joined = existing.trim() === '' ? line : `${existing.replace(/\s+$/, '')}\n${line}`;
  return joined.length <= NOTES_MAX ? joined : joined.slice(joined.length - NOTES_MAX);
}

function withSlot(numbers: PhoneSlot[], i: number, patch: Partial<PhoneSlot>): void {
  const s = numbers[i];
  if (s) numbers[i] = { ...s, ...patch };
}

function skipOpen(numbers: PhoneSlot[], status: PhoneStatus, reason: SkipReason): void {
  for (let i = 0; i < numbers.length; i++) {
    const s = numbers[i];
    if (s && isOpen(s)) numbers[i] = { ...s, status, skipReason: reason, retryAt: null };
  }
}

export interface ApplyDispositionInput {
  lead: Lead;
  numberIndex: number;
  code: DispositionCode;
  notes?: string | undefined;
  now: number;
  rules: CampaignRules;
  catalog: readonly DispositionDef[];
  tab: TabRef;
  /** A callback scheduled with this disposition (checked by the caller: checkCallbackTime). Absent or null:
   *  none, and a callback the lead had is done (this call was it, or the agent dialed the lead anyway). */
  callback?: LeadCallback | null | undefined;
}

export function applyDisposition(input: ApplyDispositionInput): {
  lead: Lead;
  patch: SheetPatch;
  leadDone: boolean;
} {
  const { lead, numberIndex, now, rules } = input;
  requireDialedOrDialable(lead, numberIndex);
  let def: DispositionDef;
  try {
    def = findDisposition(input.catalog, input.code);
  } catch {
    throw new DomainError('UNKNOWN_DISPOSITION', `disposition ${input.code} is not in the catalog`, {
      code: input.code,
    });
  }

  const numbers = lead.numbers.map((s) => ({ ...s }));
  const retry = def.effect === 'RETRY' && rules.retryDelaysEnabled && def.retryDelayMinutes !== null;
  withSlot(numbers, numberIndex, {
    status: def.numberStatus,
    skipReason: def.numberStatus === 'SKIPPED' ? (def.skipReason ?? null) : null,
    retryAt: retry ? now + (def.retryDelayMinutes ?? 0) * 60_000 : null,
  });
  if (def.effect === 'LEAD_DONE') skipOpen(numbers, 'SKIPPED', def.siblingSkipReason ?? 'SIBLING_CORRECT');

  const attemptCount = lead.attemptCount + 1;
  if (attemptCount >= rules.maxAttempts) skipOpen(numbers, 'EXHAUSTED', 'MAX_ATTEMPTS');

  const next = nextOpenAfter(numbers, numberIndex);
  const after: Lead = {
    ...lead,
    numbers,
    notes: appendNote(lead.notes, input.notes, now),
    lastOutcome: def.code,
    attemptCount,
    nextIndex: next ?? (numberIndex + 1) % MAX_NUMBERS_PER_LEAD,
    // The callback this call answered is done; one scheduled now replaces it.
    ...(input.callback || lead.callback ? { callback: input.callback ?? null } : {}),
  };
  return { lead: after, patch: diffPatch(lead, after, input.tab), leadDone: next === null };
}

/** The preview's Skip: this number → SKIPPED (MANUAL_SKIP), purple; AttemptCount and LastOutcome unchanged.
 *  A callback the lead had is cancelled (on a CORRECT number only the callback is). */
export function applyManualSkip(input: {
  lead: Lead;
  numberIndex: number;
  now: number;
  rules: CampaignRules;
  tab: TabRef;
}): { lead: Lead; patch: SheetPatch; leadDone: boolean } {
  const { lead, numberIndex } = input;
  if (lead.callback && slotAt(lead, numberIndex).status === 'CORRECT') {
    // Skipping a callback on the person's CORRECT number cancels the callback, not the number.
    const after: Lead = { ...lead, callback: null };
    return { lead: after, patch: diffPatch(lead, after, input.tab), leadDone: true };
  }
  requireDialedOrDialable(lead, numberIndex);
  const numbers = lead.numbers.map((s) => ({ ...s }));
  withSlot(numbers, numberIndex, { status: 'SKIPPED', skipReason: 'MANUAL_SKIP', retryAt: null });
  const next = nextOpenAfter(numbers, numberIndex);
  const after: Lead = {
    ...lead,
    numbers,
    nextIndex: next ?? (numberIndex + 1) % MAX_NUMBERS_PER_LEAD,
    ...(lead.callback ? { callback: null } : {}),
  };
  return { lead: after, patch: diffPatch(lead, after, input.tab), leadDone: next === null };
}

/** The IN_PROGRESS write at dial time. The number must be open (or CORRECT, for a lead's callback: the
 *  person asked to be called back on it); its retryAt is kept (for a revert). */
export function markInProgress(
  lead: Lead,
  numberIndex: number,
  tab: TabRef,
): { lead: Lead; patch: SheetPatch } {
  const slot = slotAt(lead, numberIndex);
  const callbackOnCorrect = lead.callback && slot.status === 'CORRECT' && slot.e164 !== null;
  if (!isOpen(slot) && !callbackOnCorrect) {
    throw new DomainError(
      'NUMBER_NOT_DIALABLE',
      `lead ${lead.rowId} number ${numberIndex + 1} is not dialable (${slot.status})`,
      {
        rowId: lead.rowId,
        numberIndex,
        status: slot.status,
      },
    );
  }
  const numbers = lead.numbers.map((s) => ({ ...s }));
  withSlot(numbers, numberIndex, { status: 'IN_PROGRESS' });
  const after: Lead = { ...lead, numbers };
  return { lead: after, patch: diffPatch(lead, after, tab) };
}

/** The dial failed: IN_PROGRESS → the status it had before (NEW, VOICEMAIL or NO_ANSWER). */
export function revertInProgress(
  lead: Lead,
  numberIndex: number,
  previousStatus: PhoneStatus,
  tab: TabRef,
): { lead: Lead; patch: SheetPatch } {
  const slot = slotAt(lead, numberIndex);
  if (slot.status !== 'IN_PROGRESS') {
    throw new DomainError(
      'NUMBER_NOT_IN_PROGRESS',
      `lead ${lead.rowId} number ${numberIndex + 1} is ${slot.status}`,
      {
        rowId: lead.rowId,
        numberIndex,
        status: slot.status,
      },
    );
  }
  if (!DIALABLE_STATUSES.has(previousStatus) && !(previousStatus === 'CORRECT' && lead.callback)) {
    throw new DomainError('BAD_PREVIOUS_STATUS', `cannot revert to ${previousStatus}`, { previousStatus });
  }
  const numbers = lead.numbers.map((s) => ({ ...s }));
  withSlot(numbers, numberIndex, { status: previousStatus });
  const after: Lead = { ...lead, numbers };
  return { lead: after, patch: diffPatch(lead, after, tab) };
}

/**
 * The disposition the modal pre-selects: voicemail → VM_OR_NA_UNKNOWN; never connected → NO_ANSWER;
 * connected (a conversation happened) → null, only the agent knows how it went.
 */
export function suggestDisposition(events: {
  connected: boolean;
  voicemail: boolean;
}): DispositionCode | null {
  if (events.voicemail) return 'VM_OR_NA_UNKNOWN';
  if (!events.connected) return 'NO_ANSWER';
  return null;
}
