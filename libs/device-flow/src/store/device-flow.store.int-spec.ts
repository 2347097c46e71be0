import { generateDeviceCode, generateUserCode } from '@dify/domain';
import { redisOptionsFromUrl } from '@dify/platform';
import { isolatedKeyPrefix, testEnvironment } from '@dify/testing';
import Redis from 'ioredis';
import { deviceFlowKey } from './device-flow.keys';
import { DeviceFlowStore, type PollOutcome } from './device-flow.store';

describe('DeviceFlowStore scripts (real Redis)', () => {
  const { redisUrl } = testEnvironment();
  const clients: Redis[] = [];
  let prefix: string;
  let redis: Redis;
  let raw: Redis;
  let store: DeviceFlowStore;

  function client(keyPrefix?: string): Redis {
    const created = new Redis({ ...redisOptionsFromUrl(redisUrl), keyPrefix });
    clients.push(created);
    return created;
  }

  beforeAll(() => {
    prefix = isolatedKeyPrefix('device-flow-store');
    redis = client(prefix);
    raw = client();
    store = new DeviceFlowStore(redis);
  });

  afterAll(async () => {
    let cursor = '0';
    do {
      const [next, keys] = await raw.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) await raw.unlink(...keys);
    } while (cursor !== '0');
    clients.forEach((created) => created.disconnect());
  });

  async function redisNowMs(): Promise<number> {
    const [seconds, micros] = await raw.time();
    return Number(seconds) * 1_000 + Math.floor(Number(micros) / 1_000);
  }

  const hash = (deviceCode: string) => redis.hgetall(deviceFlowKey.deviceCode(deviceCode));
  const pttl = (deviceCode: string) => redis.pttl(deviceFlowKey.deviceCode(deviceCode));

  /** A pending flow as issuance leaves it: the user code claimed and `start` run. */
  async function pendingFlow(
    clientId = 'difyctl',
  ): Promise<{ deviceCode: string; userCode: string }> {
    const deviceCode = generateDeviceCode();
    const userCode = generateUserCode();
    expect(await store.claimUserCode(userCode, deviceCode)).toBe(true);
    expect(
      await store.start(deviceCode, {
        userCode,
        clientId,
        deviceLabel: 'laptop',
        createdAt: '2030-01-01T00:00:00.000Z',
        createdIp: '203.0.113.7',
      }),
    ).toBe(true);
    return { deviceCode, userCode };
  }

  /** Moves the last accepted poll back in time, as if `ms` had passed since it (Redis clock). */
  async function lastPollAgo(deviceCode: string, ms: number): Promise<void> {
    await redis.hset(
      deviceFlowKey.deviceCode(deviceCode),
      'last_poll_ms',
      (await redisNowMs()) - ms,
    );
  }

  describe('start and the user-code claim', () => {
    it('writes every pending field under the deployment prefix with a 900 s lifetime', async () => {
      const { deviceCode, userCode } = await pendingFlow();

      expect(await hash(deviceCode)).toEqual({
        user_code: userCode,
        client_id: 'difyctl',
        device_label: 'laptop',
        status: 'pending',
        created_at: '2030-01-01T00:00:00.000Z',
        created_ip: '203.0.113.7',
        interval: '5',
        token_id: '',
        payload: '',
      });
      const ttl = await pttl(deviceCode);
      expect(ttl).toBeGreaterThan(895_000);
      expect(ttl).toBeLessThanOrEqual(900_000);
      // ioredis applies the prefix to script KEYS too: the state sits under this test's prefix.
      expect(await raw.exists(`${prefix}device_code:${deviceCode}`)).toBe(1);
      expect(await raw.get(`${prefix}user_code:${userCode}`)).toBe(deviceCode);
      const claimTtl = await raw.ttl(`${prefix}user_code:${userCode}`);
      expect(claimTtl).toBeGreaterThan(895);
      expect(claimTtl).toBeLessThanOrEqual(900);
    });

    it('answers 0 for a device code that already exists and changes nothing', async () => {
      const { deviceCode } = await pendingFlow();
      const before = await hash(deviceCode);

      const again = await store.start(deviceCode, {
        userCode: 'ABCD-EFGH',
        clientId: 'other',
        deviceLabel: 'other',
        createdAt: '2031-01-01T00:00:00.000Z',
        createdIp: '198.51.100.1',
      });

      expect(again).toBe(false);
      expect(await hash(deviceCode)).toEqual(before);
    });

    it('claims a user code only once while it is in use', async () => {
      const { deviceCode, userCode } = await pendingFlow();
      expect(await store.claimUserCode(userCode, generateDeviceCode())).toBe(false);
      expect(await store.resolveUserCode(userCode)).toBe(deviceCode);
    });

    it('deletes a state and nothing else', async () => {
      const { deviceCode, userCode } = await pendingFlow();
      await store.deleteState(deviceCode);
      expect(await raw.exists(`${prefix}device_code:${deviceCode}`)).toBe(0);
      expect(await store.resolveUserCode(userCode)).toBe(deviceCode);
    });

    it('reads a state with its remaining lifetime, and null when there is none', async () => {
      const { deviceCode, userCode } = await pendingFlow();
      const state = await store.readState(deviceCode);
      expect(state).toMatchObject({
        status: 'pending',
        clientId: 'difyctl',
        deviceLabel: 'laptop',
        userCode,
        createdIp: '203.0.113.7',
      });
      expect(state?.ttlMs).toBeGreaterThan(895_000);
      expect(await store.readState(generateDeviceCode())).toBeNull();
    });
  });

  describe('poll', () => {
    it('answers missing for an unknown code', async () => {
      expect(await store.poll(generateDeviceCode(), 'difyctl')).toEqual({ kind: 'missing' });
    });

    it('answers client_mismatch for another client and writes nothing', async () => {
      const { deviceCode } = await pendingFlow();
      const before = await hash(deviceCode);

      expect(await store.poll(deviceCode, 'intruder')).toEqual({ kind: 'client_mismatch' });
      expect(await store.poll(deviceCode, 'intruder')).toEqual({ kind: 'client_mismatch' });

      expect(await hash(deviceCode)).toEqual(before);
      // The throttle is untouched: the right client's immediate first poll is not slowed down.
      expect(await store.poll(deviceCode, 'difyctl')).toEqual({ kind: 'pending' });
    });

    it('never slows down the first poll, and records it', async () => {
      const { deviceCode } = await pendingFlow();
      const before = await redisNowMs();

      expect(await store.poll(deviceCode, 'difyctl')).toEqual({ kind: 'pending' });

      const lastPoll = Number((await hash(deviceCode)).last_poll_ms);
      expect(lastPoll).toBeGreaterThanOrEqual(before);
      expect(lastPoll).toBeLessThanOrEqual(await redisNowMs());
    });

    it('raises the interval by 5 s per slow_down, persists it, and keeps the last accepted poll', async () => {
      const { deviceCode } = await pendingFlow();
      const ttlBefore = await pttl(deviceCode);

      // The slow_down example of docs/device-flow.md, "Polling", with time moved by rewriting the
      // last accepted poll.
      expect(await store.poll(deviceCode, 'difyctl')).toEqual({ kind: 'pending' });
      await lastPollAgo(deviceCode, 1_000);
      const accepted = (await hash(deviceCode)).last_poll_ms;
      expect(await store.poll(deviceCode, 'difyctl')).toEqual({ kind: 'slow_down', interval: 10 });
      expect(await hash(deviceCode)).toMatchObject({ interval: '10', last_poll_ms: accepted });

      await lastPollAgo(deviceCode, 6_000);
      expect(await store.poll(deviceCode, 'difyctl')).toEqual({ kind: 'slow_down', interval: 15 });
      expect((await hash(deviceCode)).interval).toBe('15');

      await lastPollAgo(deviceCode, 16_000);
      expect(await store.poll(deviceCode, 'difyctl')).toEqual({ kind: 'pending' });
      expect((await hash(deviceCode)).interval).toBe('15');
      // Polling never extends the flow's lifetime.
      expect(await pttl(deviceCode)).toBeLessThanOrEqual(ttlBefore);
    });

    it('slows down a too-early poll even when the code is approved, without consuming it', async () => {
      const { deviceCode } = await pendingFlow();
      await store.poll(deviceCode, 'difyctl');
      await store.transition(deviceCode, 'approved', 'transition:t1:row', '{"token":"dfoa_x"}', 60);

      expect(await store.poll(deviceCode, 'difyctl')).toEqual({ kind: 'slow_down', interval: 10 });
      expect((await hash(deviceCode)).status).toBe('approved');
    });

    it('consumes an approved state: returns it once and deletes the key', async () => {
      const { deviceCode, userCode } = await pendingFlow();
      const payload = JSON.stringify({ token: 'dfoa_x', name: 'Jürgen "quoted" \\ slash' });
      await store.transition(deviceCode, 'approved', 'transition:t1:row', payload, 60);

      expect(await store.poll(deviceCode, 'difyctl')).toEqual({
        kind: 'approved',
        userCode,
        createdIp: '203.0.113.7',
        payload,
      });
      expect(await redis.exists(deviceFlowKey.deviceCode(deviceCode))).toBe(0);
      expect(await store.poll(deviceCode, 'difyctl')).toEqual({ kind: 'missing' });
      // The script touches the device key only: the user-code mapping is the caller's to delete.
      expect(await store.resolveUserCode(userCode)).toBe(deviceCode);
    });

    it('consumes a denied state: returns it once and deletes the key', async () => {
      const { deviceCode, userCode } = await pendingFlow();
      await store.transition(deviceCode, 'denied', 'transition:t1:', '', 1);

      expect(await store.poll(deviceCode, 'difyctl')).toEqual({
        kind: 'denied',
        userCode,
        createdIp: '203.0.113.7',
        payload: '',
      });
      expect(await store.poll(deviceCode, 'difyctl')).toEqual({ kind: 'missing' });
    });

    it('answers missing for a status it does not know', async () => {
      const { deviceCode } = await pendingFlow();
      await redis.hset(deviceFlowKey.deviceCode(deviceCode), 'status', 'revoked');
      expect(await store.poll(deviceCode, 'difyctl')).toEqual({ kind: 'missing' });
    });

    it('still polls, approves and consumes a state with an unknown extra field', async () => {
      const { deviceCode } = await pendingFlow();
      await redis.hset(deviceFlowKey.deviceCode(deviceCode), 'added_by_a_newer_release', 'x');

      expect(await store.poll(deviceCode, 'difyctl')).toEqual({ kind: 'pending' });
      expect(
        await store.transition(deviceCode, 'approved', 'transition:t:r', '{"token":"t"}', 60),
      ).toBe(1);
      await lastPollAgo(deviceCode, 5_000);
      expect((await store.poll(deviceCode, 'difyctl')).kind).toBe('approved');
    });

    it('hands an approved state to exactly one of 200 concurrent pollers', async () => {
      const { deviceCode } = await pendingFlow();
      await store.transition(deviceCode, 'approved', 'transition:t1:row', '{"token":"dfoa_x"}', 60);
      // Separate connections, so the polls really interleave on the server.
      const pollers = Array.from({ length: 10 }, () => new DeviceFlowStore(client(prefix)));

      const outcomes: PollOutcome[] = await Promise.all(
        Array.from({ length: 200 }, (_, i) =>
          pollers[i % pollers.length].poll(deviceCode, 'difyctl'),
        ),
      );

      const kinds = outcomes.map((outcome) => outcome.kind);
      expect(kinds.filter((kind) => kind === 'approved')).toHaveLength(1);
      expect(kinds.filter((kind) => kind === 'missing')).toHaveLength(199);
    });
  });

  describe('transition', () => {
    it('answers 0 when there is no state', async () => {
      expect(
        await store.transition(generateDeviceCode(), 'approved', 'transition:t:r', '{}', 60),
      ).toBe(0);
      expect(await store.transition(generateDeviceCode(), 'denied', 'transition:t:', '', 1)).toBe(
        0,
      );
    });

    it('answers -2 when the status is missing or unreadable, and changes nothing', async () => {
      const { deviceCode } = await pendingFlow();
      const key = deviceFlowKey.deviceCode(deviceCode);
      await redis.hdel(key, 'status');
      expect(await store.transition(deviceCode, 'approved', 'transition:t:r', '{}', 60)).toBe(-2);
      await redis.hset(key, 'status', 'gibberish');
      expect(await store.transition(deviceCode, 'denied', 'transition:t:', '', 1)).toBe(-2);
      expect((await hash(deviceCode)).token_id).toBe('');

      const notAHash = generateDeviceCode();
      await redis.set(deviceFlowKey.deviceCode(notAHash), 'junk', 'EX', 60);
      expect(await store.transition(notAHash, 'approved', 'transition:t:r', '{}', 60)).toBe(-2);
    });

    it('approves a pending state: marker in token_id, payload verbatim, no other field', async () => {
      const { deviceCode } = await pendingFlow();
      const before = await hash(deviceCode);
      const payload = '{"token":"dfoa_x","b":1,"a":[]}';

      expect(
        await store.transition(deviceCode, 'approved', 'transition:t1:row-1', payload, 60),
      ).toBe(1);

      expect(await hash(deviceCode)).toEqual({
        ...before,
        status: 'approved',
        token_id: 'transition:t1:row-1',
        payload,
      });
      // Plenty of lifetime left: the floor does not shorten or reset it.
      expect(await pttl(deviceCode)).toBeGreaterThan(880_000);
    });

    it('answers 2 for a replay of the same marker and -1 for any other transition', async () => {
      const { deviceCode } = await pendingFlow();
      await store.transition(deviceCode, 'approved', 'transition:t1:row-1', '{"token":"a"}', 60);

      expect(
        await store.transition(deviceCode, 'approved', 'transition:t1:row-1', '{"token":"a"}', 60),
      ).toBe(2);
      expect(
        await store.transition(deviceCode, 'approved', 'transition:t2:row-1', '{"token":"b"}', 60),
      ).toBe(-1);
      expect(await store.transition(deviceCode, 'denied', 'transition:t1:row-1', '', 1)).toBe(-1);
      expect(await hash(deviceCode)).toMatchObject({
        status: 'approved',
        token_id: 'transition:t1:row-1',
        payload: '{"token":"a"}',
      });

      const denied = await pendingFlow();
      await store.transition(denied.deviceCode, 'denied', 'transition:t3:', '', 1);
      expect(await store.transition(denied.deviceCode, 'denied', 'transition:t3:', '', 1)).toBe(2);
      expect(
        await store.transition(denied.deviceCode, 'approved', 'transition:t3:', '{}', 60),
      ).toBe(-1);
      expect((await hash(denied.deviceCode)).payload).toBe('');
    });

    it('raises a shorter or missing lifetime to the approval floor of 60 s', async () => {
      const shortLived = await pendingFlow();
      await redis.pexpire(deviceFlowKey.deviceCode(shortLived.deviceCode), 5_000);
      await store.transition(shortLived.deviceCode, 'approved', 'transition:t:r', '{}', 60);
      const raised = await pttl(shortLived.deviceCode);
      expect(raised).toBeGreaterThan(55_000);
      expect(raised).toBeLessThanOrEqual(60_000);

      const immortal = await pendingFlow();
      await redis.persist(deviceFlowKey.deviceCode(immortal.deviceCode));
      await store.transition(immortal.deviceCode, 'approved', 'transition:t:r', '{}', 60);
      const set = await pttl(immortal.deviceCode);
      expect(set).toBeGreaterThan(55_000);
      expect(set).toBeLessThanOrEqual(60_000);
    });

    it('raises a shorter lifetime to the denial floor of 1 s', async () => {
      const { deviceCode } = await pendingFlow();
      await redis.pexpire(deviceFlowKey.deviceCode(deviceCode), 100);
      await store.transition(deviceCode, 'denied', 'transition:t:', '', 1);
      const raised = await pttl(deviceCode);
      expect(raised).toBeGreaterThan(500);
      expect(raised).toBeLessThanOrEqual(1_000);
    });

    it('lets exactly one of a racing approval and denial win', async () => {
      const racers = [new DeviceFlowStore(client(prefix)), new DeviceFlowStore(client(prefix))];
      for (let round = 0; round < 20; round += 1) {
        const { deviceCode } = await pendingFlow();
        const [approved, denied] = await Promise.all([
          racers[0].transition(
            deviceCode,
            'approved',
            `transition:a${round}:row`,
            '{"token":"t"}',
            60,
          ),
          racers[1].transition(deviceCode, 'denied', `transition:d${round}:`, '', 1),
        ]);
        expect([approved, denied].sort()).toEqual([-1, 1]);
        const state = await hash(deviceCode);
        expect(state.status).toBe(approved === 1 ? 'approved' : 'denied');
        expect(state.token_id).toBe(
          approved === 1 ? `transition:a${round}:row` : `transition:d${round}:`,
        );
      }
    });
  });

  describe('confirm', () => {
    it('tells published, not published and unknown apart', async () => {
      const { deviceCode } = await pendingFlow();
      expect(await store.confirm(deviceCode, 'transition:t1:row')).toBe('NOT_PUBLISHED');
      await store.transition(deviceCode, 'approved', 'transition:t1:row', '{"token":"t"}', 60);
      expect(await store.confirm(deviceCode, 'transition:t1:row')).toBe('PUBLISHED');
      expect(await store.confirm(deviceCode, 'transition:t2:row')).toBe('NOT_PUBLISHED');

      const denied = await pendingFlow();
      await store.transition(denied.deviceCode, 'denied', 'transition:t3:', '', 1);
      expect(await store.confirm(denied.deviceCode, 'transition:t3:')).toBe('NOT_PUBLISHED');

      expect(await store.confirm(generateDeviceCode(), 'transition:t1:row')).toBe('UNKNOWN');
    });
  });

  describe('approval guard', () => {
    it('is taken once for 60 s and released only by its owner', async () => {
      const guardId = 'a'.repeat(64);
      const key = `${prefix}oauth_device:approval_guard:${guardId}`;

      expect(await store.acquireApprovalGuard(guardId, 'owner')).toBe(true);
      expect(await store.acquireApprovalGuard(guardId, 'other')).toBe(false);
      expect(await raw.get(key)).toBe('owner');
      const ttl = await raw.ttl(key);
      expect(ttl).toBeGreaterThan(55);
      expect(ttl).toBeLessThanOrEqual(60);

      expect(await store.releaseApprovalGuard(guardId, 'other')).toBe(false);
      expect(await raw.get(key)).toBe('owner');
      expect(await store.releaseApprovalGuard(guardId, 'owner')).toBe(true);
      expect(await raw.exists(key)).toBe(0);
      expect(await store.releaseApprovalGuard(guardId, 'owner')).toBe(false);
    });
  });
});
