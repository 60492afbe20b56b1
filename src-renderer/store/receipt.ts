// The one-line receipt shown after a disposition ("Aisha Chen → Correct person, 2 numbers skipped"), built
// from what the screen knows when the agent confirms: the lead on the card, the dialed number and the
// campaign's catalog. Sibling skips follow the domain rule (a LEAD_DONE disposition skips every other open
// number; apply.ts), so the receipt says what the sheet will show. apply.ts itself is not imported: it pulls
// the sheet codec and libphonenumber into the first-load bundle (the formatter is a lazy chunk).
import type { CallView, LeadPreview } from '../../src-shared/contracts/views';
import type { DispositionDef } from '../../src-shared/domain/disposition';
import type { PhoneSlot } from '../../src-shared/domain/lead';
import { DIALABLE_STATUSES } from '../../src-shared/domain/status';
import type { DispoReceipt } from './types';

/** apply.ts's isOpen: a valid number in a dialable status. */
const isOpen = (n: PhoneSlot) => n.e164 !== null && DIALABLE_STATUSES.has(n.status);

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
