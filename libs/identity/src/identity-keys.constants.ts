import { normalizeEmail } from '@dify/domain';
import { rateLimitBucket } from '@dify/platform';

/**
 * Redis key prefixes of console sessions. Wire names shared by api and auth: renaming one forgets
 * every revocation in flight, so revoked sessions work again until their JWTs expire.
 */
export const IDENTITY_KEY_PREFIX = {
  revokedSession: 'console_session:revoked:',
} as const;

/**
 * Bucket key prefixes of accounts (docs/console.md, "Sign-in lockout"; docs/device-flow.md,
 * "Rate limits"). Wire names: renaming one resets every bucket in flight and, during a rolling
 * deploy, splits one client's count across two keys.
 */
export const IDENTITY_RATE_LIMIT_PREFIX = {
  accountByAccount: 'rl:account:account:',
  loginFailureByEmail: 'rl:login_failure:email:',
  loginFailureByIp: 'rl:login_failure:ip:',
} as const;

/**
 * The account bucket's window (docs/device-flow.md, "Rate limits"). The sign-in lockout's window
 * is `LOGIN_LOCKOUT_SECONDS`.
 */
export const IDENTITY_RATE_LIMIT_WINDOW_SECONDS = {
  account: 60,
} as const;

/** Builds each bucket key; callers never concatenate prefixes themselves. */
export const identityRateLimitKey = {
  /** `GET /openapi/v1/account`, by account id. */
  account: (accountId: string): string =>
    rateLimitBucket(IDENTITY_RATE_LIMIT_PREFIX.accountByAccount, accountId, 'account id'),
  /** Console sign-in failures, by the normalised email tried. */
  loginFailureByEmail: (email: string): string =>
    rateLimitBucket(IDENTITY_RATE_LIMIT_PREFIX.loginFailureByEmail, normalizeEmail(email), 'email'),
  /** Console sign-in failures, by client IP. */
  loginFailureByIp: (ip: string): string =>
    rateLimitBucket(IDENTITY_RATE_LIMIT_PREFIX.loginFailureByIp, ip, 'IP'),
} as const;
