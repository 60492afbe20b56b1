// The one-line receipt shown after a disposition ("Aisha Chen → Correct person, 2 numbers skipped"), built
// from what the screen knows when the agent confirms: the lead on the card, the dialed number and the
// campaign's catalog. Sibling skips follow the domain rule (a LEAD_DONE disposition skips every other open
// number; apply.ts), so the receipt says what the sheet will show.
import type { CallView, LeadPreview } from '../../src-shared/contracts/views';
import { isOpen } from '../../src-shared/domain/apply';
import type { DispositionDef } from '../../src-shared/domain/disposition';
import type { DispoReceipt } from './types';

export function buildReceipt(
  callId: string,
  call: CallView | null,
  lead: LeadPreview | null,
  def: DispositionDef,
): DispoReceipt {
  const l = lead && (!call || lead.lead.rowId === call.leadRowId) ? lead.lead : null;
  const dialed = call?.numberIndex ?? lead?.numberIndex ?? -1;
  const skipped =
    l && def.effect === 'LEAD_DONE' ? l.numbers.filter((n) => n.index !== dialed && isOpen(n)).length : 0;
  return { callId, leadName: l?.name || 'The lead', label: def.label, skipped };
}

export function receiptText(r: DispoReceipt): string {
  const skipped = r.skipped === 0 ? '' : `, ${r.skipped} number${r.skipped === 1 ? '' : 's'} skipped`;
  return `${r.leadName} → ${r.label}${skipped}`;
}
