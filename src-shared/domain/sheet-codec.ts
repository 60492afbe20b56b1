// The sheet codec: the Router and Agent tabs' headers and rows ⇄ typed values, and A1 addressing.
// Readings are strict where a misread could dial the wrong person, tolerant where the meaning is plain:
//  - headers match case- and space-insensitively ("row id" = "RowID"); a wrong or missing column is an
//    error naming its letter;
//  - status words are case/space/dash tolerant ("no answer" → NO_ANSWER, empty → NEW); an unknown word
//    is a row error and the whole lead is left out (not dialable) rather than guessed;
//  - a malformed phone number keeps its raw text with e164 null (that slot is never dialed) and is a row
//    error; the lead's other numbers stay dialable;
//  - AttemptCount / NextIndex blank → 0; NextIndex is 1-based in the sheet (1..10; "0" is read as 1),
//    0-based in Lead.nextIndex;
//  - the status cell holds only the status word. Skip reasons are not stored in the sheet; reading back,
//    a SKIPPED slot's reason is inferred: SIBLING_CORRECT when the lead has a CORRECT number, DO_NOT_CALL
//    when LastOutcome is DO_NOT_CALL, else null (e.g. a manual skip). EXHAUSTED reads as MAX_ATTEMPTS.
//    Retry times are not in the sheet either (the coordinator keeps them in Redis): retryAt reads as null;
//  - the optional CallbackAt (ISO 8601 with an offset) and CallbackAgent (email, blank = any agent) columns,
//    read when both are present (callback.ts); a CallbackAt without an offset is a row error, never guessed.
import type { CountryCode } from 'libphonenumber-js';
import { type CallbackColumns, parseCallbackAgent, parseCallbackAt } from './callback.js';
import { isValidTimeZone } from './calling-window.js';
import { DomainError } from './errors.js';
import { EXTRA_VALUE_MAX, type Lead, MAX_LEAD_EXTRAS, type PhoneSlot } from './lead.js';
import { normalizePhone } from './phone.js';
import { MAX_NUMBERS_PER_LEAD, PHONE_STATUSES, type PhoneStatus, type SkipReason } from './status.js';

const range10 = Array.from({ length: MAX_NUMBERS_PER_LEAD }, (_, i) => i + 1);

/** The 26 agent-tab columns A..Z, in order. */
export const AGENT_TAB_HEADER: readonly string[] = [
  'RowID',
  'Name',
  ...range10.map((i) => `Num${i}`),
  ...range10.map((i) => `Status${i}`),
  'Notes',
  'LastOutcome',
  'AttemptCount',
  'NextIndex',
];

/** Optional columns read when present after NextIndex (at any position from AA on). */
export const AGENT_OPTIONAL_COLUMNS: readonly string[] = ['TimeZone', 'CallbackAt', 'CallbackAgent'];

export const ROUTER_HEADER: readonly string[] = [
  'AgentEmail',
  'DialpadUserID',
  'SpreadsheetId',
  'TabId',
  'CampaignName',
  'Active',
];

/** 0-based column indexes of the agent tab (A = 0). */
export const AGENT_COL = {
  rowId: 0,
  name: 1,
  num: (slot: number) => 2 + slot,
  status: (slot: number) => 12 + slot,
  notes: 22,
  lastOutcome: 23,
  attemptCount: 24,
  nextIndex: 25,
} as const;

/** Columns the coordinator may write (Status1..10, Notes, LastOutcome, AttemptCount, NextIndex). */
export const COORDINATOR_OWNED_COLS: readonly number[] = [...range10.map((i) => 11 + i), 22, 23, 24, 25];

/** A row-level problem: 1-based sheet row, column letter, and what is wrong. */
export interface SheetRowError {
  row: number;
  column: string;
  message: string;
  /** true when the row was left out of the result (not dialable); false when only one cell is unusable. */
  leadSkipped?: boolean;
}

// ---------------------------------------------------------------------------------------------- A1

/** 0-based column index → letters (0 → "A", 25 → "Z", 26 → "AA"). */
export function columnLetter(col: number): string {
  if (!Number.isInteger(col) || col < 0) throw new RangeError(`bad column index ${col}`);
  let n = col + 1;
  let s = '';
  while (n > 0) {
    const r = (n - 1) % 26;
    s = String.fromCharCode(65 + r) + s;
    n = Math.floor((n - 1) / 26);
  }
  return s;
}

/** Tab names are always quoted ('' escapes a quote): valid for every name, never mistaken for a cell. */
export function quoteTabTitle(tabTitle: string): string {
  return `'${tabTitle.replace(/'/g, "''")}'`;
}

/** `'Tab'!M5` for a 1-based row and 0-based column. */
export function a1(tabTitle: string, row: number, col: number): string {
  return `${quoteTabTitle(tabTitle)}!${columnLetter(col)}${row}`;
}

/** `'Tab'!A2:Z10` (rows 1-based, columns 0-based, both ends inclusive). */
export function a1Range(
  tabTitle: string,
  fromRow: number,
  fromCol: number,
  toRow: number,
  toCol: number,
): string {
  return `${quoteTabTitle(tabTitle)}!${columnLetter(fromCol)}${fromRow}:${columnLetter(toCol)}${toRow}`;
}

// ---------------------------------------------------------------------------------------------- headers

const canon = (s: string) => s.replace(/[\s_]+/g, '').toLowerCase();

export type HeaderCheck =
  | { ok: true; optional: Record<string, number> }
  | { ok: false; column: string; expected: string; found: string; message: string };

/** The extra columns of an agent tab: after NextIndex, with a header, not one of the optional columns the
 *  dialer reads itself (TimeZone, CallbackAt, CallbackAgent). The lead card shows them by header name. */
export function extraColumns(header: readonly string[]): { col: number; header: string }[] {
  const out: { col: number; header: string }[] = [];
  for (let c = AGENT_TAB_HEADER.length; c < header.length && out.length < MAX_LEAD_EXTRAS; c++) {
    const name = String(header[c] ?? '').trim();
    if (name === '' || AGENT_OPTIONAL_COLUMNS.some((o) => canon(o) === canon(name))) continue;
    out.push({ col: c, header: name.slice(0, 100) });
  }
  return out;
}

function checkHeader(row: readonly string[], expected: readonly string[], optionalNames: readonly string[]) {
  for (let c = 0; c < expected.length; c++) {
    const want = expected[c] ?? '';
    const found = String(row[c] ?? '').trim();
    if (canon(found) !== canon(want)) {
      const column = columnLetter(c);
      const message =
        found === ''
          ? `header column ${column} is missing: expected "${want}"`
          : `header column ${column} is "${found}": expected "${want}"`;
      return { ok: false as const, column, expected: want, found, message };
    }
  }
  const optional: Record<string, number> = {};
  for (let c = expected.length; c < row.length; c++) {
    const name = optionalNames.find((o) => canon(o) === canon(String(row[c] ?? '')));
    if (name && optional[name] === undefined) optional[name] = c;
  }
  return { ok: true as const, optional };
}

export function validateAgentHeader(row: readonly string[]): HeaderCheck {
  return checkHeader(row, AGENT_TAB_HEADER, AGENT_OPTIONAL_COLUMNS);
}

export function validateRouterHeader(row: readonly string[]): HeaderCheck {
  return checkHeader(row, ROUTER_HEADER, []);
}

function requireHeader(check: HeaderCheck, what: string): Record<string, number> {
  if (!check.ok) {
    throw new DomainError('HEADER_MISMATCH', `${what}: ${check.message}`, {
      column: check.column,
      expected: check.expected,
      found: check.found,
    });
  }
  return check.optional;
}

// ---------------------------------------------------------------------------------------------- statuses

/** Tolerant status reading: case, spaces and dashes ignored; "" → NEW; null when not a status word. */
export function parseStatus(cell: string): PhoneStatus | null {
  const word = cell
    .trim()
    .toUpperCase()
    .replace(/[\s-]+/g, '_');
  if (word === '') return 'NEW';
  return (PHONE_STATUSES as readonly string[]).includes(word) ? (word as PhoneStatus) : null;
}

/** The status cell text: the status word, except NEW, written as an empty cell (how people enter leads). */
export function encodeStatus(status: PhoneStatus): string {
  return status === 'NEW' ? '' : status;
}

// ---------------------------------------------------------------------------------------------- agent rows

const cellAt = (row: readonly unknown[] | undefined, c: number) => {
  const v = row?.[c];
  return v === undefined || v === null ? '' : String(v);
};

function inferSkipReason(status: PhoneStatus, hasCorrect: boolean, lastOutcome: string): SkipReason | null {
  if (status === 'EXHAUSTED') return 'MAX_ATTEMPTS';
  if (status !== 'SKIPPED') return null;
  if (hasCorrect) return 'SIBLING_CORRECT';
  if (lastOutcome.trim().toUpperCase() === 'DO_NOT_CALL') return 'DO_NOT_CALL';
  return null;
}

/** What one row decoded to, kept for the next decode of the same tab (AgentRowsMemo). */
interface RowMemo {
  cells: readonly string[];
  lead: Lead | null;
  errors: SheetRowError[];
}

/** A decode's per-row results, handed to the next decode of the same tab: a row whose cells (and the
 *  header, and the default country) are unchanged is not decoded again, and keeps its Lead object. Opaque. */
export interface AgentRowsMemo {
  readonly header: readonly string[];
  readonly defaultCountry: CountryCode;
  readonly rows: readonly (RowMemo | undefined)[];
  /** What the header said (kept so an unchanged header is not checked again on every refresh). */
  readonly columns: HeaderColumns;
}

/** An agent tab header's meaning: its optional columns, the callback pair, the extra columns. */
interface HeaderColumns {
  tzCol: number | undefined;
  callbackColumns: CallbackColumns | null;
  extras: { col: number; header: string }[];
}

function headerColumns(header: readonly string[]): HeaderColumns {
  const optional = requireHeader(validateAgentHeader(header), 'agent tab');
  return {
    tzCol: optional.TimeZone,
    // Callbacks need both columns: the time and who it is for.
    callbackColumns:
      optional.CallbackAt !== undefined && optional.CallbackAgent !== undefined
        ? { at: optional.CallbackAt, agent: optional.CallbackAgent }
        : null,
    extras: extraColumns(header),
  };
}

/** Whether a row has no non-blank cell (no allocation: this runs on every row of every refresh). */
function blankRow(cells: readonly unknown[]): boolean {
  for (const c of cells) if (c !== undefined && c !== null && String(c).trim() !== '') return false;
  return true;
}

const sameCells = (a: readonly string[], b: readonly string[] | undefined): boolean => {
  if (a === b) return true;
  if (b === undefined || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
};

/**
 * Decodes an agent tab as Sheets returns it (header row first, ragged rows, trailing blanks omitted).
 * Throws DomainError HEADER_MISMATCH (naming the column) when the header is wrong. With `memo` (the previous
 * decode's), rows whose cells are unchanged reuse that decode: the same leads and row errors as a decode from
 * scratch, for a fraction of the work when a person or the flusher changed a few rows.
 */
export function parseAgentRows(
  values: readonly (readonly string[])[],
  opts: { defaultCountry?: CountryCode; memo?: AgentRowsMemo | null } = {},
): {
  leads: Lead[];
  rowErrors: SheetRowError[];
  callbackColumns: CallbackColumns | null;
  memo: AgentRowsMemo;
} {
  const header = values[0] ?? [];
  const defaultCountry = opts.defaultCountry ?? 'US';
  const same = opts.memo && sameCells(header, opts.memo.header) ? opts.memo : null;
  const prev = same && same.defaultCountry === defaultCountry ? same.rows : [];
  const memoRows: (RowMemo | undefined)[] = [];
  const columns = same?.columns ?? headerColumns(header);
  const { tzCol, callbackColumns, extras } = columns;
  const leads: Lead[] = [];
  const rowErrors: SheetRowError[] = [];
  const seen = new Map<string, number>();

  for (let i = 1; i < values.length; i++) {
    const cells = values[i];
    const rowNumber = i + 1;
    if (!cells) continue;
    const remembered = prev[i];
    const last = remembered && sameCells(remembered.cells, cells) ? remembered : undefined;
    // A remembered row was not blank, so a row the same as one remembered is not either.
    if (!last && blankRow(cells)) continue;
    if (last) {
      // Unchanged since the last decode. Its RowID was unique then; it must still be (else decode it again,
      // with the duplicate error).
      const id = last.lead?.rowId ?? cellAt(cells, AGENT_COL.rowId).trim();
      if (id === '' || !seen.has(id)) {
        if (id !== '') seen.set(id, rowNumber);
        rowErrors.push(...last.errors);
        if (last.lead) leads.push(last.lead);
        memoRows[i] = last;
        continue;
      }
    }
    const errors: SheetRowError[] = [];
    let skip = false;
    const fail = (col: number, message: string, skipsLead: boolean) => {
      errors.push({ row: rowNumber, column: columnLetter(col), message, leadSkipped: skipsLead });
      if (skipsLead) skip = true;
    };

    const rowId = cellAt(cells, AGENT_COL.rowId).trim();
    if (rowId === '') fail(AGENT_COL.rowId, 'RowID is empty', true);
    else if (seen.has(rowId))
      fail(AGENT_COL.rowId, `duplicate RowID "${rowId}" (first on row ${seen.get(rowId)})`, true);
    else seen.set(rowId, rowNumber);

    const lastOutcome = cellAt(cells, AGENT_COL.lastOutcome).trim();
    const statuses: PhoneStatus[] = [];
    for (let s = 0; s < MAX_NUMBERS_PER_LEAD; s++) {
      const text = cellAt(cells, AGENT_COL.status(s));
      const st = parseStatus(text);
      if (st === null) fail(AGENT_COL.status(s), `Status${s + 1}: unknown status "${text.trim()}"`, true);
      statuses.push(st ?? 'NEW');
    }
    const hasCorrect = statuses.includes('CORRECT');
    const numbers: PhoneSlot[] = [];
    for (let s = 0; s < MAX_NUMBERS_PER_LEAD; s++) {
      const raw = cellAt(cells, AGENT_COL.num(s));
      let e164: string | null = null;
      if (raw.trim() !== '') {
        const n = normalizePhone(raw, opts.defaultCountry ?? 'US');
        if (n.ok) e164 = n.e164;
        else fail(AGENT_COL.num(s), `Num${s + 1}: ${n.reason}`, false);
      }
      const status = statuses[s] ?? 'NEW';
      numbers.push({
        index: s,
        raw,
        e164,
        status,
        skipReason: inferSkipReason(status, hasCorrect, lastOutcome),
        retryAt: null,
      });
    }

    const attemptText = cellAt(cells, AGENT_COL.attemptCount).trim();
    let attemptCount = 0;
    if (/^\d+$/.test(attemptText)) attemptCount = Number(attemptText);
    else if (attemptText !== '')
      fail(AGENT_COL.attemptCount, `AttemptCount "${attemptText}" is not a whole number`, true);

    const nextText = cellAt(cells, AGENT_COL.nextIndex).trim();
    let nextIndex = 0;
    if (/^\d+$/.test(nextText) && Number(nextText) <= MAX_NUMBERS_PER_LEAD)
      nextIndex = Math.max(0, Number(nextText) - 1);
    else if (nextText !== '') fail(AGENT_COL.nextIndex, `NextIndex "${nextText}" is not 1..10`, true);

    let timeZone: string | null = null;
    if (tzCol !== undefined) {
      const tz = cellAt(cells, tzCol).trim();
      if (tz !== '' && isValidTimeZone(tz)) timeZone = tz;
      else if (tz !== '') fail(tzCol, `TimeZone "${tz}" is not an IANA time zone`, true);
    }

    let callback: Lead['callback'] = null;
    if (callbackColumns) {
      const at = parseCallbackAt(cellAt(cells, callbackColumns.at));
      const agent = parseCallbackAgent(cellAt(cells, callbackColumns.agent));
      if (!at.ok) fail(callbackColumns.at, at.message, true);
      else if (!agent.ok) fail(callbackColumns.agent, agent.message, true);
      else if (at.at !== null) callback = { at: at.at, agent: agent.agent };
    }

    const extra = extras
      .map(({ col, header }) => ({ header, value: cellAt(cells, col).trim().slice(0, EXTRA_VALUE_MAX) }))
      .filter((x) => x.value !== '');

    rowErrors.push(...errors);
    // A duplicate RowID depends on the rows above it: never reused.
    const duplicate = rowId !== '' && seen.get(rowId) !== rowNumber;
    if (skip) {
      if (!duplicate) memoRows[i] = { cells, lead: null, errors };
      continue;
    }
    const lead: Lead = {
      rowId,
      rowNumber,
      name: cellAt(cells, AGENT_COL.name).trim(),
      numbers,
      notes: cellAt(cells, AGENT_COL.notes),
      lastOutcome,
      attemptCount,
      nextIndex,
      timeZone,
      ...(extra.length > 0 ? { extra } : {}),
      ...(callback ? { callback } : {}),
    };
    leads.push(lead);
    memoRows[i] = { cells, lead, errors };
  }
  return { leads, rowErrors, callbackColumns, memo: { header, defaultCountry, rows: memoRows, columns } };
}

/** The 26 cells A..Z of a lead (seeding, round trips, patch diffs). NextIndex is written 1-based. */
export function leadToCells(lead: Lead): string[] {
  const cells: string[] = [lead.rowId, lead.name];
  for (let s = 0; s < MAX_NUMBERS_PER_LEAD; s++) cells.push(lead.numbers[s]?.raw ?? '');
  for (let s = 0; s < MAX_NUMBERS_PER_LEAD; s++) cells.push(encodeStatus(lead.numbers[s]?.status ?? 'NEW'));
  cells.push(lead.notes, lead.lastOutcome, String(lead.attemptCount), String(lead.nextIndex + 1));
  return cells;
}

// ---------------------------------------------------------------------------------------------- router rows

/** A decoded router row (same fields as the server's RouterEntry). */
export interface RouterRow {
  agentEmail: string;
  dialpadUserId: string;
  spreadsheetId: string;
  tabId: number;
  campaignName: string;
  active: boolean;
}

const TRUE_WORDS = new Set(['TRUE', 'YES', 'Y', '1']);
const FALSE_WORDS = new Set(['FALSE', 'NO', 'N', '0', '']);
const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * Decodes the router tab (header row first). Emails are lower-cased; Active accepts TRUE/yes/Y/1 (any
 * case) and FALSE/no/N/0/blank; a second row for the same agent is an error (the first one wins).
 * Throws DomainError HEADER_MISMATCH when the header is wrong.
 */
export function parseRouterRows(values: readonly (readonly string[])[]): {
  entries: RouterRow[];
  rowErrors: SheetRowError[];
} {
  requireHeader(validateRouterHeader(values[0] ?? []), 'router tab');
  const entries: RouterRow[] = [];
  const rowErrors: SheetRowError[] = [];
  const seen = new Map<string, number>();
  for (let i = 1; i < values.length; i++) {
    const cells = values[i];
    const row = i + 1;
    if (!cells || cells.every((c) => cellAt([c], 0).trim() === '')) continue;
    const errs: SheetRowError[] = [];
    const fail = (col: number, message: string) =>
      errs.push({ row, column: columnLetter(col), message, leadSkipped: true });
    const agentEmail = cellAt(cells, 0).trim().toLowerCase();
    if (!EMAIL_RE.test(agentEmail)) fail(0, `AgentEmail "${agentEmail}" is not an email address`);
    else if (seen.has(agentEmail))
      fail(0, `agent ${agentEmail} already has a router row (row ${seen.get(agentEmail)})`);
    const dialpadUserId = cellAt(cells, 1).trim();
    if (dialpadUserId === '') fail(1, 'DialpadUserID is empty');
    const spreadsheetId = cellAt(cells, 2).trim();
    if (spreadsheetId === '') fail(2, 'SpreadsheetId is empty');
    const tabText = cellAt(cells, 3).trim();
    if (!/^\d+$/.test(tabText)) fail(3, `TabId "${tabText}" is not a sheet id (a whole number)`);
    const campaignName = cellAt(cells, 4).trim();
    if (campaignName === '') fail(4, 'CampaignName is empty');
    const activeText = cellAt(cells, 5).trim().toUpperCase();
    const active = TRUE_WORDS.has(activeText);
    if (!active && !FALSE_WORDS.has(activeText))
      fail(5, `Active "${cellAt(cells, 5).trim()}" is not TRUE or FALSE`);
    if (errs.length > 0) {
      rowErrors.push(...errs);
      continue;
    }
    seen.set(agentEmail, row);
    entries.push({ agentEmail, dialpadUserId, spreadsheetId, tabId: Number(tabText), campaignName, active });
  }
  return { entries, rowErrors };
}
