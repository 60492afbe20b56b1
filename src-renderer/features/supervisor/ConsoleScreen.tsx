// The supervisor console: header (who, connection, back to the dialer, sign out), what just happened (the
// last action's outcome, an error), system health, team and per-campaign totals, the table's controls
// (filter, stuck only, the stuck thresholds) and every agent.
import { AgentTable } from './AgentTable';
import { ConfirmDialog } from './ConfirmDialog';
import { useConsole, useConsoleController, useServerNow } from './context';
import { HealthPanel } from './HealthPanel';
import { campaignsText } from './labels';
import { countStates, countStuck } from './reducers';
import { dialerHref } from './route';
import type { StuckThresholds } from './state';
import { TotalsCard } from './TotalsCard';
import { useThrottled } from './useThrottled';

function LiveBadge() {
  const phase = useConsole((s) => s.socket.phase);
  const live = phase === 'open';
  return (
    <p
      role="status"
      data-testid="console-connection"
      data-socket={phase}
      className={`rounded-full border px-3 py-1 text-sm font-semibold ${
        live ? 'border-emerald-500/60 text-emerald-300' : 'border-rose-500/70 bg-rose-500/10 text-rose-200'
      }`}
    >
      {live ? 'Live' : phase === 'connecting' ? 'Connecting…' : 'Offline · reconnecting…'}
    </p>
  );
}

/** One stuck threshold, in minutes (half-minute steps), kept in this browser by the controller. */
function ThresholdInput({ which, label }: { which: keyof StuckThresholds; label: string }) {
  const c = useConsoleController();
  const ms = useConsole((s) => s.settings.thresholds[which]);
  return (
    <label className="flex flex-col gap-1 text-slate-300">
      {label}
      <input
        type="number"
        min="0.5"
        step="0.5"
        defaultValue={String(Math.round((ms / 60_000) * 10) / 10)}
        onChange={(e) => c.setThreshold(which, Number(e.target.value))}
        className="w-28 rounded-md border border-slate-600 bg-slate-950 px-2 py-1 text-white"
      />
    </label>
  );
}

function Controls({ stuck }: { stuck: number }) {
  const c = useConsoleController();
  const settings = useConsole((s) => s.settings);
  return (
    <div className="flex flex-wrap items-end gap-3 text-sm">
      <label className="flex flex-col gap-1 text-slate-300">
        Filter agents
        <input
          type="search"
          value={settings.filter}
          onChange={(e) => c.setFilter(e.target.value)}
          placeholder="email or campaign"
          className="rounded-md border border-slate-600 bg-slate-950 px-2 py-1 text-white"
        />
      </label>
      <label className="flex items-center gap-2 py-1 text-slate-200">
        <input
          type="checkbox"
          checked={settings.stuckOnly}
          onChange={(e) => c.setStuckOnly(e.target.checked)}
          className="h-4 w-4 accent-amber-400"
        />
        Only stuck agents
        <span
          data-testid="stuck-count"
          className={`rounded-full px-2 font-bold ${stuck > 0 ? 'bg-amber-400 text-slate-950' : 'bg-slate-800 text-slate-300'}`}
        >
          {stuck}
        </span>
      </label>
      <ThresholdInput which="WRAP_UP" label="Stuck in wrap-up after (min)" />
      <ThresholdInput which="PAUSED" label="Stuck paused after (min)" />
    </div>
  );
}

/** Health, team and campaign totals: re-rendered at most once a second (they change with every diff). */
function Overview() {
  const view = useConsole((s) => s.live.view);
  const shown = useThrottled(view, 1000);
  const now = useServerNow();
  if (!shown) return null;
  const minute = Math.floor(now / 60_000) * 60_000;
  const counts = countStates(shown.agents);
  const live = counts.get('') ?? shown.team.byState;
  const callsLive = live.DIALING + live.RINGING + live.IN_CALL > 0;
  const single = shown.campaigns.length === 1 ? shown.campaigns[0]?.campaignName : null;
  return (
    <div className="flex flex-wrap gap-3">
      <div className="flex min-w-80 flex-1 flex-col gap-3">
        <HealthPanel health={shown.health} now={now} callsLive={callsLive} />
      </div>
      <TotalsCard
        title={single ? `Team · ${single}` : 'Team'}
        totals={shown.team}
        byState={counts.get('')}
        now={minute}
      />
      {shown.campaigns.length > 1
        ? shown.campaigns.map((k) => (
            <TotalsCard
              key={k.campaignName}
              title={`Campaign ${k.campaignName}`}
              totals={k}
              byState={counts.get(k.campaignName)}
              now={minute}
            />
          ))
        : null}
    </div>
  );
}

/** The table's controls with the stuck count (ticks once a second: someone becomes stuck by waiting). */
function StuckControls() {
  const agents = useConsole((s) => s.live.view?.agents);
  const thresholds = useConsole((s) => s.settings.thresholds);
  const now = useServerNow();
  return <Controls stuck={agents ? countStuck(agents, now, thresholds) : 0} />;
}

export function ConsoleScreen() {
  const c = useConsoleController();
  const supervisor = useConsole((s) => s.auth.supervisor);
  const hasView = useConsole((s) => s.live.view !== null);
  const outcome = useConsole((s) => s.outcome);
  const error = useConsole((s) => s.error);
  return (
    <div className="mx-auto flex min-h-screen max-w-[1600px] flex-col gap-3 p-3 sm:p-4">
      <header className="flex flex-wrap items-center gap-x-4 gap-y-2 border-b border-slate-800 pb-3">
        <div className="mr-auto min-w-0">
          <p className="text-xs font-semibold tracking-widest text-emerald-300 uppercase">Turbo Dialer</p>
          <h1 className="text-lg font-semibold text-white">
            Supervisor console
            {supervisor ? (
              <span className="font-normal text-slate-400"> · {campaignsText(supervisor.campaigns)}</span>
            ) : null}
          </h1>
        </div>
        <p
          role="status"
          aria-label="Last action"
          data-testid="action-outcome"
          className={`text-sm ${outcome?.ok === false ? 'text-rose-200' : 'text-emerald-200'}`}
        >
          {outcome?.text ?? ''}
        </p>
        <LiveBadge />
        <a href={dialerHref(location)} className="text-sm text-slate-300 underline hover:text-white">
          Dialer
        </a>
        <span className="max-w-64 truncate text-sm text-slate-300">{supervisor?.email}</span>
        <button
          type="button"
          onClick={() => void c.logout()}
          className="rounded-md border border-slate-700 px-2 py-1 text-sm text-slate-300 hover:bg-slate-800"
        >
          Sign out
        </button>
      </header>
      {error ? (
        <div
          role="alert"
          className="flex items-start gap-3 rounded-xl border-2 border-rose-400 bg-rose-950/70 px-4 py-2"
        >
          <div className="flex-1">
            <p className="font-semibold text-white">{error.title}</p>
            {error.detail ? <p className="text-sm text-rose-100">{error.detail}</p> : null}
          </div>
          <button
            type="button"
            onClick={() => c.dismissError()}
            className="rounded-md border border-rose-300/60 px-2 py-1 text-rose-100"
          >
            Dismiss
          </button>
        </div>
      ) : null}
      {!hasView ? (
        <p role="status" className="text-slate-300">
          Loading the floor…
        </p>
      ) : (
        <>
          <Overview />
          <StuckControls />
          <AgentTable />
        </>
      )}
      <ConfirmDialog />
    </div>
  );
}
