// System health in an ops lead's words: is the sheet keeping up (changes waiting, how far behind), are
// Sheets and Dialpad answering (their circuit breakers), are Dialpad's call events arriving (age of the
// last webhook, a warning when calls are live and nothing came for a while). Each line has a tone
// (ok / watch / act) in words and colour; the headline names the worst.
import type { SystemHealth } from '../../../src-shared/contracts/supervisor';
import { BREAKER_LABEL, shortDuration } from './labels';

type Tone = 'ok' | 'watch' | 'act';
const TONE_CLASS: Record<Tone, string> = {
  ok: 'border-emerald-700/60 text-emerald-200',
  watch: 'border-amber-400/70 text-amber-100 bg-amber-500/10',
  act: 'border-rose-400 text-rose-100 bg-rose-500/15',
};
const TONE_WORD: Record<Tone, string> = { ok: 'OK', watch: 'Watch', act: 'Act' };

interface Line {
  name: string;
  tone: Tone;
  text: string;
}

/** The lines of the panel, pure (`callsLive`: some agent is dialing, ringing or in a call). */
export function healthLines(h: SystemHealth, now: number, callsLive: boolean): Line[] {
  const lagMs = h.sheets.oldestQueuedAt === null ? 0 : Math.max(0, now - h.sheets.oldestQueuedAt);
  const sheetsTone: Tone =
    h.sheets.breaker === 'open' || lagMs > 60_000
      ? 'act'
      : h.sheets.breaker === 'half-open' || lagMs > 10_000
        ? 'watch'
        : 'ok';
  const waiting =
    h.sheets.queueDepth === 0
      ? 'up to date'
      : `${h.sheets.queueDepth} change${h.sheets.queueDepth === 1 ? '' : 's'} waiting, oldest ${shortDuration(lagMs)}`;
  const lastFlush =
    h.sheets.lastFlushLagMs === null
      ? ''
      : ` · last write was ${shortDuration(h.sheets.lastFlushLagMs)} behind`;
  const hookAge = h.webhooks.lastEventAt === null ? null : Math.max(0, now - h.webhooks.lastEventAt);
  const hookTone: Tone = !callsLive
    ? 'ok'
    : hookAge === null || hookAge > 300_000
      ? 'act'
      : hookAge > 60_000
        ? 'watch'
        : 'ok';
  return [
    {
      name: 'Sheet writes',
      tone: sheetsTone,
      text: `Google Sheets ${BREAKER_LABEL[h.sheets.breaker]} · ${waiting}${lastFlush}`,
    },
    {
      name: 'Dialpad',
      tone: h.dialpad.breaker === 'open' ? 'act' : h.dialpad.breaker === 'half-open' ? 'watch' : 'ok',
      text: `Dialpad calls API ${BREAKER_LABEL[h.dialpad.breaker]}`,
    },
    {
      name: 'Call events',
      tone: hookTone,
      text:
        hookAge === null
          ? 'No call event from Dialpad yet'
          : `Last call event from Dialpad ${shortDuration(hookAge)} ago${hookTone === 'ok' ? '' : ' while calls are live'}`,
    },
  ];
}

export function HealthPanel({
  health,
  now,
  callsLive,
}: {
  health: SystemHealth;
  now: number;
  callsLive: boolean;
}) {
  const lines = healthLines(health, now, callsLive);
  const worst = lines.find((l) => l.tone === 'act') ?? lines.find((l) => l.tone === 'watch');
  return (
    <section aria-labelledby="health-h" className="rounded-xl border border-slate-800 bg-slate-900/60 p-3">
      <h2 id="health-h" className="text-base font-semibold text-white">
        System health
        <span className={`ml-2 text-sm font-normal ${worst ? 'text-amber-200' : 'text-emerald-300'}`}>
          {worst ? `${worst.name}: needs attention` : 'all normal'}
        </span>
      </h2>
      <ul className="mt-2 flex flex-col gap-1.5">
        {lines.map((l) => (
          <li
            key={l.name}
            className={`flex items-baseline gap-2 rounded-lg border px-2.5 py-1.5 text-sm ${TONE_CLASS[l.tone]}`}
          >
            <span className="w-12 shrink-0 text-xs font-bold uppercase">{TONE_WORD[l.tone]}</span>
            <span className="font-semibold">{l.name}</span>
            <span className="text-slate-200">{l.text}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}
