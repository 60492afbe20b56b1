// The frame of the dialer's two disposition dialogs (the modal, Change the last disposition): the dimmed
// backdrop, a modal role="dialog" labelled by its title and described by its line below it, and the focus
// rules (useDialogFocus). Mounted only while the dialog is open: focus goes in on mount, back on unmount.
import { type ReactNode, useRef } from 'react';
import { useDialogFocus } from './useDialogFocus';

export interface DialogFrameProps {
  /** Prefix of the title's and description's ids. */
  id: string;
  title: string;
  description: ReactNode;
  /** The picked option's value: focus follows it (useDialogFocus). */
  picked: string | null;
  /** The border and anything else this dialog adds to the box. */
  className: string;
  children: ReactNode;
}

export function DialogFrame({ id, title, description, picked, className, children }: DialogFrameProps) {
  const ref = useRef<HTMLDivElement>(null);
  const onKeyDown = useDialogFocus(ref, picked);
  return (
    <div className="fixed inset-0 z-40 flex items-center justify-center bg-slate-950/80 p-4 backdrop-blur-sm">
      <div
        ref={ref}
        role="dialog"
        aria-modal="true"
        aria-labelledby={`${id}-title`}
        aria-describedby={`${id}-desc`}
        onKeyDown={onKeyDown}
        className={`w-full max-w-xl rounded-xl border bg-slate-900 p-5 shadow-2xl ${className}`}
      >
        <h2 id={`${id}-title`} className="text-xl font-semibold text-white">
          {title}
        </h2>
        <p id={`${id}-desc`} className="mt-1 text-sm text-slate-300">
          {description}
        </p>
        {children}
      </div>
    </div>
  );
}
