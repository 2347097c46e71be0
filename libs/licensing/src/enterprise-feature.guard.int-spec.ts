import { Controller, Get, Module, UseGuards } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createHttpApp, TrustedProxies } from '@dify/http-edge';
import { PlatformModule, RateLimiter, RateLimitModule } from '@dify/platform';
import { deleteKeysWithPrefix, isolatedKeyPrefix, testEnvironment } from '@dify/testing';
import Redis from 'ioredis';
import { EnterpriseFeatureGuard } from './enterprise-feature.guard';
import { LICENSE_STATUS_KEY } from './license-status.store';
import { LicensingModule } from './licensing.module';

const BUCKET = 'rl:test_enterprise:global';

/** Stands in for an SSO route: guarded first, then it spends a rate-limit bucket. */
@Controller('enterprise-only')
@UseGuards(EnterpriseFeatureGuard)
class EnterpriseOnlyController {
  constructor(private readonly limiter: RateLimiter) {}

  @Get()
  async open(): Promise<{ ok: true }> {
    await this.limiter.enforce(BUCKET, 100, 60);
    return { ok: true };
  }
}

describe('EnterpriseFeatureGuard (real HTTP app and Redis)', () => {
  const { redisUrl } = testEnvironment();
  const prefixes: string[] = [];
  let raw: Redis;

  beforeAll(() => {
    raw = new Redis(redisUrl);
  });

  afterAll(async () => {
    await raw.quit();
    for (const prefix of prefixes) await deleteKeysWithPrefix(redisUrl, prefix);
  });

  /** An app on a key prefix of its own, with `license:status` holding `stored` (or absent). */
  async function appWith(stored: string | null): Promise<{
    app: NestFastifyApplication;
    prefix: string;
  }> {
    const prefix = isolatedKeyPrefix('enterprise-guard');
    prefixes.push(prefix);
    if (stored !== null) await raw.set(`${prefix}${LICENSE_STATUS_KEY}`, stored);

    @Module({
      imports: [
        PlatformModule.forRoot({
          service: 'licensing-test',
          logLevel: 'silent',
          redis: { url: redisUrl, keyPrefix: prefix },
          healthOnMainPort: false,
        }),
        LicensingModule.forRoot({ licenseKey: '', publicKeyPem: '', expiringDays: 30 }),
        RateLimitModule,
      ],
      controllers: [EnterpriseOnlyController],
    })
    class TestModule {}

    const app = await createHttpApp(TestModule, { trustedProxies: new TrustedProxies([]) });
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
    return { app, prefix };
  }

  it.each([
    ['no licence (community)', null],
    ['inactive', JSON.stringify({ status: 'inactive' })],
    ['expired', JSON.stringify({ status: 'expired' })],
    ['lost', JSON.stringify({ status: 'lost' })],
    ['an unknown status', JSON.stringify({ status: 'grace' })],
  ])('answers a bare 404 with an empty body for %s, touching no bucket', async (_label, stored) => {
    const { app, prefix } = await appWith(stored);
    try {
      const response = await app.inject({ method: 'GET', url: '/enterprise-only' });
      expect(response.statusCode).toBe(404);
      expect(response.body).toBe('');
      expect(response.headers['content-type']).toBeUndefined();
      expect(await raw.exists(`${prefix}${BUCKET}`)).toBe(0);
    } finally {
      await app.close();
    }
  });

  it.each([
    ['active', JSON.stringify({ status: 'active' })],
    ['expiring', JSON.stringify({ status: 'expiring' })],
  ])('lets the route run when the licence is %s', async (_label, stored) => {
    const { app, prefix } = await appWith(stored);
    try {
      const response = await app.inject({ method: 'GET', url: '/enterprise-only' });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({ ok: true });
      expect(await raw.exists(`${prefix}${BUCKET}`)).toBe(1);
    } finally {
      await app.close();
    }
  });
});
