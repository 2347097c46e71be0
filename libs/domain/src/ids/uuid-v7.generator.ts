import { randomBytes } from 'node:crypto';

import type { RandomBytesSource } from './random-bytes.source';

// RFC 9562 §5.7: unix_ts_ms is 48 bits.
const MAX_TIMESTAMP_MS = 2 ** 48 - 1;
// rand_a (12 bits) doubles as a counter within one millisecond (RFC 9562 §6.2, method 1).
const MAX_COUNTER = 0xfff;
// A fresh counter starts with its top bit clear, leaving at least 2048 increments before it rolls
// over into the next millisecond.
const COUNTER_SEED_MASK = 0x7ff;

/**
 * UUIDv7 per RFC 9562: 48-bit unix millisecond timestamp, version 7, a 12-bit counter, the
 * RFC variant and 62 CSPRNG bits. Ids from one generator are strictly increasing, even within a
 * millisecond or when the clock steps back, so primary keys stay append-friendly in b-tree indexes.
 */
export class UuidV7Generator {
  private lastMs = -1;
  private counter = 0;

  constructor(private readonly random: RandomBytesSource = randomBytes) {}

  next(nowMs: number = Date.now()): string {
    if (!Number.isFinite(nowMs) || nowMs < 0 || nowMs > MAX_TIMESTAMP_MS) {
      throw new RangeError(`UUIDv7 timestamp out of range: ${nowMs}`);
    }
    // 2 bytes seed the counter, 8 bytes feed rand_b.
    const entropy = this.random(10);
    const seed = ((entropy[0] << 8) | entropy[1]) & COUNTER_SEED_MASK;

    let ms = Math.floor(nowMs);
    if (ms > this.lastMs) {
      this.counter = seed;
    } else {
      // Same millisecond, or the clock stepped back: stay on the last timestamp and count up.
      ms = this.lastMs;
      this.counter += 1;
      if (this.counter > MAX_COUNTER) {
        ms += 1;
        this.counter = seed;
      }
    }
    this.lastMs = ms;

    const bytes = new Uint8Array(16);
    let rest = ms;
    for (let i = 5; i >= 0; i -= 1) {
      bytes[i] = rest % 256;
      rest = Math.floor(rest / 256);
    }
    bytes[6] = 0x70 | (this.counter >> 8);
    bytes[7] = this.counter & 0xff;
    bytes[8] = 0x80 | (entropy[2] & 0x3f);
    for (let i = 9; i < 16; i += 1) {
      bytes[i] = entropy[i - 6];
    }

    const hex = Buffer.from(bytes).toString('hex');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }
}

const processGenerator = new UuidV7Generator();

/** A new UUIDv7 from the process-wide generator (monotonic within this process). */
export function generateUuidV7(): string {
  return processGenerator.next();
}
