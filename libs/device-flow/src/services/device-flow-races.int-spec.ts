import { DbModule } from '@dify/db';
import { BearerResolver, presentBearer } from '@dify/tokens';
import { isolatedKeyPrefix, testEnvironment } from '@dify/testing';
import { deviceFlowKey } from '../store/device-flow.keys';
import { DeviceFlowHarness } from '../testing/device-flow.harness';
import { DeviceAuthorizationService } from './device-authorization.service';
import { DeviceDecisionService } from './device-decision.service';
import type { DeviceApprover } from './device-token.payload';
import { DeviceTokenService } from './device-token.service';

/** Interleavings of approvals, compensations and polls that used to hand out dead tokens. */
describe('device flow under racing approvals and bursts (real Redis and Postgres)', () => {
  const { databaseUrl, redisUrl } = testEnvironment();
  const context = { ip: '192.0.2.77', requestId: 'req-races' };
  let harness: DeviceFlowHarness;
  let decisions: DeviceDecisionService;
  let tokens: DeviceTokenService;

  beforeAll(async () => {
    harness = await DeviceFlowHarness.start({
      database: DbModule.forRoot({ url: databaseUrl, poolMax: 6, applicationName: 'races-test' }),
      redisUrl,
      keyPrefix: isolatedKeyPrefix('device-races'),
    });
    decisions = harness.get(DeviceDecisionService);
    tokens = harness.get(DeviceTokenService);
  });

  afterEach(() => jest.restoreAllMocks());
  afterAll(() => harness.close());

  const issue = (deviceLabel: string) =>
    harness
      .get(DeviceAuthorizationService)
      .start({ clientId: 'difyctl', deviceLabel, ip: '203.0.113.77' });

  async function approve(userCode: string, approver: DeviceApprover) {
    const admission = await decisions.admit(approver.accountId);
    return decisions.approve({ admission, userCode, approver, context });
  }

  const poll = (deviceCode: string) =>
    tokens.answer({ deviceCode, clientId: 'difyctl', ip: '203.0.113.77', requestId: 'req-poll' });

  async function redisNowMs(): Promise<number> {
    const [seconds, micros] = await harness.redis.time();
    return Number(seconds) * 1_000 + Math.floor(Number(micros) / 1_000);
  }

  /** Waits on the Redis clock (the one the poll script throttles by) until `target`. */
  async function untilRedisMs(target: number): Promise<void> {
    for (let now = await redisNowMs(); now < target; now = await redisNowMs()) {
      await new Promise((resolve) => setTimeout(resolve, Math.min(target - now, 100)));
    }
  }

  const storedInterval = async (deviceCode: string): Promise<number> =>
    Number(await harness.redis.hget(deviceFlowKey.deviceCode(deviceCode), 'interval'));

  describe('oauth.token_rotated', () => {
    it('is recorded for an approval that rotated a live row, and not for a compensated one', async () => {
      const approver = await harness.createApprover('rotated-audit');
      await approve((await issue('audited')).user_code, approver);
      const rows: { id: string }[] = await harness.dataSource.query(
        `SELECT id FROM oauth_access_tokens WHERE subject_email = $1`,
        [approver.email],
      );
      const [row] = rows;

      // The second approval rotates the row, then finds its flow gone and undoes the rotation.
      const lost = await issue('audited');
      const transition = harness.store.transition.bind(harness.store);
      jest.spyOn(harness.store, 'transition').mockImplementationOnce(async (...args) => {
        await harness.redis.del(deviceFlowKey.deviceCode(lost.device_code));
        return transition(...args);
      });
      await expect(approve(lost.user_code, approver)).rejects.toMatchObject({ code: 'state_lost' });
      const rotations = () =>
        harness.audit.named('oauth.token_rotated').filter((e) => e.payload?.token_id === row.id);
      expect(rotations()).toHaveLength(0);

      await approve((await issue('audited')).user_code, approver);
      expect(rotations()).toHaveLength(1);
      expect(rotations()[0]).toMatchObject({ ip: context.ip, requestId: context.requestId });
    });
  });

  describe('slow_down', () => {
    it('caps the interval however long a burst runs, so the token can still be collected', async () => {
      const flow = await issue('burst');
      expect(await poll(flow.device_code)).toEqual({ ok: false, error: 'authorization_pending' });

      const burst = await Promise.all(Array.from({ length: 1_000 }, () => poll(flow.device_code)));

      expect(burst.every((answer) => !answer.ok && answer.error === 'slow_down')).toBe(true);
      const interval = await storedInterval(flow.device_code);
      expect(interval).toBeLessThanOrEqual(60);
      const ttlSeconds = await harness.redis.ttl(deviceFlowKey.deviceCode(flow.device_code));
      expect(interval).toBeLessThan(ttlSeconds);
    });

    it('never raises the interval past the code’s remaining life; a client that waits collects', async () => {
      const approver = await harness.createApprover('short-life');
      const flow = await issue('short-life');
      const key = deviceFlowKey.deviceCode(flow.device_code);
      // A code near the end of its life: 7 s left.
      await harness.redis.pexpire(key, 7_000);
      expect(await poll(flow.device_code)).toMatchObject({ error: 'authorization_pending' });
      const lastPoll = Number(await harness.redis.hget(key, 'last_poll_ms'));

      await Promise.all(Array.from({ length: 200 }, () => poll(flow.device_code)));
      const interval = await storedInterval(flow.device_code);
      expect(interval).toBeLessThanOrEqual(7);

      // The user approves; the client, behaving again, waits the stored interval and collects.
      await approve(flow.user_code, approver);
      await untilRedisMs(lastPoll + interval * 1_000);
      const answer = await poll(flow.device_code);
      expect(answer.ok).toBe(true);
    });
  });

  describe('a token replaced before its code was collected', () => {
    it('is never handed out: the earlier code answers expired_token, the later one the live token', async () => {
      const approver = await harness.createApprover('replaced');
      const first = await issue('same-laptop');
      const second = await issue('same-laptop');
      // One right after the other: the approval guard never sees them overlap.
      await approve(first.user_code, approver);
      await approve(second.user_code, approver);

      const earlier = await poll(first.device_code);
      const later = await poll(second.device_code);

      expect(earlier).toEqual({
        ok: false,
        error: 'expired_token',
        description: expect.stringContaining('replaced') as unknown,
      });
      expect(later.ok).toBe(true);
      const token = later.ok ? String(later.body.token) : '';
      expect(await harness.get(BearerResolver).resolve(presentBearer(token))).not.toBeNull();
      // The earlier code is consumed like any other: its next poll is plain expired_token.
      expect(await poll(first.device_code)).toEqual({ ok: false, error: 'expired_token' });
    });

    it('is never handed out after the token was revoked either', async () => {
      const approver = await harness.createApprover('revoked-early');
      const flow = await issue('revoked-early');
      await approve(flow.user_code, approver);
      await harness.dataSource.query(
        `UPDATE oauth_access_tokens SET revoked_at = now(), token_hash = NULL
          WHERE subject_email = $1`,
        [approver.email],
      );

      const answer = await tokens.answer({
        deviceCode: flow.device_code,
        clientId: 'difyctl',
        ip: '203.0.113.77',
        requestId: 'req-poll',
      });
      expect(answer.ok).toBe(false);
    });
  });
});
