// Which screen a URL opens: the console at /supervisor (web) or #/supervisor (the desktop's file:// page),
// the dialer otherwise; and where the links between them go on each.
import { describe, expect, it } from 'vitest';
import { consoleHref, dialerHref, isConsoleRoute } from './route';

describe('console route', () => {
  it('is /supervisor on the web and #/supervisor from a file', () => {
    expect(isConsoleRoute({ pathname: '/supervisor', hash: '' })).toBe(true);
    expect(isConsoleRoute({ pathname: '/supervisor/', hash: '' })).toBe(true);
    expect(isConsoleRoute({ pathname: '/opt/Turbo Dialer/resources/index.html', hash: '#/supervisor' })).toBe(
      true,
    );
    expect(isConsoleRoute({ pathname: '/', hash: '' })).toBe(false);
    expect(isConsoleRoute({ pathname: '/index.html', hash: '#/' })).toBe(false);
    expect(isConsoleRoute({ pathname: '/supervisors-guide', hash: '' })).toBe(false);
  });

  it('links by path on the web and by hash on the desktop', () => {
    expect(consoleHref({ protocol: 'https:' })).toBe('/supervisor');
    expect(consoleHref({ protocol: 'file:' })).toBe('#/supervisor');
    expect(dialerHref({ protocol: 'http:' })).toBe('/');
    expect(dialerHref({ protocol: 'file:' })).toBe('#/');
  });
});
