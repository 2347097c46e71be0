import { createHash } from 'node:crypto';
import {
  DEVICE_LOOKUP_MISS_KEY,
  RATE_LIMIT_KEY_PREFIX,
  rateLimitKey,
} from './rate-limit-keys.constants';

describe('rateLimitKey', () => {
  it('builds the documented bucket keys exactly', () => {
    const hash = createHash('sha256').update('dfoa_example').digest('hex');
    expect([
      rateLimitKey.deviceCode('203.0.113.7'),
      rateLimitKey.deviceLookup('2001:db8::1'),
      rateLimitKey.deviceLookupMiss(),
      rateLimitKey.ssoInitiate('unknown'),
      rateLimitKey.deviceDecision('0190a0a0-0000-7000-8000-000000000002'),
      rateLimitKey.approveExternal('a@example.com'),
      rateLimitKey.bearer(hash),
      rateLimitKey.account('0190a0a0-0000-7000-8000-000000000001'),
    ]).toEqual([
      'rl:device_code:ip:203.0.113.7',
      'rl:device_lookup:ip:2001:db8::1',
      'rl:device_lookup_miss:global',
      'rl:sso_initiate:ip:unknown',
      'rl:device_decision:account:0190a0a0-0000-7000-8000-000000000002',
      'rl:approve_external:subject:a@example.com',
      `rl:bearer:token:${hash}`,
      'rl:account:account:0190a0a0-0000-7000-8000-000000000001',
    ]);
  });

  it('builds the console sign-in lockout keys', () => {
    expect(rateLimitKey.loginFailureByEmail('a@example.com')).toBe(
      'rl:login_failure:email:a@example.com',
    );
    expect(rateLimitKey.loginFailureByIp('198.51.100.1')).toBe('rl:login_failure:ip:198.51.100.1');
  });

  it('builds the failed-lookup budgets of a network and of an account', () => {
    expect(rateLimitKey.deviceLookupMissByNetwork('203.0.113.0/24')).toBe(
      'rl:device_lookup_miss:net:203.0.113.0/24',
    );
    expect(rateLimitKey.deviceLookupMissByAccount('0190a0a0-0000-7000-8000-000000000001')).toBe(
      'rl:device_lookup_miss:account:0190a0a0-0000-7000-8000-000000000001',
    );
  });

  it('builds the revocation key by client IP', () => {
    expect(rateLimitKey.revocation('203.0.113.9')).toBe('rl:revoke:ip:203.0.113.9');
  });

  it('normalises emails, so one mailbox never gets two buckets', () => {
    expect(rateLimitKey.approveExternal('  Alice@Example.COM ')).toBe(
      rateLimitKey.approveExternal('alice@example.com'),
    );
    expect(rateLimitKey.loginFailureByEmail(' Bob@EXAMPLE.com')).toBe(
      'rl:login_failure:email:bob@example.com',
    );
  });

  it('refuses anything but a SHA-256 hex digest for the bearer bucket', () => {
    for (const notAHash of ['dfoa_plaintexttoken', '', 'A'.repeat(64), 'a'.repeat(63)]) {
      expect(() => rateLimitKey.bearer(notAHash)).toThrow(RangeError);
    }
  });

  it('refuses an empty id, which would merge every caller into one bucket', () => {
    expect(() => rateLimitKey.deviceCode('')).toThrow(RangeError);
    expect(() => rateLimitKey.deviceDecision('')).toThrow(RangeError);
    expect(() => rateLimitKey.account('')).toThrow(RangeError);
    expect(() => rateLimitKey.approveExternal('   ')).toThrow(RangeError);
  });

  it('keeps every prefix under rl: and distinct, so endpoints never share a bucket', () => {
    const names = [...Object.values(RATE_LIMIT_KEY_PREFIX), DEVICE_LOOKUP_MISS_KEY];
    expect(new Set(names).size).toBe(names.length);
    expect(names.every((name) => name.startsWith('rl:'))).toBe(true);
    // No prefix may be the start of another one, or two buckets could collide on one key.
    for (const a of names) {
      for (const b of names) if (a !== b) expect(b.startsWith(a)).toBe(false);
    }
  });
});
