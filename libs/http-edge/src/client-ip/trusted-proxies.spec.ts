import { TrustedProxies } from './trusted-proxies';

/** Loopback and the private ranges: a deployment whose proxies sit on any of them. */
const PRIVATE_RANGES = [
  '127.0.0.0/8',
  '::1/128',
  '10.0.0.0/8',
  '172.16.0.0/12',
  '192.168.0.0/16',
  'fc00::/7',
];

describe('TrustedProxies', () => {
  const defaults = new TrustedProxies(PRIVATE_RANGES);

  it.each([
    '127.0.0.1',
    '127.255.255.254',
    '::1',
    '10.0.0.1',
    '10.255.255.255',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.10',
    'fc00::1',
    'fd12:3456::1',
    'FD12:3456::1',
    '::ffff:127.0.0.1',
    '::ffff:10.1.2.3',
    '::ffff:c0a8:10a',
  ])('trusts %s by default', (ip) => {
    expect(defaults.contains(ip)).toBe(true);
  });

  it.each([
    '203.0.113.7',
    '8.8.8.8',
    '172.15.255.255',
    '172.32.0.1',
    '192.169.0.1',
    '11.0.0.1',
    '::2',
    'fe80::1',
    'fe00::1',
    '2001:db8::1',
    '::ffff:203.0.113.7',
    // The IPv4-compatible form is not the IPv4 address, so it must not borrow its trust.
    '::127.0.0.1',
    'unknown',
    '',
  ])('does not trust %j by default', (ip) => {
    expect(defaults.contains(ip)).toBe(false);
  });

  it('trusts single addresses and ignores host bits below the prefix', () => {
    const proxies = new TrustedProxies(['203.0.113.7', '2001:db8::1', '198.51.100.99/24']);
    expect(proxies.contains('203.0.113.7')).toBe(true);
    expect(proxies.contains('203.0.113.8')).toBe(false);
    expect(proxies.contains('2001:db8:0::1')).toBe(true);
    expect(proxies.contains('2001:db8::2')).toBe(false);
    expect(proxies.contains('198.51.100.1')).toBe(true);
    expect(proxies.contains('198.51.101.1')).toBe(false);
  });

  it('matches IPv4 addresses against IPv4-mapped IPv6 blocks', () => {
    const proxies = new TrustedProxies(['::ffff:203.0.113.0/120']);
    expect(proxies.contains('203.0.113.5')).toBe(true);
    expect(proxies.contains('::ffff:203.0.113.5')).toBe(true);
    expect(proxies.contains('203.0.114.5')).toBe(false);
  });

  it('trusts nothing when given no blocks', () => {
    const none = new TrustedProxies([]);
    expect(none.contains('127.0.0.1')).toBe(false);
    expect(none.contains('::1')).toBe(false);
  });

  it('names every entry that is not a CIDR', () => {
    expect(() => new TrustedProxies(['10.0.0.0/8', 'proxy.local', '10.0.0.0/33'])).toThrow(
      'not CIDRs: "proxy.local", "10.0.0.0/33"',
    );
  });

  it('serialises as the configured blocks', () => {
    expect(JSON.stringify({ TRUSTED_PROXY_CIDRS: new TrustedProxies(['10.0.0.0/8', '::1']) })).toBe(
      '{"TRUSTED_PROXY_CIDRS":["10.0.0.0/8","::1"]}',
    );
  });
});
