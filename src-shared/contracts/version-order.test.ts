// The ordering the update channel and both MSI policies use, and the version schema agreeing with semver.
import fc from 'fast-check';
import valid from 'semver/functions/valid.js';
import { describe, expect, it } from 'vitest';
import { isBetaVersion, isNewerVersion, newestNewerVersion } from './version-order.js';
import { SemverSchema } from './versions.js';

describe('version ordering', () => {
  it('orders the prereleases the hand-written comparisons got wrong', () => {
    expect(isNewerVersion('1.0.0-rc-2', '1.0.0-rc-1')).toBe(true);
    expect(isNewerVersion('1.0.0-rc-1', '1.0.0-rc-2')).toBe(false);
    expect(isNewerVersion('1.4.0-beta.10', '1.4.0-beta.9')).toBe(true);
    expect(isNewerVersion('1.4.0-beta.9', '1.4.0-beta.10')).toBe(false);
  });

  it('puts a prerelease before its release and compares numerically', () => {
    expect(isNewerVersion('1.4.0', '1.4.0-beta.2')).toBe(true);
    expect(isNewerVersion('1.4.0-beta.2', '1.4.0')).toBe(false);
    expect(isNewerVersion('1.10.0', '1.9.0')).toBe(true);
    expect(isNewerVersion('1.4.0', '1.4.0')).toBe(false);
  });

  it('never calls a non-version newer, nor anything newer than a non-version', () => {
    expect(isNewerVersion('soon', '1.0.0')).toBe(false);
    expect(isNewerVersion('2.0.0', 'dev')).toBe(false);
  });

  it('picks the newest candidate newer than the current version', () => {
    expect(newestNewerVersion('1.4.0-beta.9', ['1.4.0-beta.10', null, '1.3.0'])).toBe('1.4.0-beta.10');
    expect(newestNewerVersion('1.0.0-rc-1', ['1.0.0-rc-2', '1.0.0'])).toBe('1.0.0');
    expect(newestNewerVersion('2.0.0', ['1.9.9', 'later', null])).toBeNull();
  });

  it('puts -beta builds on the beta track only', () => {
    expect(isBetaVersion('1.4.0-beta.1')).toBe(true);
    expect(isBetaVersion('1.4.0-beta-2')).toBe(true);
    expect(isBetaVersion('1.4.0')).toBe(false);
    expect(isBetaVersion('1.4.0-rc.1')).toBe(false);
    expect(isBetaVersion('1.4.0-rc.1+beta')).toBe(false);
  });

  it('accepts only canonical semantic versions', () => {
    expect(SemverSchema.safeParse('1.4.0-beta.2').success).toBe(true);
    for (const bad of ['v1.4.0', '1.4', 'latest', '01.4.0'])
      expect(SemverSchema.safeParse(bad).success).toBe(false);
  });

  it('accepts exactly the versions semver reads (so every accepted version can be ordered)', () => {
    const part = fc.constantFrom('0', '1', '10', '01', 'beta', 'rc-1', 'x', '-', '');
    const version = fc
      .tuple(part, part, part, fc.array(part, { maxLength: 3 }), fc.constantFrom('', '-', '+', '.'))
      .map(([a, b, c, pre, sep]) => `${a}.${b}.${c}${pre.length ? sep + pre.join('.') : ''}`);
    fc.assert(
      fc.property(version, (v) => {
        expect(SemverSchema.safeParse(v).success).toBe(valid(v) !== null);
      }),
      { numRuns: 2000 },
    );
  });
});
