import { rateLimitBucket } from '@dify/platform';

/**
 * Bucket key prefixes of the device flow (docs/device-flow.md, "Rate limits"). These are wire
 * names: live buckets sit under them in Redis, so renaming one silently resets every bucket in
 * flight and, during a rolling deploy, splits one client's count across two keys.
 */
export const DEVICE_FLOW_RATE_LIMIT_PREFIX = {
  deviceCodeByIp: 'rl:device_code:ip:',
  deviceLookupByIp: 'rl:device_lookup:ip:',
  deviceLookupMissByNetwork: 'rl:device_lookup_miss:net:',
  deviceLookupMissByAccount: 'rl:device_lookup_miss:account:',
  deviceDecisionByAccount: 'rl:device_decision:account:',
} as const;

/** The one bucket shared by every caller: failed user-code lookups (RFC 8628 §5.1). Wire name too. */
export const DEVICE_LOOKUP_MISS_KEY = 'rl:device_lookup_miss:global';

/**
 * Windows fixed by docs/device-flow.md, "Rate limits" (the limits themselves come from the env).
 * Not config: the variables that set the limits are named after them (`..._PER_HOUR`,
 * `..._PER_5MIN`).
 */
export const DEVICE_FLOW_RATE_LIMIT_WINDOW_SECONDS = {
  deviceCode: 3_600,
  deviceLookup: 300,
  deviceLookupMiss: 3_600,
  deviceDecision: 3_600,
} as const;

/** Builds each bucket key; callers never concatenate prefixes themselves. */
export const deviceFlowRateLimitKey = {
  /** `POST …/device/code`, by client IP (see `resolveClientIp`). */
  deviceCode: (ip: string): string =>
    rateLimitBucket(DEVICE_FLOW_RATE_LIMIT_PREFIX.deviceCodeByIp, ip, 'IP'),
  /** `GET …/device/lookup`, by client IP. */
  deviceLookup: (ip: string): string =>
    rateLimitBucket(DEVICE_FLOW_RATE_LIMIT_PREFIX.deviceLookupByIp, ip, 'IP'),
  /** Failed anonymous lookups across all clients: `check` on every lookup, `record` on a miss. */
  deviceLookupMiss: (): string => DEVICE_LOOKUP_MISS_KEY,
  /** Failed anonymous lookups from one network (see `networkPrefixOf`), same modes. */
  deviceLookupMissByNetwork: (prefix: string): string =>
    rateLimitBucket(
      DEVICE_FLOW_RATE_LIMIT_PREFIX.deviceLookupMissByNetwork,
      prefix,
      'network prefix',
    ),
  /** Failed lookups of one signed-in console account, instead of the anonymous budgets. */
  deviceLookupMissByAccount: (accountId: string): string =>
    rateLimitBucket(
      DEVICE_FLOW_RATE_LIMIT_PREFIX.deviceLookupMissByAccount,
      accountId,
      'account id',
    ),
  /**
   * Approvals and denials together, by the deciding account (the JWT `sub` claim). Not by console
   * session: signing in again would hand out a fresh bucket.
   */
  deviceDecision: (accountId: string): string =>
    rateLimitBucket(DEVICE_FLOW_RATE_LIMIT_PREFIX.deviceDecisionByAccount, accountId, 'account id'),
} as const;
