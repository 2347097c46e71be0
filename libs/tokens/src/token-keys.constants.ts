import { rateLimitBucket } from '@dify/platform';

/** The key prefixes TOKEN_KEYS builds on; wire names, see TOKEN_KEYS. */
export const TOKEN_KEY_PREFIX = {
  bearer: 'auth:token:',
  touch: 'auth:touch:',
} as const;

/**
 * Redis keys of bearer resolution (docs/redis-state.md, "Keys"). They are wire names shared by api,
 * auth and the worker: renaming one leaves live cache entries behind (a revoked token stays cached
 * as valid until its entry expires) and lets touches through twice. The deployment prefix is added
 * by the Redis client.
 */
export const TOKEN_KEYS = {
  /** `auth:token:<sha256 hex>`: the bearer cache entry, positive JSON or `invalid`. */
  bearer: (tokenHash: string): string => `${TOKEN_KEY_PREFIX.bearer}${tokenHash}`,
  /** `auth:touch:<token_id>`: at most one touch per token per minute, across gateways. */
  touch: (tokenId: string): string => `${TOKEN_KEY_PREFIX.touch}${tokenId}`,
} as const;

/**
 * The negative bearer cache value (docs/tokens.md, "The bearer cache"); a wire value, see
 * TOKEN_KEYS.
 */
export const BEARER_CACHE_INVALID = 'invalid';

/** How long `auth:touch:*` holds off further touches of one token. */
export const TOUCH_INTERVAL_SECONDS = 60;

/**
 * Lifetimes of bearer cache entries (docs/tokens.md, "The bearer cache"). Clients see them: a
 * revoked token can keep working from another gateway's cache for at most the positive lifetime.
 */
export const BEARER_CACHE_SECONDS = {
  /** How long a valid token is trusted without SQL (its cached `expires_at` is still checked). */
  positive: 60,
  /** How long an unknown or dead token is remembered as `invalid`. */
  negative: 10,
} as const;

/**
 * Bucket key prefixes of the token endpoints (docs/device-flow.md, "Rate limits"). Wire names:
 * renaming one resets every bucket in flight and, during a rolling deploy, splits one client's
 * count across two keys.
 */
export const TOKEN_RATE_LIMIT_PREFIX = {
  bearerByToken: 'rl:bearer:token:',
  revocationByIp: 'rl:revoke:ip:',
} as const;

/** Windows fixed by docs/device-flow.md, "Rate limits"; the limits come from each service's env. */
export const TOKEN_RATE_LIMIT_WINDOW_SECONDS = {
  bearer: 60,
  revocation: 60,
} as const;

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** Builds each bucket key; callers never concatenate prefixes themselves. */
export const tokenRateLimitKey = {
  /**
   * Every bearer request, by the SHA-256 hex of the presented token. Anything else is refused so a
   * plaintext token can never end up in a Redis key name.
   */
  bearer: (tokenSha256Hex: string): string => {
    if (!SHA256_HEX.test(tokenSha256Hex)) {
      throw new RangeError('a bearer rate-limit key takes the lower-case SHA-256 hex of the token');
    }
    return `${TOKEN_RATE_LIMIT_PREFIX.bearerByToken}${tokenSha256Hex}`;
  },
  /** `POST /openapi/v1/oauth/revoke`, by client IP. */
  revocation: (ip: string): string =>
    rateLimitBucket(TOKEN_RATE_LIMIT_PREFIX.revocationByIp, ip, 'IP'),
} as const;
