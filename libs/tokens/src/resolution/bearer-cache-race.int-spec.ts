import { OAuthAccessTokenRepository, type LiveTokenLookup } from '@dify/db';
import { isolatedKeyPrefix, testEnvironment } from '@dify/testing';
import { type IssuedToken, type MintRequest, TokenIssuer } from '../issuing/token-issuer.service';
import { TokenRevoker } from '../revocation/token-revoker.service';
import { TokensHarness } from '../testing/tokens.harness';
import { BearerResolver } from './bearer-resolver.service';
import { presentBearer } from './presented-bearer';

/**
 * A resolution that read the row before a revoking (or rotating) commit writes its cache entry
 * after that commit. These specs hold the resolver between its SQL lookup and its cache write,
 * run the revocation to completion in that gap, then let the resolver finish.
 */
describe('BearerResolver racing revocation and rotation (real Postgres and Redis)', () => {
  let harness: TokensHarness;
  let issuer: TokenIssuer;
  let resolver: BearerResolver;
  let revoker: TokenRevoker;
  let repository: OAuthAccessTokenRepository;

  beforeAll(async () => {
    const { databaseUrl, redisUrl } = testEnvironment();
    harness = await TokensHarness.start({
      databaseUrl,
      redisUrl,
      keyPrefix: isolatedKeyPrefix('resolver-race'),
    });
    issuer = harness.get(TokenIssuer);
    resolver = harness.get(BearerResolver);
    revoker = harness.get(TokenRevoker);
    repository = harness.get(OAuthAccessTokenRepository);
  });

  afterEach(() => jest.restoreAllMocks());
  afterAll(() => harness.close());

  async function accountToken(): Promise<{ issued: IssuedToken; request: MintRequest }> {
    const accountId = await harness.createAccount();
    const request: MintRequest = {
      prefix: 'dfoa_',
      subjectEmail: harness.uniqueEmail('race'),
      accountId,
      clientId: 'difyctl',
      deviceLabel: 'laptop',
    };
    return { issued: await issuer.issue(request), request };
  }

  /**
   * Starts a resolution of `token` that pauses right after its SQL lookup answered; `interleave`
   * runs in that gap, then the resolution is released and its answer awaited.
   */
  async function resolveAround(token: string, interleave: () => Promise<unknown>): Promise<void> {
    const lookup = repository.findLiveByHash.bind(repository);
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let lookedUp: () => void = () => undefined;
    const afterLookup = new Promise<void>((resolve) => (lookedUp = resolve));
    jest
      .spyOn(repository, 'findLiveByHash')
      .mockImplementationOnce(async (hash: string): Promise<LiveTokenLookup | null> => {
        const row = await lookup(hash);
        lookedUp();
        await gate;
        return row;
      });
    const inFlight = resolver.resolve(presentBearer(token));
    await afterLookup;
    await interleave();
    release();
    // It read the row while the token was live; answering it once is fine, caching it is not.
    await inFlight;
  }

  it('rejects a token revoked while a resolution was between its lookup and its cache write', async () => {
    const { issued, request } = await accountToken();

    await resolveAround(issued.token, () =>
      revoker.revokeOwned(issued.tokenId, request.accountId ?? '', 'self'),
    );

    expect(await resolver.resolve(presentBearer(issued.token))).toBeNull();
  });

  it('rejects a token rotated away while a resolution was between its lookup and its cache write', async () => {
    const { issued, request } = await accountToken();
    let rotated: IssuedToken | undefined;

    await resolveAround(issued.token, async () => {
      rotated = await issuer.issue(request);
    });

    expect(await resolver.resolve(presentBearer(issued.token))).toBeNull();
    expect((await resolver.resolve(presentBearer(rotated?.token ?? '')))?.tokenId).toBe(
      issued.tokenId,
    );
  });

  it('still caches a token that nothing revoked in the meantime', async () => {
    const { issued } = await accountToken();

    await resolveAround(issued.token, () => Promise.resolve());

    const entry = await harness.redis.get(`auth:token:${issued.tokenHash}`);
    expect(JSON.parse(entry ?? '{}')).toMatchObject({ token_id: issued.tokenId });
  });

  it('lets a compensated rotation give the old token back at once', async () => {
    const { issued, request } = await accountToken();
    const rotated = await issuer.issue(request);
    expect(await resolver.resolve(presentBearer(issued.token))).toBeNull();

    await issuer.compensate(rotated);

    expect((await resolver.resolve(presentBearer(issued.token)))?.tokenId).toBe(issued.tokenId);
    expect(await resolver.resolve(presentBearer(rotated.token))).toBeNull();
  });
});
