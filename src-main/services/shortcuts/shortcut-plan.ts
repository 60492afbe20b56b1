// Pure planning of the OS-wide shortcuts: which accelerators should be live right now, how user bindings are
// validated, where the platform offers no global shortcuts, and which alternative to suggest when another
// application holds a key. The ShortcutService applies the plan through Electron's globalShortcut.
import { SHORTCUT_ACTIONS, type ShortcutAction } from '../../../src-shared/contracts/ipc.js';
import { canonicalAccelerator, parseAccelerator } from './accelerator.js';

export type Bindings = Readonly<Record<ShortcutAction, string>>;
/** The IPC contract sends a full set; a partial one (tests, policy files) is filled from the defaults. */
export type BindingOverrides = Readonly<Partial<Record<ShortcutAction, string>>>;

/** Every default carries a modifier, so typing 1..6 or Enter in another window is never taken from it. */
export const DEFAULT_BINDINGS: Bindings = {
  'dispo-1': 'CommandOrControl+Alt+1',
  'dispo-2': 'CommandOrControl+Alt+2',
  'dispo-3': 'CommandOrControl+Alt+3',
  'dispo-4': 'CommandOrControl+Alt+4',
  'dispo-5': 'CommandOrControl+Alt+5',
  'dispo-6': 'CommandOrControl+Alt+6',
  confirm: 'CommandOrControl+Alt+Enter',
  cancel: 'CommandOrControl+Alt+Escape',
  'toggle-play': 'CommandOrControl+Alt+Space',
  stop: 'CommandOrControl+Alt+Backspace',
  'show-window': 'CommandOrControl+Alt+D',
  'hang-up': 'CommandOrControl+Alt+H',
};

/** Live only while the disposition modal is open: outside it these keys belong to other apps. */
export const DISPOSITION_ACTIONS: ReadonlySet<ShortcutAction> = new Set<ShortcutAction>([
  'dispo-1',
  'dispo-2',
  'dispo-3',
  'dispo-4',
  'dispo-5',
  'dispo-6',
  'confirm',
  'cancel',
]);

export type BindingProblem = { action: ShortcutAction; accelerator: string; reason: string };
export type ResolvedBindings = { ok: true; bindings: Bindings } | { ok: false; problems: BindingProblem[] };

/**
 * Merges the agent's overrides onto the defaults. Invalid syntax, a bare key, or two actions on the same
 * accelerator reject the whole change (nothing half-applied), each problem named.
 */
export function resolveBindings(overrides: BindingOverrides): ResolvedBindings {
  const merged: Record<ShortcutAction, string> = { ...DEFAULT_BINDINGS };
  const problems: BindingProblem[] = [];
  for (const action of SHORTCUT_ACTIONS) {
    const wanted = overrides[action];
    if (wanted === undefined) continue;
    const parsed = parseAccelerator(wanted);
    if (!parsed.ok) problems.push({ action, accelerator: wanted, reason: parsed.reason });
    else merged[action] = parsed.canonical;
  }
  const owner = new Map<string, ShortcutAction>();
  for (const action of SHORTCUT_ACTIONS) {
    const key = canonicalAccelerator(merged[action]);
    const first = owner.get(key);
    if (first) problems.push({ action, accelerator: merged[action], reason: `already used by "${first}"` });
    else owner.set(key, action);
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, bindings: merged };
}

export type Support = { supported: true; reason: null } | { supported: false; reason: string };

export type SupportInput = {
  platform: NodeJS.Platform;
  env: Readonly<Record<string, string | undefined>>;
  /** Value of Chromium's --ozone-platform switch, when set (the glue forces 'x11' if XWayland is there). */
  ozonePlatform: string | null;
};

/**
 * Wayland gives applications no global key grabs; Electron's globalShortcut works there only through
 * XWayland (ozone-platform=x11). So: a Wayland session without an X display (or with Wayland forced)
 * has no global shortcuts, and the agent is told so instead of shortcuts silently doing nothing.
 */
export function globalShortcutSupport(input: SupportInput): Support {
  if (input.platform !== 'linux') return { supported: true, reason: null };
  const wayland = input.env.XDG_SESSION_TYPE === 'wayland' || Boolean(input.env.WAYLAND_DISPLAY);
  if (!wayland) return { supported: true, reason: null };
  const x11Fallback = Boolean(input.env.DISPLAY) && input.ozonePlatform !== 'wayland';
  if (x11Fallback) return { supported: true, reason: null };
  return {
    supported: false,
    reason:
      'This Wayland session offers no global shortcuts to applications: use the in-window keys, ' +
      'or sign in with an X11 ("Xorg") session to get OS-wide shortcuts.',
  };
}

/** Wayland session with an X display: run Chromium on X11 so global shortcuts work through XWayland. */
export function shouldForceX11(platform: NodeJS.Platform, env: Readonly<Record<string, string | undefined>>) {
  return platform === 'linux' && env.XDG_SESSION_TYPE === 'wayland' && Boolean(env.DISPLAY);
}

export type LiveShortcut = { action: ShortcutAction; accelerator: string };

/** The shortcuts that should be registered right now. */
export function liveShortcuts(
  bindings: Bindings,
  dispositionPending: boolean,
  support: Support,
): LiveShortcut[] {
  if (!support.supported) return [];
  return SHORTCUT_ACTIONS.filter((a) => dispositionPending || !DISPOSITION_ACTIONS.has(a)).map((action) => ({
    action,
    accelerator: bindings[action],
  }));
}

export type ShortcutDiff = { unregister: LiveShortcut[]; register: LiveShortcut[] };

/** What to change to go from the registered set to the wanted one (keys that stay are not touched). */
export function diffShortcuts(
  current: readonly LiveShortcut[],
  wanted: readonly LiveShortcut[],
): ShortcutDiff {
  const sig = (s: LiveShortcut) => `${s.action}\u0000${canonicalAccelerator(s.accelerator)}`;
  const wantedSigs = new Set(wanted.map(sig));
  const currentSigs = new Set(current.map(sig));
  return {
    unregister: current.filter((s) => !wantedSigs.has(sig(s))),
    register: wanted.filter((s) => !currentSigs.has(sig(s))),
  };
}

/**
 * Alternatives to offer when an accelerator is taken, best first: add Shift, then swap the main modifier,
 * keeping the same key so the agent's muscle memory mostly survives. Accelerators already used by another
 * binding are excluded.
 */
export function alternativeCandidates(accelerator: string, inUse: Iterable<string>): string[] {
  const parsed = parseAccelerator(accelerator);
  if (!parsed.ok) return [];
  const used = new Set([...inUse].map(canonicalAccelerator));
  const { key, modifiers } = parsed;
  const variants: string[][] = [
    [...modifiers, 'Shift'],
    ['CommandOrControl', 'Shift'],
    ['Alt', 'Shift'],
    ['CommandOrControl', 'Alt', 'Shift'],
    ['Control', 'Alt', 'Shift'],
    ['Super', 'Alt'],
  ];
  const out: string[] = [];
  for (const mods of variants) {
    const candidate = canonicalAccelerator([...new Set(mods)].concat(key).join('+'));
    if (candidate === parsed.canonical || used.has(candidate) || out.includes(candidate)) continue;
    if (parseAccelerator(candidate).ok) out.push(candidate);
  }
  return out;
}
