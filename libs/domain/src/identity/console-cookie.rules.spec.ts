import {
  CONSOLE_COOKIE_BASE_NAMES,
  consoleCookieNameCandidates,
  consoleCookieNames,
} from './console-cookie.rules';

describe('console cookie names', () => {
  it('stay plain on http, where browsers refuse prefixed cookies', () => {
    expect(consoleCookieNames({ secure: false })).toEqual(CONSOLE_COOKIE_BASE_NAMES);
    expect(consoleCookieNames({ secure: false, domain: 'example.com' })).toEqual(
      CONSOLE_COOKIE_BASE_NAMES,
    );
  });

  it('take __Host- on https without a cookie domain, but the refresh cookie off Path=/', () => {
    expect(consoleCookieNames({ secure: true })).toEqual({
      access: '__Host-console_access_token',
      refresh: '__Secure-console_refresh_token',
      csrf: '__Host-csrf_token',
    });
  });

  it('take __Secure- on https with a cookie domain, which __Host- forbids', () => {
    expect(consoleCookieNames({ secure: true, domain: 'example.com' })).toEqual({
      access: '__Secure-console_access_token',
      refresh: '__Secure-console_refresh_token',
      csrf: '__Secure-csrf_token',
    });
  });

  it('offer a page every name a deployment may use, strongest first', () => {
    const names = [
      consoleCookieNames({ secure: true }).csrf,
      consoleCookieNames({ secure: true, domain: 'example.com' }).csrf,
      consoleCookieNames({ secure: false }).csrf,
    ];
    expect(consoleCookieNameCandidates('csrf')).toEqual(names);
  });
});
