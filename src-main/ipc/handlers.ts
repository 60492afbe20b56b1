// The implementations behind every IPC_INVOKE channel, built from the services (one place, VS Code's
// app.ts idea). Each handler receives an argument already validated by registerIpc.
import type {
  AppSnapshot,
  AppStatus,
  DesktopInstallInfo,
  DesktopItPolicy,
  IPC_INVOKE,
  ShortcutReport,
} from '../../src-shared/contracts/ipc.js';
import type { CredentialStore } from '../services/credentials/credential-store.js';
import type { BindingOverrides } from '../services/shortcuts/shortcut-plan.js';
import type { IpcHandlers } from '../../src-shared/contracts/ipc-dispatch.js';

export type HandlerDeps = Readonly<{
  snapshot: {
    read(): AppSnapshot | null;
    update(next: AppSnapshot): Promise<void>;
  };
  credentials: CredentialStore;
  onStatus: (status: AppStatus) => void;
  shortcuts: {
    report(): ShortcutReport;
    configure(bindings: BindingOverrides): ShortcutReport;
  };
  persistBindings: (bindings: BindingOverrides) => Promise<void>;
  requestInstall: () => { accepted: boolean; reason: string | null };
  copyDiagnostics: () => boolean;
  /** The install report body (built once at start-up), null when this copy does not report. */
  installInfo: () => DesktopInstallInfo;
  /** The coordinator's answer to the report, relayed by the renderer; false: not for this install. */
  applyItPolicy: (policy: DesktopItPolicy) => boolean;
}>;

export function createHandlers(d: HandlerDeps): IpcHandlers<typeof IPC_INVOKE> {
  return {
    'snapshot:load': () => d.snapshot.read(),
    'snapshot:save': async (snapshot) => {
      await d.snapshot.update(snapshot);
      return null;
    },
    'credentials:get': async () => ({ refreshToken: await d.credentials.get(), storage: d.credentials.kind }),
    'credentials:set': async ({ refreshToken }) => {
      await d.credentials.set(refreshToken);
      return { storage: d.credentials.kind };
    },
    'credentials:clear': async () => {
      await d.credentials.clear();
      return null;
    },
    'app:status': (status) => {
      d.onStatus(status);
      return null;
    },
    'shortcuts:get': () => d.shortcuts.report(),
    'shortcuts:configure': async (bindings) => {
      const report = d.shortcuts.configure(bindings);
      await d.persistBindings(bindings);
      return report;
    },
    'updater:install': () => d.requestInstall(),
    'diagnostics:copy': () => ({ copied: d.copyDiagnostics() }),
    'desktop:install-info': () => d.installInfo(),
    'desktop:it-policy': (policy) => ({ applied: d.applyItPolicy(policy) }),
  };
}
