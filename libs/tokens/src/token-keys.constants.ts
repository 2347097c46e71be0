/**
 * Redis keys of bearer resolution (docs/redis-state.md, "Keys"). They are wire names shared by api,
 * auth and the worker: renaming one leaves live cache entries behind (a revoked token stays cached
 * as valid until its entry expires) and lets touches through twice. The deployment prefix is added
 * by the Redis client.
 */
export const TOKEN_KEYS = {
  /** `auth:token:<sha256 hex>`: the bearer cache entry, positive JSON or `invalid`. */
  bearer: (tokenHash: string): string => `auth:token:${tokenHash}`,
  /** `auth:touch:<token_id>`: at most one touch per token per minute, across gateways. */
  touch: (tokenId: string): string => `auth:touch:${tokenId}`,
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
