import { DomainError } from '@dify/domain';

/**
 * Error codes of the rate limiter. `rate_limited` is a wire value
 * (docs/device-flow.md, "Rate limits": the device envelope's `error` and the canonical envelope's
 * `code`); renaming it breaks every client.
 */
export const RATE_LIMIT_ERROR_CODE = {
  rateLimited: 'rate_limited',
} as const;

/**
 * A bucket is spent. The edge answers 429 and sets `Retry-After` from `retryAfterSeconds`
 * (whole seconds, at least 1, docs/device-flow.md, "Headers"). `details` is exactly what the bearer
 * API puts in its canonical envelope (`{retry_after_ms}`, docs/device-flow.md, "Rate limits"); it
 * never names the bucket, whose key may hold an email or an IP.
 */
export class RateLimitExceededError extends DomainError {
  readonly retryAfterSeconds: number;
  readonly retryAfterMs: number;

  /** `retryAfterMs`: how long until the bucket admits a request again, as the limiter measured it. */
  constructor(retryAfterMs: number) {
    // A wait the limiter could not measure still tells the client to back off for a moment.
    const ms = Number.isFinite(retryAfterMs) ? Math.max(1, Math.ceil(retryAfterMs)) : 1_000;
    super(RATE_LIMIT_ERROR_CODE.rateLimited, 'rate limited', { retry_after_ms: ms });
    this.retryAfterMs = ms;
    this.retryAfterSeconds = retryAfterSecondsFor(ms);
  }
}

/**
 * `Retry-After` in whole seconds, rounded up and at least 1
 * (docs/device-flow.md, "Headers", "Rate limits").
 */
export function retryAfterSecondsFor(retryAfterMs: number): number {
  return Math.max(1, Math.ceil(retryAfterMs / 1_000));
}
