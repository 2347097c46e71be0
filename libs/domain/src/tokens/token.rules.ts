import { createHash, randomBytes } from 'node:crypto';

import { SCOPE, TOKEN_PREFIX } from './token.constants';
import type { Scope, TokenPrefix } from './token.constants';

/** A freshly generated token. Only `hash` may be stored; `plaintext` is shown to the client once. */
export interface GeneratedToken {
  readonly plaintext: string;
  readonly hash: string;
}

const TOKEN_PATTERN = /^(dfoa|dfoe)_[A-Za-z0-9_-]{43}$/;

/**
 * prefix + base64url of 32 CSPRNG bytes, with its SHA-256 hex (docs/tokens.md, "Types and scopes").
 */
export function generateToken(prefix: TokenPrefix): GeneratedToken {
  const plaintext = `${prefix}${randomBytes(32).toString('base64url')}`;
  return { plaintext, hash: hashToken(plaintext) };
}

/** Lower-case hex SHA-256 of the UTF-8 bytes: the only form of a token that is ever stored or keyed on. */
export function hashToken(plaintext: string): string {
  return createHash('sha256').update(plaintext, 'utf8').digest('hex');
}

/**
 * Classifies a presented value by prefix alone (docs/tokens.md, "Types and scopes"): whether the
 * rest is well formed does not matter here, because an ill-formed token simply matches no stored
 * hash.
 */
export function tokenPrefixOf(value: string): TokenPrefix | null {
  if (value.startsWith(TOKEN_PREFIX.account)) {
    return TOKEN_PREFIX.account;
  }
  if (value.startsWith(TOKEN_PREFIX.externalSso)) {
    return TOKEN_PREFIX.externalSso;
  }
  return null;
}

/** True for the exact wire format `^(dfoa|dfoe)_[A-Za-z0-9_-]{43}$`. */
export function isTokenShaped(value: unknown): value is string {
  return typeof value === 'string' && TOKEN_PATTERN.test(value);
}

/**
 * `full` satisfies every required scope (docs/tokens.md, "Types and scopes"); anything else must be
 * granted by name.
 */
export function hasScope(granted: readonly string[], required: Scope): boolean {
  return granted.includes(SCOPE.full) || granted.includes(required);
}
