import { identitySettingsFrom, type IdentityEnvValues } from './identity.settings';

const values: IdentityEnvValues = {
  SECRET_KEY: 'k'.repeat(32),
  CONSOLE_API_URL: 'http://localhost:5001',
  CONSOLE_WEB_URL: 'http://localhost:5001',
  ACCESS_TOKEN_EXPIRE_MINUTES: 60,
  REFRESH_TOKEN_EXPIRE_DAYS: 30,
  ALLOW_REGISTER: false,
  COOKIE_DOMAIN: '',
  LOGIN_FAILURES_PER_EMAIL: 5,
  LOGIN_FAILURES_PER_IP: 20,
  LOGIN_LOCKOUT_SECONDS: 900,
};

describe('identitySettingsFrom', () => {
  it('uses host-only, non-Secure cookies on plain http', () => {
    expect(identitySettingsFrom(values).cookies).toEqual({
      secure: false,
      names: {
        access: 'console_access_token',
        refresh: 'console_refresh_token',
        csrf: 'csrf_token',
      },
    });
  });

  it('makes cookies Secure when the public web or API URL is https', () => {
    expect(
      identitySettingsFrom({ ...values, CONSOLE_WEB_URL: 'https://console.example.com' }).cookies
        .secure,
    ).toBe(true);
    expect(
      identitySettingsFrom({ ...values, CONSOLE_API_URL: 'HTTPS://api.example.com' }).cookies
        .secure,
    ).toBe(true);
  });

  it('names the cookies __Host- on https, __Secure- once they carry a domain', () => {
    const https = { ...values, CONSOLE_API_URL: 'https://console.example.com' };
    expect(identitySettingsFrom(https).cookies.names).toEqual({
      access: '__Host-console_access_token',
      refresh: '__Secure-console_refresh_token',
      csrf: '__Host-csrf_token',
    });
    expect(
      identitySettingsFrom({ ...https, COOKIE_DOMAIN: 'example.com' }).cookies.names.csrf,
    ).toBe('__Secure-csrf_token');
  });

  it('scopes cookies to COOKIE_DOMAIN when set', () => {
    expect(identitySettingsFrom({ ...values, COOKIE_DOMAIN: 'example.com' }).cookies.domain).toBe(
      'example.com',
    );
  });
});
