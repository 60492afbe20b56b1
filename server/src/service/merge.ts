// The merge rule between the sheet (the system of record, which a person may edit while agents dial) and
// the Redis overlay (the dialer-owned state of each lead). For each lead:
//   - an overlay written after the sheet read began wins for every owned cell (the read cannot have seen it);
//   - otherwise a cell whose write was still in the write-behind queue when the read began (unflushed) takes
//     the overlay's value; every other cell takes the sheet's (after a flush the sheet is the truth again,
//     so a person's later edit is honoured);
//   - the callback (CallbackAt + CallbackAgent, columns after Z) follows the same rule as one cell;
//   - retry timing and skip reasons live only in the overlay: a slot keeps them when its merged status is
//     the status the overlay gave it (a person who changed the status also cancelled the retry).
import type { Lead, PhoneSlot } from '../../../src-shared/domain/lead.js';
import { sameCallback } from '../../../src-shared/domain/callback.js';
import { AGENT_COL } from '../../../src-shared/domain/sheet-codec.js';
import type { LeadOverlay, LeadOwnedState } from '../store/types.js';

/** The dialer-owned fields of a lead, as stored in the overlay. */
export function ownedOf(lead: Lead): LeadOwnedState {
  return {
    slots: lead.numbers.map((n) => ({ status: n.status, skipReason: n.skipReason, retryAt: n.retryAt })),
    notes: lead.notes,
    lastOutcome: lead.lastOutcome,
    attemptCount: lead.attemptCount,
    nextIndex: lead.nextIndex,
    callback: lead.callback ?? null,
  };
}

export interface MergeContext {
  /** When the sheet read began (epoch ms, the coordinator's clock). */
  readStartedAt: number;
  /** Owned columns of this lead whose writes were unflushed when the read began. */
  unflushed: ReadonlySet<number>;
}

export function mergeLead(sheet: Lead, overlay: LeadOverlay | null, ctx: MergeContext): Lead {
  if (!overlay) return sheet;
  const o = overlay.state;
  const all = overlay.updatedAt >= ctx.readStartedAt;
  const ours = (col: number) => all || ctx.unflushed.has(col);
  const numbers: PhoneSlot[] = sheet.numbers.map((slot, i) => {
    const mine = o.slots[i];
    if (!mine) return slot;
    const status = ours(AGENT_COL.status(i)) ? mine.status : slot.status;
    if (status !== mine.status) return { ...slot, status, retryAt: null };
    return { ...slot, status, skipReason: mine.skipReason ?? slot.skipReason, retryAt: mine.retryAt };
  });
  // The callback cells are the only ones after Z the dialer writes (CallbackAt, CallbackAgent): ours while
  // any of them is unflushed; after a flush the sheet's value stands (a person who cleared it cancelled it).
  let ourCallback = all;
  for (const col of ctx.unflushed) if (col > AGENT_COL.nextIndex) ourCallback = true;
  // The sheet holds the time and the agent; the overlay also knows the zone and the number it was
  // scheduled from, kept while the sheet still says the same.
  const callback =
    ourCallback || sameCallback(sheet.callback, o.callback) ? (o.callback ?? null) : (sheet.callback ?? null);
  return {
    ...sheet,
    ...(callback || sheet.callback !== undefined || o.callback ? { callback } : {}),
    numbers,
    notes: ours(AGENT_COL.notes) ? o.notes : sheet.notes,
    lastOutcome: ours(AGENT_COL.lastOutcome) ? o.lastOutcome : sheet.lastOutcome,
    attemptCount: ours(AGENT_COL.attemptCount) ? o.attemptCount : sheet.attemptCount,
    nextIndex: ours(AGENT_COL.nextIndex) ? o.nextIndex : sheet.nextIndex,
  };
}
