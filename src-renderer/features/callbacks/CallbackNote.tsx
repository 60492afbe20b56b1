// One line on the lead card when the lead on screen carries a callback: this call (or preview) is the
// callback someone scheduled, for when, and for whom, so the agent knows why this lead came first.
import type { Lead } from '../../../src-shared/domain/lead';
import { useApp } from '../../app/context';
import { leadLocal } from './callback-time';

export function CallbackNote(props: { lead: Lead; zone: string }) {
  const me = useApp((s) => s.auth.agent?.email?.toLowerCase() ?? null);
  const cb = props.lead.callback;
  if (!cb) return null;
  const who = cb.agent === null ? 'any agent' : cb.agent === me ? 'you' : cb.agent;
  return (
    <p
      role="note"
      aria-label="Callback"
      className="mt-2 rounded-md border border-sky-500/50 bg-sky-950/40 px-2 py-1 text-sm text-sky-100"
    >
      Callback for {who}, due {leadLocal(cb.at, cb.zone ?? props.zone)}
    </p>
  );
}
