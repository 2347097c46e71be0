import { randomBytes } from 'node:crypto';

import { pooledRandomBytes } from '../ids/pooled-random-bytes';

/**
 * The device code prefix. It is part of every device code in flight and of the Redis key
 * `device_code:<device_code>`; renaming it breaks codes already issued.
 */
export const DEVICE_CODE_PREFIX = 'dc_';

// `dc_` + base64url (RFC 4648 §5, unpadded) of 32 bytes = 43 characters
// (docs/device-flow.md, "Device authorization request").
const DEVICE_CODE_PATTERN = /^dc_[A-Za-z0-9_-]{43}$/;

/** A new device code: `dc_` + base64url of 32 CSPRNG bytes (256 bits, not guessable). */
export function generateDeviceCode(): string {
  return `${DEVICE_CODE_PREFIX}${pooledRandomBytes(32).toString('base64url')}`;
}

/**
 * True when the value has the shape of a device code. A shape check only: callers use it to skip
 * a Redis round trip for input that can never be a code, not to decide that a code exists.
 */
export function isDeviceCodeShaped(value: unknown): value is string {
  return typeof value === 'string' && DEVICE_CODE_PATTERN.test(value);
}

/**
 * A transition id (docs/redis-state.md, "Transition markers"): base64url of 16 CSPRNG bytes, fresh
 * per approve or deny attempt. It owns the approval guard and makes the transition marker unique
 * per attempt.
 */
export function generateTransitionId(): string {
  return randomBytes(16).toString('base64url');
}
