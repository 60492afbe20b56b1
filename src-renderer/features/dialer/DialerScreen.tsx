// The one dialer screen. Header: campaign, session state and controls, connection, the desktop update, the
// supervisor console link (only for an agent who is also a supervisor). Left: call and lead.
// Right: the callbacks due, stats. The grid collapses to one column on a narrow window; nothing needs a mouse.
import { useApp, useController } from '../../app/context';
import { ConnectionBadge } from '../../components/ConnectionBadge';
import { ErrorBanner } from '../../components/ErrorBanner';
import { OfflineStrip } from '../../components/OfflineStrip';
import { CallbacksPanel } from '../callbacks/CallbacksPanel';
import { consoleHref } from '../supervisor/route';
import { AmendModal } from './AmendModal';
import { CallPanel } from './CallPanel';
import { DispositionModal } from './DispositionModal';
import { KeyLegend } from './KeyLegend';
import { LeadCard } from './LeadCard';
import { NothingPanel } from './NothingPanel';
import { PreviewPanel } from './PreviewPanel';
import { ReceiptLine } from './ReceiptLine';
import { SessionControls } from './SessionControls';
import { StatsPanel } from './StatsPanel';
import { UpdateIndicator } from './UpdateIndicator';

export function DialerScreen() {
  const c = useController();
  const session = useApp((s) => s.session.session);
  const agent = useApp((s) => s.auth.agent);
  const phase = useApp((s) => s.session.phase);
  const modalOpen = useApp((s) => !!s.ui.dispo?.open);
  return (
    <>
      <div
        className="mx-auto flex min-h-screen max-w-[1400px] flex-col gap-3 p-3 sm:p-4"
        aria-hidden={modalOpen || undefined}
      >
        <header className="flex flex-wrap items-center gap-x-4 gap-y-2 border-b border-slate-800 pb-3">
          <div className="mr-auto min-w-0">
            <p className="text-xs font-semibold tracking-widest text-emerald-300 uppercase">Turbo Dialer</p>
            <h1 className="truncate text-lg font-semibold text-white" data-testid="campaign">
              {session ? session.campaignName : (agent?.campaignName ?? 'No campaign')}
              {session ? <span className="font-normal text-slate-400"> · {session.tabTitle}</span> : null}
            </h1>
          </div>
          <SessionControls />
          <ConnectionBadge />
          <UpdateIndicator />
          {agent?.supervisor ? (
            <a href={consoleHref(location)} className="text-sm text-slate-300 underline hover:text-white">
              Supervisor console
            </a>
          ) : null}
          <div className="flex items-center gap-2 text-sm text-slate-300">
            <span className="max-w-48 truncate" title={agent?.email}>
              {agent?.email}
            </span>
            <button
              type="button"
              onClick={() => void c.logout()}
              className="rounded-md border border-slate-700 px-2 py-1 text-slate-300 hover:bg-slate-800"
            >
              Sign out
            </button>
          </div>
        </header>
        <OfflineStrip />
        <ErrorBanner />
        {phase === 'ended' ? (
          <p className="rounded-lg border border-slate-700 bg-slate-900 px-3 py-2 text-slate-200">
            Session stopped. Press Play (Space) to start a new one.
          </p>
        ) : null}
        <main className="grid flex-1 grid-cols-1 gap-3 lg:grid-cols-[minmax(0,1.7fr)_minmax(320px,1fr)]">
          <div className="flex min-w-0 flex-col gap-3">
            <CallPanel />
            <ReceiptLine />
            <PreviewPanel />
            <NothingPanel />
            <LeadCard />
          </div>
          <div className="flex min-w-0 flex-col gap-3">
            <CallbacksPanel />
            <StatsPanel />
          </div>
        </main>
        <KeyLegend />
      </div>
      <DispositionModal />
      <AmendModal />
    </>
  );
}
