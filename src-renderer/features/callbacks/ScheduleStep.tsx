// The disposition modal's schedule step (key B): call this lead back at a lead-local date and time. Quick
// choices ("In 1 hour", "Tomorrow 10:00", …) and a date and time typed in the lead's own zone, which is
// shown with where it comes from (the sheet's TimeZone cell, the number, or the campaign). The choice is
// sent with the disposition; the lead is then held for this agent and offered first when due.
import { useState } from 'react';
import type { CallingWindowView } from '../../../src-shared/contracts/views';
import { callbackChoices, localDateTime, localToEpoch } from '../../../src-shared/domain/callback';
import { useController } from '../../app/context';
import { leadLocal, untilText } from './callback-time';

const SOURCE: Record<CallingWindowView['source'], string> = {
  SHEET: 'from the sheet',
  PHONE: 'from the number',
  CAMPAIGN: "the campaign's zone",
};

export function ScheduleStep(props: { window: CallingWindowView; chosen: number | null }) {
  const c = useController();
  const zone = props.window.timeZone;
  const now = c.now();
  const tomorrow = localDateTime(now + 86_400_000, zone).date;
  const [date, setDate] = useState(props.chosen ? localDateTime(props.chosen, zone).date : tomorrow);
  const [time, setTime] = useState(props.chosen ? localDateTime(props.chosen, zone).time : '10:00');
  const typed = localToEpoch(date, time, zone);
  const typedOk = typed !== null && typed > now;
  const abbr = props.window.zones[0]?.abbreviation ?? zone;

  return (
    <section
      aria-labelledby="schedule-title"
      className="mt-4 rounded-lg border border-sky-500/50 bg-slate-950/60 p-3"
    >
      <h3 id="schedule-title" className="text-sm font-semibold text-sky-200">
        Call back <span className="font-normal text-slate-400">(lead's time)</span>
      </h3>
      <p className="mt-1 text-sm text-slate-300" data-testid="callback-zone">
        Lead's time now {props.window.localTime} {abbr} · {zone} ({SOURCE[props.window.source]})
      </p>
      {props.window.hours ? (
        <p className="text-xs text-slate-400">
          Calling hours there: {props.window.hours}
          {props.window.rules.length > 0 ? ` · ${props.window.rules.join(' · ')}` : ''} (a callback due
          outside them waits until they open)
        </p>
      ) : null}
      <fieldset className="mt-2 flex flex-wrap gap-2">
        <legend className="sr-only">Quick choices</legend>
        {callbackChoices(now, zone).map((q) => (
          <button
            key={q.label}
            type="button"
            aria-pressed={props.chosen === q.at}
            onClick={() => c.dispo.setCallback(q.at)}
            className={`rounded-md border px-2.5 py-1 text-sm ${
              props.chosen === q.at
                ? 'border-sky-300 bg-sky-900/60 text-white'
                : 'border-slate-600 text-slate-200 hover:bg-slate-800'
            }`}
          >
            {q.label}
          </button>
        ))}
      </fieldset>
      <div className="mt-2 flex flex-wrap items-end gap-2">
        <label className="text-xs text-slate-400">
          Date
          <input
            type="date"
            value={date}
            onChange={(e) => setDate(e.target.value)}
            className="mt-0.5 block rounded-md border border-slate-600 bg-slate-900 px-2 py-1 text-sm text-white"
          />
        </label>
        <label className="text-xs text-slate-400">
          Time ({abbr})
          <input
            type="time"
            value={time}
            onChange={(e) => setTime(e.target.value)}
            className="mt-0.5 block rounded-md border border-slate-600 bg-slate-900 px-2 py-1 text-sm text-white"
          />
        </label>
        <button
          type="button"
          disabled={!typedOk}
          onClick={() => typed !== null && c.dispo.setCallback(typed)}
          className="rounded-md border border-slate-600 px-2.5 py-1 text-sm text-slate-200 hover:bg-slate-800 disabled:text-slate-500"
        >
          Use this time
        </button>
        {props.chosen ? (
          <button
            type="button"
            onClick={() => c.dispo.setCallback(null)}
            className="rounded-md px-2 py-1 text-sm text-slate-400 underline hover:text-slate-200"
          >
            No callback
          </button>
        ) : null}
      </div>
      <p className="mt-2 text-sm" aria-live="polite" data-testid="callback-chosen">
        {props.chosen ? (
          <span className="text-sky-100">
            Callback {leadLocal(props.chosen, zone)} · {untilText(props.chosen, now)} · held for you
          </span>
        ) : (
          <span className="text-slate-400">
            Pick a time: the lead is held for you and offered first when due.
          </span>
        )}
      </p>
    </section>
  );
}
