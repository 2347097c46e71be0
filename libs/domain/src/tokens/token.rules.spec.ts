import { createHash } from 'node:crypto';

import {
  ACCOUNT_ISSUER,
  ACCOUNT_SCOPES,
  SCOPE,
  SSO_SCOPES,
  SUBJECT_TYPE,
  TOKEN_KINDS,
  TOKEN_PREFIX,
  TOKEN_TYPE,
} from './token.constants';
import { generateToken, hashToken, hasScope, isTokenShaped, tokenPrefixOf } from './token.rules';

describe('token constants', () => {
  it('hold the documented wire values', () => {
    expect(TOKEN_PREFIX).toEqual({ account: 'dfoa_', externalSso: 'dfoe_' });
    expect(ACCOUNT_ISSUER).toBe('dify:account');
    expect(Object.values(SCOPE).sort()).toEqual([
      'apps:read',
      'apps:read:permitted-external',
      'apps:run',
      'full',
      'workspace:read',
      'workspace:write',
    ]);
    expect(ACCOUNT_SCOPES).toEqual(['full']);
    expect(SSO_SCOPES).toEqual(['apps:run', 'apps:read:permitted-external']);
  });

  it('map each prefix to its token type, subject type and scopes', () => {
    expect(TOKEN_KINDS.dfoa_).toEqual({
      tokenType: TOKEN_TYPE.oauthAccount,
      subjectType: SUBJECT_TYPE.account,
      scopes: ['full'],
    });
    expect(TOKEN_KINDS.dfoe_).toEqual({
      tokenType: 'oauth_external_sso',
      subjectType: 'external_sso',
      scopes: ['apps:run', 'apps:read:permitted-external'],
    });
  });

  it('cannot be changed at run time by a careless caller', () => {
    expect(Object.isFrozen(ACCOUNT_SCOPES)).toBe(true);
    expect(Object.isFrozen(SSO_SCOPES)).toBe(true);
    expect(Object.isFrozen(TOKEN_KINDS)).toBe(true);
    expect(Object.isFrozen(TOKEN_KINDS.dfoe_)).toBe(true);
  });
});

describe('generateToken', () => {
  it.each([TOKEN_PREFIX.account, TOKEN_PREFIX.externalSso])(
    'makes %s + base64url of 32 bytes with its SHA-256 hex',
    (prefix) => {
      const { plaintext, hash } = generateToken(prefix);

      expect(plaintext.startsWith(prefix)).toBe(true);
      expect(isTokenShaped(plaintext)).toBe(true);
      expect(Buffer.from(plaintext.slice(prefix.length), 'base64url')).toHaveLength(32);
      expect(hash).toBe(createHash('sha256').update(plaintext).digest('hex'));
      expect(hash).toMatch(/^[0-9a-f]{64}$/);
    },
  );

  it('does not repeat', () => {
    const tokens = new Set(Array.from({ length: 500 }, () => generateToken('dfoa_').plaintext));
    expect(tokens.size).toBe(500);
  });
});

describe('hashToken', () => {
  it('is lower-case hex SHA-256 of the UTF-8 bytes', () => {
    expect(hashToken('abc')).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
    expect(hashToken('é')).toBe(
      createHash('sha256')
        .update(Buffer.from([0xc3, 0xa9]))
        .digest('hex'),
    );
  });

  it('distinguishes tokens that differ in one character', () => {
    expect(hashToken('dfoa_a')).not.toBe(hashToken('dfoa_b'));
  });
});

describe('tokenPrefixOf', () => {
  it('classifies by prefix alone', () => {
    expect(tokenPrefixOf(generateToken('dfoa_').plaintext)).toBe('dfoa_');
    expect(tokenPrefixOf(generateToken('dfoe_').plaintext)).toBe('dfoe_');
    expect(tokenPrefixOf('dfoa_short')).toBe('dfoa_');
    expect(tokenPrefixOf('dfoe_')).toBe('dfoe_');
  });

  it.each(['dfp_abc', 'app-abc', '', 'DFOA_abc', 'dfoa', ' dfoa_abc', 'dfoadfoe_', 'dfox_abc'])(
    'is null for %p',
    (value) => {
      expect(tokenPrefixOf(value)).toBeNull();
    },
  );
});

describe('isTokenShaped', () => {
  it.each([
    ['42 characters', `dfoa_${'a'.repeat(42)}`],
    ['44 characters', `dfoa_${'a'.repeat(44)}`],
    ['unknown prefix', `dfox_${'a'.repeat(43)}`],
    ['padding', `dfoe_${'a'.repeat(42)}=`],
    ['not a string', 42],
  ])('refuses %s', (_label, value) => {
    expect(isTokenShaped(value)).toBe(false);
  });
});

describe('hasScope', () => {
  it('lets full satisfy every scope', () => {
    for (const scope of Object.values(SCOPE)) {
      expect(hasScope(ACCOUNT_SCOPES, scope)).toBe(true);
    }
  });

  it('lets other grants satisfy only themselves', () => {
    expect(hasScope(SSO_SCOPES, 'apps:run')).toBe(true);
    expect(hasScope(SSO_SCOPES, 'apps:read:permitted-external')).toBe(true);
    expect(hasScope(SSO_SCOPES, 'apps:read')).toBe(false);
    expect(hasScope(SSO_SCOPES, 'workspace:read')).toBe(false);
    expect(hasScope(SSO_SCOPES, 'full')).toBe(false);
    expect(hasScope(['workspace:write'], 'workspace:read')).toBe(false);
    expect(hasScope([], 'workspace:read')).toBe(false);
  });
});
