import { DomainError } from '@dify/domain';

/**
 * Error codes of token issuance. Each is a server-side failure (the edge answers 500
 * `server_error`) and the code is the reason logged with it; renaming one breaks log queries.
 */
export const TOKEN_ISSUANCE_ERROR_CODES = {
  /**
   * The replaced token's cache entry could not be deleted, so the rotation was undone
   * (docs/tokens.md, "Issue and rotate in place").
   */
  cacheEvictionFailed: 'token_cache_eviction_failed',
  /** The device identity kept changing under the issue; it gave up rather than loop. */
  issueContended: 'token_issue_contended',
} as const;

export type TokenIssuanceErrorCode =
  (typeof TOKEN_ISSUANCE_ERROR_CODES)[keyof typeof TOKEN_ISSUANCE_ERROR_CODES];

export class TokenIssuanceError extends DomainError {
  constructor(code: TokenIssuanceErrorCode, message: string, details?: unknown) {
    super(code, message, details);
  }
}
