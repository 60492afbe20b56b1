// The desktop's install report speaks the coordinator's contract (HTTP_API.desktopInstallReport): the body
// is one the coordinator accepts, install types it does not know are reported as `unknown`, and a copy whose
// version the contract would refuse does not report at all (best effort, never a request bound to fail).
import { describe, expect, it } from 'vitest';
import { HTTP_API } from '../../../src-shared/contracts/http.js';
import { installReportBody, reportedInstallType } from './install-report.js';

const facts = {
  appVersion: '1.3.0',
  channel: 'stable' as const,
  installType: 'msi',
  platform: 'win32',
  arch: 'x64',
};

describe('installReportBody', () => {
  it('is the contract body the coordinator accepts', () => {
    const body = installReportBody(facts);
    expect(body).toEqual({
      appVersion: '1.3.0',
      channel: 'stable',
      installType: 'msi',
      platform: 'win32',
      arch: 'x64',
    });
    expect(HTTP_API.desktopInstallReport.body.safeParse(body).success).toBe(true);
  });

  it('reports install types the coordinator does not know as unknown', () => {
    expect(reportedInstallType('portable')).toBe('unknown');
    expect(reportedInstallType('dev')).toBe('unknown');
    expect(reportedInstallType('appimage')).toBe('appimage');
    expect(installReportBody({ ...facts, installType: 'dev' })?.installType).toBe('unknown');
  });

  it('is null for a version the contract refuses', () => {
    expect(installReportBody({ ...facts, appVersion: 'dev-build' })).toBeNull();
    expect(installReportBody({ ...facts, appVersion: '1.4.0-beta.2' })?.appVersion).toBe('1.4.0-beta.2');
  });
});
