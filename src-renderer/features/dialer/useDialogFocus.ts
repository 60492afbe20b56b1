// Focus for the dialer's modal dialogs (DialogFrame: the disposition modal, Change the last disposition):
// on mount it goes to the picked option (else the first), it follows a pick made with 1–6 while an option
// has focus (as arrow keys do on native radios; never while the agent types), Tab and Shift+Tab stay
// inside, and on unmount it goes back to where it was (else to Play/Pause).
import { type KeyboardEvent, type RefObject, useEffect, useRef } from 'react';

const FOCUSABLE = 'button:not([disabled]), textarea, input, select, [tabindex]:not([tabindex="-1"])';

const isRadio = (e: Element | null): e is HTMLInputElement =>
  e instanceof HTMLInputElement && e.type === 'radio';

/** The Tab stops inside the dialog, in order. A radio group is one Tab stop (its checked radio, or its
 *  first when none is checked), as browsers do. */
export function tabbables(root: HTMLElement | null): HTMLElement[] {
  if (!root) return [];
  const all = Array.from(root.querySelectorAll<HTMLElement>(FOCUSABLE));
  const radios = all.filter(isRadio);
  const stop = radios.find((r) => r.checked) ?? radios[0];
  return all.filter((e) => !isRadio(e) || e === stop);
}

/** Wires the focus rules above; returns the dialog's onKeyDown (the Tab trap). */
export function useDialogFocus(
  dialog: RefObject<HTMLElement | null>,
  picked: string | null,
): (e: KeyboardEvent) => void {
  const restore = useRef<HTMLElement | null>(null);

  useEffect(() => {
    restore.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    const root = dialog.current;
    const first =
      root?.querySelector<HTMLElement>('input[type="radio"]:checked') ??
      root?.querySelector<HTMLElement>('input[type="radio"]');
    first?.focus();
    return () => {
      const back = restore.current;
      if (back?.isConnected) back.focus();
      else document.getElementById('play-toggle')?.focus();
    };
  }, [dialog]);

  useEffect(() => {
    if (!picked) return;
    const active = document.activeElement;
    if (isRadio(active) && active.value !== picked) {
      dialog.current?.querySelector<HTMLInputElement>(`input[type="radio"][value="${picked}"]`)?.focus();
    }
  }, [picked, dialog]);

  return (e: KeyboardEvent) => {
    if (e.key !== 'Tab') return;
    const items = tabbables(dialog.current);
    const first = items[0];
    const last = items[items.length - 1];
    if (!first || !last) return;
    if (e.shiftKey && document.activeElement === first) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && document.activeElement === last) {
      e.preventDefault();
      first.focus();
    }
  };
}
