// The body of this copy's install report (POST /desktop/install-report, the shared HTTP_API contract):
// version, update channel, install type, platform and arch. The main process only builds it and serves it on
// the `desktop:install-info` IPC channel; the renderer POSTs it with the agent's access token (the main
// process holds the refresh token in the keychain and never the access token, by design) and passes the
// coordinator's answer back on `desktop:it-policy` (newerMsiDue: an MSI install cannot update itself, so the
// updater state says a newer MSI is due). IT sees the fleet in the coordinator's /metrics.
import {
  type DesktopInstallReport,
  type DesktopInstallType,
  HTTP_API,
} from '../../../src-shared/contracts/http.js';

/** What the app knows about itself (its own install-type names: `portable`, `dev` are reported `unknown`). */
export interface InstallFacts {
  appVersion: string;
  channel: 'stable' | 'beta';
  installType: string;
  platform: string;
  arch: string;
}

const REPORTED: readonly DesktopInstallType[] = ['msi', 'nsis', 'dmg', 'appimage', 'deb'];

export function reportedInstallType(installType: string): DesktopInstallType {
  return (REPORTED as readonly string[]).includes(installType)
    ? (installType as DesktopInstallType)
    : 'unknown';
}

/**
 * The contract body, or null when the contract would refuse it (e.g. a version that is not semver): the
 * report is best-effort, so such a copy simply does not report rather than sending a request bound to fail.
 */
export function installReportBody(facts: InstallFacts): DesktopInstallReport | null {
  const parsed = HTTP_API.desktopInstallReport.body.safeParse({
    appVersion: facts.appVersion,
    channel: facts.channel,
    installType: reportedInstallType(facts.installType),
    platform: facts.platform,
    arch: facts.arch,
  });
  return parsed.success ? parsed.data : null;
}
