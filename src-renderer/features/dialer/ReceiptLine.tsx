// The one-line receipt of the last disposition ("Aisha Chen → Correct person, 2 numbers skipped"), so the
// agent sees what was recorded while the next call is already ringing. Announced politely.
import { useApp } from '../../app/context';
import { receiptText } from '../../store/receipt';

export function ReceiptLine() {
  const receipt = useApp((s) => s.ui.receipt);
  if (!receipt) return null;
  return (
    <p
      role="status"
      aria-label="Last disposition"
      data-testid="receipt"
      className="rounded-lg border border-slate-800 bg-slate-900/60 px-3 py-1.5 text-sm text-slate-300"
    >
      <span className="text-slate-400">Saved: </span>
      <span className="font-medium text-white">{receiptText(receipt)}</span>
    </p>
  );
}
