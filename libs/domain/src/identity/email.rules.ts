/**
 * Emails are trimmed and lower-cased before they are stored, compared, hashed or used in a key
 * (docs/device-flow.md, "Wire conventions"), so one mailbox never yields two identities or two
 * rate-limit buckets.
 */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}
