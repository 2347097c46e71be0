import { networkPrefixOf } from './network-prefix';

describe('networkPrefixOf', () => {
  it.each([
    ['203.0.113.7', '203.0.113.0/24'],
    ['203.0.113.250', '203.0.113.0/24'],
    ['::ffff:203.0.113.9', '203.0.113.0/24'],
    ['2001:db8:1:1::1', '2001:db8:1::/48'],
    ['2001:0DB8:0001:ffff:0:0:0:2', '2001:db8:1::/48'],
    ['::ffff:c000:0201', '192.0.2.0/24'],
    ['2001:db8::1', '2001:db8:0::/48'],
    ['::1', '0:0:0::/48'],
    ['fe80::1%eth0', 'fe80:0:0::/48'],
    ['unknown', 'unknown'],
  ])('puts %s in %s', (ip, prefix) => {
    expect(networkPrefixOf(ip)).toBe(prefix);
  });
});
