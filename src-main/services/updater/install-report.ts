// Best-effort report of an IT-managed install to the coordinator: version, channel, install type. The
// coordinator may not implement the route yet, so any failure (network, 404) is the caller's log line only.
// No credentials are sent: the report carries nothing secret and the coordinator treats it as a hint.
import { z } from 'zod';

export const INSTALL_REPORT_PATH = '/desktop/install-report';

export const InstallReportSchema = z.object({
  appVersion: z.string(),
  channel: z.enum(['stable', 'beta']),
  installType: z.string(),
  platform: z.string(),
  arch: z.string(),
  newerMsiDue: z.string().nullable(),
});
export type InstallReport = z.infer<typeof InstallReportSchema>;

export async function postInstallReport(
  coordinatorUrl: string,
  report: InstallReport,
  fetchImpl: typeof fetch = fetch,
): Promise<void> {
  const res = await fetchImpl(new URL(INSTALL_REPORT_PATH, coordinatorUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(InstallReportSchema.parse(report)),
    signal: AbortSignal.timeout(10_000),
  });
  if (!res.ok) throw new Error(`install report: HTTP ${res.status}`);
}
