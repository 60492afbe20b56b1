// "Copy diagnostics": a plain-text block an agent pastes into a support ticket. Versions, update channel,
// install type, shortcut report, credential storage and the last log lines, with phone numbers masked
// (again: the log is masked on write, but a line may have been written by an older build).
import type { ShortcutReport, UpdateState } from '../../../src-shared/contracts/ipc.js';

export type DiagnosticsInput = Readonly<{
  appVersion: string;
  versions: Readonly<Record<string, string | undefined>>;
  platform: string;
  arch: string;
  osRelease: string;
  channel: string;
  channelSource: string;
  installType: string;
  updateState: UpdateState;
  credentialStorage: string;
  credentialNotes: readonly string[];
  shortcuts: ShortcutReport;
  /** Start-up findings: ignored policy/settings files, corrupt snapshots set aside. */
  notes: readonly string[];
  logLines: readonly string[];
  generatedAt: string;
  mask: (text: string) => string;
}>;

export function buildDiagnostics(d: DiagnosticsInput): string {
  const lines = [
    'Turbo Dialer diagnostics',
    `generated: ${d.generatedAt}`,
    `app: ${d.appVersion}  electron: ${d.versions.electron ?? '?'}  chrome: ${d.versions.chrome ?? '?'}  node: ${d.versions.node ?? '?'}`,
    `os: ${d.platform} ${d.osRelease} (${d.arch})`,
    `install: ${d.installType}  channel: ${d.channel} (${d.channelSource})  update: ${describeUpdate(d.updateState)}`,
    `credentials: ${d.credentialStorage}${d.credentialNotes.length ? ` (${d.credentialNotes.join('; ')})` : ''}`,
    `shortcuts: ${d.shortcuts.supported ? 'supported' : `unsupported: ${d.shortcuts.unsupportedReason ?? ''}`}`,
    ...d.shortcuts.registered.map((s) => `  ok       ${s.action}: ${s.accelerator}`),
    ...d.shortcuts.conflicts.map(
      (c) =>
        `  CONFLICT ${c.action}: ${c.accelerator} held by another app; try ${c.suggestion ?? '(none free)'}`,
    ),
    ...d.notes.map((n) => `note: ${n}`),
    `last ${d.logLines.length} log lines:`,
    ...d.logLines,
  ];
  return d.mask(lines.join('\n'));
}

function describeUpdate(s: UpdateState): string {
  switch (s.kind) {
    case 'managed-by-it':
      return `managed by IT${s.newerMsiDue ? ` (newer MSI due: ${s.newerMsiDue})` : ''}`;
    case 'disabled':
      return `disabled (${s.reason})`;
    case 'error':
      return `error (${s.message})`;
    case 'available':
    case 'ready':
      return `${s.kind} ${s.version}`;
    case 'downloading':
      return `downloading ${s.version} ${s.percent}%`;
    default:
      return s.kind;
  }
}
