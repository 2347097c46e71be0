import { generateUuidV7 } from '@dify/domain';
import { isolatedKeyPrefix, testEnvironment } from '@dify/testing';
import { type IssuedToken, TokenIssuer } from '../issuing/token-issuer.service';
import { TokensHarness } from '../testing/tokens.harness';
import { TOKEN_KEYS } from '../token-keys.constants';
import { TokenRevoker } from './token-revoker.service';

const CONTEXT = { ip: '198.51.100.4', requestId: 'req-revoke' };

describe('TokenRevoker (real Postgres and Redis)', () => {
  let harness: TokensHarness;
  let issuer: TokenIssuer;
  let revoker: TokenRevoker;

  beforeAll(async () => {
    const { databaseUrl, redisUrl } = testEnvironment();
    harness = await TokensHarness.start({
      databaseUrl,
      redisUrl,
      keyPrefix: isolatedKeyPrefix('revoker'),
    });
    issuer = harness.get(TokenIssuer);
    revoker = harness.get(TokenRevoker);
  });

  afterAll(() => harness.close());

  async function accountToken(): Promise<{ issued: IssuedToken; accountId: string }> {
    const accountId = await harness.createAccount();
    const issued = await issuer.issue({
      prefix: 'dfoa_',
      subjectEmail: harness.uniqueEmail('revoke'),
      accountId,
      clientId: 'difyctl',
      deviceLabel: 'laptop',
    });
    return { issued, accountId };
  }

  function ssoToken(): Promise<IssuedToken> {
    return issuer.issue({
      prefix: 'dfoe_',
      subjectEmail: harness.uniqueEmail('revoke-sso'),
      subjectIssuer: 'https://idp.example.com',
      clientId: 'difyctl',
      deviceLabel: 'ci runner',
    });
  }

  /** Plants a positive-looking cache entry, as a recent bearer request would have. */
  async function cache(issued: IssuedToken): Promise<void> {
    await harness.redis.set(TOKEN_KEYS.bearer(issued.tokenHash), '{"cached":true}', 'EX', 60);
  }

  describe('revokeOwned', () => {
    it('revokes the caller’s live row, evicts its cache entry and records the event', async () => {
      const { issued, accountId } = await accountToken();
      await cache(issued);

      await expect(
        revoker.revokeOwned(issued.tokenId, accountId, 'session', CONTEXT),
      ).resolves.toBe('revoked');

      expect(await harness.row(issued.tokenId)).toMatchObject({ token_hash: null });
      expect((await harness.row(issued.tokenId))?.revoked_at).toBeInstanceOf(Date);
      // Marked dead rather than deleted, so no resolution in flight can cache it as valid again.
      expect(await harness.redis.get(TOKEN_KEYS.bearer(issued.tokenHash))).toBe('invalid');
      expect(harness.audit.about('oauth.token_revoked', issued.tokenId)).toEqual([
        {
          event: 'oauth.token_revoked',
          accountId,
          ip: CONTEXT.ip,
          requestId: CONTEXT.requestId,
          payload: {
            token_id: issued.tokenId,
            account_id: accountId,
            client_id: 'difyctl',
            via: 'session',
          },
        },
      ]);
    });

    it('answers revoked again without touching Redis or recording twice', async () => {
      const { issued, accountId } = await accountToken();
      await revoker.revokeOwned(issued.tokenId, accountId, 'self');
      const del = jest.spyOn(harness.redis, 'del');

      await expect(revoker.revokeOwned(issued.tokenId, accountId, 'self')).resolves.toBe('revoked');

      expect(del).not.toHaveBeenCalled();
      del.mockRestore();
      expect(harness.audit.about('oauth.token_revoked', issued.tokenId)).toHaveLength(1);
    });

    it('answers not_found for another account’s row and leaves it live', async () => {
      const { issued } = await accountToken();
      const stranger = await harness.createAccount();

      await expect(revoker.revokeOwned(issued.tokenId, stranger, 'session')).resolves.toBe(
        'not_found',
      );

      expect(await harness.row(issued.tokenId)).toMatchObject({ token_hash: issued.tokenHash });
    });

    it.each([
      ['a malformed id', 'not-a-uuid'],
      ['an upper-case id', generateUuidV7().toUpperCase()],
      ['an id with no row', generateUuidV7()],
    ])('answers not_found for %s', async (_label, tokenId) => {
      const { accountId } = await accountToken();

      await expect(revoker.revokeOwned(tokenId, accountId, 'session')).resolves.toBe('not_found');
    });
  });

  describe('revokePresented (RFC 7009)', () => {
    it('revokes the live row the token belongs to', async () => {
      const issued = await ssoToken();
      await cache(issued);

      await expect(
        revoker.revokePresented(issued.token, 'difyctl', 'revocation_endpoint', CONTEXT),
      ).resolves.toBe('revoked');

      expect(await harness.row(issued.tokenId)).toMatchObject({ token_hash: null });
      // Marked dead rather than deleted, so no resolution in flight can cache it as valid again.
      expect(await harness.redis.get(TOKEN_KEYS.bearer(issued.tokenHash))).toBe('invalid');
      expect(harness.audit.about('oauth.token_revoked', issued.tokenId)).toEqual([
        expect.objectContaining({
          payload: {
            token_id: issued.tokenId,
            account_id: null,
            client_id: 'difyctl',
            via: 'revocation_endpoint',
          },
        }),
      ]);
    });

    it('revokes without a client_id', async () => {
      const { issued } = await accountToken();

      await expect(
        revoker.revokePresented(issued.token, undefined, 'revocation_endpoint'),
      ).resolves.toBe('revoked');
    });

    it('refuses another client’s token and leaves it live', async () => {
      const issued = await ssoToken();

      await expect(
        revoker.revokePresented(issued.token, 'other-client', 'revocation_endpoint'),
      ).resolves.toBe('client_mismatch');

      expect(await harness.row(issued.tokenId)).toMatchObject({ token_hash: issued.tokenHash });
      expect(harness.audit.about('oauth.token_revoked', issued.tokenId)).toEqual([]);
    });

    it.each([
      ['an unknown prefix', 'dfp_abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG'],
      ['an empty value', ''],
      ['an unknown token', `dfoa_${'A'.repeat(43)}`],
    ])('is a noop for %s', async (_label, token) => {
      await expect(revoker.revokePresented(token, 'difyctl', 'revocation_endpoint')).resolves.toBe(
        'noop',
      );
    });

    it('is a noop, without Redis, for a token that is already revoked', async () => {
      const issued = await ssoToken();
      await revoker.revokePresented(issued.token, 'difyctl', 'revocation_endpoint');
      const del = jest.spyOn(harness.redis, 'del');

      await expect(
        revoker.revokePresented(issued.token, 'difyctl', 'revocation_endpoint'),
      ).resolves.toBe('noop');

      expect(del).not.toHaveBeenCalled();
      del.mockRestore();
      expect(harness.audit.about('oauth.token_revoked', issued.tokenId)).toHaveLength(1);
    });

    it('lets exactly one of two concurrent revocations record the event', async () => {
      const issued = await ssoToken();

      const outcomes = await Promise.all([
        revoker.revokePresented(issued.token, 'difyctl', 'revocation_endpoint'),
        revoker.revokePresented(issued.token, 'difyctl', 'revocation_endpoint'),
      ]);

      expect(outcomes.sort()).toEqual(['noop', 'revoked']);
      expect(harness.audit.about('oauth.token_revoked', issued.tokenId)).toHaveLength(1);
    });
  });
});
