// Pure reducers of "Change the last disposition" (issue 10): the change dialog for the receipt's call, the
// receipt while the change is on its way (the new label, "was …"), and the coordinator's answer or refusal.
import type { AmendResponse } from '../../src-shared/contracts/amend';
import type { DispositionDef } from '../../src-shared/domain/disposition';
import type { DispoReceipt, StoreState } from './types';

/** The receipt can still be changed at `now` (its window, as this computer reckons it, is running). */
export function canAmend(r: DispoReceipt | null, now: number): r is DispoReceipt {
  return !!r?.code && r.amendableUntil !== undefined && now <= r.amendableUntil && !r.changing;
}

/** The change dialog is on screen: its call is still the receipt's and no disposition modal is up. */
export function amendOpen(s: StoreState): boolean {
  const a = s.ui.amend;
  return !!a?.open && !s.ui.dispo?.open && s.ui.receipt?.callId === a.callId;
}

export function openAmend(s: StoreState, now: number): StoreState {
  const r = s.ui.receipt;
  if (!canAmend(r, now) || s.ui.dispo?.open) return s;
  return { ...s, ui: { ...s.ui, amend: { callId: r.callId, code: r.code ?? null, open: true } } };
}

export function pickAmend(s: StoreState, code: DispositionDef['code']): StoreState {
  const a = s.ui.amend;
  return a ? { ...s, ui: { ...s.ui, amend: { ...a, code } } } : s;
}

export function closeAmend(s: StoreState): StoreState {
  return { ...s, ui: { ...s.ui, amend: null } };
}

/** Confirmed: the receipt says the new code at once ("was …"), marked as on its way. */
export function amendSent(s: StoreState, def: DispositionDef): StoreState {
  const r = s.ui.receipt;
  if (!r?.code) return closeAmend(s);
  const { outcome: _o, ...rest } = r;
  const receipt: DispoReceipt = {
    ...rest,
    code: def.code,
    label: def.label,
    // The skipped numbers are the coordinator's to say (the lead has left the card).
    skipped: 0,
    changedFrom: r.changedFrom ?? r.label,
    changing: true,
    saved: { code: r.code, label: r.label, skipped: r.skipped, ...(r.outcome ? { outcome: r.outcome } : {}) },
  };
  return { ...s, ui: { ...s.ui, amend: null, receipt } };
}

/** The coordinator's answer: what the lead looks like now (the window stays as this computer reckons it). */
export function amendAnswered(s: StoreState, a: AmendResponse, label: string): StoreState {
  const r = s.ui.receipt;
  if (r?.callId !== a.callId) return s;
  const { saved: _s, ...rest } = r;
  const receipt: DispoReceipt = {
    ...rest,
    code: a.code,
    label,
    skipped: a.outcome.skipped,
    outcome: a.outcome,
    changing: false,
  };
  if (receipt.changedFrom === label) delete receipt.changedFrom;
  return { ...s, ui: { ...s.ui, receipt } };
}

/** Refused for good: the receipt goes back to what was saved and is no longer offered for change. */
export function amendRefused(s: StoreState, callId: string): StoreState {
  const r = s.ui.receipt;
  if (r?.callId !== callId || !r.saved) return s;
  const { changing: _g, amendableUntil: _u, outcome: _o, saved, ...rest } = r;
  const receipt: DispoReceipt = {
    ...rest,
    code: saved.code,
    label: saved.label,
    skipped: saved.skipped,
    ...(saved.outcome ? { outcome: saved.outcome } : {}),
  };
  if (receipt.changedFrom === saved.label) delete receipt.changedFrom;
  return { ...s, ui: { ...s.ui, receipt } };
}
