import type { LicenseEdition, ObservedLicenseStatus } from '@dify/licensing';

/**
 * `GET /console/api/system-features` (docs/console.md, "System features"): what the web pages
 * switch on.
 */
export interface SystemFeaturesResponse {
  readonly edition: LicenseEdition;
  /** One of the six statuses, or `unknown` when the shared value is none of them. */
  readonly license: { readonly status: ObservedLicenseStatus };
  readonly device_flow: { readonly sso_available: boolean };
}
