// The desktop update, quietly: "Update x.y.z ready" with a Restart button (the agent's consent; offered only
// between calls), the download progress, or "Managed by IT" when IT has a newer MSI due. Nothing while idle,
// checking or disabled, and nothing on the web (the web bridge never reports an update state). A failed
// check is one muted line, never an error banner: the agent's work does not depend on it.
import { type ReactNode, useId } from 'react';
import { useApp, useController } from '../../app/context';
import { installBlockedReason } from '../../app/updater';

export function UpdateIndicator() {
  const c = useController();
  const state = useApp((s) => s.updater.state);
  const install = useApp((s) => s.updater.install);
  const refusal = useApp((s) => s.updater.refusal);
  const blocked = useApp(installBlockedReason);
  const noteId = useId();
  if (!state) return null;
  switch (state.kind) {
    case 'downloading': {
      const percent = Math.min(100, Math.max(0, Math.round(state.percent)));
      return (
        <Shell>
          {/* Not a live region: a screen reader would read every percent. */}
          <span>Downloading update {percent}%</span>
        </Shell>
      );
    }
    case 'ready': {
      const note = install === 'accepted' ? null : (blocked ?? refusal);
      return (
        <Shell>
          <span role="status">
            {install === 'accepted' ? `Restarting into ${state.version}…` : `Update ${state.version} ready`}
          </span>
          {install === 'accepted' ? null : (
            <button
              type="button"
              onClick={() => void c.updater.install()}
              disabled={blocked !== null || install === 'asking'}
              title={blocked ?? undefined}
              aria-describedby={note ? noteId : undefined}
              className="rounded-md border border-sky-500/60 px-2 py-0.5 text-sky-200 hover:bg-sky-500/10 disabled:cursor-not-allowed disabled:border-slate-700 disabled:text-slate-500"
            >
              Restart to update
            </button>
          )}
          {note ? (
            <span id={noteId} className={`text-xs ${blocked ? 'text-slate-400' : 'text-amber-200'}`}>
              {note}
            </span>
          ) : null}
        </Shell>
      );
    }
    case 'managed-by-it':
      if (!state.newerMsiDue) return null;
      return (
        <Shell>
          <span role="status">
            Managed by IT ({state.channel}) · version {state.newerMsiDue} due
          </span>
        </Shell>
      );
    case 'error':
      return (
        <Shell>
          <span className="text-xs text-slate-500">{state.message}</span>
        </Shell>
      );
    default:
      // idle, checking, disabled, available (the download starts by itself): nothing worth the agent's eye.
      return null;
  }
}

function Shell({ children }: { children: ReactNode }) {
  return (
    <div data-testid="update" className="flex flex-wrap items-center gap-2 text-sm text-slate-300">
      {children}
    </div>
  );
}
