import { resolveClientIp, UNKNOWN_CLIENT_IP } from './client-ip';
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

const trusted = new TrustedProxies(PRIVATE_RANGES);
const GATEWAY = '10.0.0.1';
const CLIENT = '203.0.113.7';

describe('resolveClientIp', () => {
  describe('when the peer is not a trusted proxy', () => {
    it('is the peer, whatever X-Forwarded-For claims', () => {
      expect(resolveClientIp(CLIENT, undefined, trusted)).toBe(CLIENT);
      expect(resolveClientIp(CLIENT, '198.51.100.1', trusted)).toBe(CLIENT);
      expect(resolveClientIp(CLIENT, ['10.0.0.9', '127.0.0.1'], trusted)).toBe(CLIENT);
    });

    it('is the canonical spelling of the peer', () => {
      expect(resolveClientIp('::ffff:203.0.113.7', undefined, trusted)).toBe(CLIENT);
      expect(resolveClientIp('2001:DB8:0::1', undefined, trusted)).toBe('2001:db8::1');
      expect(resolveClientIp(' 203.0.113.7 ', undefined, trusted)).toBe(CLIENT);
    });

    it('trusts no one when the trusted set is empty', () => {
      expect(resolveClientIp('127.0.0.1', CLIENT, new TrustedProxies([]))).toBe('127.0.0.1');
    });
  });

  describe('when the peer cannot be determined', () => {
    it.each([undefined, '', 'unknown', '/var/run/auth.sock'])(
      'is unknown for peer %j, and X-Forwarded-For is not believed',
      (peer) => {
        expect(resolveClientIp(peer, CLIENT, trusted)).toBe(UNKNOWN_CLIENT_IP);
      },
    );

    it('is the literal "unknown"', () => {
      expect(UNKNOWN_CLIENT_IP).toBe('unknown');
    });
  });

  describe('when the peer is a trusted proxy', () => {
    it('is the peer when there is no X-Forwarded-For', () => {
      expect(resolveClientIp(GATEWAY, undefined, trusted)).toBe(GATEWAY);
      expect(resolveClientIp(GATEWAY, '', trusted)).toBe(GATEWAY);
      expect(resolveClientIp(GATEWAY, [], trusted)).toBe(GATEWAY);
      expect(resolveClientIp(GATEWAY, ' , ', trusted)).toBe(GATEWAY);
    });

    it('is the entry the gateway appended', () => {
      expect(resolveClientIp(GATEWAY, CLIENT, trusted)).toBe(CLIENT);
    });

    it('is the right-most entry that is not a trusted proxy, ignoring what the client wrote', () => {
      // The client sent "X-Forwarded-For: 198.51.100.1, 10.9.9.9" to look trusted or like someone else.
      expect(resolveClientIp(GATEWAY, `198.51.100.1, 10.9.9.9, ${CLIENT}`, trusted)).toBe(CLIENT);
    });

    it('walks past every trusted hop', () => {
      expect(resolveClientIp(GATEWAY, `${CLIENT}, 192.168.0.5, 10.0.0.2`, trusted)).toBe(CLIENT);
      expect(resolveClientIp('::1', `${CLIENT}, ::ffff:10.0.0.2, fd00::3`, trusted)).toBe(CLIENT);
    });

    it('is the left-most entry when every entry is a trusted proxy', () => {
      expect(resolveClientIp(GATEWAY, '10.0.0.3, 10.0.0.2', trusted)).toBe('10.0.0.3');
      expect(resolveClientIp(GATEWAY, '127.0.0.1', trusted)).toBe('127.0.0.1');
    });

    it('stops at a malformed entry and keeps the last address that was vouched for', () => {
      expect(resolveClientIp(GATEWAY, `${CLIENT}, not-an-ip, 10.0.0.2`, trusted)).toBe('10.0.0.2');
      expect(resolveClientIp(GATEWAY, `${CLIENT}, unknown`, trusted)).toBe(GATEWAY);
      expect(resolveClientIp(GATEWAY, 'garbage', trusted)).toBe(GATEWAY);
      expect(resolveClientIp(GATEWAY, `${CLIENT}, 010.0.0.2`, trusted)).toBe(GATEWAY);
      expect(resolveClientIp(GATEWAY, `${CLIENT}, [203.0.113.8]`, trusted)).toBe(GATEWAY);
    });

    it('does not look past the first untrusted entry, even when a malformed one lies beyond', () => {
      expect(resolveClientIp(GATEWAY, `garbage, ${CLIENT}`, trusted)).toBe(CLIENT);
    });

    it('joins several X-Forwarded-For headers in order', () => {
      expect(resolveClientIp(GATEWAY, ['198.51.100.1', CLIENT], trusted)).toBe(CLIENT);
      expect(resolveClientIp(GATEWAY, [CLIENT, '198.51.100.1'], trusted)).toBe('198.51.100.1');
      expect(resolveClientIp(GATEWAY, [`198.51.100.1, ${CLIENT}`, '10.0.0.2'], trusted)).toBe(
        CLIENT,
      );
    });

    it('skips empty entries and surrounding whitespace', () => {
      expect(resolveClientIp(GATEWAY, ` ${CLIENT} ,, 10.0.0.2 ,`, trusted)).toBe(CLIENT);
    });

    it('normalises entries to one spelling per address', () => {
      expect(resolveClientIp(GATEWAY, '::ffff:203.0.113.7', trusted)).toBe(CLIENT);
      expect(resolveClientIp(GATEWAY, '2001:0DB8:0000::0001', trusted)).toBe('2001:db8::1');
      expect(resolveClientIp(GATEWAY, '::ffff:10.0.0.2', trusted)).toBe('10.0.0.2');
    });

    it('reads ports and brackets that some proxies add', () => {
      expect(resolveClientIp(GATEWAY, '203.0.113.7:52113', trusted)).toBe(CLIENT);
      expect(resolveClientIp(GATEWAY, '[2001:db8::1]:443', trusted)).toBe('2001:db8::1');
      expect(resolveClientIp(GATEWAY, '[2001:db8::1]', trusted)).toBe('2001:db8::1');
      expect(resolveClientIp(GATEWAY, `${CLIENT}, 10.0.0.2:8080`, trusted)).toBe(CLIENT);
    });

    it('recognises a trusted peer in any spelling', () => {
      expect(resolveClientIp('::ffff:127.0.0.1', CLIENT, trusted)).toBe(CLIENT);
      expect(resolveClientIp('0:0:0:0:0:0:0:1', CLIENT, trusted)).toBe(CLIENT);
      expect(resolveClientIp('fd00::1', CLIENT, trusted)).toBe(CLIENT);
    });

    it('uses the configured set, not a built-in one', () => {
      const custom = new TrustedProxies(['198.51.100.0/24']);
      expect(resolveClientIp('198.51.100.10', `${CLIENT}, 10.0.0.2`, custom)).toBe('10.0.0.2');
      expect(resolveClientIp(GATEWAY, CLIENT, custom)).toBe(GATEWAY);
    });
  });
});
