// Connection state, always visible: live / connecting / reconnecting in Ns / offline, plus how many actions
// wait in the outbox. Announced politely (role="status").
import { useApp } from '../app/context';
import { useNow } from '../lib/useNow';

export function ConnectionBadge() {
  const socket = useApp((s) => s.connection.socket);
  const reachable = useApp((s) => s.connection.apiReachable);
  const retryAt = useApp((s) => s.connection.retryAt);
  const pending = useApp((s) => s.outbox.entries.length);
  const now = useNow(socket === 'reconnecting' && retryAt !== null, 500);
  let label: string;
  let tone: string;
  if (socket === 'open' && reachable) {
    label = 'Live';
    tone = 'border-emerald-500/60 text-emerald-300';
  } else if (socket === 'connecting') {
    label = 'Connecting…';
    tone = 'border-amber-400/60 text-amber-200';
  } else if (socket === 'reconnecting' || !reachable) {
    const secs = retryAt ? Math.max(0, Math.ceil((retryAt - now) / 1000)) : null;
    label = secs ? `Offline · retry in ${secs}s` : 'Offline · reconnecting…';
    tone = 'border-rose-500/70 text-rose-200 bg-rose-500/10';
  } else {
    label = 'Not connected';
    tone = 'border-slate-600 text-slate-300';
  }
  return (
    <div
      role="status"
      aria-live="polite"
      data-testid="connection"
      data-socket={socket}
      className={`flex items-center gap-2 rounded-full border px-3 py-1 text-sm font-semibold ${tone}`}
    >
      <span
        aria-hidden="true"
        className={`h-2.5 w-2.5 rounded-full ${socket === 'open' && reachable ? 'bg-emerald-400' : 'bg-current'}`}
      />
      {label}
      {pending > 0 ? <span className="font-normal text-slate-300">· {pending} unsent</span> : null}
    </div>
  );
}
