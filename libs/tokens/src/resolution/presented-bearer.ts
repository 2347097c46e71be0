import { hashToken } from '@dify/domain';

/**
 * A bearer value as a client presented it, hashed once: the one hash names the rate-limit
 * bucket, the cache entry and the row lookup, so no step hashes the token again.
 */
export interface PresentedBearer {
  readonly token: string;
  /** SHA-256 hex of `token`, as `oauth_access_tokens.token_hash` stores it. */
  readonly tokenHash: string;
}

export function presentBearer(token: string): PresentedBearer {
  return { token, tokenHash: hashToken(token) };
}
