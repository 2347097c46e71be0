import { DbModule } from '@dify/db';
import { hashToken } from '@dify/domain';
import { RateLimitExceededError } from '@dify/platform';
import { isolatedKeyPrefix, testEnvironment } from '@dify/testing';
import type { Queue } from 'bullmq';
import { DeviceFlowError } from '../device-flow.error';
import { approvalGuardId, deviceFlowKey } from '../store/device-flow.keys';
import { DeviceFlowHarness } from '../testing/device-flow.harness';
import { DeviceAuthorizationService } from './device-authorization.service';
import { DeviceDecisionService } from './device-decision.service';
import { DeviceLookupService } from './device-lookup.service';
import type { DeviceApprover, DeviceTokenResponse } from './device-token.payload';
import { DeviceTokenService } from './device-token.service';

interface TokenRow {
  id: string;
  token_hash: string | null;
  account_id: string | null;
  subject_issuer: string;
  prefix: string;
  revoked_at: Date | null;
}

const EXPECTED_ERRORS_UNDER_CONTENTION = ['approve_in_progress', 'already_resolved', 'state_lost'];

describe('DeviceDecisionService (real Redis, Postgres and TokenIssuer)', () => {
  const { databaseUrl, redisUrl } = testEnvironment();
  const context = { ip: '192.0.2.10', requestId: 'req-decision' };
  let harness: DeviceFlowHarness;
  let decisions: DeviceDecisionService;

  beforeAll(async () => {
    harness = await DeviceFlowHarness.start({
      database: DbModule.forRoot({
        url: databaseUrl,
        poolMax: 20,
        applicationName: 'device-flow-test',
      }),
      redisUrl,
      keyPrefix: isolatedKeyPrefix('device-decision'),
      // One account races many decisions here; the per-account bucket has its own spec below.
      settings: { approveRateLimitPerHour: 1_000 },
    });
    decisions = harness.get(DeviceDecisionService);
  });

  afterAll(() => harness.close());
  afterEach(() => {
    jest.restoreAllMocks();
    harness.audit.failing = false;
  });

  function issue(deviceLabel: string, clientId = 'difyctl') {
    return harness
      .get(DeviceAuthorizationService)
      .start({ clientId, deviceLabel, ip: '203.0.113.40' });
  }

  async function approve(userCode: string, approver: DeviceApprover) {
    const admission = await decisions.admit(approver.accountId);
    return decisions.approve({ admission, userCode, approver, context });
  }

  async function deny(userCode: string, actorAccountId: string) {
    const admission = await decisions.admit(actorAccountId);
    return decisions.deny({ admission, userCode, context });
  }

  function answer(deviceCode: string) {
    return harness
      .get(DeviceTokenService)
      .answer({ deviceCode, clientId: 'difyctl', ip: '203.0.113.40', requestId: 'req-poll' });
  }

  /** The token a poll collects; a refusal fails the test with its code. */
  async function poll(deviceCode: string): Promise<DeviceTokenResponse> {
    const answered = await answer(deviceCode);
    if (!answered.ok) throw new Error(`the poll was refused with ${answered.error}`);
    return answered.body;
  }

  /** The RFC 8628 error a poll is refused with, or null when it collects the token. */
  async function refusalOf(deviceCode: string): Promise<string | null> {
    const answered = await answer(deviceCode);
    return answered.ok ? null : answered.error;
  }

  async function expectCode(promise: Promise<unknown>, code: string): Promise<void> {
    await expect(promise).rejects.toBeInstanceOf(DeviceFlowError);
    await expect(promise).rejects.toMatchObject({ code });
  }

  async function rows(email: string, deviceLabel?: string): Promise<TokenRow[]> {
    return harness.dataSource.query(
      `SELECT id, token_hash, account_id, subject_issuer, prefix, revoked_at
         FROM oauth_access_tokens
        WHERE subject_email = $1 AND ($2::text IS NULL OR device_label = $2)
        ORDER BY created_at`,
      [email, deviceLabel ?? null],
    );
  }

  const state = (deviceCode: string) => harness.redis.hgetall(deviceFlowKey.deviceCode(deviceCode));
  const guardKeys = () => harness.keys('oauth_device:approval_guard:*');

  /** `a b c d  e f g h` with lower case: a code as a person might type it. */
  const typedLoosely = (userCode: string) =>
    userCode.toLowerCase().replace('-', ' ').split('').join(' ');

  describe('approve', () => {
    it('mints, publishes the account payload, releases the guard, audits and mails', async () => {
      const approver = await harness.createApprover('approve', [
        { name: 'Oldest', role: 'owner', current: false },
        { name: 'Current', role: 'editor', current: true },
      ]);
      const flow = await issue('laptop');
      const issueCalls = jest.spyOn(harness.store, 'acquireApprovalGuard');
      const releases = jest.spyOn(harness.store, 'releaseApprovalGuard');

      await expect(approve(typedLoosely(flow.user_code), approver)).resolves.toEqual({
        status: 'approved',
      });

      const [row] = await rows(approver.email, 'laptop');
      expect(row).toMatchObject({
        account_id: approver.accountId,
        subject_issuer: 'dify:account',
        prefix: 'dfoa_',
        revoked_at: null,
      });

      const published = await state(flow.device_code);
      const [, transitionId] = issueCalls.mock.calls[0];
      expect(published.status).toBe('approved');
      expect(published.token_id).toBe(`transition:${transitionId}:${row.id}`);
      const payload = JSON.parse(published.payload) as Record<string, unknown>;
      expect(payload).toEqual({
        token: expect.stringMatching(/^dfoa_[A-Za-z0-9_-]{43}$/),
        scope: 'full',
        expires_at: expect.any(String),
        subject_type: 'account',
        account: { id: approver.accountId, email: approver.email, name: approver.name },
        workspaces: approver.memberships.map(({ id, name, role }) => ({ id, name, role })),
        default_workspace_id: approver.memberships[1].id,
        token_id: row.id,
      });
      expect(hashToken(payload.token as string)).toBe(row.token_hash);
      // The plaintext is in Redis exactly once, inside the payload.
      const serialised = Object.values(published).join('\n');
      expect(serialised.split(payload.token as string)).toHaveLength(2);

      // The guard of this device identity, released by its owner.
      const guardId = approvalGuardId(approver.email, 'difyctl', 'laptop');
      expect(issueCalls).toHaveBeenCalledWith(guardId, transitionId);
      expect(releases).toHaveBeenCalledWith(guardId, transitionId);
      expect(await guardKeys()).toEqual([]);

      const [approved] = harness.audit
        .named('oauth.device_flow_approved')
        .filter((event) => event.payload?.token_id === row.id);
      expect(approved).toEqual({
        event: 'oauth.device_flow_approved',
        requestId: 'req-decision',
        subjectType: 'account',
        subjectEmail: approver.email,
        accountId: approver.accountId,
        actorAccountId: approver.accountId,
        ip: '192.0.2.10',
        payload: {
          token_id: row.id,
          tenant_id: approver.memberships[1].id,
          client_id: 'difyctl',
          device_label: 'laptop',
          scopes: ['full'],
          expires_at: payload.expires_at,
          rotated: false,
        },
      });

      const job = await harness.mailQueue.getJob(`new-device-signin:${row.id}:${transitionId}`);
      expect(job?.name).toBe('mail.new-device-signin');
      expect(job?.data).toEqual({
        accountId: approver.accountId,
        tokenId: row.id,
        transitionId,
        clientId: 'difyctl',
        deviceLabel: 'laptop',
        ip: '203.0.113.40',
        approvedAt: expect.any(String),
        requestId: 'req-decision',
      });
    });

    it('rotates the live row of the same device identity in place', async () => {
      const approver = await harness.createApprover('rotate');
      const first = await issue('desk');
      await approve(first.user_code, approver);
      const [before] = await rows(approver.email, 'desk');

      const second = await issue('desk');
      await approve(second.user_code, approver);

      const after = await rows(approver.email, 'desk');
      expect(after).toHaveLength(1);
      expect(after[0].id).toBe(before.id);
      expect(after[0].token_hash).not.toBe(before.token_hash);
      const approvals = harness.audit
        .named('oauth.device_flow_approved')
        .filter((event) => event.payload?.token_id === before.id)
        .map((event) => event.payload?.rotated);
      expect(approvals).toEqual([false, true]);
      expect(
        harness.audit
          .named('oauth.token_rotated')
          .filter((event) => event.payload?.token_id === before.id),
      ).toHaveLength(1);
    });

    it('answers bearer_auth_disabled before anything else when the kill switch is off', async () => {
      const disabled = await DeviceFlowHarness.start({
        database: DbModule.forRoot({
          url: databaseUrl,
          poolMax: 2,
          applicationName: 'device-flow-test',
        }),
        redisUrl,
        keyPrefix: isolatedKeyPrefix('device-decision-off'),
        settings: { enableOAuthBearer: false },
      });
      try {
        const approver = await disabled.createApprover('disabled');
        const flow = await disabled
          .get(DeviceAuthorizationService)
          .start({ clientId: 'difyctl', ip: '203.0.113.41' });
        const service = disabled.get(DeviceDecisionService);

        // Approve and deny cannot run without an admission, and there is none to be had.
        await expectCode(service.admit(approver.accountId), 'bearer_auth_disabled');

        expect(
          (await disabled.redis.hgetall(deviceFlowKey.deviceCode(flow.device_code))).status,
        ).toBe('pending');
        expect(await disabled.keys('rl:device_decision:*')).toEqual([]);
        expect(await rows(approver.email)).toEqual([]);
      } finally {
        await disabled.close();
      }
    });

    it('allows 10 decisions per account per hour, approvals and denials together', async () => {
      const limitedHarness = await DeviceFlowHarness.start({
        database: DbModule.forRoot({ url: databaseUrl, poolMax: 2, applicationName: 'limit-test' }),
        redisUrl,
        keyPrefix: isolatedKeyPrefix('device-decision-limit'),
      });
      try {
        const service = limitedHarness.get(DeviceDecisionService);
        const approver = await limitedHarness.createApprover('limited');
        const decide = async (accountId: string) => {
          const admission = await service.admit(accountId);
          return service.deny({ admission, userCode: 'ABCD-EFGH', context });
        };
        for (let i = 0; i < 10; i += 1) {
          await expectCode(decide(approver.accountId), 'expired_or_unknown');
        }

        const limited = service.admit(approver.accountId);
        await expect(limited).rejects.toBeInstanceOf(RateLimitExceededError);
        await expect(limited).rejects.toMatchObject({ code: 'rate_limited' });
        expect(
          await limitedHarness.keys(`rl:device_decision:account:${approver.accountId}`),
        ).toHaveLength(1);
        // Another account has its own bucket.
        const other = await limitedHarness.createApprover('unlimited');
        await expectCode(decide(other.accountId), 'expired_or_unknown');
      } finally {
        await limitedHarness.close();
      }
    });

    it('counts a decision on an unknown code against the global failed-lookup budget', async () => {
      const budgeted = await DeviceFlowHarness.start({
        database: DbModule.forRoot({
          url: databaseUrl,
          poolMax: 2,
          applicationName: 'budget-test',
        }),
        redisUrl,
        keyPrefix: isolatedKeyPrefix('device-decision-budget'),
        settings: { deviceLookupFailureBudgetPerHour: 3, approveRateLimitPerHour: 100 },
      });
      try {
        const service = budgeted.get(DeviceDecisionService);
        const approver = await budgeted.createApprover('guesser');
        const flow = await budgeted
          .get(DeviceAuthorizationService)
          .start({ clientId: 'difyctl', ip: '203.0.113.42' });
        const guess = async (userCode: string) =>
          service.approve({
            admission: await service.admit(approver.accountId),
            userCode,
            approver,
            context,
          });
        await expectCode(guess('ABCD-EFGH'), 'expired_or_unknown');
        await expectCode(guess('not a code'), 'expired_or_unknown');
        await expect(
          service.deny({
            admission: await service.admit(approver.accountId),
            userCode: 'WXYZ-WXYZ',
            context,
          }),
        ).rejects.toMatchObject({ code: 'expired_or_unknown' });

        // The budget is spent: the real code waits too, through approve and through lookup.
        await expect(guess(flow.user_code)).rejects.toBeInstanceOf(RateLimitExceededError);
        await expect(
          budgeted.get(DeviceLookupService).lookup(flow.user_code, '198.51.100.9'),
        ).rejects.toBeInstanceOf(RateLimitExceededError);
        expect(
          (await budgeted.redis.hgetall(deviceFlowKey.deviceCode(flow.device_code))).status,
        ).toBe('pending');
      } finally {
        await budgeted.close();
      }
    });

    it('answers expired_or_unknown for unknown codes and non-codes, already_resolved for used ones', async () => {
      const approver = await harness.createApprover('resolved');
      await expectCode(approve('ABCD-EFGH', approver), 'expired_or_unknown');
      await expectCode(approve('???', approver), 'expired_or_unknown');

      const flow = await issue('resolved-box');
      await deny(flow.user_code, approver.accountId);
      await expectCode(approve(flow.user_code, approver), 'already_resolved');
      expect(await rows(approver.email)).toEqual([]);
    });

    it('answers state_lost for an approver without a workspace, before anything touches tokens', async () => {
      const approver = await harness.createApprover('homeless', []);
      const flow = await issue('homeless-box');
      const guards = jest.spyOn(harness.store, 'acquireApprovalGuard');

      await expectCode(approve(flow.user_code, approver), 'state_lost');

      expect(guards).not.toHaveBeenCalled();
      expect(await rows(approver.email)).toEqual([]);
      expect((await state(flow.device_code)).status).toBe('pending');
    });

    it('answers approve_in_progress while the guard is held, and leaves the guard to its owner', async () => {
      const approver = await harness.createApprover('guarded');
      const flow = await issue('guarded-box');
      const guardId = approvalGuardId(approver.email, 'difyctl', 'guarded-box');
      await harness.store.acquireApprovalGuard(guardId, 'the-other-approval');

      await expectCode(approve(flow.user_code, approver), 'approve_in_progress');

      expect(await harness.redis.get(deviceFlowKey.approvalGuard(guardId))).toBe(
        'the-other-approval',
      );
      expect(await rows(approver.email)).toEqual([]);
      expect((await state(flow.device_code)).status).toBe('pending');
      await harness.store.releaseApprovalGuard(guardId, 'the-other-approval');
    });

    it('answers state_lost when the flow is gone by the time the guard is held, minting nothing', async () => {
      const approver = await harness.createApprover('gone');
      const flow = await issue('gone-box');
      const acquire = harness.store.acquireApprovalGuard.bind(harness.store);
      jest.spyOn(harness.store, 'acquireApprovalGuard').mockImplementationOnce(async (...args) => {
        await harness.store.deleteUserCode(flow.user_code);
        return acquire(...args);
      });

      await expectCode(approve(flow.user_code, approver), 'state_lost');

      expect(await rows(approver.email)).toEqual([]);
      expect(await guardKeys()).toEqual([]);
    });

    it('answers state_lost when publish finds the state gone, removing the new row and releasing the guard', async () => {
      const approver = await harness.createApprover('lost');
      const flow = await issue('lost-box');
      const transition = harness.store.transition.bind(harness.store);
      jest.spyOn(harness.store, 'transition').mockImplementationOnce(async (...args) => {
        await harness.redis.del(deviceFlowKey.deviceCode(flow.device_code));
        return transition(...args);
      });

      await expectCode(approve(flow.user_code, approver), 'state_lost');

      expect(await rows(approver.email)).toEqual([]);
      expect(await guardKeys()).toEqual([]);
      expect(
        harness.audit.named('oauth.device_flow_approved').map((e) => e.subjectEmail),
      ).not.toContain(approver.email);
    });

    it('answers state_lost when another transition won, restoring the rotated row', async () => {
      const approver = await harness.createApprover('restore');
      const first = await issue('restore-box');
      await approve(first.user_code, approver);
      const [before] = await rows(approver.email, 'restore-box');

      const second = await issue('restore-box');
      const transition = harness.store.transition.bind(harness.store);
      jest.spyOn(harness.store, 'transition').mockImplementationOnce(async (...args) => {
        await transition(second.device_code, 'denied', 'transition:someone-else:', '', 1);
        return transition(...args);
      });

      await expectCode(approve(second.user_code, approver), 'state_lost');

      const [after] = await rows(approver.email, 'restore-box');
      expect(after).toEqual(before);
      expect(await guardKeys()).toEqual([]);
    });

    it('answers success when a lost publish reply turns out PUBLISHED, keeping the token', async () => {
      const approver = await harness.createApprover('published');
      const flow = await issue('published-box');
      const transition = harness.store.transition.bind(harness.store);
      jest.spyOn(harness.store, 'transition').mockImplementationOnce(async (...args) => {
        await transition(...args);
        throw new Error('Connection is closed.');
      });

      await expect(approve(flow.user_code, approver)).resolves.toEqual({ status: 'approved' });

      const [row] = await rows(approver.email);
      const body = await poll(flow.device_code);
      expect(hashToken(body.token)).toBe(row.token_hash);
      expect(await guardKeys()).toEqual([]);
    });

    it('answers server_error and compensates when a lost publish reply turns out NOT_PUBLISHED', async () => {
      const approver = await harness.createApprover('unpublished');
      const flow = await issue('unpublished-box');
      jest
        .spyOn(harness.store, 'transition')
        .mockRejectedValueOnce(new Error('Connection is closed.'));

      await expectCode(approve(flow.user_code, approver), 'server_error');

      expect(await rows(approver.email)).toEqual([]);
      expect((await state(flow.device_code)).status).toBe('pending');
      expect(await guardKeys()).toEqual([]);
    });

    it('answers approval_outcome_unknown without compensating when confirm cannot tell', async () => {
      const approver = await harness.createApprover('unknown');
      const flow = await issue('unknown-box');
      jest
        .spyOn(harness.store, 'transition')
        .mockRejectedValueOnce(new Error('Connection is closed.'));
      jest
        .spyOn(harness.store, 'confirm')
        .mockRejectedValueOnce(new Error('Connection is closed.'));

      await expectCode(approve(flow.user_code, approver), 'approval_outcome_unknown');

      const live = await rows(approver.email);
      expect(live).toHaveLength(1);
      expect(live[0].revoked_at).toBeNull();
      expect(await guardKeys()).toEqual([]);
    });

    it('answers approval_outcome_unknown when the state vanished before confirm could read it', async () => {
      const approver = await harness.createApprover('vanished');
      const flow = await issue('vanished-box');
      const transition = harness.store.transition.bind(harness.store);
      jest.spyOn(harness.store, 'transition').mockImplementationOnce(async (...args) => {
        await transition(...args);
        // A poll collects the token before the approval learns that its publish went through.
        await poll(flow.device_code);
        throw new Error('Connection is closed.');
      });

      await expectCode(approve(flow.user_code, approver), 'approval_outcome_unknown');

      expect(await rows(approver.email)).toHaveLength(1);
    });

    it('stays approved when the audit trail and the mail queue are down', async () => {
      const approver = await harness.createApprover('quiet');
      const flow = await issue('quiet-box');
      harness.audit.failing = true;
      // The producer's queue is another instance of the same class as the harness's reader.
      const enqueue = jest
        .spyOn(Object.getPrototypeOf(harness.mailQueue) as Queue, 'add')
        .mockRejectedValue(new Error('queue unavailable'));

      await expect(approve(flow.user_code, approver)).resolves.toEqual({ status: 'approved' });
      expect(enqueue).toHaveBeenCalledWith(
        'mail.new-device-signin',
        expect.objectContaining({ accountId: approver.accountId }),
        expect.objectContaining({ jobId: expect.stringMatching(/^new-device-signin:/) }),
      );
      expect(await rows(approver.email)).toHaveLength(1);
      expect((await poll(flow.device_code)).token).toMatch(/^dfoa_/);
    });

    it('leaves exactly one live row when 50 approvals race for one device identity', async () => {
      const approver = await harness.createApprover('racer');
      const flows = await Promise.all(Array.from({ length: 50 }, () => issue('shared-label')));

      const results = await Promise.allSettled(
        flows.map((flow) => approve(flow.user_code, approver)),
      );

      const failures = results.filter(
        (result): result is PromiseRejectedResult => result.status === 'rejected',
      );
      for (const failure of failures) {
        expect(failure.reason).toBeInstanceOf(DeviceFlowError);
        expect(EXPECTED_ERRORS_UNDER_CONTENTION).toContain(
          (failure.reason as DeviceFlowError).code,
        );
      }
      const succeeded = flows.filter((_, i) => results[i].status === 'fulfilled');
      expect(succeeded.length).toBeGreaterThanOrEqual(1);

      const live = (await rows(approver.email, 'shared-label')).filter((row) => !row.revoked_at);
      expect(live).toHaveLength(1);
      // Every approval that succeeded published a token; only one of them is the live one.
      const tokens = await Promise.all(succeeded.map((flow) => poll(flow.device_code)));
      const liveTokens = tokens.filter((body) => hashToken(body.token) === live[0].token_hash);
      expect(liveTokens).toHaveLength(1);
      expect(await guardKeys()).toEqual([]);
    });
  });

  describe('deny', () => {
    it('denies a pending code, audits it, and the next poll gets access_denied', async () => {
      const approver = await harness.createApprover('denier');
      const flow = await issue('deny-box');

      await expect(deny(typedLoosely(flow.user_code), approver.accountId)).resolves.toEqual({
        status: 'denied',
      });

      const denied = await state(flow.device_code);
      expect(denied.status).toBe('denied');
      expect(denied.token_id).toMatch(/^transition:[A-Za-z0-9_-]{22}:$/);
      expect(denied.payload).toBe('');
      expect(
        harness.audit
          .named('oauth.device_flow_denied')
          .filter((event) => event.actorAccountId === approver.accountId),
      ).toEqual([
        {
          event: 'oauth.device_flow_denied',
          requestId: 'req-decision',
          actorAccountId: approver.accountId,
          ip: '192.0.2.10',
          payload: {
            client_id: 'difyctl',
            device_label: 'deny-box',
            actor_account_id: approver.accountId,
          },
        },
      ]);
      expect(await refusalOf(flow.device_code)).toBe('access_denied');
    });

    it('answers expired_or_unknown and already_resolved like approve', async () => {
      const approver = await harness.createApprover('denier2');
      await expectCode(deny('ABCD-EFGH', approver.accountId), 'expired_or_unknown');
      const flow = await issue('deny-twice-box');
      await deny(flow.user_code, approver.accountId);
      await expectCode(deny(flow.user_code, approver.accountId), 'already_resolved');
    });

    it('answers state_lost when the flow disappears between the read and the transition', async () => {
      const approver = await harness.createApprover('denier3');
      const flow = await issue('deny-lost-box');
      const transition = harness.store.transition.bind(harness.store);
      jest.spyOn(harness.store, 'transition').mockImplementationOnce(async (...args) => {
        await harness.redis.del(deviceFlowKey.deviceCode(flow.device_code));
        return transition(...args);
      });
      await expectCode(deny(flow.user_code, approver.accountId), 'state_lost');
    });

    it('lets exactly one of a racing approval and denial win, and never leaves a token for a denial', async () => {
      const approver = await harness.createApprover('race');
      for (let round = 0; round < 10; round += 1) {
        const label = `race-${round}`;
        const flow = await issue(label);

        const [approved, denied] = await Promise.allSettled([
          approve(flow.user_code, approver),
          deny(flow.user_code, approver.accountId),
        ]);

        const winners = [approved, denied].filter((result) => result.status === 'fulfilled');
        expect(winners).toHaveLength(1);
        const loser = [approved, denied].find(
          (result): result is PromiseRejectedResult => result.status === 'rejected',
        );
        expect(['already_resolved', 'state_lost']).toContain(
          (loser?.reason as DeviceFlowError).code,
        );

        const live = await rows(approver.email, label);
        if (approved.status === 'fulfilled') {
          expect(live).toHaveLength(1);
          expect(hashToken((await poll(flow.device_code)).token)).toBe(live[0].token_hash);
        } else {
          expect(live).toEqual([]);
          expect(await refusalOf(flow.device_code)).toBe('access_denied');
        }
      }
      expect(await guardKeys()).toEqual([]);
    });
  });
});
