import { DomainError } from '@dify/domain';
import { RateLimitExceededError, retryAfterSecondsFor } from './rate-limit-exceeded.error';

describe('RateLimitExceededError', () => {
  it('is a rate_limited DomainError carrying the canonical details', () => {
    const error = new RateLimitExceededError(1_500);

    expect(error).toBeInstanceOf(DomainError);
    expect(error.name).toBe('RateLimitExceededError');
    expect(error.code).toBe('rate_limited');
    expect(error.message).toBe('rate limited');
    expect(error.retryAfterMs).toBe(1_500);
    expect(error.retryAfterSeconds).toBe(2);
    expect(error.details).toEqual({ retry_after_ms: 1_500 });
  });

  it('never tells a client to retry after less than one second', () => {
    expect(new RateLimitExceededError(0).retryAfterSeconds).toBe(1);
    expect(new RateLimitExceededError(-20).retryAfterSeconds).toBe(1);
    expect(new RateLimitExceededError(Number.NaN)).toMatchObject({
      retryAfterSeconds: 1,
      retryAfterMs: 1_000,
    });
  });

  it('rounds fractional milliseconds up to whole ones', () => {
    expect(new RateLimitExceededError(0.2).retryAfterMs).toBe(1);
  });
});

describe('retryAfterSecondsFor', () => {
  it('rounds up to whole seconds, at least 1', () => {
    expect([1, 999, 1_000, 1_001, 59_999, 60_000].map(retryAfterSecondsFor)).toEqual([
      1, 1, 1, 2, 60, 60,
    ]);
    expect(retryAfterSecondsFor(0)).toBe(1);
  });
});
