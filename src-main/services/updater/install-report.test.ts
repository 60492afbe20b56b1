// The desktop's install report speaks the coordinator's contract (HTTP_API.desktopInstallReport): the
// request the coordinator would accept (path, method, bearer token, body), install types it does not know
// reported as `unknown`, and IT's answer handed back; a refusal is an error for the caller's log.
import { describe, expect, it } from 'vitest';
import { HTTP_API } from '../../../src-shared/contracts/http.js';
import { postInstallReport, reportedInstallType } from './install-report.js';

const route = HTTP_API.desktopInstallReport;
const report = {
  appVersion: '1.3.0',
  channel: 'stable' as const,
  installType: 'msi',
  platform: 'win32',
  arch: 'x64',
  newerMsiDue: null,
};

/** The network: records the request and answers like the coordinator would. */
function coordinator(status = 200, answer: unknown = { recordedAt: 1, policy: { newerMsiDue: '1.4.0' } }) {
  const seen: { url: string; init: RequestInit }[] = [];
  const fetchImpl = (async (url: URL | string, init?: RequestInit) => {
    seen.push({ url: String(url), init: init ?? {} });
    return new Response(JSON.stringify(answer), { status, headers: { 'content-type': 'application/json' } });
  }) as typeof fetch;
  return { seen, fetchImpl };
}

const headersOf = (init: RequestInit | undefined) => (init?.headers ?? {}) as Record<string, string>;

describe('postInstallReport', () => {
  it('sends the contract body with the access token and hands back IT’s MSI hint', async () => {
    const net = coordinator();
    let hint: string | null | undefined;
    await postInstallReport('https://dialer.example.com', report, {
      fetchImpl: net.fetchImpl,
      accessToken: async () => 'access-123',
      onAnswer: (a) => {
        hint = a.policy.newerMsiDue;
      },
    });
    const req = net.seen[0];
    expect(req?.url).toBe(`https://dialer.example.com${route.path}`);
    expect(req?.init.method).toBe(route.method);
    expect(headersOf(req?.init).authorization).toBe('Bearer access-123');
    const body = route.body.parse(JSON.parse(String(req?.init.body)));
    expect(body).toEqual({
      appVersion: '1.3.0',
      channel: 'stable',
      installType: 'msi',
      platform: 'win32',
      arch: 'x64',
    });
    expect(hint).toBe('1.4.0');
  });

  it('reports install types the coordinator does not know as unknown', async () => {
    expect(reportedInstallType('portable')).toBe('unknown');
    expect(reportedInstallType('dev')).toBe('unknown');
    expect(reportedInstallType('appimage')).toBe('appimage');
    const net = coordinator();
    await postInstallReport(
      'https://dialer.example.com',
      { ...report, installType: 'portable' },
      {
        fetchImpl: net.fetchImpl,
      },
    );
    expect(JSON.parse(String(net.seen[0]?.init.body)).installType).toBe('unknown');
    expect(headersOf(net.seen[0]?.init).authorization).toBeUndefined();
  });

  it('throws on a refusal (401 without a token) or an answer that is not the contract', async () => {
    await expect(
      postInstallReport('https://dialer.example.com', report, { fetchImpl: coordinator(401).fetchImpl }),
    ).rejects.toThrow(/HTTP 401/);
    await expect(
      postInstallReport('https://dialer.example.com', report, {
        fetchImpl: coordinator(200, { ok: 1 }).fetchImpl,
      }),
    ).rejects.toThrow();
  });
});
