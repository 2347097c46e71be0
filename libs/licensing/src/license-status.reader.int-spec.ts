import { Logger } from '@nestjs/common';
import { LicenseStatus } from '@dify/domain';
import { redisOptionsFromUrl } from '@dify/platform';
import { deleteKeysWithPrefix, isolatedKeyPrefix, testEnvironment } from '@dify/testing';
import Redis from 'ioredis';
import { generateLicenseKeyPair, signLicense } from './license-evaluator';
import { LicenseRefreshService } from './license-refresh.service';
import {
  LICENSE_STATUS_CACHE_MS,
  LicenseStatusReader,
  UNKNOWN_LICENSE_STATUS,
} from './license-status.reader';
import { LICENSE_STATUS_KEY, LicenseStatusStore } from './license-status.store';
import type { LicenseSettings } from './licensing.env';

const DAY_MS = 86_400_000;

describe('LicenseStatusReader (real Redis)', () => {
  const { redisUrl } = testEnvironment();
  const pair = generateLicenseKeyPair();
  const clients: Redis[] = [];
  const prefixes: string[] = [];

  beforeAll(() => Logger.overrideLogger(false));

  afterAll(async () => {
    // The client of the dead server has already given up (status `end`): nothing to close.
    await Promise.all(
      clients.filter((client) => client.status !== 'end').map((client) => client.quit()),
    );
    for (const prefix of prefixes) await deleteKeysWithPrefix(redisUrl, prefix);
  });

  /** A reader and a raw client on a key prefix of their own, with a clock the test moves. */
  function setUp(settings: Partial<LicenseSettings> = {}, url = redisUrl) {
    const prefix = isolatedKeyPrefix('licence');
    prefixes.push(prefix);
    const redis = new Redis({
      ...redisOptionsFromUrl(url),
      keyPrefix: prefix,
      maxRetriesPerRequest: 1,
      retryStrategy: () => null,
    });
    redis.on('error', () => undefined);
    clients.push(redis);
    const fullSettings = { licenseKey: '', publicKeyPem: '', expiringDays: 30, ...settings };
    const clock = { now: new Date() };
    const store = new LicenseStatusStore(redis);
    const reader = new LicenseStatusReader(fullSettings, store, () => clock.now);
    const refresh = new LicenseRefreshService(fullSettings, store);
    return { redis, reader, refresh, clock };
  }

  const validLicence = (days: number) =>
    signLicense({
      privateKeyPem: pair.privateKeyPem,
      licensee: 'Acme Corp',
      expiresAt: new Date(Date.now() + days * DAY_MS),
    });

  it('evaluates the configured key locally while license:status is absent', async () => {
    const community = setUp();
    expect(await community.redis.exists(LICENSE_STATUS_KEY)).toBe(0);
    expect(await community.reader.current()).toBe(LicenseStatus.none);

    const licensed = setUp({ licenseKey: validLicence(100), publicKeyPem: pair.publicKeyPem });
    expect(await licensed.reader.current()).toBe(LicenseStatus.active);

    const forged = setUp({ licenseKey: validLicence(100), publicKeyPem: '' });
    expect(await forged.reader.current()).toBe(LicenseStatus.inactive);
  });

  it('prefers the status the refresh job shared over its own evaluation', async () => {
    const { reader, refresh, redis } = setUp({
      licenseKey: validLicence(10),
      publicKeyPem: pair.publicKeyPem,
    });
    await refresh.refresh();
    expect(JSON.parse((await redis.get(LICENSE_STATUS_KEY)) ?? '{}')).toMatchObject({
      status: 'expiring',
    });
    expect(await reader.current()).toBe(LicenseStatus.expiring);

    const other = setUp({ licenseKey: '', publicKeyPem: '' });
    await other.redis.set(LICENSE_STATUS_KEY, JSON.stringify({ status: 'expired' }));
    // The key says none locally, but what the worker shared wins.
    expect(await other.reader.current()).toBe(LicenseStatus.expired);
    expect(await other.reader.allowsBearerApi()).toBe(false);
  });

  it.each([
    ['an unknown status', JSON.stringify({ status: 'grace' })],
    ['a status in another case', JSON.stringify({ status: 'ACTIVE' })],
    ['a non-string status', JSON.stringify({ status: 1 })],
    ['a JSON string', JSON.stringify('active')],
    ['JSON null', 'null'],
    ['text that is not JSON', 'active'],
  ])('reports %s as unknown and denies both gates', async (_label, value) => {
    const { reader, redis } = setUp();
    await redis.set(LICENSE_STATUS_KEY, value);
    expect(await reader.current()).toBe(UNKNOWN_LICENSE_STATUS);
    expect(await reader.allowsBearerApi()).toBe(false);
    expect(await reader.allowsEnterpriseFeatures()).toBe(false);
  });

  it('serves from memory for 10 s, then sees the change', async () => {
    const { reader, redis, clock } = setUp();
    await redis.set(LICENSE_STATUS_KEY, JSON.stringify({ status: 'active' }));
    const start = clock.now.getTime();
    expect(await reader.current()).toBe(LicenseStatus.active);

    await redis.set(LICENSE_STATUS_KEY, JSON.stringify({ status: 'lost' }));
    clock.now = new Date(start + LICENSE_STATUS_CACHE_MS - 1);
    expect(await reader.current()).toBe(LicenseStatus.active);

    clock.now = new Date(start + LICENSE_STATUS_CACHE_MS);
    expect(await reader.current()).toBe(LicenseStatus.lost);

    await redis.del(LICENSE_STATUS_KEY);
    clock.now = new Date(start + 2 * LICENSE_STATUS_CACHE_MS);
    expect(await reader.current()).toBe(LicenseStatus.none);
  });

  it('is lost while Redis does not answer, even with a valid key configured', async () => {
    const { reader } = setUp(
      { licenseKey: validLicence(100), publicKeyPem: pair.publicKeyPem },
      'redis://127.0.0.1:1/0',
    );
    expect(await reader.current()).toBe(LicenseStatus.lost);
    expect(await reader.allowsBearerApi()).toBe(false);
    expect(await reader.allowsEnterpriseFeatures()).toBe(false);
  });
});
