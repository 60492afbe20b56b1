// A full-width strip while the coordinator cannot be reached: impossible to miss, and it says that nothing
// is lost (the outbox keeps the agent's actions and sends them when the connection is back).
import { useApp } from '../app/context';

export function OfflineStrip() {
  const socket = useApp((s) => s.connection.socket);
  const reachable = useApp((s) => s.connection.apiReachable);
  const pending = useApp((s) => s.outbox.entries.length);
  if (socket !== 'reconnecting' && reachable) return null;
  return (
    <div
      data-testid="offline-strip"
      className="rounded-lg border border-rose-400/70 bg-rose-500/15 px-3 py-2 font-semibold text-rose-100"
    >
      Connection to the dialer server lost. Reconnecting automatically
      {pending > 0 ? ` · ${pending} action${pending > 1 ? 's' : ''} saved here and sent when it is back` : ''}
      .
    </div>
  );
}
