import { canonicalIp, parseCidr } from './ip-address';

describe('canonicalIp', () => {
  it.each([
    ['203.0.113.7', '203.0.113.7'],
    ['0.0.0.0', '0.0.0.0'],
    ['::1', '::1'],
    ['0:0:0:0:0:0:0:1', '::1'],
    ['2001:DB8::1', '2001:db8::1'],
    ['2001:0db8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['::ffff:127.0.0.1', '127.0.0.1'],
    ['::FFFF:203.0.113.7', '203.0.113.7'],
    ['::ffff:cb00:7107', '203.0.113.7'],
    ['fe80::1%eth0', 'fe80::1'],
    // IPv4-compatible and NAT64 addresses are IPv6 addresses of their own, not IPv4.
    ['::203.0.113.7', '::cb00:7107'],
    ['64:ff9b::203.0.113.7', '64:ff9b::cb00:7107'],
  ])('spells %s as %s', (input, expected) => {
    expect(canonicalIp(input)).toBe(expected);
  });

  it.each([
    '',
    'unknown',
    'localhost',
    '203.0.113',
    '256.0.0.1',
    '010.0.0.1',
    ' 203.0.113.7',
    '203.0.113.7:80',
    '[::1]',
    '1:2:3:4:5:6:7:8:9',
    '::ffff:999.0.0.1',
    '%eth0',
  ])('refuses %j', (input) => {
    expect(canonicalIp(input)).toBeUndefined();
  });
});

describe('parseCidr', () => {
  it('reads address and prefix of either family', () => {
    expect(parseCidr('10.0.0.0/8')).toEqual({ address: '10.0.0.0', prefix: 8, family: 'ipv4' });
    expect(parseCidr('fc00::/7')).toEqual({ address: 'fc00::', prefix: 7, family: 'ipv6' });
    expect(parseCidr('0.0.0.0/0')).toEqual({ address: '0.0.0.0', prefix: 0, family: 'ipv4' });
    expect(parseCidr('::/128')).toEqual({ address: '::', prefix: 128, family: 'ipv6' });
  });

  it('reads a bare address as that one host', () => {
    expect(parseCidr('203.0.113.7')).toEqual({
      address: '203.0.113.7',
      prefix: 32,
      family: 'ipv4',
    });
    expect(parseCidr('::1')).toEqual({ address: '::1', prefix: 128, family: 'ipv6' });
  });

  it.each([
    '',
    '/8',
    '10.0.0.0/',
    '10.0.0.0/33',
    '::/129',
    '10.0.0.0/-1',
    '10.0.0.0/+8',
    '10.0.0.0/8/8',
    '10.0.0.0/ 8',
    '10.0.0.0/0x8',
    '10.0.0.0/1000',
    '10.0.0/8',
    'localhost/8',
    'fe80::%eth0/64',
    '*',
  ])('refuses %j', (input) => {
    expect(parseCidr(input)).toBeUndefined();
  });
});
