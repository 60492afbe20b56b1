// The one-line receipt of the last disposition ("Aisha Chen → Correct person, 2 numbers skipped"), so the
// agent sees what was recorded while the next call is already ringing. Announced politely. While the
// campaign's window runs, a Change control (key C) opens the change dialog (AmendModal); after a change the
// line says what it was and what happens next to the lead. The countdown sits outside the live region.
import { useApp, useController } from '../../app/context';
import { formatWhen } from '../../lib/format';
import { useNow } from '../../lib/useNow';
import { canAmend } from '../../store/amend';
import { outcomeText, receiptText } from '../../store/receipt';

const mmss = (ms: number) => {
  const s = Math.max(0, Math.ceil(ms / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
};

export function ReceiptLine() {
  const c = useController();
  const receipt = useApp((s) => s.ui.receipt);
  const now = useNow(receipt?.amendableUntil !== undefined, 1000);
  if (!receipt) return null;
  const changeable = canAmend(receipt, now);
  const next = receipt.outcome ? outcomeText(receipt.outcome, (t) => formatWhen(t, now)) : '';
  return (
    <div className="flex flex-wrap items-center gap-x-3 gap-y-1 rounded-lg border border-slate-800 bg-slate-900/60 px-3 py-1.5 text-sm text-slate-300">
      <p role="status" aria-label="Last disposition" data-testid="receipt" className="min-w-0 flex-1">
        <span className="text-slate-400">{receipt.changedFrom ? 'Changed: ' : 'Saved: '}</span>
        <span className="font-medium text-white">{receiptText(receipt)}</span>
        {receipt.changing ? <span className="text-slate-400"> · sending the change…</span> : null}
        {next ? <span className="block text-slate-300">{next}</span> : null}
      </p>
      {changeable ? (
        <button
          type="button"
          onClick={() => c.amend.open()}
          aria-keyshortcuts="C"
          aria-label="Change the last disposition"
          className="rounded-md border border-slate-600 px-2.5 py-1 text-slate-100 hover:bg-slate-800"
        >
          Change <kbd className="ml-1 font-mono text-xs text-slate-400">C</kbd>
          <span className="ml-2 text-xs tabular-nums text-slate-400">
            {mmss((receipt.amendableUntil ?? now) - now)} left
          </span>
        </button>
      ) : null}
    </div>
  );
}
