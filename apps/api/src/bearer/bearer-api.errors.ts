import { ApiError } from '@dify/http-edge';

/**
 * Error codes of the bearer API (docs/bearer-api.md). Clients such as difyctl branch on them, so
 * renaming one is a breaking change. The rate limit's `rate_limited` comes from the platform
 * limiter.
 */
export const BEARER_ERROR_CODES = {
  bearerAuthDisabled: 'bearer_auth_disabled',
  bearerRequired: 'bearer_required',
  invalidBearer: 'invalid_bearer',
  unsupportedTokenType: 'unsupported_token_type',
  licenseInvalid: 'license_invalid',
  insufficientScope: 'insufficient_scope',
  accountNotFound: 'account_not_found',
  sessionNotFound: 'session_not_found',
  workspaceNotFound: 'workspace_not_found',
} as const;

export type BearerErrorCode = (typeof BEARER_ERROR_CODES)[keyof typeof BEARER_ERROR_CODES];

/** HTTP status of each code; `ApiError` carries it, so the app's status map needs none of these. */
export const BEARER_ERROR_STATUSES: Readonly<Record<BearerErrorCode, number>> = {
  [BEARER_ERROR_CODES.bearerAuthDisabled]: 503,
  [BEARER_ERROR_CODES.bearerRequired]: 401,
  [BEARER_ERROR_CODES.invalidBearer]: 401,
  [BEARER_ERROR_CODES.unsupportedTokenType]: 403,
  [BEARER_ERROR_CODES.licenseInvalid]: 403,
  [BEARER_ERROR_CODES.insufficientScope]: 403,
  [BEARER_ERROR_CODES.accountNotFound]: 401,
  [BEARER_ERROR_CODES.sessionNotFound]: 404,
  [BEARER_ERROR_CODES.workspaceNotFound]: 404,
};

// Fixed texts: clients and the documentation rely on them, and a message that never varies cannot
// leak which of several failures happened (every invalid bearer reads the same).
const MESSAGES: Readonly<Record<BearerErrorCode, string>> = {
  [BEARER_ERROR_CODES.bearerAuthDisabled]: 'bearer authentication is disabled',
  [BEARER_ERROR_CODES.bearerRequired]: 'bearer token required',
  [BEARER_ERROR_CODES.invalidBearer]: 'invalid bearer',
  [BEARER_ERROR_CODES.unsupportedTokenType]: 'this token type cannot use this route',
  [BEARER_ERROR_CODES.licenseInvalid]: 'license invalid',
  [BEARER_ERROR_CODES.insufficientScope]: 'insufficient scope',
  [BEARER_ERROR_CODES.accountNotFound]: 'account not found',
  [BEARER_ERROR_CODES.sessionNotFound]: 'session not found',
  [BEARER_ERROR_CODES.workspaceNotFound]: 'workspace not found',
};

/** The canonical-envelope error for a bearer API code, with its fixed status and message. */
export function bearerApiError(code: BearerErrorCode): ApiError {
  return new ApiError(BEARER_ERROR_STATUSES[code], code, MESSAGES[code]);
}
