/** What the device-flow services need from the importing app's validated config. */
export interface DeviceFlowSettings {
  /** Base of `verification_uri` (`<consoleWebUrl>/device`); a trailing slash is ignored. */
  readonly consoleWebUrl: string;
  /** `OPENAPI_KNOWN_CLIENT_IDS`. */
  readonly knownClientIds: readonly string[];
  /** `DEVICE_CODE_RATE_LIMIT_PER_HOUR`: bucket `rl:device_code:ip:<ip>`. */
  readonly deviceCodeRateLimitPerHour: number;
  /** `DEVICE_LOOKUP_RATE_LIMIT_PER_5MIN`: bucket `rl:device_lookup:ip:<ip>`. */
  readonly deviceLookupRateLimitPer5Min: number;
  /** `DEVICE_LOOKUP_FAILURE_BUDGET_PER_HOUR`: bucket `rl:device_lookup_miss:global`. */
  readonly deviceLookupFailureBudgetPerHour: number;
  /** `DEVICE_FLOW_APPROVE_RATE_LIMIT_PER_HOUR`: bucket `rl:device_decision:account:<account_id>`. */
  readonly approveRateLimitPerHour: number;
  /** `ENABLE_OAUTH_BEARER`: when false, approve and deny answer `bearer_auth_disabled`. */
  readonly enableOAuthBearer: boolean;
}

/** The env values device-flow settings are made from (`deviceFlowEnv` plus `CONSOLE_WEB_URL`). */
export interface DeviceFlowEnvValues {
  readonly CONSOLE_WEB_URL: string;
  readonly OPENAPI_KNOWN_CLIENT_IDS: readonly string[];
  readonly DEVICE_CODE_RATE_LIMIT_PER_HOUR: number;
  readonly DEVICE_LOOKUP_RATE_LIMIT_PER_5MIN: number;
  readonly DEVICE_LOOKUP_FAILURE_BUDGET_PER_HOUR: number;
  readonly DEVICE_FLOW_APPROVE_RATE_LIMIT_PER_HOUR: number;
  readonly ENABLE_OAUTH_BEARER: boolean;
}

export function deviceFlowSettingsFrom(values: DeviceFlowEnvValues): DeviceFlowSettings {
  return {
    consoleWebUrl: values.CONSOLE_WEB_URL,
    knownClientIds: values.OPENAPI_KNOWN_CLIENT_IDS,
    deviceCodeRateLimitPerHour: values.DEVICE_CODE_RATE_LIMIT_PER_HOUR,
    deviceLookupRateLimitPer5Min: values.DEVICE_LOOKUP_RATE_LIMIT_PER_5MIN,
    deviceLookupFailureBudgetPerHour: values.DEVICE_LOOKUP_FAILURE_BUDGET_PER_HOUR,
    approveRateLimitPerHour: values.DEVICE_FLOW_APPROVE_RATE_LIMIT_PER_HOUR,
    enableOAuthBearer: values.ENABLE_OAUTH_BEARER,
  };
}

/** Injection token of the frozen DeviceFlowSettings. */
export const DEVICE_FLOW_SETTINGS = Symbol('DEVICE_FLOW_SETTINGS');

/**
 * The wall clock of the device-flow services: `created_at`, `expires_in` and the approval time.
 * Throttling and lifetimes use the Redis clock inside the scripts, never this one. Injected so
 * tests can pin the time where expiry matters.
 */
export type DeviceFlowClock = () => Date;

/** Injection token of the DeviceFlowClock. */
export const DEVICE_FLOW_CLOCK = Symbol('DEVICE_FLOW_CLOCK');
