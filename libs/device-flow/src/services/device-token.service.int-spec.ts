import { DbModule } from '@dify/db';
import { hashToken, isUuid } from '@dify/domain';
import { isolatedKeyPrefix, testEnvironment, waitFor } from '@dify/testing';
import { deviceFlowKey } from '../store/device-flow.keys';
import { DeviceFlowHarness } from '../testing/device-flow.harness';
import { DeviceAuthorizationService } from './device-authorization.service';
import { DeviceDecisionService } from './device-decision.service';
import { DeviceLookupService } from './device-lookup.service';
import type { DeviceApprover, DeviceTokenResponse } from './device-token.payload';
import { DeviceTokenService, type PollAnswer } from './device-token.service';

describe('DeviceTokenService (real Redis and Postgres)', () => {
  let harness: DeviceFlowHarness;
  let tokens: DeviceTokenService;
  let authorization: DeviceAuthorizationService;
  let decisions: DeviceDecisionService;
  let approver: DeviceApprover;

  beforeAll(async () => {
    const { databaseUrl, redisUrl } = testEnvironment();
    harness = await DeviceFlowHarness.start({
      database: DbModule.forRoot({
        url: databaseUrl,
        poolMax: 4,
        applicationName: 'device-flow-test',
      }),
      redisUrl,
      keyPrefix: isolatedKeyPrefix('device-token'),
    });
    tokens = harness.get(DeviceTokenService);
    authorization = harness.get(DeviceAuthorizationService);
    decisions = harness.get(DeviceDecisionService);
    approver = await harness.createApprover('poller', [
      { name: 'Older', role: 'normal', current: false },
      { name: 'Current', role: 'admin', current: true },
    ]);
  });

  afterAll(() => harness.close());
  afterEach(() => jest.restoreAllMocks());

  const CREATED_IP = '203.0.113.20';
  const context = { ip: '192.0.2.1', requestId: 'req-test' };

  async function issue(deviceLabel: string) {
    return authorization.start({ clientId: 'difyctl', deviceLabel, ip: CREATED_IP });
  }

  async function approve(userCode: string): Promise<void> {
    const admission = await decisions.admit(approver.accountId);
    await decisions.approve({ admission, userCode, approver, context });
  }

  type PollOverrides = { clientId?: string; ip?: string };

  function poll(deviceCode: string, overrides: PollOverrides = {}): Promise<PollAnswer> {
    return tokens.answer({
      deviceCode,
      clientId: overrides.clientId ?? 'difyctl',
      ip: overrides.ip ?? CREATED_IP,
      requestId: 'req-poll',
    });
  }

  /** The token a poll collects; a refusal fails the test with its code. */
  async function collect(
    deviceCode: string,
    overrides: PollOverrides = {},
  ): Promise<DeviceTokenResponse> {
    const answer = await poll(deviceCode, overrides);
    if (!answer.ok) throw new Error(`the poll was refused with ${answer.error}`);
    return answer.body;
  }

  async function expectCode(answer: Promise<PollAnswer>, code: string): Promise<void> {
    expect(await answer).toMatchObject({ ok: false, error: code });
  }

  /** Lets the next poll through the throttle, as if the client had waited its interval. */
  async function waitedInterval(deviceCode: string): Promise<void> {
    await harness.redis.hdel(deviceFlowKey.deviceCode(deviceCode), 'last_poll_ms');
  }

  it('answers invalid_grant for input that is not a device code, without touching Redis', async () => {
    const scripts = jest.spyOn(harness.store, 'poll');
    await expectCode(poll('dc_short'), 'invalid_grant');
    await expectCode(poll(`xx_${'a'.repeat(43)}`), 'invalid_grant');
    expect(scripts).not.toHaveBeenCalled();
  });

  it('answers expired_token for an unknown device code', async () => {
    await expectCode(poll(`dc_${'A'.repeat(43)}`), 'expired_token');
  });

  it('answers authorization_pending, then slow_down for a too-early poll', async () => {
    const flow = await issue('pending-box');
    await expectCode(poll(flow.device_code), 'authorization_pending');
    await expectCode(poll(flow.device_code), 'slow_down');
  });

  it('answers invalid_grant to another client, which neither throttles nor consumes', async () => {
    const flow = await issue('mismatch-box');
    await expectCode(poll(flow.device_code, { clientId: 'client-b' }), 'invalid_grant');
    // Not slowed down: the wrong client's poll was not recorded.
    await expectCode(poll(flow.device_code), 'authorization_pending');

    await approve(flow.user_code);
    await waitedInterval(flow.device_code);
    await expectCode(poll(flow.device_code, { clientId: 'client-b' }), 'invalid_grant');
    const body = await collect(flow.device_code);
    expect(body.token).toMatch(/^dfoa_[A-Za-z0-9_-]{43}$/);
  });

  it('hands the approved token over once, with the account payload', async () => {
    const flow = await issue('laptop-1');
    await approve(flow.user_code);

    const body = await collect(flow.device_code);

    const [row] = await harness.dataSource.query<
      { id: string; token_hash: string; expires_at: Date }[]
    >(
      `SELECT id, token_hash, expires_at FROM oauth_access_tokens
        WHERE subject_email = $1 AND device_label = 'laptop-1' AND revoked_at IS NULL`,
      [approver.email],
    );
    expect(body).toEqual({
      token: body.token,
      access_token: body.token,
      token_type: 'Bearer',
      expires_in: expect.any(Number),
      scope: 'full',
      expires_at: row.expires_at.toISOString(),
      subject_type: 'account',
      account: { id: approver.accountId, email: approver.email, name: approver.name },
      workspaces: approver.memberships.map(({ id, name, role }) => ({ id, name, role })),
      default_workspace_id: approver.memberships[1].id,
      token_id: row.id,
    });
    expect(hashToken(body.token)).toBe(row.token_hash);
    // 14 days, in whole seconds, give or take the test's own runtime.
    expect(body.expires_in).toBeGreaterThan(14 * 86_400 - 60);
    expect(body.expires_in).toBeLessThanOrEqual(14 * 86_400);

    // Consumed: the state and the user-code mapping are gone, and lookups no longer know it.
    expect(await harness.redis.exists(deviceFlowKey.deviceCode(flow.device_code))).toBe(0);
    expect(await harness.store.resolveUserCode(flow.user_code)).toBeNull();
    expect(await harness.get(DeviceLookupService).lookup(flow.user_code, '192.0.2.99')).toEqual({
      valid: false,
      expires_in_remaining: 0,
      client_id: null,
    });
    await expectCode(poll(flow.device_code), 'expired_token');
  });

  it('answers access_denied once after a denial, then expired_token', async () => {
    const flow = await issue('denied-box');
    await decisions.deny({
      admission: await decisions.admit(approver.accountId),
      userCode: flow.user_code,
      context,
    });

    await expectCode(poll(flow.device_code), 'access_denied');
    expect(await harness.store.resolveUserCode(flow.user_code)).toBeNull();
    await expectCode(poll(flow.device_code), 'expired_token');
  });

  it('answers expired_token for an approved state whose payload is unreadable', async () => {
    const flow = await issue('corrupt-box');
    await harness.store.transition(
      flow.device_code,
      'approved',
      'transition:t:x',
      '{"no":"token"}',
      60,
    );
    await expectCode(poll(flow.device_code), 'expired_token');
    expect(await harness.redis.exists(deviceFlowKey.deviceCode(flow.device_code))).toBe(0);
  });

  it('still hands the token over when the user-code mapping cannot be deleted', async () => {
    const flow = await issue('flaky-delete-box');
    await approve(flow.user_code);
    jest
      .spyOn(harness.store, 'deleteUserCode')
      .mockRejectedValueOnce(new Error('Connection is closed.'));

    const body = await collect(flow.device_code);

    expect(body.token).toMatch(/^dfoa_/);
  });

  it('audits a poll from another IP with the row id, never the transition marker', async () => {
    const flow = await issue('cross-ip-box');
    await approve(flow.user_code);

    const body = await collect(flow.device_code, { ip: '198.51.100.77' });

    const [event] = await waitFor(() => {
      const found = harness.audit
        .named('oauth.device_code_cross_ip_poll')
        .filter((recorded) => recorded.payload?.token_id === body.token_id);
      return found.length > 0 && found;
    });
    expect(isUuid(body.token_id)).toBe(true);
    expect(event).toMatchObject({
      requestId: 'req-poll',
      ip: '198.51.100.77',
      accountId: approver.accountId,
      payload: {
        token_id: body.token_id,
        creation_ip: CREATED_IP,
        poll_ip: '198.51.100.77',
        client_id: 'difyctl',
      },
    });
    expect(JSON.stringify(event)).not.toContain('transition:');
    expect(JSON.stringify(event)).not.toContain(body.token);
  });

  it('does not audit a poll from the creating IP', async () => {
    const flow = await issue('same-ip-box');
    await approve(flow.user_code);
    const before = harness.audit.named('oauth.device_code_cross_ip_poll').length;

    await collect(flow.device_code);
    // The recorder stores synchronously when called, so an event would already be here.
    await new Promise((resolve) => setImmediate(resolve));

    expect(harness.audit.named('oauth.device_code_cross_ip_poll')).toHaveLength(before);
  });

  it('gives exactly one of 50 concurrent pollers the token, the rest expired_token', async () => {
    const flow = await issue('race-box');
    await approve(flow.user_code);

    const answers = await Promise.all(Array.from({ length: 50 }, () => poll(flow.device_code)));

    const winners = answers.filter((answer) => answer.ok);
    const losers = answers.filter((answer) => !answer.ok);
    expect(winners).toHaveLength(1);
    expect(losers.map((answer) => (answer.ok ? null : answer.error))).toEqual(
      Array(49).fill('expired_token'),
    );
  });
});
