import { generateLicenseKeyPair, licensingEnv } from '@dify/licensing';
import { EnvValidationError, loadEnv } from '@dify/platform';
import { systemEnv } from '../system/system.env';
import { systemSettingsFrom } from '../system/system.settings';
import { bearerApiEnv } from './bearer-api.env';
import { bearerApiSettingsFrom } from './bearer-api.settings';

const schema = { ...bearerApiEnv, ...licensingEnv, ...systemEnv };

function problemsOf(source: Record<string, string>): string[] {
  try {
    loadEnv(schema, source);
  } catch (error) {
    if (error instanceof EnvValidationError) return error.problems.map((p) => p.variable);
    throw error;
  }
  return [];
}

describe('bearer API and system env', () => {
  it('defaults to the documented values', () => {
    const config = loadEnv(schema, {});
    expect(bearerApiSettingsFrom(config)).toEqual({
      enabled: true,
      perTokenPerMinute: 60,
      accountPerMinute: 60,
      license: { licenseKey: '', publicKeyPem: '', expiringDays: 30 },
    });
    expect(systemSettingsFrom(config).ssoIssuer).toBe('');
  });

  it('takes 0 as "no per-token limit" and passes the licence through', () => {
    const { publicKeyPem } = generateLicenseKeyPair();
    const config = loadEnv(schema, {
      ENABLE_OAUTH_BEARER: 'false',
      OPENAPI_RATE_LIMIT_PER_TOKEN: '0',
      ACCOUNT_RATE_LIMIT_PER_MINUTE: '5',
      LICENSE_KEY: 'a.b.c',
      LICENSE_PUBLIC_KEY: publicKeyPem,
      SSO_ISSUER: ' https://idp.example.com/realms/dify ',
    });
    expect(bearerApiSettingsFrom(config)).toMatchObject({
      enabled: false,
      perTokenPerMinute: 0,
      accountPerMinute: 5,
      license: { licenseKey: 'a.b.c', publicKeyPem },
    });
    expect(systemSettingsFrom(config).ssoIssuer).toBe('https://idp.example.com/realms/dify');
  });

  it('refuses out-of-range and malformed values, naming every one, never clamping', () => {
    expect(
      problemsOf({
        ENABLE_OAUTH_BEARER: 'maybe',
        OPENAPI_RATE_LIMIT_PER_TOKEN: '-1',
        ACCOUNT_RATE_LIMIT_PER_MINUTE: '0',
        SSO_ISSUER: 'ftp://idp.example.com',
      }).sort(),
    ).toEqual([
      'ACCOUNT_RATE_LIMIT_PER_MINUTE',
      'ENABLE_OAUTH_BEARER',
      'OPENAPI_RATE_LIMIT_PER_TOKEN',
      'SSO_ISSUER',
    ]);
    expect(problemsOf({ OPENAPI_RATE_LIMIT_PER_TOKEN: '1.5', SSO_ISSUER: 'idp' }).sort()).toEqual([
      'OPENAPI_RATE_LIMIT_PER_TOKEN',
      'SSO_ISSUER',
    ]);
  });
});
