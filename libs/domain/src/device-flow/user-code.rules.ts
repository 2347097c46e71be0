import { pooledRandomBytes } from '../ids/pooled-random-bytes';
import type { RandomBytesSource } from '../ids/random-bytes.source';

/**
 * The 30 characters a user code is drawn from (docs/device-flow.md, "User codes"): no I, O, Z, 0, 1
 * or 2, which people misread. Changing it invalidates every code in flight and every rate-limit key
 * derived from one.
 */
export const USER_CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXY3456789';

const GROUP_LENGTH = 4;
const CODE_LENGTH = 2 * GROUP_LENGTH;
// 240 is the largest multiple of 30 a byte can hold; bytes at or above it are redrawn so that
// `byte % 30` is exactly uniform instead of favouring the first 16 characters.
const ACCEPT_BELOW = 240;
// One draw usually covers a whole code: 16 bytes yield 15 accepted on average.
const DRAW_SIZE = 16;

const ALPHABET_SET: ReadonlySet<string> = new Set(USER_CODE_ALPHABET);
const USER_CODE_PATTERN = new RegExp(`^[${USER_CODE_ALPHABET}]{4}-[${USER_CODE_ALPHABET}]{4}$`);

/** A fresh `XXXX-XXXX` code, each character uniform over the alphabet (rejection sampling). */
export function generateUserCode(random: RandomBytesSource = pooledRandomBytes): string {
  let code = '';
  while (code.length < CODE_LENGTH) {
    for (const byte of random(DRAW_SIZE)) {
      if (byte >= ACCEPT_BELOW) {
        continue;
      }
      code += USER_CODE_ALPHABET[byte % USER_CODE_ALPHABET.length];
      if (code.length === CODE_LENGTH) {
        break;
      }
    }
  }
  return withDash(code);
}

/**
 * The normalisation of docs/device-flow.md, "User codes", applied everywhere a code is received:
 * NFKC, upper-case, drop every character outside the alphabet, insert the dash. Anything but
 * exactly 8 survivors is not a code (`null`), which callers treat as an unknown code without
 * looking it up.
 */
export function normalizeUserCode(input: string): string | null {
  let kept = '';
  for (const char of input.normalize('NFKC').toUpperCase()) {
    if (ALPHABET_SET.has(char)) {
      kept += char;
      if (kept.length > CODE_LENGTH) {
        return null;
      }
    }
  }
  return kept.length === CODE_LENGTH ? withDash(kept) : null;
}

/** True only for an already normalised code, e.g. one read back from Redis. */
export function isUserCode(value: unknown): value is string {
  return typeof value === 'string' && USER_CODE_PATTERN.test(value);
}

function withDash(code: string): string {
  return `${code.slice(0, GROUP_LENGTH)}-${code.slice(GROUP_LENGTH)}`;
}
