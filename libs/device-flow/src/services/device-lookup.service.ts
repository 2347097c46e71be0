import { Inject, Injectable } from '@nestjs/common';
import { DEVICE_FLOW, normalizeUserCode } from '@dify/domain';
import { networkPrefixOf, RateLimitExceededError, RateLimiter } from '@dify/platform';
import { DEVICE_ERROR_CODES, DeviceFlowError } from '../device-flow.error';
import { DEVICE_FLOW_SETTINGS, type DeviceFlowSettings } from '../device-flow.settings';
import {
  DEVICE_FLOW_RATE_LIMIT_WINDOW_SECONDS,
  deviceFlowRateLimitKey,
} from '../store/device-flow-rate-limit.keys';
import { DEVICE_STATUS, DeviceFlowStore } from '../store/device-flow.store';

/**
 * The 200 body of `GET …/device/lookup` (docs/device-flow.md, "Lookup"). Never carries token data.
 */
export interface DeviceLookupResponse {
  readonly valid: boolean;
  /** Real remaining lifetime in whole seconds (rounded up, at least 1) while valid; else 0. */
  readonly expires_in_remaining: number;
  readonly client_id: string | null;
}

const UNKNOWN: DeviceLookupResponse = Object.freeze({
  valid: false,
  expires_in_remaining: 0,
  client_id: null,
});

/** `GET …/device/lookup`: what the `/device` page shows before asking for a decision. */
@Injectable()
export class DeviceLookupService {
  constructor(
    @Inject(DEVICE_FLOW_SETTINGS) private readonly settings: DeviceFlowSettings,
    private readonly store: DeviceFlowStore,
    private readonly rateLimiter: RateLimiter,
  ) {}

  /**
   * In this order: IP bucket → failed-lookup budget → validation → normalisation → reads. Throws
   * RateLimitExceededError (any bucket) or `invalid_request` (missing or empty `user_code`: not a
   * miss, and nothing is read).
   *
   * The failed-lookup budget bounds guessing (RFC 8628 §5.1) without letting anyone switch
   * sign-in off for everyone: a signed-in console account (`accountId`) spends a budget of its
   * own; an anonymous caller spends both its network's share and the global anonymous budget, so
   * one network cannot spend the whole of it, and nobody can spend a signed-in person's.
   */
  async lookup(
    rawUserCode: string | undefined,
    ip: string,
    accountId?: string,
  ): Promise<DeviceLookupResponse> {
    await this.rateLimiter.enforce(
      deviceFlowRateLimitKey.deviceLookup(ip),
      this.settings.deviceLookupRateLimitPer5Min,
      DEVICE_FLOW_RATE_LIMIT_WINDOW_SECONDS.deviceLookup,
    );
    const budgets = this.missBudgets(ip, accountId);
    for (const budget of budgets) {
      const state = await this.rateLimiter.check(
        budget.key,
        budget.limit,
        DEVICE_FLOW_RATE_LIMIT_WINDOW_SECONDS.deviceLookupMiss,
      );
      if (!state.allowed) throw new RateLimitExceededError(state.retryAfterMs);
    }

    if (rawUserCode === undefined || rawUserCode.trim() === '') {
      throw new DeviceFlowError(DEVICE_ERROR_CODES.invalidRequest, 'user_code is required');
    }

    const userCode = normalizeUserCode(rawUserCode);
    const deviceCode = userCode === null ? null : await this.store.resolveUserCode(userCode);
    const state = deviceCode === null ? null : await this.store.readState(deviceCode);
    if (state === null) {
      for (const budget of budgets) {
        await this.rateLimiter.record(
          budget.key,
          DEVICE_FLOW_RATE_LIMIT_WINDOW_SECONDS.deviceLookupMiss,
        );
      }
      return UNKNOWN;
    }
    if (state.status !== DEVICE_STATUS.pending) {
      // A resolved code is known: the page says "already used", and it is no guess.
      return { valid: false, expires_in_remaining: 0, client_id: state.clientId };
    }
    return {
      valid: true,
      expires_in_remaining: remainingSeconds(state.ttlMs),
      client_id: state.clientId,
    };
  }

  private missBudgets(ip: string, accountId: string | undefined): MissBudget[] {
    const global = this.settings.deviceLookupFailureBudgetPerHour;
    if (accountId !== undefined) {
      return [
        {
          key: deviceFlowRateLimitKey.deviceLookupMissByAccount(accountId),
          limit: Math.max(1, Math.ceil(global / ACCOUNT_SHARE)),
        },
      ];
    }
    return [
      {
        key: deviceFlowRateLimitKey.deviceLookupMissByNetwork(networkPrefixOf(ip)),
        limit: Math.max(1, Math.ceil(global / NETWORK_SHARE)),
      },
      { key: deviceFlowRateLimitKey.deviceLookupMiss(), limit: global },
    ];
  }
}

interface MissBudget {
  readonly key: string;
  readonly limit: number;
}

/**
 * Shares of `DEVICE_LOOKUP_FAILURE_BUDGET_PER_HOUR` (1000 by default): a network gets a tenth
 * (100), a signed-in account a fiftieth (20), each at least 1.
 */
const NETWORK_SHARE = 10;
const ACCOUNT_SHARE = 50;

/**
 * PTTL rounded up to whole seconds: at least 1 while the code is valid, at most the flow
 * lifetime. A key without expiry cannot come from `start` (it sets the TTL in the same script),
 * so it is reported as a fresh flow rather than as "expired" for a code that still works.
 */
function remainingSeconds(ttlMs: number): number {
  if (ttlMs < 0) return DEVICE_FLOW.flowLifetimeSeconds;
  return Math.min(DEVICE_FLOW.flowLifetimeSeconds, Math.max(1, Math.ceil(ttlMs / 1_000)));
}
