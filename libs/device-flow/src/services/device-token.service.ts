import { Inject, Injectable, Logger } from '@nestjs/common';
import { AUDIT_EVENTS, AuditSink, recordQuietly } from '@dify/audit';
import { isDeviceCodeShaped } from '@dify/domain';
import { TokenIssuer } from '@dify/tokens';
import { DEVICE_ERROR_CODES } from '../device-flow.error';
import { DEVICE_FLOW_CLOCK, type DeviceFlowClock } from '../device-flow.settings';
import { DeviceFlowStore } from '../store/device-flow.store';
import { type DeviceTokenResponse, tokenResponseFrom } from './device-token.payload';

/** A token request, as the HTTP layer parsed it (docs/device-flow.md, "Polling"). */
export interface DevicePollRequest {
  readonly deviceCode: string;
  readonly clientId: string;
  /** The client IP (docs/device-flow.md, "Client IP"). */
  readonly ip: string;
  readonly requestId: string;
}

/** The device errors a poll can end in; each is a 400 in the device envelope. */
export type DevicePollErrorCode =
  | typeof DEVICE_ERROR_CODES.invalidGrant
  | typeof DEVICE_ERROR_CODES.expiredToken
  | typeof DEVICE_ERROR_CODES.slowDown
  | typeof DEVICE_ERROR_CODES.authorizationPending
  | typeof DEVICE_ERROR_CODES.accessDenied;

/** Why an approved code answers `expired_token`: its token died before it was collected. */
const REPLACED_DESCRIPTION =
  'the token approved for this code was replaced by a later sign-in of the same device or revoked; start a new sign-in';

/**
 * A poll's outcome: the token response, or the RFC 8628 error the client acts on, with an
 * `error_description` when the code alone would leave the user guessing.
 */
export type PollAnswer =
  | { readonly ok: true; readonly body: DeviceTokenResponse }
  | {
      readonly ok: false;
      readonly error: DevicePollErrorCode;
      readonly description?: string;
    };

const refused = (error: DevicePollErrorCode, description?: string): PollAnswer =>
  description === undefined ? { ok: false, error } : { ok: false, error, description };

/** `POST …/device/token`: polling (docs/device-flow.md, "Polling"). */
@Injectable()
export class DeviceTokenService {
  private readonly logger = new Logger(DeviceTokenService.name);

  constructor(
    @Inject(DEVICE_FLOW_CLOCK) private readonly clock: DeviceFlowClock,
    private readonly store: DeviceFlowStore,
    private readonly tokens: TokenIssuer,
    private readonly audit: AuditSink,
  ) {}

  /**
   * Answers the 200 body, or the RFC 8628 error the client acts on (`authorization_pending`,
   * `slow_down`, `access_denied`, `expired_token`, `invalid_grant`) as a value: the token endpoint
   * is the hottest path of the system and almost every answer is `authorization_pending`, so
   * building an Error (and its stack) for each would be the single largest cost of a poll. Redis
   * failures propagate as they are (500 `server_error` at the edge).
   */
  async answer(request: DevicePollRequest): Promise<PollAnswer> {
    // Input that can never be a device code costs no Redis round trip.
    if (!isDeviceCodeShaped(request.deviceCode)) return refused(DEVICE_ERROR_CODES.invalidGrant);

    const outcome = await this.store.poll(request.deviceCode, request.clientId);
    switch (outcome.kind) {
      case 'missing':
        return refused(DEVICE_ERROR_CODES.expiredToken);
      case 'client_mismatch':
        return refused(DEVICE_ERROR_CODES.invalidGrant);
      case 'slow_down':
        return refused(DEVICE_ERROR_CODES.slowDown);
      case 'pending':
        return refused(DEVICE_ERROR_CODES.authorizationPending);
      case 'denied':
        await this.forgetUserCode(outcome.userCode);
        return refused(DEVICE_ERROR_CODES.accessDenied);
      case 'approved': {
        const body = tokenResponseFrom(outcome.payload, this.clock());
        if (!body) {
          await this.forgetUserCode(outcome.userCode);
          // The state is gone with the payload: the client must start over. Never log the payload.
          this.logger.error('an approved device state held no readable token payload');
          return refused(DEVICE_ERROR_CODES.expiredToken);
        }
        // The mapping goes and the row is asked at once: neither waits for the other, and the
        // poll answers after one round trip instead of two.
        const [, live] = await Promise.all([
          this.forgetUserCode(outcome.userCode),
          this.stillLive(body),
        ]);
        if (!live) {
          return refused(DEVICE_ERROR_CODES.expiredToken, REPLACED_DESCRIPTION);
        }
        this.auditCrossIpPoll(outcome.createdIp, body, request);
        return { ok: true, body };
      }
    }
  }

  /**
   * Whether the published token is still its row's live token. Two codes of one device identity
   * approved one after the other both publish a token, but the second approval rotated the row
   * away from the first token: handing that one out would give the client a token that answers
   * 401 on first use. Asked once per flow, on the approved poll only. When the database cannot
   * answer the token is handed out: it was live when published, and the code is consumed already.
   */
  private async stillLive(body: DeviceTokenResponse): Promise<boolean> {
    if (typeof body.token_id !== 'string') return true;
    try {
      return await this.tokens.isCurrent(body.token, body.token_id);
    } catch (error) {
      this.logger.warn({ err: error }, 'could not check that the published token is still live');
      return true;
    }
  }

  /**
   * The consumed code's `user_code:<UC>` mapping, deleted by its own single-key command (the
   * `poll` script touches only the device key). Best effort: the token is already out of Redis,
   * so a failure here must not lose it; the mapping then expires on its own.
   */
  private async forgetUserCode(userCode: string): Promise<void> {
    if (userCode === '') return;
    try {
      await this.store.deleteUserCode(userCode);
    } catch (error) {
      this.logger.warn({ err: error }, 'user code mapping could not be deleted after a consume');
    }
  }

  /**
   * `oauth.device_code_cross_ip_poll` when the token was collected from another IP than the one
   * that started the flow. Fire and forget: the audit trail must never hold up or fail the token
   * response. The token id is the row id from the payload, never the transition marker.
   */
  private auditCrossIpPoll(
    createdIp: string,
    body: DeviceTokenResponse,
    request: DevicePollRequest,
  ): void {
    if (createdIp === '' || request.ip === '' || createdIp === request.ip) return;
    const account = body.account as { id?: unknown } | null | undefined;
    void recordQuietly(this.audit, {
      event: AUDIT_EVENTS.deviceCodeCrossIpPoll,
      requestId: request.requestId,
      ...(typeof body.subject_type === 'string' ? { subjectType: body.subject_type } : {}),
      ...(typeof account?.id === 'string' ? { accountId: account.id } : {}),
      ip: request.ip,
      payload: {
        token_id: typeof body.token_id === 'string' ? body.token_id : null,
        creation_ip: createdIp,
        poll_ip: request.ip,
        client_id: request.clientId,
      },
    });
  }
}
