// What accepted dispositions must leave in the sheet (DESIGN's disposition table applied to the lead as the
// coordinator showed it at dial time, accumulated per row), and every way the emulated sheet still differs
// from it. Shared by the crash test and the reliability suite: an empty list means every accepted
// disposition was written exactly once with its intended values (a lost one or a doubled one shows up in
// AttemptCount, LastOutcome or the status cells).
import type { LeadPreview } from '../../../../src-shared/contracts/views.js';
import {
  DEFAULT_DISPOSITIONS,
  type DispositionCode,
  findDisposition,
} from '../../../../src-shared/domain/disposition.js';
import { SKIPPED_RGB } from '../../../../src-shared/domain/sheet-patch.js';
import { DIALABLE_STATUSES, type PhoneStatus } from '../../../../src-shared/domain/status.js';
import { COL, tabValues } from '../../../../test/support/emulator-admin.js';
import type { SheetsEmulator } from '../../../emulators/sheets/server.js';

/** What one accepted disposition must leave in the sheet, accumulated per row. */
export interface RowExpectation {
  rowId: string;
  rowNumber: number;
  statuses: Map<number, PhoneStatus>;
  attemptCount: number;
  lastOutcome: DispositionCode;
  note: string | null;
}

/** Applies DESIGN's disposition table to the lead as the coordinator showed it at dial time. */
export function expectAfter(
  rows: Map<string, RowExpectation>,
  preview: LeadPreview,
  code: DispositionCode,
  note: string | null,
): void {
  const { lead, numberIndex } = preview;
  const def = findDisposition(DEFAULT_DISPOSITIONS, code);
  const prev = rows.get(lead.rowId);
  const statuses = new Map(prev?.statuses ?? []);
  statuses.set(numberIndex, def.numberStatus);
  if (def.effect === 'LEAD_DONE') {
    for (const slot of lead.numbers) {
      if (slot.index !== numberIndex && slot.e164 !== null && DIALABLE_STATUSES.has(slot.status))
        statuses.set(slot.index, 'SKIPPED');
    }
  }
  rows.set(lead.rowId, {
    rowId: lead.rowId,
    rowNumber: lead.rowNumber,
    statuses,
    attemptCount: lead.attemptCount + 1,
    lastOutcome: code,
    note: note ?? prev?.note ?? null,
  });
}

const near = (a: number, b: number) => Math.abs(a - b) < 0.01;

/** Every way the sheet still differs from the expectations (empty = all written exactly). */
export async function sheetMismatches(
  sheets: SheetsEmulator,
  ssId: string,
  tab: string,
  rows: Iterable<RowExpectation>,
): Promise<string[]> {
  const values = await tabValues(sheets.url, ssId, tab);
  const sheetId = sheets.state.sheetIdOf(ssId, tab);
  const out: string[] = [];
  for (const e of rows) {
    const row = values[e.rowNumber - 1] ?? [];
    const at = `${e.rowId} (row ${e.rowNumber})`;
    if (row[0] !== e.rowId) out.push(`${at}: RowID cell is ${row[0]}`);
    for (const [slot, status] of e.statuses) {
      if (row[COL.status(slot)] !== status)
        out.push(`${at}: Status${slot + 1} is ${row[COL.status(slot)]}, want ${status}`);
      if (status === 'SKIPPED') {
        const bg = sheets.state.getBackground(ssId, sheetId, e.rowNumber, COL.status(slot));
        const purple =
          bg !== null &&
          near(bg.red, SKIPPED_RGB.red) &&
          near(bg.green, SKIPPED_RGB.green) &&
          near(bg.blue, SKIPPED_RGB.blue);
        if (!purple) out.push(`${at}: Status${slot + 1} background ${JSON.stringify(bg)}, want purple`);
      }
    }
    if (row[COL.attemptCount] !== String(e.attemptCount))
      out.push(`${at}: AttemptCount is ${row[COL.attemptCount]}, want ${e.attemptCount}`);
    if (row[COL.lastOutcome] !== e.lastOutcome)
      out.push(`${at}: LastOutcome is ${row[COL.lastOutcome]}, want ${e.lastOutcome}`);
    if (e.note !== null && !(row[COL.notes] ?? '').includes(e.note))
      out.push(`${at}: Notes lack "${e.note}"`);
  }
  return out;
}
