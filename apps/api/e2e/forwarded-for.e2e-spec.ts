import { isolatedKeyPrefix, ServiceProcess } from '@dify/testing';

/**
 * X-Forwarded-For is a claim only a trusted proxy may make. The gateway here trusts no proxy the
 * test client could be, so whatever the client writes in the header, auth must see the client's
 * own address, and the per-IP issuance limit must hold against rotating spoofed addresses.
 */
describe('X-Forwarded-For from an untrusted client (api and auth processes)', () => {
  let api: ServiceProcess;
  let auth: ServiceProcess;

  beforeAll(async () => {
    const redis = { REDIS_KEY_PREFIX: isolatedKeyPrefix('forwarded-for') };
    auth = await ServiceProcess.start('auth', { ...redis, DEVICE_CODE_RATE_LIMIT_PER_HOUR: '3' });
    api = await ServiceProcess.start('api', {
      ...redis,
      AUTH_INTERNAL_URL: auth.baseUrl,
      // The test client (127.0.0.1) is not in it.
      TRUSTED_PROXY_CIDRS: '203.0.113.0/24',
    });
  });

  afterAll(async () => {
    await Promise.all([api?.stop(), auth?.stop()]);
  });

  const requestCode = (forwardedFor: string) =>
    fetch(`${api.baseUrl}/openapi/v1/oauth/device/code`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': forwardedFor },
      body: JSON.stringify({ client_id: 'difyctl' }),
    });

  it('keeps the per-IP issuance limit whatever addresses the client claims', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 10; i += 1) {
      statuses.push((await requestCode(`198.51.100.${i + 1}, 192.0.2.${i + 1}`)).status);
    }
    expect(statuses).toEqual([200, 200, 200, 429, 429, 429, 429, 429, 429, 429]);
  });
});
