import { randomFillSync } from 'node:crypto';

// One refill serves about a hundred device codes; each `randomBytes` call would otherwise cross
// into the CSPRNG for a few dozen bytes, which on the issuance path cost more than the copy.
const POOL_SIZE = 4096;

const pool = Buffer.alloc(POOL_SIZE);
let offset = POOL_SIZE;

/**
 * `size` CSPRNG bytes, like `crypto.randomBytes`, but drawn from a buffer that `randomFillSync`
 * refills once it is used up (the way Node buffers `randomUUID`). Every byte is handed out once:
 * the answer is a copy, and the pool moves past it.
 */
export function pooledRandomBytes(size: number): Buffer {
  if (!Number.isSafeInteger(size) || size < 0 || size > POOL_SIZE) {
    throw new RangeError(`pooled random draws are 0 to ${POOL_SIZE} bytes, got ${size}`);
  }
  if (offset + size > POOL_SIZE) {
    randomFillSync(pool);
    offset = 0;
  }
  const bytes = Buffer.from(pool.subarray(offset, offset + size));
  offset += size;
  return bytes;
}
