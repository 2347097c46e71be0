import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  DEVICE_FLOW,
  DEVICE_FLOW_LIMITS,
  deviceLabelFromUserAgent,
  generateDeviceCode,
  generateUserCode,
  parseDeviceLabel,
} from '@dify/domain';
import { RateLimiter } from '@dify/platform';
import { DEVICE_ERROR_CODES, DeviceFlowError } from '../device-flow.error';
import {
  DEVICE_FLOW_CLOCK,
  DEVICE_FLOW_SETTINGS,
  type DeviceFlowClock,
  type DeviceFlowSettings,
} from '../device-flow.settings';
import {
  DEVICE_FLOW_RATE_LIMIT_WINDOW_SECONDS,
  deviceFlowRateLimitKey,
} from '../store/device-flow-rate-limit.keys';
import { DeviceFlowStore, type NewDeviceState } from '../store/device-flow.store';

/**
 * A device authorization request, as the HTTP layer parsed it
 * (docs/device-flow.md, "Device authorization request").
 */
export interface DeviceAuthorizationRequest {
  readonly clientId: string;
  /** The body's `device_label`; absent or blank means "derive it from the User-Agent". */
  readonly deviceLabel?: string;
  readonly userAgent?: string;
  /** The client IP (docs/device-flow.md, "Client IP"); stored as `created_ip`. */
  readonly ip: string;
}

/** The 200 body of `POST …/device/code` (docs/device-flow.md, "Device authorization request"). */
export interface DeviceAuthorizationResponse {
  readonly device_code: string;
  readonly user_code: string;
  readonly verification_uri: string;
  readonly verification_uri_complete: string;
  readonly expires_in: number;
  readonly interval: number;
}

/** `POST …/device/code`: starts a flow (docs/redis-state.md, "Issuance"). */
@Injectable()
export class DeviceAuthorizationService {
  private readonly logger = new Logger(DeviceAuthorizationService.name);
  private readonly knownClientIds: ReadonlySet<string>;
  private readonly verificationUri: string;

  constructor(
    @Inject(DEVICE_FLOW_SETTINGS) private readonly settings: DeviceFlowSettings,
    @Inject(DEVICE_FLOW_CLOCK) private readonly clock: DeviceFlowClock,
    private readonly store: DeviceFlowStore,
    private readonly rateLimiter: RateLimiter,
  ) {
    this.knownClientIds = new Set(settings.knownClientIds);
    this.verificationUri = `${settings.consoleWebUrl.replace(/\/+$/, '')}/device`;
  }

  /**
   * Counts the request against `rl:device_code:ip:<ip>`; throws RateLimitExceededError when the
   * bucket is spent. The edge calls it before parsing the body, so malformed requests count too.
   */
  async assertIssuanceAllowed(ip: string): Promise<void> {
    await this.rateLimiter.enforce(
      deviceFlowRateLimitKey.deviceCode(ip),
      this.settings.deviceCodeRateLimitPerHour,
      DEVICE_FLOW_RATE_LIMIT_WINDOW_SECONDS.deviceCode,
    );
  }

  /**
   * Validates the request, then issues: up to 5 times, choose a device code and a user code and
   * send the user-code claim and the `start` script together. Throws `invalid_request`,
   * `unsupported_client` (before anything is written), `user_code_exhausted` or `server_error`.
   */
  async start(request: DeviceAuthorizationRequest): Promise<DeviceAuthorizationResponse> {
    const clientId = request.clientId;
    if (clientId.length === 0 || clientId.length > DEVICE_FLOW_LIMITS.clientIdMaxLength) {
      throw new DeviceFlowError(DEVICE_ERROR_CODES.invalidRequest, 'client_id is invalid');
    }
    const deviceLabel = this.deviceLabelOf(request);
    if (!this.knownClientIds.has(clientId)) {
      throw new DeviceFlowError(DEVICE_ERROR_CODES.unsupportedClient, 'client_id is not allowed');
    }

    const state = {
      clientId,
      deviceLabel,
      createdAt: this.clock().toISOString(),
      createdIp: request.ip,
    };
    for (let attempt = 0; attempt < DEVICE_FLOW.userCodeClaimAttempts; attempt += 1) {
      const deviceCode = generateDeviceCode();
      const userCode = generateUserCode();
      if (await this.claimAndStart(deviceCode, userCode, state)) {
        return {
          device_code: deviceCode,
          user_code: userCode,
          verification_uri: this.verificationUri,
          verification_uri_complete: `${this.verificationUri}?user_code=${encodeURIComponent(userCode)}`,
          expires_in: DEVICE_FLOW.flowLifetimeSeconds,
          interval: DEVICE_FLOW.pollIntervalSeconds,
        };
      }
    }
    // 30^8 codes make five collisions in a row a sign of a flooded keyspace, not bad luck.
    this.logger.error('no free user code after the maximum number of claims');
    throw new DeviceFlowError(
      DEVICE_ERROR_CODES.userCodeExhausted,
      'no user code is available; try again',
    );
  }

  /**
   * One issuance attempt (docs/redis-state.md, "Issuance"): `SET user_code:<UC> <dc> NX EX 900`
   * and `start` on the device key, sent in the same tick so the shared client pipelines them into
   * one round trip. Each still names one key, so they work unchanged on a cluster. True when both
   * took; false when the user code was taken, after deleting the state this attempt wrote (nobody
   * knows its device code yet, so nobody can have seen it). Throws the claim's own error when the
   * claim failed, and `server_error` when the claim took but the state was not written, after
   * giving the claim back.
   */
  private async claimAndStart(
    deviceCode: string,
    userCode: string,
    state: Omit<NewDeviceState, 'userCode'>,
  ): Promise<boolean> {
    const [claim, start] = await Promise.allSettled([
      this.store.claimUserCode(userCode, deviceCode),
      this.store.start(deviceCode, { ...state, userCode }),
    ]);
    const claimed = claim.status === 'fulfilled' && claim.value;
    const started = start.status === 'fulfilled' && start.value;
    if (claimed && started) return true;
    if (start.status === 'rejected') {
      this.logger.error({ err: start.reason as unknown }, 'device flow state could not be written');
    }
    if (!claimed) {
      // `start` refuses an existing key, so a state it wrote is this attempt's own.
      if (started) await this.forgetState(deviceCode);
      if (claim.status === 'rejected') throw claim.reason;
      return false;
    }
    // The claim would otherwise point at a state that does not exist for the next 15 minutes.
    await this.store.deleteUserCode(userCode).catch((error: unknown) => {
      this.logger.warn({ err: error }, 'user code claim could not be released');
    });
    throw new DeviceFlowError(DEVICE_ERROR_CODES.serverError, 'the flow could not be started');
  }

  /** Undoes the state of an attempt that lost its user code; it would expire on its own. */
  private async forgetState(deviceCode: string): Promise<void> {
    await this.store.deleteState(deviceCode).catch((error: unknown) => {
      this.logger.warn({ err: error }, 'device state of a colliding attempt could not be deleted');
    });
  }

  private deviceLabelOf(request: DeviceAuthorizationRequest): string {
    const parsed =
      request.deviceLabel === undefined
        ? ({ kind: 'absent' } as const)
        : parseDeviceLabel(request.deviceLabel);
    if (parsed.kind === 'invalid') {
      throw new DeviceFlowError(DEVICE_ERROR_CODES.invalidRequest, 'device_label is invalid');
    }
    return parsed.kind === 'valid'
      ? parsed.label
      : deviceLabelFromUserAgent(request.userAgent, request.clientId);
  }
}
