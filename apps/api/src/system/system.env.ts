import { EnvVarError, type EnvVar } from '@dify/platform';

function ssoIssuer(): EnvVar<string> {
  return {
    description: 'OpenID Connect issuer of the enterprise SSO branch; empty turns the branch off',
    defaultValue: '',
    secret: false,
    parse(raw) {
      const value = raw.trim();
      if (value === '') return '';
      let url: URL;
      try {
        url = new URL(value);
      } catch {
        throw new EnvVarError('must be empty or an absolute http(s) URL');
      }
      if (url.protocol !== 'https:' && url.protocol !== 'http:') {
        throw new EnvVarError('must be empty or an absolute http(s) URL');
      }
      return value;
    },
  };
}

/**
 * What `/console/api/system-features` reports on besides the licence
 * (docs/console.md, "System features").
 */
export const systemEnv = { SSO_ISSUER: ssoIssuer() } as const;
