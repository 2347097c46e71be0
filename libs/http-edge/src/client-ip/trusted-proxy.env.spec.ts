import { EnvValidationError, loadEnv } from '@dify/platform';
import { TrustedProxies } from './trusted-proxies';
import { trustedProxyEnv } from './trusted-proxy.env';

function problemOf(value: string): string | undefined {
  try {
    loadEnv(trustedProxyEnv, { TRUSTED_PROXY_CIDRS: value });
    return undefined;
  } catch (error) {
    if (!(error instanceof EnvValidationError)) throw error;
    return error.problems.find((p) => p.variable === 'TRUSTED_PROXY_CIDRS')?.problem;
  }
}

describe('trustedProxyEnv', () => {
  it('defaults to loopback, the private IPv4 ranges and IPv6 unique-local addresses', () => {
    const { TRUSTED_PROXY_CIDRS: proxies } = loadEnv(trustedProxyEnv, {});
    expect(proxies).toBeInstanceOf(TrustedProxies);
    expect(proxies.cidrs).toEqual(['127.0.0.0/8', '::1/128']);
    expect(trustedProxyEnv.TRUSTED_PROXY_CIDRS.defaultValue).toBe('127.0.0.0/8,::1/128');
  });

  it('reads a custom list, trimming entries and dropping empty ones', () => {
    const { TRUSTED_PROXY_CIDRS: proxies } = loadEnv(trustedProxyEnv, {
      TRUSTED_PROXY_CIDRS: ' 203.0.113.0/24 , ,2001:db8::/32,',
    });
    expect(proxies.cidrs).toEqual(['203.0.113.0/24', '2001:db8::/32']);
    expect(proxies.contains('203.0.113.9')).toBe(true);
    expect(proxies.contains('2001:db8:1::1')).toBe(true);
    expect(proxies.contains('10.0.0.1')).toBe(false);
  });

  it('reports every bad entry at once', () => {
    expect(problemOf('10.0.0.0/8,10.0.0.0/33,proxy.local,::/129,192.168.0.0/16')).toBe(
      'has entries that are not CIDRs: "10.0.0.0/33", "proxy.local", "::/129"',
    );
  });

  it('refuses a value that lists nothing', () => {
    expect(problemOf(' , ')).toBe('must list at least one CIDR');
  });

  it('treats an empty value as unset', () => {
    expect(
      loadEnv(trustedProxyEnv, { TRUSTED_PROXY_CIDRS: '' }).TRUSTED_PROXY_CIDRS.cidrs,
    ).toHaveLength(2);
  });
});
