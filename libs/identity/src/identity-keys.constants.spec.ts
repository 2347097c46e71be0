import { identityRateLimitKey } from './identity-keys.constants';

describe('identityRateLimitKey', () => {
  it('builds the account bucket by account id', () => {
    expect(identityRateLimitKey.account('0190a0a0-0000-7000-8000-000000000001')).toBe(
      'rl:account:account:0190a0a0-0000-7000-8000-000000000001',
    );
  });

  it('builds the console sign-in lockout keys', () => {
    expect(identityRateLimitKey.loginFailureByEmail('a@example.com')).toBe(
      'rl:login_failure:email:a@example.com',
    );
    expect(identityRateLimitKey.loginFailureByIp('198.51.100.1')).toBe(
      'rl:login_failure:ip:198.51.100.1',
    );
  });

  it('normalises emails, so one mailbox never gets two buckets', () => {
    expect(identityRateLimitKey.loginFailureByEmail(' Bob@EXAMPLE.com')).toBe(
      'rl:login_failure:email:bob@example.com',
    );
  });

  it('refuses an empty id, which would merge every caller into one bucket', () => {
    expect(() => identityRateLimitKey.account('')).toThrow(RangeError);
    expect(() => identityRateLimitKey.loginFailureByEmail('   ')).toThrow(RangeError);
  });
});
