import { createHash } from 'node:crypto';
import { ACCOUNT_ISSUER, normalizeEmail } from '@dify/domain';

/**
 * Redis key prefixes of the device flow (docs/redis-state.md, "Keys"). They are wire names: live
 * flows sit under them, and `auth` replicas of two versions must agree on them during a rolling
 * deploy, so renaming one strands every code in flight.
 *
 * The deployment's `REDIS_KEY_PREFIX` is not part of them: the shared ioredis client adds it, to
 * plain commands and to script KEYS alike.
 */
export const DEVICE_FLOW_KEY_PREFIX = {
  deviceCode: 'device_code:',
  userCode: 'user_code:',
  approvalGuard: 'oauth_device:approval_guard:',
} as const;

/** Builds each key; callers never concatenate prefixes themselves. */
export const deviceFlowKey = {
  /** The device state hash (docs/redis-state.md, "The device hash"). */
  deviceCode: (deviceCode: string): string => `${DEVICE_FLOW_KEY_PREFIX.deviceCode}${deviceCode}`,
  /** `user_code:<XXXX-XXXX>` → device code. Takes a normalised code only. */
  userCode: (userCode: string): string => `${DEVICE_FLOW_KEY_PREFIX.userCode}${userCode}`,
  /** The approval guard of one device identity (see `approvalGuardId`). */
  approvalGuard: (guardId: string): string => `${DEVICE_FLOW_KEY_PREFIX.approvalGuard}${guardId}`,
} as const;

/**
 * The approval guard id of a device identity (docs/device-flow.md, "Approval"): SHA-256 hex of
 * `email NUL "dify:account" NUL client_id NUL device_label`. NUL cannot occur in any of the parts
 * (labels refuse control characters), so two identities never join into the same string. Hashing
 * keeps the email out of the key name.
 */
export function approvalGuardId(email: string, clientId: string, deviceLabel: string): string {
  return createHash('sha256')
    .update([normalizeEmail(email), ACCOUNT_ISSUER, clientId, deviceLabel].join('\0'), 'utf8')
    .digest('hex');
}
