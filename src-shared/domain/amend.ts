// Changing the last disposition (issue 10, "Fix the last disposition"): a pure function from the lead as it
// is now, the lead's owned fields kept from just before the disposition, and the right code, to the lead
// AS IF the right code had been chosen at the time (applyDisposition re-applied to the kept state with the
// original time, so retry delays run from the original disposition; the Notes cell stays as it is: the
// disposition's note is appended once, whatever the code),
// the sheet patch from what the sheet holds now to that, and the side effects to correct (do-not-call,
// success count). The lead must still be exactly what the original disposition made of it: anything else
// (dialed again, a person's edit in the sheet) is DomainError('LEAD_CHANGED') and nothing is written.
import { applyDisposition, diffPatch, isOpen, type TabRef } from './apply.js';
import type { CampaignRules } from './campaign.js';
import { type DispositionCode, type DispositionDef, findDisposition } from './disposition.js';
import { DomainError } from './errors.js';
import type { Lead, LeadCallback } from './lead.js';
import type { DispositionOutcome, PreDisposition } from './outcome.js';
import type { SheetPatch } from './sheet-patch.js';

/** What a change keeps of the lead before its disposition (the service stores it with the call). */
export function preDispositionOf(lead: Lead, scheduled?: LeadCallback | null): PreDisposition {
  return {
    slots: lead.numbers.map((n) => ({ status: n.status, skipReason: n.skipReason, retryAt: n.retryAt })),
    lastOutcome: lead.lastOutcome,
    attemptCount: lead.attemptCount,
    nextIndex: lead.nextIndex,
    ...(lead.callback ? { callback: lead.callback } : {}),
    ...(scheduled ? { scheduled } : {}),
  };
}

/** The lead as it was before the disposition: today's row (numbers, name, extra columns, notes as they
 *  are now) with the kept owned fields. */
export function leadBefore(current: Lead, pre: PreDisposition): Lead {
  const { callback: _now, ...rest } = current;
  return {
    ...rest,
    ...(pre.callback ? { callback: pre.callback } : {}),
    numbers: current.numbers.map((n, i) => {
      const s = pre.slots[i];
      return s ? { ...n, status: s.status, skipReason: s.skipReason, retryAt: s.retryAt } : n;
    }),
    lastOutcome: pre.lastOutcome,
    attemptCount: pre.attemptCount,
    nextIndex: pre.nextIndex,
  };
}

/** The receipt's "N numbers skipped" for a disposition, from the lead now and the state kept from just
 *  before it: the numbers that were open then and are SKIPPED now (the dialed number was IN_PROGRESS, never
 *  open, so it does not count). Valid while the lead is what the disposition (or its change) made of it. */
export function skippedSince(current: Lead, pre: PreDisposition): number {
  const before = leadBefore(current, pre);
  return current.numbers.filter((n, i) => {
    const was = before.numbers[i];
    return was !== undefined && isOpen(was) && n.status === 'SKIPPED';
  }).length;
}

/** Same callback as the sheet can tell (its CallbackAt cell holds whole seconds): same second, same agent. */
function sameCallbackCell(a: LeadCallback | null | undefined, b: LeadCallback | null | undefined): boolean {
  if (!a || !b) return !a && !b;
  return Math.floor(a.at / 1000) === Math.floor(b.at / 1000) && a.agent === b.agent;
}

/** The owned fields of two leads are the same (what the coordinator writes, retry times and reasons). */
export function sameOwned(a: Lead, b: Lead): boolean {
  if (
    !sameCallbackCell(a.callback, b.callback) ||
    a.notes !== b.notes ||
    a.lastOutcome !== b.lastOutcome ||
    a.attemptCount !== b.attemptCount ||
    a.nextIndex !== b.nextIndex
  )
    return false;
  return a.numbers.every((n, i) => {
    const m = b.numbers[i];
    return (
      m !== undefined &&
      n.e164 === m.e164 &&
      n.status === m.status &&
      n.skipReason === m.skipReason &&
      n.retryAt === m.retryAt
    );
  });
}

/** The receipt's terms for a disposition that turned `before` into `after`. */
export function outcomeOf(
  before: Lead,
  after: Lead,
  numberIndex: number,
  def: DispositionDef,
  leadDone: boolean,
): DispositionOutcome {
  let skipped = 0;
  let exhausted = 0;
  after.numbers.forEach((n, i) => {
    const was = before.numbers[i];
    if (!was || (i !== numberIndex && !isOpen(was))) return;
    if (i !== numberIndex && n.status === 'SKIPPED') skipped++;
    if (n.status === 'EXHAUSTED') exhausted++;
  });
  const dialed = after.numbers[numberIndex];
  return {
    rowId: after.rowId,
    leadName: after.name,
    code: def.code,
    skipped,
    leadDone,
    nextNumber: leadDone ? null : after.nextIndex + 1,
    retryAt: dialed?.retryAt ?? null,
    exhausted,
    doNotCall: def.code === 'DO_NOT_CALL',
  };
}

export interface AmendInput {
  /** The lead as the coordinator knows it now (sheet merged with its own writes). */
  current: Lead;
  pre: PreDisposition;
  numberIndex: number;
  /** The code the call was disposed with (or last changed to). */
  from: DispositionCode;
  to: DispositionCode;
  /** When the call was disposed: the time the right code is applied at. */
  disposedAt: number;
  rules: CampaignRules;
  catalog: readonly DispositionDef[];
  tab: TabRef;
}

export interface AmendResult {
  lead: Lead;
  /** From what the sheet holds now (the original disposition's cells) to the right code's cells. */
  patch: SheetPatch;
  leadDone: boolean;
  outcome: DispositionOutcome;
  /** The dialed number joins (ADD) or leaves (REMOVE) the do-not-call list; null: unchanged. */
  doNotCall: 'ADD' | 'REMOVE' | null;
  /** Change of the success counter (CORRECT counts as a success). */
  successDelta: -1 | 0 | 1;
}

/** The lead and receipt `code` makes of the kept state at the disposition's time (no check of today's
 *  lead): what a repeated change answers. */
export function replayDisposition(
  input: Omit<AmendInput, 'from' | 'to'>,
  code: DispositionCode,
): { before: Lead; lead: Lead; leadDone: boolean; outcome: DispositionOutcome } {
  const { current, pre, numberIndex, rules, catalog, tab, disposedAt } = input;
  const before = leadBefore(current, pre);
  const r = applyDisposition({
    lead: before,
    numberIndex,
    code,
    notes: undefined,
    // The callback scheduled with the disposition stays (a do-not-call lead is never called back).
    callback: code === 'DO_NOT_CALL' ? null : (pre.scheduled ?? null),
    now: disposedAt,
    rules,
    catalog,
    tab,
  });
  const def = findDisposition(catalog, code);
  // A callback the lead has now and the right code drops reads as none (null), not as never set.
  const lead = current.callback && r.lead.callback === undefined ? { ...r.lead, callback: null } : r.lead;
  return {
    before,
    lead,
    leadDone: r.leadDone,
    outcome: outcomeOf(before, lead, numberIndex, def, r.leadDone),
  };
}

/** Throws DomainError LEAD_CHANGED when `current` is not what `from` made of the kept state, and the
 *  domain errors of applyDisposition (e.g. NUMBER_NOT_DIALABLE when the kept state is unusable). */
export function amendDisposition(input: AmendInput): AmendResult {
  const { current, catalog, tab } = input;
  const original = replayDisposition(input, input.from);
  if (!sameOwned(original.lead, current)) {
    throw new DomainError(
      'LEAD_CHANGED',
      `lead ${current.rowId} changed after its disposition (dialed again or edited in the sheet)`,
      { rowId: current.rowId },
    );
  }
  const right = replayDisposition(input, input.to);
  const fromDef = findDisposition(catalog, input.from);
  const toDef = findDisposition(catalog, input.to);
  const wasDnc = input.from === 'DO_NOT_CALL';
  const isDnc = input.to === 'DO_NOT_CALL';
  return {
    lead: right.lead,
    patch: diffPatch(current, right.lead, tab),
    leadDone: right.leadDone,
    outcome: right.outcome,
    doNotCall: wasDnc === isDnc ? null : isDnc ? 'ADD' : 'REMOVE',
    successDelta: ((toDef.success ? 1 : 0) - (fromDef.success ? 1 : 0)) as -1 | 0 | 1,
  };
}
