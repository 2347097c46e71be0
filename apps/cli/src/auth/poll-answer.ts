import type { TokenGrant } from '../wire/token-grant.parser';

/** One poll of the token endpoint, classified for the poll loop. */
export type PollAnswer =
  | { readonly kind: 'token'; readonly grant: TokenGrant }
  | { readonly kind: 'authorization_pending' }
  | { readonly kind: 'slow_down' }
  | { readonly kind: 'expired_token' }
  | { readonly kind: 'access_denied' }
  | { readonly kind: 'invalid_grant' }
  /** Any other device-flow error code: the flow cannot go on. */
  | { readonly kind: 'error'; readonly code: string; readonly httpStatus: number }
  /** A 5xx or no answer at all: worth retrying. */
  | { readonly kind: 'unavailable'; readonly reason: string }
  | { readonly kind: 'rate_limited'; readonly retryAfterSeconds: number };
