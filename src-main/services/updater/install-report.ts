// Best-effort report of this copy's install to the coordinator (POST /desktop/install-report, the shared
// HTTP_API contract): version, update channel and install type. IT sees the fleet in the coordinator's
// /metrics, and the answer carries IT's policy hint (`newerMsiDue`: an MSI install cannot update itself, so
// the app shows that a newer MSI is due). The route is authenticated: pass `accessToken` (the agent's
// current access token); without one the coordinator answers 401. Any failure is the caller's log line only.
import {
  type DesktopInstallReportResponse,
  type DesktopInstallType,
  HTTP_API,
} from '../../../src-shared/contracts/http.js';

export const INSTALL_REPORT_PATH = HTTP_API.desktopInstallReport.path;

/** What the app knows about itself (its own install-type names: `portable`, `dev` are reported `unknown`). */
export interface InstallReport {
  appVersion: string;
  channel: 'stable' | 'beta';
  installType: string;
  platform: string;
  arch: string;
  /** The app's own reading of IT policy (the registry); not sent: the coordinator's answer is the hint. */
  newerMsiDue?: string | null;
}

const REPORTED: readonly DesktopInstallType[] = ['msi', 'nsis', 'dmg', 'appimage', 'deb'];

export function reportedInstallType(installType: string): DesktopInstallType {
  return (REPORTED as readonly string[]).includes(installType)
    ? (installType as DesktopInstallType)
    : 'unknown';
}

export interface PostInstallReportOptions {
  fetchImpl?: typeof fetch;
  /** The agent's access token, read when the report is sent (null: not signed in yet). */
  accessToken?: () => Promise<string | null> | string | null;
  /** Receives the coordinator's answer (IT policy hint: `policy.newerMsiDue`). */
  onAnswer?: (answer: DesktopInstallReportResponse) => void;
}

/** Sends the report and hands the coordinator's answer to `onAnswer`. Throws on any failure (best effort). */
export async function postInstallReport(
  coordinatorUrl: string,
  report: InstallReport,
  opts: PostInstallReportOptions = {},
): Promise<void> {
  const route = HTTP_API.desktopInstallReport;
  const body = route.body.parse({
    appVersion: report.appVersion,
    channel: report.channel,
    installType: reportedInstallType(report.installType),
    platform: report.platform,
    arch: report.arch,
  });
  const token = await opts.accessToken?.();
  const res = await (opts.fetchImpl ?? fetch)(new URL(route.path, coordinatorUrl), {
    method: route.method,
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  if (!res.ok) throw new Error(`install report: HTTP ${res.status}`);
  const answer = route.response.parse(await res.json());
  opts.onAnswer?.(answer);
}
