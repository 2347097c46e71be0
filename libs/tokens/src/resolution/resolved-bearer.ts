import type { SubjectType, TokenPrefix, TokenType } from '@dify/domain';

/**
 * An accepted bearer token: what the request context holds (docs/tokens.md, "Bearer resolution").
 * Scopes come from the prefix, never from storage.
 */
export interface ResolvedBearer {
  readonly tokenId: string;
  readonly tokenHash: string;
  readonly prefix: TokenPrefix;
  readonly subjectType: SubjectType;
  readonly subjectEmail: string;
  readonly subjectIssuer: string;
  /** Set exactly for `dfoa_` tokens. */
  readonly accountId: string | null;
  readonly clientId: string;
  readonly scopes: readonly string[];
  readonly tokenType: TokenType;
  readonly expiresAt: Date;
}
