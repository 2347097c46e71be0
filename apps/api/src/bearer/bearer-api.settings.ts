import { type LicenseSettings, licenseSettingsFrom, type licensingEnv } from '@dify/licensing';
import type { EnvOf } from '@dify/platform';
import type { bearerApiEnv } from './bearer-api.env';

/** What the bearer API needs from the gateway's config, and nothing more. */
export interface BearerApiSettings {
  /** `ENABLE_OAUTH_BEARER`: when false every bearer route answers 503 `bearer_auth_disabled`. */
  readonly enabled: boolean;
  /** `OPENAPI_RATE_LIMIT_PER_TOKEN`: requests per minute per token; 0 skips the limiter entirely. */
  readonly perTokenPerMinute: number;
  /** `ACCOUNT_RATE_LIMIT_PER_MINUTE`: the extra bucket of `GET /openapi/v1/account`. */
  readonly accountPerMinute: number;
  /**
   * The licence the bearer gate (docs/bearer-api.md, "Route requirements") and `/_version`'s
   * edition are judged by.
   */
  readonly license: LicenseSettings;
}

/** Injection token of the bearer API settings. */
export const BEARER_API_SETTINGS = Symbol('BEARER_API_SETTINGS');

/** The settings out of a config whose schema spread `bearerApiEnv` and `licensingEnv`. */
export function bearerApiSettingsFrom(
  config: EnvOf<typeof bearerApiEnv> & EnvOf<typeof licensingEnv>,
): BearerApiSettings {
  return {
    enabled: config.ENABLE_OAUTH_BEARER,
    perTokenPerMinute: config.OPENAPI_RATE_LIMIT_PER_TOKEN,
    accountPerMinute: config.ACCOUNT_RATE_LIMIT_PER_MINUTE,
    license: licenseSettingsFrom(config),
  };
}
