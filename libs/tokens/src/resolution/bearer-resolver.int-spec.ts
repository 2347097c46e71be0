import { Logger } from '@nestjs/common';
import { OAuthAccessTokenRepository } from '@dify/db';
import { generateToken } from '@dify/domain';
import { isolatedKeyPrefix, testEnvironment } from '@dify/testing';
import { Client } from 'pg';
import { type IssuedToken, type MintRequest, TokenIssuer } from '../issuing/token-issuer.service';
import { TokensHarness } from '../testing/tokens.harness';
import { TOKEN_KEYS } from '../token-keys.constants';
import { BearerResolver } from './bearer-resolver.service';
import { presentBearer } from './presented-bearer';

const IDP = 'https://idp.example.com';

describe('BearerResolver (real Postgres and Redis)', () => {
  let harness: TokensHarness;
  let issuer: TokenIssuer;
  let resolver: BearerResolver;

  beforeAll(async () => {
    const { databaseUrl, redisUrl } = testEnvironment();
    harness = await TokensHarness.start({
      databaseUrl,
      redisUrl,
      keyPrefix: isolatedKeyPrefix('resolver'),
    });
    issuer = harness.get(TokenIssuer);
    resolver = harness.get(BearerResolver);
  });

  afterAll(() => harness.close());

  /**
   * Counts every statement this process sends to Postgres while `work` runs, at the driver: every
   * TypeORM query, through any data source or runner, ends in `pg.Client#query`.
   */
  async function countSql<T>(work: () => Promise<T>): Promise<{ result: T; statements: number }> {
    const query = jest.spyOn(Client.prototype, 'query');
    try {
      const result = await work();
      return { result, statements: query.mock.calls.length };
    } finally {
      query.mockRestore();
    }
  }

  async function accountToken(
    status: 'active' | 'banned' = 'active',
  ): Promise<IssuedToken & { accountId: string; email: string }> {
    const accountId = await harness.createAccount();
    const email = harness.uniqueEmail('bearer');
    const issued = await issuer.issue({
      prefix: 'dfoa_',
      subjectEmail: email,
      accountId,
      clientId: 'difyctl',
      deviceLabel: 'laptop',
    });
    if (status !== 'active') {
      await harness.dataSource.query(`UPDATE accounts SET status = $2 WHERE id = $1`, [
        accountId,
        status,
      ]);
    }
    return { ...issued, accountId, email };
  }

  function ssoToken(overrides: Partial<MintRequest> = {}): Promise<IssuedToken> {
    return issuer.issue({
      prefix: 'dfoe_',
      subjectEmail: harness.uniqueEmail('bearer-sso'),
      subjectIssuer: IDP,
      clientId: 'difyctl',
      deviceLabel: 'ci',
      ...overrides,
    });
  }

  const cacheKey = (issued: IssuedToken): string => TOKEN_KEYS.bearer(issued.tokenHash);

  it('resolves an account token to its context and caches it for 60 s', async () => {
    const issued = await accountToken();

    const resolved = await resolver.resolve(presentBearer(issued.token));

    expect(resolved).toEqual({
      tokenId: issued.tokenId,
      tokenHash: issued.tokenHash,
      prefix: 'dfoa_',
      subjectType: 'account',
      subjectEmail: issued.email,
      subjectIssuer: 'dify:account',
      accountId: issued.accountId,
      clientId: 'difyctl',
      scopes: ['full'],
      tokenType: 'oauth_account',
      expiresAt: issued.expiresAt,
    });
    const ttl = await harness.redis.ttl(cacheKey(issued));
    expect(ttl).toBeGreaterThan(55);
    expect(ttl).toBeLessThanOrEqual(60);
    expect(JSON.parse((await harness.redis.get(cacheKey(issued))) ?? '')).toEqual({
      token_id: issued.tokenId,
      subject_type: 'account',
      subject_email: issued.email,
      subject_issuer: 'dify:account',
      account_id: issued.accountId,
      client_id: 'difyctl',
      prefix: 'dfoa_',
      expires_at: issued.expiresAt.toISOString(),
    });
  });

  it('resolves an SSO token with its scopes and no account', async () => {
    const issued = await ssoToken();

    expect(await resolver.resolve(presentBearer(issued.token))).toMatchObject({
      subjectType: 'external_sso',
      subjectIssuer: IDP,
      accountId: null,
      scopes: ['apps:run', 'apps:read:permitted-external'],
      tokenType: 'oauth_external_sso',
    });
  });

  it('answers a cache hit without any SQL query', async () => {
    const issued = await accountToken();
    const miss = await countSql(() => resolver.resolve(presentBearer(issued.token)));
    expect(miss.result?.tokenId).toBe(issued.tokenId);
    // The counter sees the miss's lookup, so a zero below is a real measurement.
    expect(miss.statements).toBeGreaterThan(0);

    const hit = await countSql(() => resolver.resolve(presentBearer(issued.token)));

    expect(hit.result).toEqual(miss.result);
    expect(hit.statements).toBe(0);
  });

  it('trusts a cached entry over the table until it leaves the cache', async () => {
    const issued = await ssoToken();
    await resolver.resolve(presentBearer(issued.token));
    // Revoke behind the resolver's back, as another replica's stale view would be.
    await harness.dataSource.query(
      `UPDATE oauth_access_tokens SET revoked_at = now(), token_hash = NULL WHERE id = $1`,
      [issued.tokenId],
    );

    expect(await resolver.resolve(presentBearer(issued.token))).not.toBeNull();
    await harness.redis.del(cacheKey(issued));
    expect(await resolver.resolve(presentBearer(issued.token))).toBeNull();
  });

  it('caches an unknown token as invalid for 10 s and then answers without SQL', async () => {
    const { plaintext, hash } = generateToken('dfoa_');

    expect(await resolver.resolve(presentBearer(plaintext))).toBeNull();
    expect(await harness.redis.get(TOKEN_KEYS.bearer(hash))).toBe('invalid');
    const ttl = await harness.redis.ttl(TOKEN_KEYS.bearer(hash));
    expect(ttl).toBeGreaterThan(5);
    expect(ttl).toBeLessThanOrEqual(10);

    const again = await countSql(() => resolver.resolve(presentBearer(plaintext)));
    expect(again).toEqual({ result: null, statements: 0 });
  });

  it('refuses unknown prefixes and ill-formed tokens without Redis or SQL', async () => {
    const get = jest.spyOn(harness.redis, 'get');
    for (const token of ['dfp_abc', '', 'app-123', 'dfoa_short', `dfoe_${'a'.repeat(44)}`]) {
      const outcome = await countSql(() => resolver.resolve(presentBearer(token)));
      expect(outcome).toEqual({ result: null, statements: 0 });
    }
    expect(get).not.toHaveBeenCalled();
    get.mockRestore();
  });

  it('hard-expires a row past expires_at on a miss and records it once', async () => {
    const issued = await accountToken();
    await harness.dataSource.query(
      `UPDATE oauth_access_tokens SET expires_at = now() - interval '1 second' WHERE id = $1`,
      [issued.tokenId],
    );

    expect(await resolver.resolve(presentBearer(issued.token))).toBeNull();

    const row = await harness.row(issued.tokenId);
    expect(row?.token_hash).toBeNull();
    expect(row?.revoked_at).toBeInstanceOf(Date);
    expect(await harness.redis.get(cacheKey(issued))).toBe('invalid');
    expect(harness.audit.about('oauth.token_expired', issued.tokenId)).toEqual([
      expect.objectContaining({
        event: 'oauth.token_expired',
        payload: { token_id: issued.tokenId },
      }),
    ]);

    await harness.redis.del(cacheKey(issued));
    expect(await resolver.resolve(presentBearer(issued.token))).toBeNull();
    expect(harness.audit.about('oauth.token_expired', issued.tokenId)).toHaveLength(1);
  });

  it('does not hard-expire a token that a rotation replaced since the lookup', async () => {
    const issued = await ssoToken();
    const rotatedHash = generateToken('dfoe_').hash;
    await harness.dataSource.query(`UPDATE oauth_access_tokens SET token_hash = $2 WHERE id = $1`, [
      issued.tokenId,
      rotatedHash,
    ]);

    // The resolver's expiry of the old hash, as if its lookup had run just before the rotation.
    const expired = await harness
      .get(OAuthAccessTokenRepository)
      .hardExpire(issued.tokenId, issued.tokenHash);

    expect(expired).toBe(false);
    expect(await harness.row(issued.tokenId)).toMatchObject({ token_hash: rotatedHash });
  });

  it('deletes a cached entry past its expires_at and rejects without SQL', async () => {
    const issued = await accountToken();
    await resolver.resolve(presentBearer(issued.token));
    const entry = JSON.parse((await harness.redis.get(cacheKey(issued))) ?? '') as Record<
      string,
      unknown
    >;
    await harness.redis.set(
      cacheKey(issued),
      JSON.stringify({ ...entry, expires_at: new Date(Date.now() - 1_000).toISOString() }),
      'EX',
      60,
    );

    const outcome = await countSql(() => resolver.resolve(presentBearer(issued.token)));

    expect(outcome).toEqual({ result: null, statements: 0 });
    expect(await harness.redis.exists(cacheKey(issued))).toBe(0);
  });

  it('rejects the token of a banned account', async () => {
    const issued = await accountToken('banned');

    expect(await resolver.resolve(presentBearer(issued.token))).toBeNull();
    expect(await harness.redis.exists(cacheKey(issued))).toBe(0);
  });

  it('rejects an account token whose account was deleted', async () => {
    const issued = await accountToken();
    await harness.dataSource.query(`DELETE FROM accounts WHERE id = $1`, [issued.accountId]);

    expect(await resolver.resolve(presentBearer(issued.token))).toBeNull();
  });

  it('rejects and reports rows that break the binding invariants', async () => {
    const bound = await ssoToken();
    const accountId = await harness.createAccount();
    await harness.dataSource.query(`UPDATE oauth_access_tokens SET account_id = $2 WHERE id = $1`, [
      bound.tokenId,
      accountId,
    ]);
    const error = jest.spyOn(Logger.prototype, 'error');

    expect(await resolver.resolve(presentBearer(bound.token))).toBeNull();

    expect(error).toHaveBeenCalledWith(
      expect.objectContaining({ reason: 'internal_state_invariant', token_id: bound.tokenId }),
      expect.any(String),
    );
    error.mockRestore();
  });

  it('rejects a token whose stored prefix differs from the presented one', async () => {
    const issued = await ssoToken();
    const { plaintext, hash } = generateToken('dfoa_');
    await harness.dataSource.query(`UPDATE oauth_access_tokens SET token_hash = $2 WHERE id = $1`, [
      issued.tokenId,
      hash,
    ]);
    const error = jest.spyOn(Logger.prototype, 'error');

    expect(await resolver.resolve(presentBearer(plaintext))).toBeNull();

    expect(error).toHaveBeenCalledWith(
      expect.objectContaining({ reason: 'internal_state_invariant', stored_prefix: 'dfoe_' }),
      expect.any(String),
    );
    error.mockRestore();
  });

  it.each([
    ['not JSON', '{oops'],
    ['not an object', '[1,2]'],
    ['a bad UUID', (entry: Record<string, unknown>) => ({ ...entry, token_id: 'nope' })],
    ['a wrong type', (entry: Record<string, unknown>) => ({ ...entry, expires_at: 12 })],
    ['a broken binding', (entry: Record<string, unknown>) => ({ ...entry, account_id: null })],
    ['another prefix', (entry: Record<string, unknown>) => ({ ...entry, prefix: 'dfoe_' })],
  ])('treats a cached entry that is %s as a miss and overwrites it', async (_label, corrupt) => {
    const issued = await accountToken();
    await resolver.resolve(presentBearer(issued.token));
    const good = (await harness.redis.get(cacheKey(issued))) ?? '';
    const bad =
      typeof corrupt === 'string'
        ? corrupt
        : JSON.stringify(corrupt(JSON.parse(good) as Record<string, unknown>));
    await harness.redis.set(cacheKey(issued), bad, 'EX', 60);

    const outcome = await countSql(() => resolver.resolve(presentBearer(issued.token)));

    expect(outcome.result?.tokenId).toBe(issued.tokenId);
    expect(outcome.statements).toBeGreaterThan(0);
    expect(await harness.redis.get(cacheKey(issued))).toBe(good);
  });
});
