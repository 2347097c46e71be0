import { type LicenseSettings, licenseSettingsFrom, type licensingEnv } from '@dify/licensing';
import type { EnvOf } from '@dify/platform';
import type { systemEnv } from './system.env';

export interface SystemSettings {
  readonly license: LicenseSettings;
  /** `SSO_ISSUER`; empty when the SSO branch is not configured. */
  readonly ssoIssuer: string;
}

/** Injection token of the system settings. */
export const SYSTEM_SETTINGS = Symbol('SYSTEM_SETTINGS');

/** The settings out of a config whose schema spread `systemEnv` and `licensingEnv`. */
export function systemSettingsFrom(
  config: EnvOf<typeof systemEnv> & EnvOf<typeof licensingEnv>,
): SystemSettings {
  return { license: licenseSettingsFrom(config), ssoIssuer: config.SSO_ISSUER };
}
