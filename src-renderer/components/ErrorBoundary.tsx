// Last line of defence: a render error shows a plain-words screen with Reload, never a blank page or a
// stack. The session and any unsent disposition live in the snapshot, so reloading loses nothing.
import { Component, type ErrorInfo, type ReactNode } from 'react';
import { describeError } from '../api/error-text';

interface State {
  failed: boolean;
}

export class ErrorBoundary extends Component<{ children: ReactNode }, State> {
  override state: State = { failed: false };

  static getDerivedStateFromError(): State {
    return { failed: true };
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    // For the developer console only; the agent sees the text below.
    console.error('render error', error, info.componentStack);
  }

  override render(): ReactNode {
    if (!this.state.failed) return this.props.children;
    const { title, action } = describeError('CLIENT');
    return (
      <main
        role="alert"
        className="mx-auto mt-24 max-w-lg rounded-xl border-2 border-rose-400 bg-slate-900 p-6"
      >
        <h1 className="text-2xl font-bold text-white">{title}</h1>
        <p className="mt-2 text-slate-200">{action}</p>
        <button
          type="button"
          onClick={() => window.location.reload()}
          className="mt-4 rounded-lg bg-white px-4 py-2 font-semibold text-slate-950"
        >
          Reload
        </button>
      </main>
    );
  }
}
