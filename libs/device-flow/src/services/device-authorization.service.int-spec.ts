import { DbModule } from '@dify/db';
import { RateLimitExceededError } from '@dify/platform';
import { isolatedKeyPrefix, testEnvironment } from '@dify/testing';
import { DeviceFlowError } from '../device-flow.error';
import { deviceFlowKey } from '../store/device-flow.keys';
import { DeviceFlowHarness } from '../testing/device-flow.harness';
import { DeviceAuthorizationService } from './device-authorization.service';

const USER_CODE = /^[ABCDEFGHJKLMNPQRSTUVWXY3456789]{4}-[ABCDEFGHJKLMNPQRSTUVWXY3456789]{4}$/;

describe('DeviceAuthorizationService (real Redis and Postgres)', () => {
  let harness: DeviceFlowHarness;
  let service: DeviceAuthorizationService;

  beforeAll(async () => {
    const { databaseUrl, redisUrl } = testEnvironment();
    harness = await DeviceFlowHarness.start({
      database: DbModule.forRoot({
        url: databaseUrl,
        poolMax: 4,
        applicationName: 'device-flow-test',
      }),
      redisUrl,
      keyPrefix: isolatedKeyPrefix('device-authorization'),
    });
    service = harness.get(DeviceAuthorizationService);
  });

  afterAll(() => harness.close());
  afterEach(() => jest.restoreAllMocks());

  /** Every device and user-code key, to prove a refused request wrote nothing. */
  const flowKeys = async () => [
    ...(await harness.keys('device_code:*')),
    ...(await harness.keys('user_code:*')),
  ];

  async function expectCode(promise: Promise<unknown>, code: string): Promise<void> {
    await expect(promise).rejects.toBeInstanceOf(DeviceFlowError);
    await expect(promise).rejects.toMatchObject({ code });
  }

  describe('start', () => {
    it('answers exactly the six fields and stores the flow with the client IP', async () => {
      const response = await service.start({
        clientId: 'difyctl',
        deviceLabel: ' build-01 ',
        userAgent: 'difyctl/1.0.0',
        ip: '203.0.113.7',
      });

      expect(Object.keys(response).sort()).toEqual(
        [
          'device_code',
          'expires_in',
          'interval',
          'user_code',
          'verification_uri',
          'verification_uri_complete',
        ].sort(),
      );
      expect(response.device_code).toMatch(/^dc_[A-Za-z0-9_-]{43}$/);
      expect(response.user_code).toMatch(USER_CODE);
      expect(response.verification_uri).toBe('https://console.example/device');
      expect(response.verification_uri_complete).toBe(
        `https://console.example/device?user_code=${response.user_code}`,
      );
      expect(response.expires_in).toBe(900);
      expect(response.interval).toBe(5);

      const state = await harness.redis.hgetall(deviceFlowKey.deviceCode(response.device_code));
      expect(state).toMatchObject({
        user_code: response.user_code,
        client_id: 'difyctl',
        device_label: 'build-01',
        status: 'pending',
        created_ip: '203.0.113.7',
        interval: '5',
      });
      expect(Number.isNaN(Date.parse(state.created_at))).toBe(false);
      expect(await harness.store.resolveUserCode(response.user_code)).toBe(response.device_code);
    });

    it.each([
      ['the User-Agent when no label is sent', undefined, 'probe/1.0', 'probe/1.0'],
      ['the User-Agent when the label is blank', '   ', 'probe/1.0', 'probe/1.0'],
      ['"<client_id> device" without either', undefined, undefined, 'client-b device'],
      ['a label of exactly 255 characters', 'L'.repeat(255), 'probe/1.0', 'L'.repeat(255)],
    ])('labels the device with %s', async (_case, deviceLabel, userAgent, expected) => {
      const response = await service.start({
        clientId: 'client-b',
        deviceLabel,
        userAgent,
        ip: '203.0.113.8',
      });
      const stored = await harness.redis.hget(
        deviceFlowKey.deviceCode(response.device_code),
        'device_label',
      );
      expect(stored).toBe(expected);
    });

    it.each([
      ['a label of 256 characters', { deviceLabel: 'L'.repeat(256) }],
      ['a label with a control character', { deviceLabel: 'host\nname' }],
      ['an empty client_id', { clientId: '' }],
      ['a client_id of 65 characters', { clientId: 'c'.repeat(65) }],
      // Validation comes before the allowlist: a bad label from an unknown client is a bad request.
      ['a bad label from an unknown client', { clientId: 'nobody', deviceLabel: 'a\tb' }],
    ])('refuses %s as invalid_request and writes nothing', async (_case, fields) => {
      const before = await flowKeys();
      await expectCode(
        service.start({ clientId: 'difyctl', ip: '203.0.113.9', ...fields }),
        'invalid_request',
      );
      expect(await flowKeys()).toEqual(before);
    });

    it('refuses a client outside the allowlist as unsupported_client and writes nothing', async () => {
      const claims = jest.spyOn(harness.store, 'claimUserCode');
      const before = await flowKeys();

      await expectCode(
        service.start({ clientId: 'openid-stranger', ip: '203.0.113.10' }),
        'unsupported_client',
      );

      expect(claims).not.toHaveBeenCalled();
      expect(await flowKeys()).toEqual(before);
    });

    it('retries with fresh codes after a user-code collision and leaves nothing of the lost attempt', async () => {
      const claim = harness.store.claimUserCode.bind(harness.store);
      const claims = jest
        .spyOn(harness.store, 'claimUserCode')
        // Another flow takes the first user code just before this claim reaches Redis.
        .mockImplementationOnce(async (userCode, deviceCode) => {
          await harness.redis.set(deviceFlowKey.userCode(userCode), 'dc_other', 'EX', 60);
          return claim(userCode, deviceCode);
        });
      const starts = jest.spyOn(harness.store, 'start');

      const response = await service.start({ clientId: 'difyctl', ip: '203.0.113.13' });

      expect(claims).toHaveBeenCalledTimes(2);
      const [[lostUserCode, lostDeviceCode], [wonUserCode, wonDeviceCode]] = claims.mock.calls;
      expect(response).toMatchObject({ user_code: wonUserCode, device_code: wonDeviceCode });
      expect(wonUserCode).not.toBe(lostUserCode);
      expect(wonDeviceCode).not.toBe(lostDeviceCode);
      // The other flow keeps its code; the state written alongside the lost claim is gone.
      expect(await harness.store.resolveUserCode(lostUserCode)).toBe('dc_other');
      expect(starts).toHaveBeenCalledTimes(2);
      expect(await harness.store.readState(lostDeviceCode)).toBeNull();
      expect(await harness.store.resolveUserCode(wonUserCode)).toBe(wonDeviceCode);
      expect((await harness.store.readState(wonDeviceCode))?.status).toBe('pending');
    });

    it('answers user_code_exhausted after five colliding claims, leaving no flow behind', async () => {
      const claims = jest.spyOn(harness.store, 'claimUserCode').mockResolvedValue(false);
      const starts = jest.spyOn(harness.store, 'start');

      await expectCode(
        service.start({ clientId: 'difyctl', ip: '203.0.113.11' }),
        'user_code_exhausted',
      );

      expect(claims).toHaveBeenCalledTimes(5);
      expect(new Set(claims.mock.calls.map(([userCode]) => userCode)).size).toBe(5);
      // Each state was sent with its claim, and each was taken back when its claim lost.
      expect(starts).toHaveBeenCalledTimes(5);
      for (const [, deviceCode] of claims.mock.calls) {
        expect(await harness.store.readState(deviceCode)).toBeNull();
      }
    });

    it('passes a failed claim on as it is, and takes the state back', async () => {
      const claims = jest
        .spyOn(harness.store, 'claimUserCode')
        .mockRejectedValueOnce(new Error('Connection is closed.'));

      const failed = service.start({ clientId: 'difyctl', ip: '203.0.113.14' });
      await expect(failed).rejects.toThrow('Connection is closed.');

      const [[, deviceCode]] = claims.mock.calls;
      expect(await harness.store.readState(deviceCode)).toBeNull();
    });

    it('answers server_error when the state cannot be written, and gives the claim back', async () => {
      const claims = jest.spyOn(harness.store, 'claimUserCode');
      jest.spyOn(harness.store, 'start').mockRejectedValueOnce(new Error('Connection is closed.'));

      await expectCode(service.start({ clientId: 'difyctl', ip: '203.0.113.12' }), 'server_error');

      const [[claimedCode]] = claims.mock.calls;
      expect(await harness.store.resolveUserCode(claimedCode)).toBeNull();
    });
  });

  describe('assertIssuanceAllowed', () => {
    it('admits 60 requests per IP per hour, then throws with Retry-After, per IP only', async () => {
      for (let i = 0; i < 60; i += 1) {
        await service.assertIssuanceAllowed('198.51.100.60');
      }

      const limited = service.assertIssuanceAllowed('198.51.100.60');
      await expect(limited).rejects.toBeInstanceOf(RateLimitExceededError);
      const error = (await limited.catch((caught: unknown) => caught)) as RateLimitExceededError;
      expect(error.code).toBe('rate_limited');
      expect(error.retryAfterSeconds).toBeGreaterThanOrEqual(1);

      await expect(service.assertIssuanceAllowed('198.51.100.61')).resolves.toBeUndefined();
      expect(await harness.keys('rl:device_code:ip:*')).toEqual([
        'rl:device_code:ip:198.51.100.60',
        'rl:device_code:ip:198.51.100.61',
      ]);
    });
  });
});
