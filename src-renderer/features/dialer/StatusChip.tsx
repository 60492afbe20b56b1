// A phone-number status as a coloured chip. SKIPPED is the sheet's purple (#8E7CC3), so the screen and the
// sheet agree at a glance. Text is always present: colour is never the only signal.
import type { PhoneStatus } from '../../../src-shared/domain/status';

const STYLE: Record<PhoneStatus, string> = {
  NEW: 'bg-slate-700 text-slate-100',
  IN_PROGRESS: 'bg-amber-400 text-slate-950',
  CORRECT: 'bg-emerald-500 text-slate-950',
  WRONG: 'bg-rose-500 text-white',
  VOICEMAIL: 'bg-sky-500 text-slate-950',
  NO_ANSWER: 'bg-orange-400 text-slate-950',
  SKIPPED: 'bg-[#8E7CC3] text-slate-950',
  EXHAUSTED: 'bg-zinc-600 text-zinc-100',
};

const LABEL: Record<PhoneStatus, string> = {
  NEW: 'New',
  IN_PROGRESS: 'In progress',
  CORRECT: 'Correct',
  WRONG: 'Wrong',
  VOICEMAIL: 'Voicemail',
  NO_ANSWER: 'No answer',
  SKIPPED: 'Skipped',
  EXHAUSTED: 'Exhausted',
};

export function StatusChip({ status, title }: { status: PhoneStatus; title?: string | undefined }) {
  return (
    <span
      title={title}
      data-status={status}
      className={`inline-flex min-w-[5.5rem] justify-center whitespace-nowrap rounded px-2 py-0.5 text-xs font-semibold tracking-wide uppercase ${STYLE[status]}`}
    >
      {LABEL[status]}
    </span>
  );
}
