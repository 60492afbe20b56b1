// The in-window keys (DESIGN.md "Desktop specifics"): 1–6 pick a disposition, Enter confirms, Esc hides the
// modal, Space toggles Play/Pause when no modal is open; H hangs up the live call; D / S dial now / skip a
// previewed lead; C changes the last disposition (the receipt's Change) while its window runs; B, in the
// disposition modal, opens the callback step.
// While the agent types in a text field only Enter and Esc act (Shift+Enter is a new line). While a
// disposition is due, Enter and 1–6 reopen the modal even with a button focused. Keys with
// Ctrl/Alt/Meta are left to the browser and to the bridge's global shortcuts.
import { useEffect } from 'react';
import { amendOpen, canAmend } from '../store/amend';
import { canHangUp } from './call-actions';
import type { Controller } from './controller';

export function isTextEntry(t: EventTarget | null): boolean {
  if (!(t instanceof HTMLElement)) return false;
  if (t.isContentEditable) return true;
  if (t instanceof HTMLTextAreaElement || t instanceof HTMLSelectElement) return true;
  if (t instanceof HTMLInputElement)
    return !['button', 'checkbox', 'radio', 'submit', 'reset'].includes(t.type);
  return false;
}

export function handleKey(c: Controller, e: KeyboardEvent): void {
  if (e.defaultPrevented || e.ctrlKey || e.altKey || e.metaKey || e.isComposing) return;
  const s = c.store.getState();
  const typing = isTextEntry(e.target);
  const dispo = s.ui.dispo;
  if (dispo?.open) {
    if (e.key === 'Enter' && !e.shiftKey) {
      e.preventDefault();
      c.dispo.dispatchShortcut('confirm');
    } else if (e.key === 'Escape') {
      e.preventDefault();
      c.dispo.dispatchShortcut('cancel');
    } else if (!typing && /^[1-9]$/.test(e.key)) {
      e.preventDefault();
      c.dispo.pickByKey(Number(e.key));
    } else if (!typing && (e.key === 'b' || e.key === 'B')) {
      // Call back: the modal's schedule step (features/callbacks).
      e.preventDefault();
      c.dispo.toggleScheduling();
    }
    return;
  }
  if (amendOpen(s)) {
    // The "Change the last disposition" dialog: the modal's keys, for the receipt's call.
    if (e.key === 'Enter' && !e.shiftKey) {
      e.preventDefault();
      void c.amend.confirm();
    } else if (e.key === 'Escape') {
      e.preventDefault();
      c.amend.hide();
    } else if (!typing && /^[1-9]$/.test(e.key)) {
      e.preventDefault();
      c.amend.pickByKey(Number(e.key));
    }
    return;
  }
  if (typing || s.auth.phase !== 'signed-in') return;
  if (e.key === ' ') {
    // Always Play/Pause, even with a button focused: Space must never press Stop by accident.
    e.preventDefault();
    if (!e.repeat) c.dispo.dispatchShortcut('toggle-play');
  } else if (dispo && (e.key === 'Enter' || /^[1-9]$/.test(e.key))) {
    // A disposition is due: Enter reopens the modal wherever focus is (after Esc focus is back on the
    // Play/Pause button, and Enter must not press it: issue 10).
    e.preventDefault();
    if (e.key === 'Enter') c.dispo.show();
    else c.dispo.pickByKey(Number(e.key));
  } else if (canAmend(s.ui.receipt, c.now()) && (e.key === 'c' || e.key === 'C')) {
    // Change the last disposition (the receipt's Change control), even while the next call rings.
    e.preventDefault();
    c.amend.open();
  } else if (canHangUp(s.call.call?.state) && (e.key === 'h' || e.key === 'H')) {
    e.preventDefault();
    c.dispo.dispatchShortcut('hang-up');
  } else if (s.preview.pending && (e.key === 'd' || e.key === 'D')) {
    e.preventDefault();
    void c.session.dialNow();
  } else if (s.preview.pending && (e.key === 's' || e.key === 'S')) {
    e.preventDefault();
    void c.session.skipPreview();
  }
}

export function useHotkeys(c: Controller): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => handleKey(c, e);
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [c]);
}
