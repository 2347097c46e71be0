import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { AUDIT_EVENTS, AuditSink, recordQuietly } from '@dify/audit';
import {
  ACCOUNT_SCOPES,
  DEVICE_FLOW,
  generateTransitionId,
  normalizeEmail,
  normalizeUserCode,
  SUBJECT_TYPE,
  TOKEN_PREFIX,
} from '@dify/domain';
import { RateLimitExceededError, RateLimiter, type RequestContext } from '@dify/platform';
import { enqueue, JOBS, type MailNewDeviceSigninPayload, QUEUES } from '@dify/queue-contracts';
import { type IssuedToken, TokenIssuer } from '@dify/tokens';
import type { Queue } from 'bullmq';
import { DEVICE_ERROR_CODES, DeviceFlowError } from '../device-flow.error';
import {
  DEVICE_FLOW_CLOCK,
  DEVICE_FLOW_SETTINGS,
  type DeviceFlowClock,
  type DeviceFlowSettings,
} from '../device-flow.settings';
import { approvalGuardId } from '../store/device-flow.keys';
import {
  DEVICE_FLOW_RATE_LIMIT_WINDOW_SECONDS,
  deviceFlowRateLimitKey,
} from '../store/device-flow-rate-limit.keys';
import {
  type ConfirmResult,
  DEVICE_STATUS,
  DeviceFlowStore,
  type DeviceStateView,
} from '../store/device-flow.store';
import { accountPayload, defaultWorkspaceOf, type DeviceApprover } from './device-token.payload';

declare const ADMITTED: unique symbol;

/**
 * Proof that a decision passed the kill switch and the deciding account's bucket. Only `admit`
 * makes one, so approve and deny cannot run without having been admitted first, and the edge can
 * admit a request before it parses the body or asks the database anything.
 */
export interface DecisionAdmission {
  readonly accountId: string;
  readonly [ADMITTED]: true;
}

/** An approval by a signed-in console user (docs/device-flow.md, "Approval"). */
export interface DeviceApproveRequest {
  readonly admission: DecisionAdmission;
  /** The body's `user_code`, as received; it is normalised here. */
  readonly userCode: string;
  /** Loaded by the HTTP layer from the console session's account, never from the body. */
  readonly approver: DeviceApprover;
  readonly context: RequestContext;
}

/** A denial by a signed-in console user (docs/device-flow.md, "Denial"). */
export interface DeviceDenyRequest {
  readonly admission: DecisionAdmission;
  readonly userCode: string;
  readonly context: RequestContext;
}

/** A pending flow found from a user code. */
interface PendingFlow {
  readonly userCode: string;
  readonly deviceCode: string;
  readonly state: DeviceStateView;
}

/** `transition:<transition_id>:<token_id>`, or `transition:<transition_id>:` for a denial. */
function transitionMarker(transitionId: string, tokenId = ''): string {
  return `transition:${transitionId}:${tokenId}`;
}

/** `POST …/device/approve` (account branch) and `POST …/device/deny`. */
@Injectable()
export class DeviceDecisionService {
  private readonly logger = new Logger(DeviceDecisionService.name);

  constructor(
    @Inject(DEVICE_FLOW_SETTINGS) private readonly settings: DeviceFlowSettings,
    @Inject(DEVICE_FLOW_CLOCK) private readonly clock: DeviceFlowClock,
    private readonly store: DeviceFlowStore,
    private readonly rateLimiter: RateLimiter,
    private readonly tokens: TokenIssuer,
    private readonly audit: AuditSink,
    @InjectQueue(QUEUES.mail) private readonly mailQueue: Queue,
  ) {}

  /**
   * Admission steps 3 and 4 of approve and deny (session and CSRF are the HTTP layer's): the kill
   * switch, then the bucket of the deciding account. Throws DeviceFlowError
   * (`bearer_auth_disabled`) or RateLimitExceededError. The bucket is the account's, not the
   * console session's, so signing in again does not buy a fresh one.
   */
  async admit(accountId: string): Promise<DecisionAdmission> {
    if (!this.settings.enableOAuthBearer) {
      throw new DeviceFlowError(
        DEVICE_ERROR_CODES.bearerAuthDisabled,
        'bearer authentication is disabled',
      );
    }
    await this.rateLimiter.enforce(
      deviceFlowRateLimitKey.deviceDecision(accountId),
      this.settings.approveRateLimitPerHour,
      DEVICE_FLOW_RATE_LIMIT_WINDOW_SECONDS.deviceDecision,
    );
    return { accountId } as DecisionAdmission;
  }

  /**
   * The approval from the body on. Answers `{status: 'approved'}` or throws DeviceFlowError
   * (`expired_or_unknown`, `already_resolved`, `state_lost`, `approve_in_progress`, `server_error`,
   * `approval_outcome_unknown`) or RateLimitExceededError (the global failed-lookup budget).
   */
  async approve(request: DeviceApproveRequest): Promise<{ readonly status: 'approved' }> {
    const { approver, context } = request;
    assertAdmitted(request.admission, approver.accountId);
    const flow = await this.findPending(request.userCode);

    // Step 2: the approver was loaded before anything touches tokens; no workspace, no token.
    if (approver.memberships.length === 0) {
      throw new DeviceFlowError(DEVICE_ERROR_CODES.stateLost, 'the approver has no workspace');
    }
    const email = normalizeEmail(approver.email);
    const { clientId, deviceLabel } = flow.state;

    // Steps 3–4: one approval at a time per device identity, so two device codes for the same
    // (user, client, label) cannot both rotate the one live row and publish two tokens of which
    // only the later works.
    const transitionId = generateTransitionId();
    const guardId = approvalGuardId(email, clientId, deviceLabel);
    if (!(await this.store.acquireApprovalGuard(guardId, transitionId))) {
      // Not ours: releasing it would free the guard of the approval that holds it.
      throw new DeviceFlowError(
        DEVICE_ERROR_CODES.approveInProgress,
        'another approval for this device is in progress',
      );
    }

    let issued: IssuedToken;
    try {
      await this.recheck(flow);
      issued = await this.tokens.issue({
        prefix: TOKEN_PREFIX.account,
        subjectEmail: email,
        accountId: approver.accountId,
        clientId,
        deviceLabel,
      });
      const payload = accountPayload({
        token: issued.token,
        tokenId: issued.tokenId,
        expiresAt: issued.expiresAt,
        email,
        approver,
      });
      await this.publish(
        flow.deviceCode,
        transitionMarker(transitionId, issued.tokenId),
        JSON.stringify(payload),
        issued,
      );
    } catch (error) {
      // Step 9 on a failed approval: release before answering, after any compensation.
      await this.releaseGuard(guardId, transitionId);
      throw error;
    }

    // Steps 9 and 10 once the token is published: the guard is released (owner-checked, so a
    // guard that expired and was taken by a later approval is left alone) and the side effects
    // run, all at once since none depends on another; each may fail without taking the approval
    // back. The rotation is recorded only now: a compensated one never happened.
    const approvedAt = this.clock().toISOString();
    await Promise.all([
      this.releaseGuard(guardId, transitionId),
      this.recordApproval(issued, email, flow, request),
      this.enqueueNewDeviceMail({
        accountId: approver.accountId,
        tokenId: issued.tokenId,
        transitionId,
        clientId,
        deviceLabel,
        // The device that signed in is the one that started the flow, not the approving browser.
        ip: flow.state.createdIp || context.ip,
        approvedAt,
        requestId: context.requestId,
      }),
    ]);
    return { status: 'approved' };
  }

  /** `oauth.token_rotated` when the issue replaced a live row, and `device_flow.approved`. */
  private async recordApproval(
    issued: IssuedToken,
    email: string,
    flow: PendingFlow,
    { approver, context }: DeviceApproveRequest,
  ): Promise<void> {
    const { clientId, deviceLabel } = flow.state;
    // Neither waits for the other (each is enqueued quietly and never throws): sent in one tick,
    // the two jobs share a Redis round trip instead of taking one each. The rotation is still
    // asked for first.
    await Promise.all([
      this.tokens.recordRotation(issued, context),
      recordQuietly(this.audit, {
        event: AUDIT_EVENTS.deviceFlowApproved,
        requestId: context.requestId,
        subjectType: SUBJECT_TYPE.account,
        subjectEmail: email,
        accountId: approver.accountId,
        actorAccountId: approver.accountId,
        ip: context.ip,
        payload: {
          token_id: issued.tokenId,
          tenant_id: defaultWorkspaceOf(approver),
          client_id: clientId,
          device_label: deviceLabel,
          scopes: [...ACCOUNT_SCOPES],
          expires_at: issued.expiresAt.toISOString(),
          rotated: issued.rotated,
        },
      }),
    ]);
  }

  /**
   * Any signed-in console user may deny a pending code they know (docs/device-flow.md, "Denial").
   * Answers `{status: 'denied'}`; the next poll gets `access_denied`.
   */
  async deny(request: DeviceDenyRequest): Promise<{ readonly status: 'denied' }> {
    // The admission was made for the account the session named: that account is the actor.
    const actorAccountId = request.admission.accountId;
    const flow = await this.findPending(request.userCode);
    const result = await this.store.transition(
      flow.deviceCode,
      DEVICE_STATUS.denied,
      transitionMarker(generateTransitionId()),
      '',
      DEVICE_FLOW.denialFloorSeconds,
    );
    if (result !== 1 && result !== 2) {
      throw new DeviceFlowError(DEVICE_ERROR_CODES.stateLost, 'the flow changed while denying');
    }
    await recordQuietly(this.audit, {
      event: AUDIT_EVENTS.deviceFlowDenied,
      requestId: request.context.requestId,
      actorAccountId,
      ip: request.context.ip,
      payload: {
        client_id: flow.state.clientId,
        device_label: flow.state.deviceLabel,
        actor_account_id: actorAccountId,
      },
    });
    return { status: 'denied' };
  }

  /**
   * Step 1: normalise, resolve `user_code:<UC>` and read the state. A decision is a lookup too, so
   * it answers to the same global budget of failed lookups: it waits while the budget is spent,
   * and a code it cannot find is recorded as a miss. Otherwise guessing codes through approve or
   * deny would be bounded only by each account's own bucket.
   */
  private async findPending(rawUserCode: string): Promise<PendingFlow> {
    const userCode = normalizeUserCode(rawUserCode);
    // The budget and the mapping are read at once (one round trip, not two); the mapping is
    // used only once the budget allows, so a spent budget still answers before any lookup.
    const [budget, deviceCode] = await Promise.all([
      this.rateLimiter.check(
        deviceFlowRateLimitKey.deviceLookupMiss(),
        this.settings.deviceLookupFailureBudgetPerHour,
        DEVICE_FLOW_RATE_LIMIT_WINDOW_SECONDS.deviceLookupMiss,
      ),
      userCode === null ? null : this.store.resolveUserCode(userCode),
    ]);
    if (!budget.allowed) throw new RateLimitExceededError(budget.retryAfterMs);
    const state = deviceCode === null ? null : await this.store.readState(deviceCode);
    if (userCode === null || deviceCode === null || state === null) {
      await this.rateLimiter.record(
        deviceFlowRateLimitKey.deviceLookupMiss(),
        DEVICE_FLOW_RATE_LIMIT_WINDOW_SECONDS.deviceLookupMiss,
      );
      throw new DeviceFlowError(DEVICE_ERROR_CODES.expiredOrUnknown, 'unknown or expired code');
    }
    if (state.status !== DEVICE_STATUS.pending) {
      throw new DeviceFlowError(DEVICE_ERROR_CODES.alreadyResolved, 'the code is already resolved');
    }
    return { userCode, deviceCode, state };
  }

  /**
   * Step 5: between the first read and the guard another request may have consumed, denied or
   * approved the flow, or the code may have expired; nothing is minted for a flow that moved on.
   */
  private async recheck(flow: PendingFlow): Promise<void> {
    // Both reads at once: the state read is of the flow's own device code, and counts only when
    // the user code still points to it.
    const [deviceCode, current] = await Promise.all([
      this.store.resolveUserCode(flow.userCode),
      this.store.readState(flow.deviceCode),
    ]);
    const state = deviceCode === flow.deviceCode ? current : null;
    if (state === null) {
      throw new DeviceFlowError(DEVICE_ERROR_CODES.stateLost, 'the flow is gone');
    }
    if (state.status !== DEVICE_STATUS.pending) {
      throw new DeviceFlowError(DEVICE_ERROR_CODES.alreadyResolved, 'the code is already resolved');
    }
  }

  /**
   * Step 8: publish the payload with `transition(approved, marker, payload, floor 60)`.
   *
   * | outcome                                   | action        | answer                     |
   * |-------------------------------------------|---------------|----------------------------|
   * | 1 applied, 2 our marker already there     | —             | success                    |
   * | 0 / -2 state gone or unreadable, -1 lost  | compensate    | state_lost                 |
   * | reply lost, confirm PUBLISHED             | —             | success                    |
   * | reply lost, confirm NOT_PUBLISHED         | compensate    | server_error               |
   * | reply lost, confirm UNKNOWN or failing    | none          | approval_outcome_unknown   |
   *
   * Compensation runs only when the publish failed for certain. When nobody can tell (the state
   * is gone, possibly because a poll already collected our token), undoing the row could revoke a
   * token a client now holds, so the token stays and the client is told the outcome is unknown.
   */
  private async publish(
    deviceCode: string,
    marker: string,
    payload: string,
    issued: IssuedToken,
  ): Promise<void> {
    let result: number;
    try {
      result = await this.store.transition(
        deviceCode,
        DEVICE_STATUS.approved,
        marker,
        payload,
        DEVICE_FLOW.approvalPickupFloorSeconds,
      );
    } catch (error) {
      // Any failure of the call is ambiguous: the script may have run before the reply was lost.
      this.logger.warn({ err: error }, 'approval publish failed; confirming its outcome');
      const confirmation = await this.confirm(deviceCode, marker);
      if (confirmation === 'PUBLISHED') return;
      if (confirmation === 'NOT_PUBLISHED') {
        await this.tokens.compensate(issued);
        throw new DeviceFlowError(DEVICE_ERROR_CODES.serverError, 'the approval was not published');
      }
      this.logger.error(
        { token_id: issued.tokenId },
        'approval publish outcome unknown; the issued token is kept',
      );
      throw new DeviceFlowError(
        DEVICE_ERROR_CODES.approvalOutcomeUnknown,
        'the outcome of the approval is unknown',
      );
    }
    if (result === 1 || result === 2) return;
    await this.tokens.compensate(issued);
    throw new DeviceFlowError(DEVICE_ERROR_CODES.stateLost, 'the flow changed while approving');
  }

  private async confirm(deviceCode: string, marker: string): Promise<ConfirmResult> {
    try {
      return await this.store.confirm(deviceCode, marker);
    } catch (error) {
      this.logger.error({ err: error }, 'approval publish could not be confirmed');
      return 'UNKNOWN';
    }
  }

  private async releaseGuard(guardId: string, transitionId: string): Promise<void> {
    try {
      await this.store.releaseApprovalGuard(guardId, transitionId);
    } catch (error) {
      // The guard expires on its own within 60 s; the approval's own outcome stands.
      this.logger.warn({ err: error }, 'approval guard could not be released');
    }
  }

  /** `mail.new-device-signin`, one per approval transition (the job id dedupes redelivery). */
  private async enqueueNewDeviceMail(payload: MailNewDeviceSigninPayload): Promise<void> {
    try {
      await enqueue(this.mailQueue, JOBS.mailNewDeviceSignin, payload);
    } catch (error) {
      this.logger.error({ err: error }, 'new-device sign-in mail could not be enqueued');
    }
  }
}

/** A decision runs only for the account its admission was made for. */
function assertAdmitted(admission: DecisionAdmission, accountId: string): void {
  if (admission.accountId !== accountId) {
    throw new DeviceFlowError(
      DEVICE_ERROR_CODES.noSession,
      'the decision was admitted for another account',
    );
  }
}
