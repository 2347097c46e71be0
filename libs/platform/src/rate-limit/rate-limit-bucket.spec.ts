import { rateLimitBucket } from './rate-limit-bucket';

describe('rateLimitBucket', () => {
  it('appends the caller id to the prefix', () => {
    expect(rateLimitBucket('rl:example:ip:', '203.0.113.7', 'IP')).toBe(
      'rl:example:ip:203.0.113.7',
    );
  });

  it('refuses an empty id, which would merge every caller into one bucket', () => {
    expect(() => rateLimitBucket('rl:example:ip:', '', 'IP')).toThrow(RangeError);
  });
});
