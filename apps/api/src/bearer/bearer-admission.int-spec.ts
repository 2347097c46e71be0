import { randomBytes, randomUUID } from 'node:crypto';
import { generateToken, generateUuidV7 } from '@dify/domain';
import { loadEnv, REDIS } from '@dify/platform';
import { isolatedKeyPrefix, testEnvironment } from '@dify/testing';
import { BearerResolver } from '@dify/tokens';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type Redis from 'ioredis';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { createApiApp } from '../app/api-app.factory';
import { apiEnvSchema } from '../app/api.env';

const PER_TOKEN = 2;

/**
 * The per-token bearer bucket comes before the token is resolved: a throttled request costs one
 * rate-limit round trip and nothing else, so hammering the API with a token (known or not) never
 * reaches the bearer cache or Postgres.
 */
describe('bearer admission order (api app in process, real Postgres and Redis)', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    const { databaseUrl, redisUrl } = testEnvironment();
    app = await createApiApp(
      loadEnv(apiEnvSchema, {
        DATABASE_URL: databaseUrl,
        REDIS_URL: redisUrl,
        REDIS_KEY_PREFIX: isolatedKeyPrefix('bearer-admission'),
        SECRET_KEY: randomBytes(32).toString('hex'),
        LOG_LEVEL: 'silent',
        OPENAPI_RATE_LIMIT_PER_TOKEN: String(PER_TOKEN),
      }),
    );
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });

  afterEach(() => jest.restoreAllMocks());
  afterAll(() => app.close());

  /**
   * A live `dfoa_` token of a new active account. The gateway never mints, so the row is written
   * the way the issuing service stores one: only the SHA-256 of the plaintext.
   */
  async function liveToken(): Promise<string> {
    const accountId = generateUuidV7();
    const email = `admission-${randomUUID()}@example.com`;
    const dataSource = app.get(DataSource);
    await dataSource.query(
      `INSERT INTO accounts (id, email, name, status) VALUES ($1, $2, 'A', 'active')`,
      [accountId, email],
    );
    const { plaintext, hash } = generateToken('dfoa_');
    await dataSource.query(
      `INSERT INTO oauth_access_tokens
         (id, subject_email, subject_issuer, account_id, client_id, device_label, prefix,
          token_hash, expires_at)
       VALUES ($1, $2, 'dify:account', $3, 'difyctl', 'admission', 'dfoa_', $4,
               now() + interval '14 days')`,
      [generateUuidV7(), email, accountId, hash],
    );
    return plaintext;
  }

  const call = (token: string) =>
    app.inject({
      method: 'GET',
      url: '/openapi/v1/account/sessions',
      headers: { authorization: `Bearer ${token}` },
    });

  /** What one request costs beyond the limiter: resolutions, bearer-cache reads, SQL. */
  async function costOf(work: () => Promise<unknown>) {
    const resolve = jest.spyOn(app.get(BearerResolver), 'resolve');
    const redisGet = jest.spyOn(app.get<Redis>(REDIS), 'get');
    const sql = jest.spyOn(Client.prototype, 'query');
    try {
      const result = await work();
      return {
        result,
        resolutions: resolve.mock.calls.length,
        cacheReads: redisGet.mock.calls.filter(([key]) => String(key).startsWith('auth:token:'))
          .length,
        statements: sql.mock.calls.length,
      };
    } finally {
      resolve.mockRestore();
      redisGet.mockRestore();
      sql.mockRestore();
    }
  }

  it('answers a throttled live token 429 without resolving it', async () => {
    const token = await liveToken();
    for (let i = 0; i < PER_TOKEN; i += 1) expect((await call(token)).statusCode).toBe(200);

    const throttled = await costOf(() => call(token));

    expect((throttled.result as { statusCode: number }).statusCode).toBe(429);
    expect(throttled).toMatchObject({ resolutions: 0, cacheReads: 0, statements: 0 });
  });

  it('answers a throttled unknown token 429 without a cache read or a query', async () => {
    const unknown = `dfoa_${randomBytes(32).toString('base64url')}`;
    for (let i = 0; i < PER_TOKEN; i += 1) expect((await call(unknown)).statusCode).toBe(401);

    const throttled = await costOf(() => call(unknown));

    expect((throttled.result as { statusCode: number }).statusCode).toBe(429);
    expect(throttled).toMatchObject({ resolutions: 0, cacheReads: 0, statements: 0 });
  });
});
