import { normalizeEmail } from '@dify/domain';

/**
 * Bucket key prefixes of docs/device-flow.md, "Rate limits" (plus the console sign-in lockout
 * buckets). These are wire names: live buckets sit under them in Redis, so renaming one silently
 * resets every bucket in flight and, during a rolling deploy, splits one client's count across two
 * keys.
 *
 * The deployment's `REDIS_KEY_PREFIX` is not part of them: the shared ioredis client adds it.
 */
export const RATE_LIMIT_KEY_PREFIX = {
  deviceCodeByIp: 'rl:device_code:ip:',
  deviceLookupByIp: 'rl:device_lookup:ip:',
  deviceLookupMissByNetwork: 'rl:device_lookup_miss:net:',
  deviceLookupMissByAccount: 'rl:device_lookup_miss:account:',
  ssoInitiateByIp: 'rl:sso_initiate:ip:',
  deviceDecisionByAccount: 'rl:device_decision:account:',
  approveExternalBySubject: 'rl:approve_external:subject:',
  bearerByToken: 'rl:bearer:token:',
  accountByAccount: 'rl:account:account:',
  loginFailureByEmail: 'rl:login_failure:email:',
  loginFailureByIp: 'rl:login_failure:ip:',
  revocationByIp: 'rl:revoke:ip:',
} as const;

/** The one bucket shared by every caller: failed user-code lookups (RFC 8628 §5.1). Wire name too. */
export const DEVICE_LOOKUP_MISS_KEY = 'rl:device_lookup_miss:global';

/**
 * Windows fixed by docs/device-flow.md, "Rate limits" (the limits themselves come from each
 * service's env). Not config: the variables that set the limits are named after them
 * (`..._PER_HOUR`, `..._PER_5MIN`, `..._PER_MINUTE`).
 */
export const RATE_LIMIT_WINDOW_SECONDS = {
  deviceCode: 3_600,
  deviceLookup: 300,
  deviceLookupMiss: 3_600,
  ssoInitiate: 3_600,
  deviceDecision: 3_600,
  approveExternal: 3_600,
  bearer: 60,
  account: 60,
  revocation: 60,
} as const;

const SHA256_HEX = /^[0-9a-f]{64}$/;

function bucket(prefix: string, id: string, what: string): string {
  // An empty id would put every caller into one shared bucket; the client IP is `unknown`, never ''.
  if (id.length === 0) throw new RangeError(`a rate-limit key needs a non-empty ${what}`);
  return `${prefix}${id}`;
}

/** Builds each bucket key; callers never concatenate prefixes themselves. */
export const rateLimitKey = {
  /** `POST …/device/code`, by client IP (see `resolveClientIp`). */
  deviceCode: (ip: string): string => bucket(RATE_LIMIT_KEY_PREFIX.deviceCodeByIp, ip, 'IP'),
  /** `GET …/device/lookup`, by client IP. */
  deviceLookup: (ip: string): string => bucket(RATE_LIMIT_KEY_PREFIX.deviceLookupByIp, ip, 'IP'),
  /** Failed anonymous lookups across all clients: `check` on every lookup, `record` on a miss. */
  deviceLookupMiss: (): string => DEVICE_LOOKUP_MISS_KEY,
  /** Failed anonymous lookups from one network (see `networkPrefixOf`), same modes. */
  deviceLookupMissByNetwork: (prefix: string): string =>
    bucket(RATE_LIMIT_KEY_PREFIX.deviceLookupMissByNetwork, prefix, 'network prefix'),
  /** Failed lookups of one signed-in console account, instead of the anonymous budgets. */
  deviceLookupMissByAccount: (accountId: string): string =>
    bucket(RATE_LIMIT_KEY_PREFIX.deviceLookupMissByAccount, accountId, 'account id'),
  /** `GET …/sso-initiate`, by client IP. */
  ssoInitiate: (ip: string): string => bucket(RATE_LIMIT_KEY_PREFIX.ssoInitiateByIp, ip, 'IP'),
  /**
   * Approvals and denials together, by the deciding account (the JWT `sub` claim). Not by console
   * session: signing in again would hand out a fresh bucket.
   */
  deviceDecision: (accountId: string): string =>
    bucket(RATE_LIMIT_KEY_PREFIX.deviceDecisionByAccount, accountId, 'account id'),
  /**
   * `approve-external`, by the IdP-asserted subject email (normalised,
   * docs/device-flow.md, "Wire conventions").
   */
  approveExternal: (email: string): string =>
    bucket(RATE_LIMIT_KEY_PREFIX.approveExternalBySubject, normalizeEmail(email), 'email'),
  /**
   * Every bearer request, by the SHA-256 hex of the presented token. Anything else is refused so a
   * plaintext token can never end up in a Redis key name.
   */
  bearer: (tokenSha256Hex: string): string => {
    if (!SHA256_HEX.test(tokenSha256Hex)) {
      throw new RangeError('a bearer rate-limit key takes the lower-case SHA-256 hex of the token');
    }
    return `${RATE_LIMIT_KEY_PREFIX.bearerByToken}${tokenSha256Hex}`;
  },
  /** `GET /openapi/v1/account`, by account id. */
  account: (accountId: string): string =>
    bucket(RATE_LIMIT_KEY_PREFIX.accountByAccount, accountId, 'account id'),
  /** Console sign-in failures, by the normalised email tried. */
  loginFailureByEmail: (email: string): string =>
    bucket(RATE_LIMIT_KEY_PREFIX.loginFailureByEmail, normalizeEmail(email), 'email'),
  /** Console sign-in failures, by client IP. */
  loginFailureByIp: (ip: string): string =>
    bucket(RATE_LIMIT_KEY_PREFIX.loginFailureByIp, ip, 'IP'),
  /** `POST /openapi/v1/oauth/revoke`, by client IP. */
  revocation: (ip: string): string => bucket(RATE_LIMIT_KEY_PREFIX.revocationByIp, ip, 'IP'),
} as const;
