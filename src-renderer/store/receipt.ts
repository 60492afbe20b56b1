// The one-line receipt shown after a disposition ("Aisha Chen → Correct person, 2 numbers skipped"), built
// from what the screen knows when the agent confirms: the lead on the card, the dialed number and the
// campaign's catalog. Sibling skips follow the domain rule (a LEAD_DONE disposition skips every other open
// number; apply.ts), so the receipt says what the sheet will show. apply.ts itself is not imported: it pulls
// the sheet codec and libphonenumber into the first-load bundle (the formatter is a lazy chunk).
import type { CallView, LeadPreview, SessionView } from '../../src-shared/contracts/views';
import type { DispositionDef } from '../../src-shared/domain/disposition';
import type { PhoneSlot } from '../../src-shared/domain/lead';
import type { DispositionOutcome } from '../../src-shared/domain/outcome';
import { DIALABLE_STATUSES } from '../../src-shared/domain/status';
import type { DispoReceipt } from './types';

/** apply.ts's isOpen: a valid number in a dialable status. */
const isOpen = (n: PhoneSlot) => n.e164 !== null && DIALABLE_STATUSES.has(n.status);

export function buildReceipt(
  callId: string,
  call: CallView | null,
  lead: LeadPreview | null,
  def: DispositionDef,
  change?: { at: number; windowSeconds: number },
): DispoReceipt {
  const l = lead && (!call || lead.lead.rowId === call.leadRowId) ? lead.lead : null;
  const dialed = call?.numberIndex ?? lead?.numberIndex ?? -1;
  const skipped =
    l && def.effect === 'LEAD_DONE' ? l.numbers.filter((n) => n.index !== dialed && isOpen(n)).length : 0;
  return {
    callId,
    leadName: l?.name || 'The lead',
    label: def.label,
    skipped,
    code: def.code,
    ...(change && change.windowSeconds > 0
      ? { amendableUntil: change.at + change.windowSeconds * 1000 }
      : {}),
  };
}

/** The receipt rebuilt from the coordinator's session view after a reload or a restart: the last
 *  disposition while it can still be changed, with the numbers it skipped as the coordinator counts them. */
export function receiptFromSession(session: SessionView): DispoReceipt | null {
  const last = session.lastDisposition;
  if (!last) return null;
  const def = session.catalog.find((d) => d.code === last.code);
  return {
    callId: last.callId,
    leadName: last.leadName || 'The lead',
    label: def?.label ?? last.code,
    skipped: last.skipped,
    code: last.code,
    amendableUntil: last.amendableUntil,
  };
}

export function receiptText(r: DispoReceipt): string {
  const n = r.outcome?.skipped ?? r.skipped;
  const skipped = n === 0 ? '' : `, ${n} number${n === 1 ? '' : 's'} skipped`;
  const was = r.changedFrom ? ` (was ${r.changedFrom})` : '';
  return `${r.leadName} → ${r.label}${was}${skipped}`;
}

/** What happens next to the lead after a change, in words ("Next: number 2 · this number again at 16:05");
 *  `when` formats an instant ("at 16:05", "tomorrow at 08:00"). */
export function outcomeText(o: DispositionOutcome, when: (epochMs: number) => string): string {
  if (o.doNotCall) return 'On the do-not-call list: this lead is not called again';
  if (o.leadDone && o.exhausted > 0) return 'Max attempts reached: this lead is not called again';
  if (o.leadDone) return 'This lead is not called again';
  const next = o.nextNumber === null ? '' : `Next: number ${o.nextNumber}`;
  const retry = o.retryAt === null ? '' : `this number again ${when(o.retryAt)}`;
  return [next, retry].filter(Boolean).join(' · ');
}
