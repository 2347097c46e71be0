import type { EnvOf } from '@dify/platform';
import type { LicenseSettings, licensingEnv } from './licensing.env';

/** The licence settings out of a process config that spread `licensingEnv` into its schema. */
export function licenseSettingsFrom(config: EnvOf<typeof licensingEnv>): LicenseSettings {
  return {
    licenseKey: config.LICENSE_KEY,
    publicKeyPem: config.LICENSE_PUBLIC_KEY,
    expiringDays: config.LICENSE_EXPIRING_DAYS,
  };
}
