/**
 * Token prefixes. They are in every token handed to a client and in the `prefix` column (with a
 * CHECK constraint); renaming one invalidates tokens in flight and stored rows.
 */
export const TOKEN_PREFIX = {
  account: 'dfoa_',
  externalSso: 'dfoe_',
} as const;
export type TokenPrefix = (typeof TOKEN_PREFIX)[keyof typeof TOKEN_PREFIX];

/**
 * The `subject_issuer` stored for account tokens. It is never NULL so the partial unique index on
 * (email, issuer, client, label) cannot be bypassed by NULLs; changing it orphans every live row.
 */
export const ACCOUNT_ISSUER = 'dify:account';

/** Subject types as they appear in API responses, cache entries and audit events (wire-stable). */
export const SUBJECT_TYPE = {
  account: 'account',
  externalSso: 'external_sso',
} as const;
export type SubjectType = (typeof SUBJECT_TYPE)[keyof typeof SUBJECT_TYPE];

/** Token types as they appear in the request context and audit events (wire-stable). */
export const TOKEN_TYPE = {
  oauthAccount: 'oauth_account',
  oauthExternalSso: 'oauth_external_sso',
} as const;
export type TokenType = (typeof TOKEN_TYPE)[keyof typeof TOKEN_TYPE];

/**
 * The scope catalogue (docs/tokens.md, "Types and scopes"). Scope strings appear in audit events;
 * renaming breaks them.
 */
export const SCOPE = {
  full: 'full',
  appsRead: 'apps:read',
  appsReadPermittedExternal: 'apps:read:permitted-external',
  appsRun: 'apps:run',
  workspaceRead: 'workspace:read',
  workspaceWrite: 'workspace:write',
} as const;
export type Scope = (typeof SCOPE)[keyof typeof SCOPE];

// Scopes are derived from the prefix and never stored, so these two lists are the whole truth.
// Frozen because they are shared by every caller in the process.
export const ACCOUNT_SCOPES: readonly Scope[] = Object.freeze([SCOPE.full]);
export const SSO_SCOPES: readonly Scope[] = Object.freeze([
  SCOPE.appsRun,
  SCOPE.appsReadPermittedExternal,
]);

/**
 * What each prefix means (docs/tokens.md, "Types and scopes"): one table, so classification cannot
 * drift between callers.
 */
export const TOKEN_KINDS: Readonly<
  Record<
    TokenPrefix,
    {
      readonly tokenType: TokenType;
      readonly subjectType: SubjectType;
      readonly scopes: readonly Scope[];
    }
  >
> = Object.freeze({
  [TOKEN_PREFIX.account]: Object.freeze({
    tokenType: TOKEN_TYPE.oauthAccount,
    subjectType: SUBJECT_TYPE.account,
    scopes: ACCOUNT_SCOPES,
  }),
  [TOKEN_PREFIX.externalSso]: Object.freeze({
    tokenType: TOKEN_TYPE.oauthExternalSso,
    subjectType: SUBJECT_TYPE.externalSso,
    scopes: SSO_SCOPES,
  }),
});
