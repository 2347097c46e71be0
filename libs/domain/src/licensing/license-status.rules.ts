/**
 * Licence statuses (docs/licensing.md, "Statuses"). They are stored in Redis (`license:status`) and
 * returned by `/console/api/system-features`; renaming one breaks values in flight.
 */
export const LicenseStatus = {
  none: 'none',
  inactive: 'inactive',
  active: 'active',
  expiring: 'expiring',
  expired: 'expired',
  lost: 'lost',
} as const;
export type LicenseStatus = (typeof LicenseStatus)[keyof typeof LicenseStatus];

const ALL_STATUSES: readonly unknown[] = Object.values(LicenseStatus);

// Both gates are allowlists: a status added later, a typo in Redis or a value that cannot be
// parsed matches neither list and is denied.
const ENTERPRISE_ALLOWED: readonly unknown[] = [LicenseStatus.active, LicenseStatus.expiring];
const BEARER_API_ALLOWED: readonly unknown[] = [
  LicenseStatus.none,
  LicenseStatus.active,
  LicenseStatus.expiring,
];

/** The status when the value is exactly one of the six, else `null`. */
export function parseLicenseStatus(value: unknown): LicenseStatus | null {
  return ALL_STATUSES.includes(value) ? (value as LicenseStatus) : null;
}

/** Enterprise-only features (the whole SSO branch): `active` or `expiring` only. */
export function allowsEnterpriseFeatures(status: unknown): boolean {
  return ENTERPRISE_ALLOWED.includes(status);
}

/** The bearer API: `none` (community edition), `active` or `expiring` only. */
export function allowsBearerApi(status: unknown): boolean {
  return BEARER_API_ALLOWED.includes(status);
}
