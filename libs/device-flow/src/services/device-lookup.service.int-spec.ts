import { randomUUID } from 'node:crypto';
import { DbModule } from '@dify/db';
import { RateLimitExceededError } from '@dify/platform';
import { isolatedKeyPrefix, testEnvironment } from '@dify/testing';
import { DeviceFlowError } from '../device-flow.error';
import { deviceFlowKey } from '../store/device-flow.keys';
import { DeviceFlowHarness } from '../testing/device-flow.harness';
import { DeviceAuthorizationService } from './device-authorization.service';
import { DeviceLookupService } from './device-lookup.service';

const MISS_KEY = 'rl:device_lookup_miss:global';

describe('DeviceLookupService (real Redis and Postgres)', () => {
  const { databaseUrl, redisUrl } = testEnvironment();
  const harnesses: DeviceFlowHarness[] = [];

  /** A module with its own key prefix, so the global miss budget is this test's alone. */
  async function start(failureBudget = 1000) {
    const harness = await DeviceFlowHarness.start({
      database: DbModule.forRoot({
        url: databaseUrl,
        poolMax: 2,
        applicationName: 'device-flow-test',
      }),
      redisUrl,
      keyPrefix: isolatedKeyPrefix('device-lookup'),
      settings: { deviceLookupFailureBudgetPerHour: failureBudget },
    });
    harnesses.push(harness);
    const lookup = harness.get(DeviceLookupService);
    const issue = () =>
      harness.get(DeviceAuthorizationService).start({ clientId: 'client-b', ip: '203.0.113.30' });
    const misses = () => harness.redis.zcard(MISS_KEY);
    return { harness, lookup, issue, misses };
  }

  afterAll(async () => {
    for (const harness of harnesses) await harness.close();
  });
  afterEach(() => jest.restoreAllMocks());

  async function expectCode(promise: Promise<unknown>, code: string): Promise<void> {
    await expect(promise).rejects.toBeInstanceOf(DeviceFlowError);
    await expect(promise).rejects.toMatchObject({ code });
  }

  it('answers a pending code with its real remaining lifetime, however the code is typed', async () => {
    const { harness, lookup, issue, misses } = await start();
    const flow = await issue();
    const [first, second] = flow.user_code.split('-');

    for (const typed of [
      flow.user_code,
      `${first}${second}`.toLowerCase(),
      ` ${first.toLowerCase()} ${second.toLowerCase()} `,
      `${first.slice(0, 2)}-${first.slice(2)}-${second.slice(0, 2)}-${second.slice(2)}`,
    ]) {
      const answer = await lookup.lookup(typed, '198.51.100.1');
      expect(answer).toEqual({
        valid: true,
        expires_in_remaining: expect.any(Number),
        client_id: 'client-b',
      });
      expect(answer.expires_in_remaining).toBeGreaterThan(0);
      expect(answer.expires_in_remaining).toBeLessThanOrEqual(900);
    }

    // The lifetime is read from Redis, rounded up: 300.5 s left is 301.
    await harness.redis.pexpire(deviceFlowKey.deviceCode(flow.device_code), 300_500);
    expect((await lookup.lookup(flow.user_code, '198.51.100.1')).expires_in_remaining).toBe(301);
    expect(await misses()).toBe(0);
  });

  it('refuses a missing or empty user_code as invalid_request, reading nothing and counting no miss', async () => {
    const { harness, lookup, misses } = await start();
    const reads = jest.spyOn(harness.store, 'resolveUserCode');

    await expectCode(lookup.lookup(undefined, '198.51.100.2'), 'invalid_request');
    await expectCode(lookup.lookup('', '198.51.100.2'), 'invalid_request');

    expect(reads).not.toHaveBeenCalled();
    expect(await misses()).toBe(0);
  });

  it('answers unknown and non-codes alike and counts each as a miss', async () => {
    const { lookup, misses } = await start();
    const unknown = { valid: false, expires_in_remaining: 0, client_id: null };

    expect(await lookup.lookup('ABCD-EFGH', '198.51.100.3')).toEqual(unknown);
    expect(await lookup.lookup('not a code!', '198.51.100.3')).toEqual(unknown);
    expect(await lookup.lookup('ABCD-EFGH-J', '198.51.100.3')).toEqual(unknown);

    expect(await misses()).toBe(3);
  });

  it('answers a resolved code as not valid, with its client, and counts no miss', async () => {
    const { harness, lookup, issue, misses } = await start();
    const flow = await issue();
    await harness.store.transition(flow.device_code, 'denied', 'transition:t:', '', 1);

    expect(await lookup.lookup(flow.user_code, '198.51.100.4')).toEqual({
      valid: false,
      expires_in_remaining: 0,
      client_id: 'client-b',
    });
    expect(await misses()).toBe(0);
  });

  it('limits each IP to 60 lookups per 5 minutes', async () => {
    const { lookup } = await start();
    for (let i = 0; i < 60; i += 1) await lookup.lookup('ABCD-EFGH', '198.51.100.5');

    const limited = lookup.lookup('ABCD-EFGH', '198.51.100.5');
    await expect(limited).rejects.toBeInstanceOf(RateLimitExceededError);
    await expect(limited).rejects.toMatchObject({ code: 'rate_limited' });
    await expect(lookup.lookup('ABCD-EFGH', '198.51.100.6')).resolves.toMatchObject({
      valid: false,
    });
  });

  it('answers 429 to every anonymous caller, valid codes included, once the global miss budget is spent', async () => {
    const { lookup, issue } = await start(5);
    const flow = await issue();
    // Five networks, one miss each: no network's own budget is spent, the global one is.
    for (let i = 0; i < 5; i += 1) {
      await lookup.lookup('ABCD-EFGH', `198.51.${10 + i}.1`);
    }

    const limited = lookup.lookup(flow.user_code, '192.0.2.200');
    await expect(limited).rejects.toBeInstanceOf(RateLimitExceededError);
    const error = (await limited.catch((caught: unknown) => caught)) as RateLimitExceededError;
    expect(error.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    // The budget is checked before the query is validated.
    await expect(lookup.lookup(undefined, '192.0.2.201')).rejects.toBeInstanceOf(
      RateLimitExceededError,
    );
  });

  it('keeps a signed-in person’s lookups working once the anonymous budget is spent', async () => {
    const { lookup, issue } = await start(5);
    const flow = await issue();
    for (let i = 0; i < 5; i += 1) await lookup.lookup('ABCD-EFGH', `198.51.${20 + i}.1`);
    await expect(lookup.lookup(flow.user_code, '192.0.2.210')).rejects.toBeInstanceOf(
      RateLimitExceededError,
    );

    const person = randomUUID();
    await expect(lookup.lookup(flow.user_code, '192.0.2.210', person)).resolves.toMatchObject({
      valid: true,
    });
    // The person's own misses come out of their account's budget (1 an hour at this setting).
    await expect(lookup.lookup('ABCD-EFGH', '192.0.2.210', person)).resolves.toMatchObject({
      valid: false,
    });
    await expect(lookup.lookup(flow.user_code, '192.0.2.210', person)).rejects.toBeInstanceOf(
      RateLimitExceededError,
    );
    await expect(lookup.lookup(flow.user_code, '192.0.2.210', randomUUID())).resolves.toMatchObject(
      { valid: true },
    );
  });

  it('keeps each network prefix to its own share of the anonymous budget', async () => {
    const { lookup, issue } = await start(20);
    const flow = await issue();
    // 20 an hour overall: 2 for each /24 (IPv4) or /48 (IPv6).
    await lookup.lookup('ABCD-EFGH', '203.0.113.1');
    await lookup.lookup('ABCD-EFGH', '203.0.113.2');
    await expect(lookup.lookup(flow.user_code, '203.0.113.77')).rejects.toBeInstanceOf(
      RateLimitExceededError,
    );
    await expect(lookup.lookup(flow.user_code, '203.0.114.1')).resolves.toMatchObject({
      valid: true,
    });

    await lookup.lookup('ABCD-EFGH', '2001:db8:1:1::1');
    await lookup.lookup('ABCD-EFGH', '2001:db8:1:ffff::2');
    await expect(lookup.lookup(flow.user_code, '2001:db8:1::3')).rejects.toBeInstanceOf(
      RateLimitExceededError,
    );
    await expect(lookup.lookup(flow.user_code, '2001:db8:2::1')).resolves.toMatchObject({
      valid: true,
    });
  });
});
