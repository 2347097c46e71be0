import { createHash } from 'node:crypto';
import { BEARER_CACHE_SECONDS, TOKEN_KEYS, tokenRateLimitKey } from './token-keys.constants';

// These lifetimes are promised to clients (docs/tokens.md, "The bearer cache"); a change here
// changes what clients may rely on.
describe('BEARER_CACHE_SECONDS', () => {
  it('holds the documented bearer cache lifetimes', () => {
    expect(BEARER_CACHE_SECONDS).toEqual({ positive: 60, negative: 10 });
  });
});

describe('TOKEN_KEYS', () => {
  it('names the bearer cache and touch keys as documented', () => {
    expect(TOKEN_KEYS.bearer('ab12')).toBe('auth:token:ab12');
    expect(TOKEN_KEYS.touch('0190a0a0-0000-7000-8000-000000000001')).toBe(
      'auth:touch:0190a0a0-0000-7000-8000-000000000001',
    );
  });
});

describe('tokenRateLimitKey', () => {
  it('builds the bearer bucket from the token hash', () => {
    const hash = createHash('sha256').update('dfoa_example').digest('hex');
    expect(tokenRateLimitKey.bearer(hash)).toBe(`rl:bearer:token:${hash}`);
  });

  it('refuses anything but a SHA-256 hex digest for the bearer bucket', () => {
    for (const notAHash of ['dfoa_plaintexttoken', '', 'A'.repeat(64), 'a'.repeat(63)]) {
      expect(() => tokenRateLimitKey.bearer(notAHash)).toThrow(RangeError);
    }
  });

  it('builds the revocation key by client IP', () => {
    expect(tokenRateLimitKey.revocation('203.0.113.9')).toBe('rl:revoke:ip:203.0.113.9');
  });
});
