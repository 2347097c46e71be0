import { hashToken } from '@dify/domain';
import { decodeBearerEntry, encodeBearerEntry } from './bearer-cache.codec';
import type { ResolvedBearer } from './resolved-bearer';

const HASH = hashToken('dfoa_example');
const ACCOUNT_ID = '0190a6d3-8c2e-7a1b-9f00-0123456789ab';

const accountBearer: ResolvedBearer = {
  tokenId: '0190a6d3-8c2e-7a1b-9f00-00000000000a',
  tokenHash: HASH,
  prefix: 'dfoa_',
  subjectType: 'account',
  subjectEmail: 'ada@example.com',
  subjectIssuer: 'dify:account',
  accountId: ACCOUNT_ID,
  clientId: 'difyctl',
  scopes: ['full'],
  tokenType: 'oauth_account',
  expiresAt: new Date('2030-01-01T00:00:00.000Z'),
};

const ssoBearer: ResolvedBearer = {
  ...accountBearer,
  prefix: 'dfoe_',
  subjectType: 'external_sso',
  subjectIssuer: 'https://idp.example.com',
  accountId: null,
  scopes: ['apps:run', 'apps:read:permitted-external'],
  tokenType: 'oauth_external_sso',
};

function withEntry(bearer: ResolvedBearer, change: Record<string, unknown>): string {
  return JSON.stringify({ ...JSON.parse(encodeBearerEntry(bearer)), ...change });
}

describe('bearer cache entries', () => {
  it('use the documented field names and no secret', () => {
    expect(JSON.parse(encodeBearerEntry(accountBearer))).toEqual({
      token_id: accountBearer.tokenId,
      subject_type: 'account',
      subject_email: 'ada@example.com',
      subject_issuer: 'dify:account',
      account_id: ACCOUNT_ID,
      client_id: 'difyctl',
      prefix: 'dfoa_',
      expires_at: '2030-01-01T00:00:00.000Z',
    });
    expect(encodeBearerEntry(accountBearer)).not.toContain(HASH);
  });

  it.each([accountBearer, ssoBearer])('round-trip ($prefix)', (bearer) => {
    expect(decodeBearerEntry(encodeBearerEntry(bearer), bearer.prefix, HASH)).toEqual(bearer);
  });

  it.each<[string, string]>([
    ['not JSON', '{'],
    ['JSON null', 'null'],
    ['an array', '[]'],
    ['a string', '"invalid-ish"'],
    ['a bad UUID', withEntry(accountBearer, { token_id: 'x' })],
    [
      'an upper-case UUID',
      withEntry(accountBearer, { token_id: accountBearer.tokenId.toUpperCase() }),
    ],
    ['a number for a string', withEntry(accountBearer, { client_id: 7 })],
    ['a missing field', withEntry(accountBearer, { subject_email: undefined })],
    ['an unparseable expiry', withEntry(accountBearer, { expires_at: '2030-13-45T99:00:00Z' })],
    ['a date without a zone', withEntry(accountBearer, { expires_at: '2030-01-01T00:00:00' })],
    ['an account token without an account', withEntry(accountBearer, { account_id: null })],
    ['an account id that is not a UUID', withEntry(accountBearer, { account_id: 'acct' })],
    ['another prefix', withEntry(accountBearer, { prefix: 'dfoe_' })],
    ['another subject type', withEntry(accountBearer, { subject_type: 'external_sso' })],
  ])('refuse a dfoa_ entry that is %s', (_label, text) => {
    expect(decodeBearerEntry(text, 'dfoa_', HASH)).toBeNull();
  });

  it('refuse an SSO entry bound to an account', () => {
    expect(
      decodeBearerEntry(withEntry(ssoBearer, { account_id: ACCOUNT_ID }), 'dfoe_', HASH),
    ).toBeNull();
  });

  it('take scopes from the prefix, never from the entry', () => {
    const decoded = decodeBearerEntry(withEntry(ssoBearer, { scopes: ['full'] }), 'dfoe_', HASH);
    expect(decoded?.scopes).toEqual(['apps:run', 'apps:read:permitted-external']);
  });
});
