// Version ordering shared by the desktop app (update channel, "newer MSI due") and the coordinator (the MSI
// policy in the install report's answer): one semver implementation, so both sides agree on every pair.
import gt from 'semver/functions/gt.js';
import prerelease from 'semver/functions/prerelease.js';
import valid from 'semver/functions/valid.js';

/** True when `candidate` is a strictly newer semver than `current`; false when either is not a version. */
export function isNewerVersion(candidate: string, current: string): boolean {
  const a = valid(candidate);
  const b = valid(current);
  return a !== null && b !== null && gt(a, b);
}

/** The newest candidate that is newer than `current`, or null (invalid or missing candidates are skipped). */
export function newestNewerVersion(current: string, candidates: readonly (string | null)[]): string | null {
  let best: string | null = null;
  for (const c of candidates) {
    if (c !== null && isNewerVersion(c, current) && (best === null || isNewerVersion(c, best))) best = c;
  }
  return best;
}

/** A build on the beta track: its first prerelease identifier is `beta…` (1.4.0-beta.1, 1.4.0-beta-2). */
export function isBetaVersion(version: string): boolean {
  const first = prerelease(version)?.[0];
  return typeof first === 'string' && first.startsWith('beta');
}
