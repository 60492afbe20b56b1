// The IT policy hint in the answer to a desktop install report: an MSI install cannot update itself, so
// when IT rolls out a newer MSI (DESKTOP_MSI_LATEST_VERSION) the app is told it is due and shows so.
// Self-updating installs (NSIS, DMG, AppImage, deb) get null: electron-updater brings them up to date.
import type { DesktopInstallReport } from '../../../src-shared/contracts/http.js';
import { isNewerVersion } from '../../../src-shared/contracts/version-order.js';

export function newerMsiDue(
  report: Pick<DesktopInstallReport, 'installType' | 'appVersion'>,
  latestMsiVersion: string | null,
): string | null {
  if (report.installType !== 'msi' || !latestMsiVersion) return null;
  return isNewerVersion(latestMsiVersion, report.appVersion) ? latestMsiVersion : null;
}
