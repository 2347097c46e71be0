import { createSecretKey, type KeyObject } from 'node:crypto';

/**
 * The HS256 key of console access tokens, made once per process. Handed a string, jsonwebtoken
 * first tries to parse it as a PEM public key on every sign and verify, and only falls back to a
 * secret key after that throws: an exception with a stack on each console request, twice on an
 * approval (its admission hook and its session guard both verify the cookie). A KeyObject of type
 * `secret` skips the attempt; the bytes, the algorithm and the checks are the same.
 */
export function consoleJwtKey(secretKey: string): KeyObject {
  return createSecretKey(Buffer.from(secretKey, 'utf8'));
}
