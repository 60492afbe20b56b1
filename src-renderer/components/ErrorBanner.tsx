// The current error in plain words with what to do, and a Retry / Dismiss pair (Dismiss only for a team
// lead's action, where retrying means nothing); plus a quieter notice line.
// role="alert" so a screen reader says it at once.
import { retryHelps } from '../api/error-text';
import { useApp, useController } from '../app/context';

export function ErrorBanner() {
  const c = useController();
  const error = useApp((s) => s.ui.error);
  const notice = useApp((s) => s.ui.notice);
  return (
    <>
      {error ? (
        <div
          role="alert"
          data-testid="error-banner"
          data-code={error.code}
          className="flex flex-wrap items-start gap-3 rounded-xl border-2 border-rose-400 bg-rose-950/70 px-4 py-3"
        >
          <span aria-hidden="true" className="text-2xl leading-none text-rose-300">
            !
          </span>
          <div className="min-w-60 flex-1">
            <p className="text-lg font-semibold text-white">{error.title}</p>
            <p className="text-rose-100">{error.action}</p>
            {error.detail ? <p className="mt-1 text-sm text-rose-200/80">Details: {error.detail}</p> : null}
          </div>
          <div className="flex gap-2">
            {retryHelps(error.code) ? (
              <button
                type="button"
                onClick={() => void c.connection.retry()}
                className="rounded-lg bg-white px-3 py-1.5 font-semibold text-slate-950 hover:bg-rose-100"
              >
                Retry
              </button>
            ) : null}
            <button
              type="button"
              onClick={() => c.store.setState((s) => ({ ...s, ui: { ...s.ui, error: null } }))}
              className="rounded-lg border border-rose-300/60 px-3 py-1.5 text-rose-100 hover:bg-rose-900"
            >
              Dismiss
            </button>
          </div>
        </div>
      ) : null}
      {notice ? (
        <p
          role="status"
          className="rounded-lg border border-amber-400/50 bg-amber-400/10 px-3 py-2 text-amber-100"
        >
          {notice}
        </p>
      ) : null}
    </>
  );
}
