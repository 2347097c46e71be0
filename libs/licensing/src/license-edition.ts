/**
 * Editions as `/openapi/v1/_version` and `/console/api/system-features` report them
 * (docs/licensing.md, "Editions"). Wire values: clients branch on them, so renaming one breaks
 * them.
 */
export const LICENSE_EDITION = {
  community: 'community',
  enterprise: 'enterprise',
} as const;
export type LicenseEdition = (typeof LICENSE_EDITION)[keyof typeof LICENSE_EDITION];

/**
 * The edition follows whether a licence is installed at all, not whether it is valid: a
 * deployment with a broken key is still an enterprise deployment whose licence needs fixing.
 * Blank counts as unset, exactly as `evaluateLicense` treats it (status `none`).
 */
export function editionOf(licenseKey: string | null | undefined): LicenseEdition {
  return (licenseKey ?? '').trim() === '' ? LICENSE_EDITION.community : LICENSE_EDITION.enterprise;
}
