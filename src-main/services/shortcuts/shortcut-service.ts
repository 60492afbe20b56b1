// Applies the shortcut plan through Electron's globalShortcut (injected, so tests drive a fake one).
// `register` returning false, or `isRegistered` being false right after a "successful" register (some
// platforms report success for a key another app holds), becomes a conflict in the report with a probed
// alternative: a shortcut is never silently lost. Everything is unregistered on dispose (will-quit).
import type { ShortcutAction, ShortcutReport } from '../../../src-shared/contracts/ipc.js';
import {
  alternativeCandidates,
  type BindingOverrides,
  type Bindings,
  DEFAULT_BINDINGS,
  diffShortcuts,
  type LiveShortcut,
  liveShortcuts,
  resolveBindings,
  type Support,
} from './shortcut-plan.js';

/** The part of Electron's `globalShortcut` we use. */
export interface GlobalShortcutLike {
  register(accelerator: string, callback: () => void): boolean;
  isRegistered(accelerator: string): boolean;
  unregister(accelerator: string): void;
  unregisterAll(): void;
}

export class InvalidBindingsError extends Error {
  readonly code = 'INVALID_SHORTCUT';
}

export type ShortcutServiceOptions = Readonly<{
  globalShortcut: GlobalShortcutLike;
  support: Support;
  onFired: (action: ShortcutAction) => void;
  /** Called whenever the report changes (pushed to the renderer as `shortcuts:report`). */
  onReport?: (report: ShortcutReport) => void;
  bindings?: Bindings;
}>;

type Conflict = ShortcutReport['conflicts'][number];

export class ShortcutService {
  readonly #gs: GlobalShortcutLike;
  readonly #support: Support;
  readonly #onFired: (action: ShortcutAction) => void;
  readonly #onReport: ((report: ShortcutReport) => void) | undefined;
  #bindings: Bindings;
  #dispositionPending = false;
  #registered: LiveShortcut[] = [];
  #conflicts = new Map<ShortcutAction, Conflict>();

  constructor(options: ShortcutServiceOptions) {
    this.#gs = options.globalShortcut;
    this.#support = options.support;
    this.#onFired = options.onFired;
    this.#onReport = options.onReport;
    this.#bindings = options.bindings ?? DEFAULT_BINDINGS;
  }

  get bindings(): Bindings {
    return this.#bindings;
  }

  /** Registers the shortcuts live in the current state (call once the app is ready). */
  start(): ShortcutReport {
    return this.#apply();
  }

  /** Replaces the bindings with defaults + overrides; rejects the whole change when any binding is bad. */
  configure(overrides: BindingOverrides): ShortcutReport {
    const resolved = resolveBindings(overrides);
    if (!resolved.ok) {
      throw new InvalidBindingsError(
        resolved.problems.map((p) => `${p.action}: ${p.reason}`).join('; ') || 'invalid shortcuts',
      );
    }
    this.#bindings = resolved.bindings;
    // A new binding gets a fresh chance: forget conflicts of actions whose accelerator changed.
    this.#conflicts.clear();
    return this.#apply();
  }

  setDispositionPending(pending: boolean): ShortcutReport {
    if (pending === this.#dispositionPending) return this.report();
    this.#dispositionPending = pending;
    return this.#apply();
  }

  report(): ShortcutReport {
    return {
      supported: this.#support.supported,
      unsupportedReason: this.#support.reason,
      registered: this.#registered.map((s) => ({ action: s.action, accelerator: s.accelerator })),
      conflicts: [...this.#conflicts.values()],
    };
  }

  /** will-quit: release every key we hold. */
  dispose(): void {
    this.#gs.unregisterAll();
    this.#registered = [];
  }

  #apply(): ShortcutReport {
    const wanted = liveShortcuts(this.#bindings, this.#dispositionPending, this.#support);
    const diff = diffShortcuts(this.#registered, wanted);
    for (const s of diff.unregister) this.#gs.unregister(s.accelerator);
    const kept = this.#registered.filter((s) => !diff.unregister.includes(s));
    const wantedActions = new Set(wanted.map((s) => s.action));
    for (const action of [...this.#conflicts.keys()]) {
      if (!wantedActions.has(action)) this.#conflicts.delete(action);
    }
    for (const s of diff.register) {
      if (this.#tryRegister(s)) {
        kept.push(s);
        this.#conflicts.delete(s.action);
      } else {
        this.#conflicts.set(s.action, {
          action: s.action,
          accelerator: s.accelerator,
          suggestion: this.#probeAlternative(s.accelerator),
        });
      }
    }
    this.#registered = kept;
    const report = this.report();
    this.#onReport?.(report);
    return report;
  }

  #tryRegister(s: LiveShortcut): boolean {
    const action = s.action;
    let ok = false;
    try {
      ok = this.#gs.register(s.accelerator, () => this.#onFired(action));
    } catch {
      ok = false;
    }
    if (ok && this.#gs.isRegistered(s.accelerator)) return true;
    if (ok) this.#gs.unregister(s.accelerator);
    return false;
  }

  /** First alternative that is free right now (registered then released at once), or null. */
  #probeAlternative(accelerator: string): string | null {
    const inUse = Object.values(this.#bindings);
    for (const candidate of alternativeCandidates(accelerator, inUse)) {
      let ok = false;
      try {
        ok = this.#gs.register(candidate, () => {}) && this.#gs.isRegistered(candidate);
      } catch {
        ok = false;
      }
      if (this.#gs.isRegistered(candidate)) this.#gs.unregister(candidate);
      if (ok) return candidate;
    }
    return null;
  }
}
