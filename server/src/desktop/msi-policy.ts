// The IT policy hint in the answer to a desktop install report: an MSI install cannot update itself, so
// when IT rolls out a newer MSI (DESKTOP_MSI_LATEST_VERSION) the app is told it is due and shows so.
// Self-updating installs (NSIS, DMG, AppImage, deb) get null: electron-updater brings them up to date.
import type { DesktopInstallReport } from '../../../src-shared/contracts/http.js';

/** Compares the numeric major.minor.patch of two versions; a pre-release sorts before its release. */
export function compareVersions(a: string, b: string): number {
  const parse = (v: string) => {
    const [core = '', pre] = v.trim().replace(/^v/, '').split(/-(.*)/s);
    const nums =
      core
        .split('+')[0]
        ?.split('.')
        .map((n) => Number.parseInt(n, 10) || 0) ?? [];
    return { nums: [nums[0] ?? 0, nums[1] ?? 0, nums[2] ?? 0], pre: pre ?? null };
  };
  const x = parse(a);
  const y = parse(b);
  for (let i = 0; i < 3; i++) {
    const d = (x.nums[i] ?? 0) - (y.nums[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  if (x.pre === y.pre) return 0;
  if (x.pre === null) return 1;
  if (y.pre === null) return -1;
  return x.pre < y.pre ? -1 : 1;
}

export function newerMsiDue(
  report: Pick<DesktopInstallReport, 'installType' | 'appVersion'>,
  latestMsiVersion: string | null,
): string | null {
  if (report.installType !== 'msi' || !latestMsiVersion) return null;
  return compareVersions(latestMsiVersion, report.appVersion) > 0 ? latestMsiVersion : null;
}
